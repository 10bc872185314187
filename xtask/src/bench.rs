//! `cargo xtask bench [GROUP...] [--quick] [--rounds N]`: runs the
//! side-by-side criterion benchmarks of the `bench` crate and prints, per
//! workload, each implementation's time and its ratio to a peer, then the
//! speed budgets (a table of data below that every group adds its rows to)
//! as met or not.
//!
//! With `--rounds N` the groups run N times over and every ratio is the
//! median of its N per-round ratios: each round compares implementations
//! measured minutes apart at most, so a drift of a shared machine's speed
//! between rounds cancels out of the ratio instead of deciding it.
//!
//! Benchmark IDs are `<group>/<workload>/<impl>` (criterion group
//! `<group>/<workload>`, function `<impl>`); results are read from
//! criterion's `target/criterion/**/new/{benchmark,estimates}.json`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use serde_json::Value;

/// The benchmark groups: the `[[bench]]` targets of `bench/Cargo.toml`.
const GROUPS: &[&str] = &["alloc", "gc", "intern", "trace", "interp"];

/// The implementation each group's ratio column is measured against, unless
/// `--peer` names another.
const DEFAULT_PEERS: &[(&str, &str)] = &[
    ("alloc", "glibc"),
    ("gc", "cpython"),
    ("intern", "cpython"),
    ("trace", "cpython"),
    ("interp", "cpython"),
];

/// A speed budget: in the same run, `ours` on `group/workload` must take at
/// most `max_ratio` times the time of `peer` (so `1/1.5` means "at least
/// 1.5x faster", `1.3` means "within 1.3x").
pub(crate) struct Budget {
    pub(crate) group: &'static str,
    pub(crate) workload: &'static str,
    pub(crate) ours: &'static str,
    pub(crate) peer: &'static str,
    pub(crate) max_ratio: f64,
    /// Where the budget comes from (issue, reference figure).
    pub(crate) source: &'static str,
}

/// A [`Budget`] row; `const` so the table below reads one row a line.
const fn budget(
    group: &'static str,
    workload: &'static str,
    ours: &'static str,
    peer: &'static str,
    max_ratio: f64,
    source: &'static str,
) -> Budget {
    Budget {
        group,
        workload,
        ours,
        peer,
        max_ratio,
        source,
    }
}

/// Every budget of the project. Each group adds its rows here.
#[rustfmt::skip]
pub(crate) const BUDGETS: &[Budget] = &[
    // alloc (issue #2)
    budget("alloc", "churn", "pymalloc", "glibc", 1.0 / 1.5, "#2: PyMalloc through the trait >= 1.5x faster than glibc on churn"),
    budget("alloc", "alloc_only", "pymalloc", "bumpalo", 1.3, "#2: PyMalloc within 1.3x of bumpalo on allocate-only"),
    budget("alloc", "global_churn", "global-pymalloc-tcache", "mimalloc", 1.5, "#2: the GlobalAlloc adapter (ThreadCached over GlobalPyMalloc), single-threaded, within 1.5x of mimalloc"),
    // intern (issue #4): at least as fast as the faster of lasso and
    // string-interner on fill and hit.
    budget("intern", "fill", "pymm", "lasso", 1.0, "#4: StringInterner at least as fast as lasso on fill"),
    budget("intern", "fill", "pymm", "string-interner", 1.0, "#4: StringInterner at least as fast as string-interner on fill"),
    budget("intern", "hit", "pymm", "lasso", 1.0, "#4: StringInterner at least as fast as lasso on hit"),
    budget("intern", "hit", "pymm", "string-interner", 1.0, "#4: StringInterner at least as fast as string-interner on hit"),
    // gc (issue #3): Generational at most half of CPython 3.11's gc.collect()
    // per object on every shape, and ahead of every Rust peer measured.
    budget("gc", "cycles2_live_1e5", "generational", "cpython", 0.5, "#3: Generational at most half of CPython's per-object gc.collect() time"),
    budget("gc", "cycles2_live_1e5", "generational", "rust-cc", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "cycles2_live_1e5", "generational", "dumpster", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "cycles2_live_1e5", "generational", "bacon_rajan_cc", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "cycles2_live_1e5", "generational", "gcmodule", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "cycles2_garbage_1e5", "generational", "cpython", 0.5, "#3: Generational at most half of CPython's per-object gc.collect() time"),
    budget("gc", "cycles2_garbage_1e5", "generational", "rust-cc", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "cycles2_garbage_1e5", "generational", "dumpster", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "cycles2_garbage_1e5", "generational", "bacon_rajan_cc", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "cycles2_garbage_1e5", "generational", "gcmodule", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "tree_live_1e5", "generational", "cpython", 0.5, "#3: Generational at most half of CPython's per-object gc.collect() time"),
    budget("gc", "tree_live_1e5", "generational", "rust-cc", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "tree_live_1e5", "generational", "dumpster", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "tree_live_1e5", "generational", "bacon_rajan_cc", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "tree_live_1e5", "generational", "gcmodule", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "tree_garbage_1e5", "generational", "cpython", 0.5, "#3: Generational at most half of CPython's per-object gc.collect() time"),
    budget("gc", "tree_garbage_1e5", "generational", "rust-cc", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "tree_garbage_1e5", "generational", "dumpster", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "tree_garbage_1e5", "generational", "bacon_rajan_cc", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "tree_garbage_1e5", "generational", "gcmodule", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "random_live_1e5", "generational", "cpython", 0.5, "#3: Generational at most half of CPython's per-object gc.collect() time"),
    budget("gc", "random_live_1e5", "generational", "rust-cc", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "random_live_1e5", "generational", "dumpster", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "random_live_1e5", "generational", "bacon_rajan_cc", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "random_live_1e5", "generational", "gcmodule", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "random_garbage_1e5", "generational", "cpython", 0.5, "#3: Generational at most half of CPython's per-object gc.collect() time"),
    budget("gc", "random_garbage_1e5", "generational", "rust-cc", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "random_garbage_1e5", "generational", "dumpster", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "random_garbage_1e5", "generational", "bacon_rajan_cc", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "random_garbage_1e5", "generational", "gcmodule", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "cycles2_live_1e6", "generational", "cpython", 0.5, "#3: Generational at most half of CPython's per-object gc.collect() time"),
    budget("gc", "cycles2_live_1e6", "generational", "rust-cc", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "cycles2_live_1e6", "generational", "dumpster", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "cycles2_live_1e6", "generational", "bacon_rajan_cc", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "cycles2_live_1e6", "generational", "gcmodule", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "cycles2_garbage_1e6", "generational", "cpython", 0.5, "#3: Generational at most half of CPython's per-object gc.collect() time"),
    budget("gc", "cycles2_garbage_1e6", "generational", "rust-cc", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "cycles2_garbage_1e6", "generational", "dumpster", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "cycles2_garbage_1e6", "generational", "bacon_rajan_cc", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "cycles2_garbage_1e6", "generational", "gcmodule", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "tree_live_1e6", "generational", "cpython", 0.5, "#3: Generational at most half of CPython's per-object gc.collect() time"),
    budget("gc", "tree_live_1e6", "generational", "rust-cc", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "tree_live_1e6", "generational", "dumpster", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "tree_live_1e6", "generational", "bacon_rajan_cc", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "tree_live_1e6", "generational", "gcmodule", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "tree_garbage_1e6", "generational", "cpython", 0.5, "#3: Generational at most half of CPython's per-object gc.collect() time"),
    budget("gc", "tree_garbage_1e6", "generational", "rust-cc", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "tree_garbage_1e6", "generational", "dumpster", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "tree_garbage_1e6", "generational", "bacon_rajan_cc", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "tree_garbage_1e6", "generational", "gcmodule", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "random_live_1e6", "generational", "cpython", 0.5, "#3: Generational at most half of CPython's per-object gc.collect() time"),
    budget("gc", "random_live_1e6", "generational", "rust-cc", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "random_live_1e6", "generational", "dumpster", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "random_live_1e6", "generational", "bacon_rajan_cc", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "random_live_1e6", "generational", "gcmodule", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "random_garbage_1e6", "generational", "cpython", 0.5, "#3: Generational at most half of CPython's per-object gc.collect() time"),
    budget("gc", "random_garbage_1e6", "generational", "rust-cc", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "random_garbage_1e6", "generational", "dumpster", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "random_garbage_1e6", "generational", "bacon_rajan_cc", 1.0, "#3: Generational ahead of every Rust peer"),
    budget("gc", "random_garbage_1e6", "generational", "gcmodule", 1.0, "#3: Generational ahead of every Rust peer"),
    // trace (issue #5)
    budget("trace", "churn", "tracemalloc_1", "pymalloc", 2.0, "#5: Traced<PyMalloc> exact, 1 frame, at most 2x the untraced allocator (CPython ~11x)"),
    budget("trace", "churn", "tracemalloc_25", "pymalloc", 3.0, "#5: Traced<PyMalloc> exact, 25 frames, at most 3x the untraced allocator (CPython ~40x)"),
    budget("trace", "churn", "sampled_25", "pymalloc", 1.2, "#5: Traced<PyMalloc> sampling (512 KiB mean), at most 1.2x the untraced allocator"),
    budget("trace", "build", "tracemalloc_1", "pymalloc", 2.0, "#5: Traced<PyMalloc> exact, 1 frame, at most 2x the untraced allocator (CPython ~11x)"),
    budget("trace", "build", "tracemalloc_25", "pymalloc", 3.0, "#5: Traced<PyMalloc> exact, 25 frames, at most 3x the untraced allocator (CPython ~40x)"),
    budget("trace", "build", "sampled_25", "pymalloc", 1.2, "#5: Traced<PyMalloc> sampling (512 KiB mean), at most 1.2x the untraced allocator"),
    // interp (issue #6): the interpreter within 3x of CPython's time (first goal).
    budget("interp", "list_append", "pymm", "cpython", 3.0, "#6: the interpreter within 3x of CPython's time (first goal)"),
    budget("interp", "linked_objects", "pymm", "cpython", 3.0, "#6: the interpreter within 3x of CPython's time (first goal)"),
    budget("interp", "dict_of_str", "pymm", "cpython", 3.0, "#6: the interpreter within 3x of CPython's time (first goal)"),
    budget("interp", "calls", "pymm", "cpython", 3.0, "#6: the interpreter within 3x of CPython's time (first goal)"),
];

const HELP: &str = "\
usage: cargo xtask bench [GROUP...] [FLAGS]

Run the side-by-side benchmarks of the `bench` crate (`cargo bench -p bench
--bench GROUP` for each GROUP; all groups when none is given), then read
criterion's results (target/criterion/**/new/estimates.json) and print:
  - per workload, each implementation's median time and its ratio to the
    group's peer (time / peer time: below 1 is faster than the peer);
  - the speed budgets of those groups (xtask/src/bench.rs, BUDGETS):
    workload, ours, peer, required ratio, measured ratio, met / NOT MET.

Groups: alloc, gc, intern, trace, interp.

Flags:
  --quick         short runs (0.3 s warm-up, 1 s measurement, 10 samples)
  --rounds N      run the groups N times over (default 1); every ratio is
                  then the median of its N per-round ratios, and each time
                  shown the median of its N per-round medians
  --report-only   do not run anything; report the results already on disk
  --peer NAME     measure the ratio column against NAME instead of the
                  group's default peer (alloc: glibc; others: cpython)
  -h, --help      this text

Exit status: 0 when every budget of the selected groups is met; 1 when a
budget is not met, a budgeted benchmark has no result, or cargo bench
failed; 2 on a usage error.";

#[derive(Debug)]
struct Options {
    groups: Vec<String>,
    quick: bool,
    /// How many times the groups run (`--rounds`); at least 1.
    rounds: usize,
    report_only: bool,
    peer: Option<String>,
}

fn parse(args: &[String]) -> Result<Option<Options>, String> {
    let mut opts = Options {
        groups: Vec::new(),
        quick: false,
        rounds: 1,
        report_only: false,
        peer: None,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--quick" => opts.quick = true,
            "--report-only" => opts.report_only = true,
            "--rounds" => {
                let n = it.next().ok_or("--rounds needs a number")?;
                opts.rounds = match n.parse::<usize>() {
                    Ok(n) if n >= 1 => n,
                    _ => return Err(format!("--rounds needs a number of at least 1, not `{n}`")),
                };
            }
            "--peer" => {
                let name = it.next().ok_or("--peer needs a name")?;
                opts.peer = Some(name.clone());
            }
            flag if flag.starts_with('-') => return Err(format!("unknown flag `{flag}`")),
            group if GROUPS.contains(&group) => {
                if !opts.groups.iter().any(|g| g == group) {
                    opts.groups.push(group.to_string());
                }
            }
            other => {
                return Err(format!(
                    "unknown group `{other}` (groups: {})",
                    GROUPS.join(", ")
                ));
            }
        }
    }
    if opts.groups.is_empty() {
        opts.groups = GROUPS.iter().map(|g| g.to_string()).collect();
    }
    Ok(Some(opts))
}

/// `cargo xtask bench`.
pub(crate) fn main(args: &[String]) -> ExitCode {
    let opts = match parse(args) {
        Ok(Some(opts)) => opts,
        Ok(None) => {
            println!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("cargo xtask bench: {e}\n\n{HELP}");
            return ExitCode::from(2);
        }
    };
    let root = workspace_root();
    let mut failed = false;
    // Each round's results, read back from criterion's files after it.
    let mut rounds = Vec::new();
    let runs = if opts.report_only { 1 } else { opts.rounds };
    for round in 1..=runs {
        if !opts.report_only {
            if runs > 1 {
                eprintln!("cargo xtask bench: round {round} of {runs}");
            }
            for group in &opts.groups {
                if let Err(e) = run_group(&root, group, opts.quick) {
                    eprintln!("cargo xtask bench: {e}");
                    failed = true;
                }
            }
        }
        match read_results(&criterion_dir(&root)) {
            Ok(results) => rounds.push(results),
            Err(e) => {
                eprintln!("cargo xtask bench: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let (report, budgets_ok) = report(&rounds, &opts);
    print!("{report}");
    if failed || !budgets_ok {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The workspace root: the parent of this crate's manifest directory.
fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Where criterion writes: `$CARGO_TARGET_DIR/criterion` or `target/criterion`.
fn criterion_dir(root: &Path) -> PathBuf {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    target.join("criterion")
}

fn run_group(root: &Path, group: &str, quick: bool) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root)
        .args(["bench", "-p", "bench", "--bench", group, "--"]);
    if quick {
        cmd.args([
            "--warm-up-time",
            "0.3",
            "--measurement-time",
            "1",
            "--sample-size",
            "10",
        ]);
    }
    eprintln!(
        "cargo xtask bench: running group `{group}`{}",
        if quick { " (quick)" } else { "" }
    );
    let status = cmd.status().map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "`cargo bench -p bench --bench {group}` failed ({status})"
        ))
    }
}

/// One criterion result: `group/workload/impl` and its median time in ns
/// (the median, not the mean: one preempted sample on a shared machine
/// moves the mean of a 10-sample run by more than a budget's margin, and
/// CPython's figures, measured by its own script, are medians too).
#[derive(Debug, Clone, PartialEq)]
struct Measurement {
    group: String,
    workload: String,
    implementation: String,
    median_ns: f64,
}

impl Measurement {
    /// Its (group, workload, implementation).
    fn key(&self) -> Key<'_> {
        (&self.group, &self.workload, &self.implementation)
    }
}

/// Reads every `new/benchmark.json` + `new/estimates.json` pair below `dir`.
/// A missing directory means no results yet (an empty list).
fn read_results(dir: &Path) -> Result<Vec<Measurement>, String> {
    let mut out = Vec::new();
    if dir.is_dir() {
        walk(dir, &mut out)?;
    }
    out.sort_by(|a, b| a.key().cmp(&b.key()));
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<Measurement>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        if path.file_name().is_some_and(|n| n == "new") {
            let (bench, estimates) = (path.join("benchmark.json"), path.join("estimates.json"));
            if bench.is_file() && estimates.is_file() {
                out.extend(parse_measurement(
                    &read_json(&bench)?,
                    &read_json(&estimates)?,
                ));
            }
        } else {
            walk(&path, out)?;
        }
    }
    Ok(())
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{} is not valid JSON: {e}", path.display()))
}

/// Builds a measurement from criterion's `benchmark.json` (`group_id`,
/// `function_id`, `value_str`) and `estimates.json` (`median.point_estimate`,
/// in nanoseconds). IDs that are not `group/workload/impl` are skipped.
fn parse_measurement(benchmark: &Value, estimates: &Value) -> Option<Measurement> {
    let mut parts: Vec<&str> = Vec::new();
    for key in ["group_id", "function_id", "value_str"] {
        if let Some(s) = benchmark.get(key).and_then(Value::as_str) {
            parts.extend(s.split('/'));
        }
    }
    let [group, workload @ .., implementation] = parts.as_slice() else {
        return None;
    };
    if workload.is_empty() {
        return None;
    }
    let median_ns = estimates.get("median")?.get("point_estimate")?.as_f64()?;
    Some(Measurement {
        group: group.to_string(),
        workload: workload.join("/"),
        implementation: implementation.to_string(),
        median_ns,
    })
}

/// `1234.5` ns → `"1.23 µs"`.
fn format_time(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}

/// `ours / peer` as words: `0.55 (1.82x faster)`.
fn describe_ratio(ratio: f64) -> String {
    if ratio <= 1.0 {
        format!("{ratio:.2} ({:.2}x faster)", 1.0 / ratio)
    } else {
        format!("{ratio:.2} ({ratio:.2}x slower)")
    }
}

fn describe_requirement(max_ratio: f64) -> String {
    if max_ratio < 1.0 {
        format!("<= {max_ratio:.2} (>= {:.2}x faster)", 1.0 / max_ratio)
    } else {
        format!("<= {max_ratio:.2} (within {max_ratio:.2}x)")
    }
}

/// A measurement's key: (group, workload, implementation).
type Key<'a> = (&'a str, &'a str, &'a str);

/// Each round's median times by key.
struct Rounds<'a> {
    rounds: Vec<BTreeMap<Key<'a>, f64>>,
}

impl<'a> Rounds<'a> {
    fn new(rounds: &'a [Vec<Measurement>]) -> Self {
        let rounds = rounds
            .iter()
            .map(|results| results.iter().map(|m| (m.key(), m.median_ns)).collect())
            .collect();
        Self { rounds }
    }

    /// The median over the rounds of `key`'s median time.
    fn time(&self, key: Key<'_>) -> Option<f64> {
        median(
            self.rounds
                .iter()
                .filter_map(|r| r.get(&key).copied())
                .collect(),
        )
    }

    /// `ours / peer` in each round that measured both (in round order).
    fn ratios(&self, ours: Key<'_>, peer: Key<'_>) -> Vec<f64> {
        self.rounds
            .iter()
            .filter_map(|r| Some(r.get(&ours)? / r.get(&peer)?))
            .collect()
    }
}

/// The median of `values` (the mean of the middle two for an even count);
/// `None` when empty.
fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    match values.len() {
        0 => None,
        n if n % 2 == 1 => Some(values[mid]),
        _ => Some((values[mid - 1] + values[mid]) / 2.0),
    }
}

/// The per-workload tables and the budget table, from one or more rounds
/// of results (see the module documentation); `false` when a budget of a
/// selected group is not met or has no result.
fn report(rounds: &[Vec<Measurement>], opts: &Options) -> (String, bool) {
    let mut out = String::new();
    let by_round = Rounds::new(rounds);
    // The implementations of each workload, from every round, in order.
    let mut results: Vec<&Measurement> = rounds.iter().flatten().collect();
    results.sort_by_key(|m| m.key());
    results.dedup_by_key(|m| m.key());
    if rounds.len() > 1 {
        let _ = writeln!(
            out,
            "\n{} rounds: times are medians of the per-round medians, ratios medians of the per-round ratios",
            rounds.len()
        );
    }
    for group in &opts.groups {
        let in_group: Vec<&Measurement> = results
            .iter()
            .copied()
            .filter(|m| &m.group == group)
            .collect();
        if in_group.is_empty() {
            let _ = writeln!(out, "\n{group}: no results");
            continue;
        }
        let peer = opts.peer.clone().unwrap_or_else(|| {
            DEFAULT_PEERS
                .iter()
                .find(|(g, _)| g == group)
                .map_or("", |(_, p)| p)
                .to_string()
        });
        let mut workloads: Vec<&str> = in_group.iter().map(|m| m.workload.as_str()).collect();
        workloads.dedup();
        for workload in workloads {
            let peer_key = (group.as_str(), workload, peer.as_str());
            let _ = writeln!(out, "\n{group}/{workload}");
            let _ = writeln!(
                out,
                "  {:<20} {:>12}   vs {peer}",
                "implementation", "median time"
            );
            for m in in_group.iter().filter(|m| m.workload == workload) {
                let key = (group.as_str(), workload, m.implementation.as_str());
                let ratio = median(by_round.ratios(key, peer_key))
                    .map_or_else(|| "-".to_string(), |r| format!("{r:.2}x"));
                let time = by_round
                    .time(key)
                    .map_or_else(|| "-".to_string(), format_time);
                let _ = writeln!(out, "  {:<20} {:>12}   {ratio}", m.implementation, time);
            }
        }
    }
    let budgets: Vec<&Budget> = BUDGETS
        .iter()
        .filter(|b| opts.groups.iter().any(|g| g == b.group))
        .collect();
    let mut all_met = true;
    if !budgets.is_empty() {
        let _ = writeln!(
            out,
            "\nSpeed budgets (ratio = ours / peer median time, same run; with rounds, the median of the per-round ratios)"
        );
        let _ = writeln!(
            out,
            "  {:<22} {:<24} {:<10} {:<30} {:<26} status",
            "workload", "ours", "peer", "required", "measured"
        );
        for b in budgets {
            let ratios =
                by_round.ratios((b.group, b.workload, b.ours), (b.group, b.workload, b.peer));
            let (measured, status) = match median(ratios.clone()) {
                Some(ratio) => {
                    let met = ratio <= b.max_ratio;
                    all_met &= met;
                    (describe_ratio(ratio), if met { "met" } else { "NOT MET" })
                }
                None => {
                    all_met = false;
                    ("no result".to_string(), "NOT MET")
                }
            };
            let _ = writeln!(
                out,
                "  {:<22} {:<24} {:<10} {:<30} {:<26} {status}",
                format!("{}/{}", b.group, b.workload),
                b.ours,
                b.peer,
                describe_requirement(b.max_ratio),
                measured
            );
            if ratios.len() > 1 {
                let each: Vec<String> = ratios.iter().map(|r| format!("{r:.2}")).collect();
                let _ = writeln!(out, "      {} (per round: {})", b.source, each.join(" "));
            } else {
                let _ = writeln!(out, "      {}", b.source);
            }
        }
    }
    (out, all_met)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_groups_and_flags() {
        let opts = parse(&args(&["alloc", "--quick", "gc", "alloc"]))
            .unwrap()
            .unwrap();
        assert_eq!(opts.groups, ["alloc", "gc"]);
        assert!(opts.quick && !opts.report_only);
        let all = parse(&args(&[])).unwrap().unwrap();
        assert_eq!(all.groups.len(), GROUPS.len());
        assert!(parse(&args(&["--help"])).unwrap().is_none());
        assert!(
            parse(&args(&["nope"]))
                .unwrap_err()
                .contains("unknown group")
        );
        assert!(
            parse(&args(&["--fast"]))
                .unwrap_err()
                .contains("unknown flag")
        );
        assert!(parse(&args(&["--peer"])).is_err());
    }

    #[test]
    fn reads_criterion_ids_and_medians() {
        let bench = serde_json::json!({"group_id": "alloc/churn", "function_id": "pymalloc", "value_str": null});
        let est = serde_json::json!({"mean": {"point_estimate": 9000.0}, "median": {"point_estimate": 1500.0}});
        let m = parse_measurement(&bench, &est).unwrap();
        assert_eq!(
            (
                m.group.as_str(),
                m.workload.as_str(),
                m.implementation.as_str()
            ),
            ("alloc", "churn", "pymalloc")
        );
        assert_eq!(m.median_ns, 1500.0);
        let flat = serde_json::json!({"group_id": "lonely", "function_id": null});
        assert!(parse_measurement(&flat, &est).is_none());
        assert!(parse_measurement(&bench, &serde_json::json!({})).is_none());
    }

    /// A result of the `alloc` group.
    fn alloc(workload: &str, implementation: &str, median_ns: f64) -> Measurement {
        Measurement {
            group: "alloc".into(),
            workload: workload.into(),
            implementation: implementation.into(),
            median_ns,
        }
    }

    /// A report of the `alloc` group only.
    fn alloc_opts(rounds: usize) -> Options {
        Options {
            groups: vec!["alloc".into()],
            quick: false,
            rounds,
            report_only: true,
            peer: None,
        }
    }

    #[test]
    fn budgets_are_judged_on_the_ratio() {
        let m = alloc;
        let opts = alloc_opts(1);
        let good = vec![
            m("churn", "pymalloc", 50.0),
            m("churn", "glibc", 100.0),
            m("alloc_only", "pymalloc", 12.0),
            m("alloc_only", "bumpalo", 10.0),
            m("global_churn", "global-pymalloc-tcache", 14.0),
            m("global_churn", "mimalloc", 10.0),
        ];
        let (text, met) = report(std::slice::from_ref(&good), &opts);
        assert!(met, "{text}");
        assert!(text.contains("0.50 (2.00x faster)"), "{text}");
        let mut bad = good.clone();
        bad[0].median_ns = 80.0; // only 1.25x faster than glibc
        let (text, met) = report(std::slice::from_ref(&bad), &opts);
        assert!(!met);
        assert!(text.contains("NOT MET"), "{text}");
        let (_, met) = report(&[good[1..].to_vec()], &opts);
        assert!(!met, "a budget without a result is not met");
    }

    #[test]
    fn parses_rounds() {
        assert_eq!(parse(&args(&["gc"])).unwrap().unwrap().rounds, 1);
        let opts = parse(&args(&["gc", "--rounds", "3"])).unwrap().unwrap();
        assert_eq!(
            (opts.groups.as_slice(), opts.rounds),
            (&["gc".to_string()][..], 3)
        );
        for bad in [&["--rounds"][..], &["--rounds", "0"], &["--rounds", "x"]] {
            let err = parse(&args(bad)).unwrap_err();
            assert!(err.contains("--rounds needs a number"), "{err}");
        }
    }

    #[test]
    fn rounds_judge_the_median_of_paired_ratios() {
        let m = alloc;
        let opts = alloc_opts(3);
        // Round 2 ran while the machine was twice as slow, for both sides:
        // the paired ratio is still 0.45. Round 3's ratio (0.70) misses on
        // its own; the median of 0.40, 0.45 and 0.70 is met.
        let round = |ours: f64, glibc: f64| {
            vec![
                m("churn", "pymalloc", ours),
                m("churn", "glibc", glibc),
                m("alloc_only", "pymalloc", 10.0),
                m("alloc_only", "bumpalo", 10.0),
                m("global_churn", "global-pymalloc-tcache", 10.0),
                m("global_churn", "mimalloc", 10.0),
            ]
        };
        let rounds = [round(40.0, 100.0), round(90.0, 200.0), round(70.0, 100.0)];
        let (text, met) = report(&rounds, &opts);
        assert!(met, "{text}");
        assert!(text.contains("0.45 (2.22x faster)"), "{text}");
        assert!(text.contains("(per round: 0.40 0.45 0.70)"), "{text}");
        // Times are medians of the per-round medians: 70 ns for pymalloc.
        assert!(text.contains("70.0 ns"), "{text}");
        // Two rounds of three missing: not met.
        let rounds = [round(40.0, 100.0), round(140.0, 200.0), round(70.0, 100.0)];
        let (text, met) = report(&rounds, &opts);
        assert!(!met, "{text}");
        // A round without the peer's result does not count.
        let mut partial = round(90.0, 100.0);
        partial.retain(|x| x.implementation != "glibc");
        let rounds = [round(40.0, 100.0), partial];
        let (text, met) = report(&rounds, &opts);
        assert!(met, "{text}");
        assert!(text.contains("0.40 (2.50x faster)"), "{text}");
    }

    #[test]
    fn every_budget_names_a_known_group() {
        for b in BUDGETS {
            assert!(GROUPS.contains(&b.group), "{}", b.group);
            assert!(b.max_ratio > 0.0);
        }
    }

    #[test]
    fn times_are_human_readable() {
        assert_eq!(format_time(12.34), "12.3 ns");
        assert_eq!(format_time(1234.0), "1.23 µs");
        assert_eq!(format_time(2_500_000.0), "2.50 ms");
    }
}
