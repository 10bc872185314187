//! The conformance matrix as `cargo test` cases: one case per spec and
//! combination, through the same cell runner as `cargo xtask conformance`
//! (so `cargo nextest run --partition count:K/N` splits it too).
//!
//! A case fails exactly when the xtask would report the cell as failing
//! (FAIL, crash, timeout, unexpected pass, fixed known failure, bad spec).

use conformance::{Combination, Engine, Registry, RunOptions, RuntimeEngine, Suite};
use rstest::rstest;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

const ALLOCS: [&str; 3] = ["pymalloc", "system", "bump"];
const GCS: [&str; 3] = ["generational", "trial-deletion", "off"];
const TRACERS: [&str; 2] = ["tracemalloc", "null"];
const INTERNINGS: [&str; 2] = ["cpython", "none"];

fn suite() -> &'static Suite {
    static SUITE: OnceLock<Suite> = OnceLock::new();
    SUITE.get_or_init(|| {
        Suite::load(
            &conformance::specs_dir(),
            &conformance::known_failures_path(),
            Arc::new(RuntimeEngine),
        )
        .unwrap_or_else(|e| panic!("cannot load the conformance suite: {e}"))
    })
}

#[rstest]
fn spec(
    #[files("specs/*.py")] path: PathBuf,
    #[values("pymalloc", "system", "bump")] alloc: &str,
    #[values("generational", "trial-deletion", "off")] gc: &str,
    #[values("tracemalloc", "null")] tracer: &str,
    #[values("cpython", "none")] interning: &str,
) {
    let name = conformance::spec::spec_name(&path);
    let combination = Combination::new(alloc, gc, tracer, interning);
    let cell = suite()
        .run_one(&name, &combination, &RunOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !cell.outcome.fails_run(),
        "{} {name} [{combination}]\n{}",
        cell.outcome.label(),
        cell.detail
    );
}

/// The `#[values]` above must list exactly the registered components, so a
/// new collector, allocator, tracer or policy cannot be left out of `cargo test`.
#[test]
fn values_cover_the_registry() {
    let registry = Registry::new(RuntimeEngine.components());
    assert_eq!(
        registry.names("alloc"),
        ALLOCS,
        "update ALLOCS and #[values] of `spec`"
    );
    assert_eq!(
        registry.names("gc"),
        GCS,
        "update GCS and #[values] of `spec`"
    );
    assert_eq!(
        registry.names("tracer"),
        TRACERS,
        "update TRACERS and #[values] of `spec`"
    );
    assert_eq!(
        registry.names("interning"),
        INTERNINGS,
        "update INTERNINGS and #[values] of `spec`"
    );
}

/// The contract table the fake engines use is the real registry.
#[test]
fn contract_table_is_the_runtime_registry() {
    assert_eq!(
        RuntimeEngine.components(),
        conformance::contract_components()
    );
}

/// Every spec loads (has its `.out`, a well-formed header).
#[test]
fn every_spec_loads() {
    let s = suite();
    let errors: Vec<String> = s.errors.iter().map(|(n, e)| format!("{n}: {e}")).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert!(s.specs.len() >= 80, "only {} specs", s.specs.len());
}
