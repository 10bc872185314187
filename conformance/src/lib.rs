//! PyMM's conformance suite: Python scripts whose expected output comes from
//! CPython 3.11, run against every combination of components.
//!
//! **What it owns.** The specs (`conformance/specs/NAME.py`, with CPython's
//! stdout in `NAME.out` and, for error cases, `NAME.status`), the header
//! format that says what a spec needs ([`spec`]), the component matrix and
//! capabilities ([`components`]), the cell runner ([`runner`]: one spec under
//! one combination, in-process, on its own big-stack thread, with a step
//! budget, a wall-clock limit and panic capture), the known-failures list
//! ([`known_failures`]), worker processes that survive a process abort
//! ([`isolation`]), the reports ([`report`]: a text matrix, JSON, JUnit
//! XML) and the oracle that re-derives expectations with `python3`
//! ([`oracle`]). `cargo xtask conformance`, `cargo xtask oracle` and the
//! `cargo test` matrix are thin shells over this crate.
//!
//! **The trait it defines.** [`Engine`]: the runner's only view of an
//! interpreter (its component registry, and "run this script under this
//! combination"). [`RuntimeEngine`] is PyMM's interpreter; [`FnEngine`] and
//! [`Python3Engine`] are for tests.
//!
//! **What it costs.** One thread spawn per cell (tens of microseconds, next
//! to milliseconds of interpretation), the script's bytes shared between
//! cells, and the cell's output held until compared. Cells run
//! `RunOptions::jobs` at a time (default: one per core).
//!
//! **How a cell is judged.** stdout must equal `NAME.out` byte for byte and
//! the exit status must match (for error-case specs, stderr's last line must
//! be the exception line as well). A combination lacking a capability the
//! spec requires is an *expected divergence*; it fails the run only if it
//! passes anyway or crashes. See [`Outcome`].
//!
//! ```
//! use conformance::{Combination, FnEngine, RunOptions, RunOutput, Suite, contract_components};
//! use std::sync::Arc;
//!
//! // A throwaway specs directory with one spec and its expected output.
//! let dir = std::env::temp_dir().join(format!("pymm-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! std::fs::write(dir.join("hello.py"), "# Print a greeting.\nprint('hi')\n").unwrap();
//! std::fs::write(dir.join("hello.out"), "hi\n").unwrap();
//!
//! // An engine that "interprets" every script by printing `hi`.
//! let engine = Arc::new(FnEngine::new(contract_components(), |_job| RunOutput {
//!     stdout: b"hi\n".to_vec(),
//!     ..RunOutput::default()
//! }));
//! let suite = Suite::load(&dir, &dir.join("known-failures.txt"), engine).unwrap();
//! let combo = Combination::new("pymalloc", "generational", "tracemalloc", "cpython");
//! let cell = suite.run_one("hello", &combo, &RunOptions::default()).unwrap();
//! assert_eq!(cell.outcome, conformance::Outcome::Pass);
//! std::fs::remove_dir_all(&dir).unwrap();
//! ```
#![forbid(unsafe_code)]

pub mod components;
pub mod diff;
pub mod engine;
pub mod isolation;
pub mod known_failures;
pub mod oracle;
pub mod pattern;
pub mod report;
pub mod runner;
pub mod spec;
pub mod suite;

pub use components::{Combination, Component, ComponentFilter, Registry, contract_components};
pub use engine::{Engine, FnEngine, Job, Python3Engine, RunOutput, RuntimeEngine};
pub use known_failures::KnownFailures;
pub use report::Report;
pub use runner::{CellResult, Outcome, RunOptions};
pub use spec::{Expected, Header, Spec, SpecError};
pub use suite::{Plan, Selection, Suite, known_failures_path, specs_dir};
