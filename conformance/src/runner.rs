//! Running cells: one spec under one combination, then the whole matrix in
//! parallel.
//!
//! Each cell runs in-process on a thread of its own with a large stack
//! ([`CELL_STACK`]); the engine's panic is caught and reported as a crash,
//! and a cell that outlives its wall-clock limit is reported as a timeout and
//! abandoned (its thread is detached; the interpreter's own step budget,
//! `Job::max_steps`, is what normally stops a runaway script long before).
//! The run always goes on.

use crate::components::Combination;
use crate::diff::diff;
use crate::engine::{Engine, Job, RunOutput};
use crate::spec::{DEFAULT_MAX_STEPS, DEFAULT_TIMEOUT, Expected, Spec, last_line};
use crate::suite::Suite;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, Once, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

/// Stack size of a cell thread (virtual memory; touched only as deep as the
/// interpreter recurses).
pub const CELL_STACK: usize = 256 << 20;
/// Cell threads are named with this prefix; the panic hook stays quiet for them.
pub const CELL_THREAD_PREFIX: &str = "conformance-cell:";

/// How a cell ended, after comparing with CPython and applying capabilities
/// and the known-failures list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Same stdout and status as CPython.
    Pass,
    /// The combination lacks a capability the spec needs, and the output
    /// differs: as expected.
    ExpectedDivergence,
    /// Listed in `known-failures.txt`, and it failed.
    KnownFailure,
    /// Output or status differs from CPython's.
    Fail,
    /// The engine panicked.
    Crash,
    /// The cell exceeded its wall-clock limit.
    Timeout,
    /// An expected divergence produced CPython's output after all: the spec's
    /// `requires` is wrong, or it does not exercise what it claims.
    UnexpectedPass,
    /// Listed in `known-failures.txt`, yet it passed: remove the entry.
    Fixed,
}

impl Outcome {
    /// Every outcome, in report order.
    pub const ALL: [Outcome; 8] = [
        Outcome::Pass,
        Outcome::ExpectedDivergence,
        Outcome::KnownFailure,
        Outcome::Fail,
        Outcome::Crash,
        Outcome::Timeout,
        Outcome::UnexpectedPass,
        Outcome::Fixed,
    ];

    /// Does this outcome make the run fail?
    pub fn fails_run(self) -> bool {
        !matches!(
            self,
            Outcome::Pass | Outcome::ExpectedDivergence | Outcome::KnownFailure
        )
    }

    /// One character for the matrix.
    pub fn symbol(self) -> char {
        match self {
            Outcome::Pass => '.',
            Outcome::ExpectedDivergence => 'd',
            Outcome::KnownFailure => 'k',
            Outcome::Fail => 'F',
            Outcome::Crash => 'C',
            Outcome::Timeout => 'T',
            Outcome::UnexpectedPass => 'X',
            Outcome::Fixed => '!',
        }
    }

    /// Human label.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::ExpectedDivergence => "expected divergence",
            Outcome::KnownFailure => "known failure",
            Outcome::Fail => "FAIL",
            Outcome::Crash => "CRASH",
            Outcome::Timeout => "TIMEOUT",
            Outcome::UnexpectedPass => "UNEXPECTED PASS",
            Outcome::Fixed => "FIXED (remove from known-failures.txt)",
        }
    }
}

/// The result of one cell.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CellResult {
    /// Spec name.
    pub spec: String,
    /// The combination.
    pub combination: Combination,
    /// How it ended.
    pub outcome: Outcome,
    /// Capabilities the spec needs that the combination lacks.
    pub missing: Vec<String>,
    /// The known-failures reason, when an entry covers the cell.
    pub known_reason: Option<String>,
    /// What went wrong: a diff of expected and actual output, the status,
    /// the panic message (empty for a pass).
    pub detail: String,
    /// Wall-clock time of the cell.
    #[serde(
        rename = "duration_ms",
        serialize_with = "as_millis",
        deserialize_with = "from_millis"
    )]
    pub duration: Duration,
}

fn from_millis<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let ms = f64::deserialize(d)?;
    Ok(Duration::try_from_secs_f64(ms / 1000.0).unwrap_or_default())
}

fn as_millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64() * 1000.0)
}

/// Limits and parallelism.
#[derive(Clone, Copy, Debug)]
pub struct RunOptions {
    /// Cells run at once (default: the number of cores).
    pub jobs: usize,
    /// Wall-clock limit for specs whose header sets none.
    pub default_timeout: Duration,
    /// Step budget for specs whose header sets none.
    pub default_max_steps: u64,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            jobs: thread::available_parallelism().map_or(2, usize::from),
            default_timeout: DEFAULT_TIMEOUT,
            default_max_steps: DEFAULT_MAX_STEPS,
        }
    }
}

/// What the engine did, before comparison.
pub(crate) enum Raw {
    /// It finished.
    Output(RunOutput),
    /// It panicked (or its process died), with the message.
    Panicked(String),
    /// It did not answer within the limit.
    TimedOut(Duration),
}

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Route panics of cell threads into [`LAST_PANIC`] instead of stderr, so a
/// crash is reported once, in the cell's report line, with its location.
fn install_panic_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let is_cell = thread::current()
                .name()
                .is_some_and(|n| n.starts_with(CELL_THREAD_PREFIX));
            if is_cell {
                LAST_PANIC.with(|p| *p.borrow_mut() = Some(info.to_string()));
            } else {
                previous(info);
            }
        }));
    });
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    LAST_PANIC
        .with(|p| p.borrow_mut().take())
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panicked with a non-string payload".to_owned())
}

/// Run `job` on a fresh big-stack thread, catching panics and giving up after
/// `timeout`.
fn execute(engine: &Arc<dyn Engine>, job: Job, timeout: Duration) -> Raw {
    install_panic_hook();
    let (tx, rx) = mpsc::channel();
    let engine = Arc::clone(engine);
    let spawned = thread::Builder::new()
        .name(format!("{CELL_THREAD_PREFIX}{}", job.filename))
        .stack_size(CELL_STACK)
        .spawn(move || {
            let raw = match panic::catch_unwind(AssertUnwindSafe(|| engine.run(&job))) {
                Ok(out) => Raw::Output(out),
                Err(payload) => Raw::Panicked(format!(
                    "the engine panicked: {}",
                    panic_message(payload.as_ref())
                )),
            };
            // The receiver is gone only when the cell already timed out.
            let _ = tx.send(raw);
        });
    let handle = match spawned {
        Ok(h) => h,
        Err(e) => return Raw::Panicked(format!("cannot start the cell thread: {e}")),
    };
    match rx.recv_timeout(timeout) {
        Ok(raw) => {
            // The thread has sent its result and is finishing: reap it.
            let _ = handle.join();
            raw
        }
        Err(RecvTimeoutError::Timeout) => Raw::TimedOut(timeout),
        Err(RecvTimeoutError::Disconnected) => {
            Raw::Panicked("the cell thread ended without a result".to_owned())
        }
    }
}

/// Compare a run with CPython's: `Err` holds the explanation.
pub fn compare(expected: &Expected, actual: &RunOutput) -> Result<(), String> {
    let mut problems = Vec::new();
    if expected.stdout != actual.stdout {
        problems.push(format!(
            "stdout differs (- expected, + actual):\n{}",
            diff(
                &String::from_utf8_lossy(&expected.stdout),
                &String::from_utf8_lossy(&actual.stdout)
            )
        ));
    }
    let stderr = String::from_utf8_lossy(&actual.stderr);
    if expected.status != actual.status {
        problems.push(format!(
            "exit status: expected {}, got {}",
            expected.status, actual.status
        ));
    }
    if let Some(want) = &expected.stderr_last_line {
        let got = last_line(&stderr);
        if got != Some(want.as_str()) {
            problems.push(format!(
                "last stderr line: expected `{want}`, got `{}`",
                got.unwrap_or("")
            ));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    if !stderr.trim().is_empty()
        && (expected.status != actual.status || expected.stderr_last_line.is_some())
    {
        let tail: Vec<&str> = stderr.lines().rev().take(12).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        problems.push(format!("stderr (last lines):\n{}", tail.join("\n")));
    }
    Err(problems.join("\n"))
}

/// Run one spec under one combination and classify the result.
pub fn run_cell(
    suite: &Suite,
    spec: &Spec,
    combination: &Combination,
    options: &RunOptions,
) -> CellResult {
    let start = Instant::now();
    let job = Job {
        filename: spec.filename(),
        dir: spec
            .path
            .parent()
            .map(|p| p.to_path_buf())
            .unwrap_or_default(),
        source: Arc::clone(&spec.source),
        combination: combination.clone(),
        max_steps: spec.header.max_steps.unwrap_or(options.default_max_steps),
    };
    let timeout = spec.header.timeout.unwrap_or(options.default_timeout);
    let raw = execute(&suite.engine, job, timeout);
    judge(suite, spec, combination, raw, start.elapsed())
}

/// Classify what happened to a cell: compare with CPython, then apply
/// capabilities and the known-failures list.
pub(crate) fn judge(
    suite: &Suite,
    spec: &Spec,
    combination: &Combination,
    raw: Raw,
    duration: Duration,
) -> CellResult {
    let missing: Vec<String> = suite
        .registry
        .missing(combination, &spec.header.requires)
        .into_iter()
        .map(str::to_owned)
        .collect();
    let known_entry = suite.known.find(&spec.name, &combination.id());
    let is_known = known_entry.is_some();
    let (outcome, detail) = match raw {
        Raw::Output(out) => match (compare(&spec.expected, &out), missing.is_empty()) {
            (Ok(()), true) if is_known => (
                Outcome::Fixed,
                "passes although known-failures.txt lists it".to_owned(),
            ),
            (Ok(()), true) => (Outcome::Pass, String::new()),
            (Ok(()), false) => (
                Outcome::UnexpectedPass,
                format!(
                    "matches CPython although the combination lacks {}: fix the spec's `# requires:`",
                    missing.join(", ")
                ),
            ),
            (Err(d), true) if is_known => (Outcome::KnownFailure, d),
            (Err(d), true) => (Outcome::Fail, d),
            (Err(d), false) => (
                Outcome::ExpectedDivergence,
                format!("lacks {}\n{d}", missing.join(", ")),
            ),
        },
        Raw::Panicked(message) => (
            if is_known {
                Outcome::KnownFailure
            } else {
                Outcome::Crash
            },
            message,
        ),
        Raw::TimedOut(limit) => (
            if is_known {
                Outcome::KnownFailure
            } else {
                Outcome::Timeout
            },
            format!(
                "no result after {:.1}s (wall-clock limit; raise it with `# timeout:` if the spec is slow by design)",
                limit.as_secs_f64()
            ),
        ),
    };
    CellResult {
        spec: spec.name.clone(),
        combination: combination.clone(),
        outcome,
        missing,
        known_reason: known_entry.map(|k| k.reason.clone()),
        detail,
        duration,
    }
}

/// Run `cells` (pairs of indices into `suite.specs` and `combinations`) on
/// `options.jobs` threads; `progress` sees each result as it lands. Results
/// come back in `cells` order.
pub fn run_matrix(
    suite: &Suite,
    combinations: &[Combination],
    cells: &[(usize, usize)],
    options: &RunOptions,
    progress: &(dyn Fn(&CellResult) + Sync),
) -> Vec<CellResult> {
    for_each_cell(
        suite,
        combinations,
        cells,
        options.jobs,
        &|| (),
        &|(), spec, combination| run_cell(suite, spec, combination, options),
        &|()| (),
        progress,
    )
}

/// The scheduler both modes share: `jobs` threads take cells in order, each
/// thread with its own state (`init`, e.g. a worker process, released by
/// `finish`), and `run` turns a cell into its result.
#[allow(clippy::too_many_arguments)]
pub(crate) fn for_each_cell<S>(
    suite: &Suite,
    combinations: &[Combination],
    cells: &[(usize, usize)],
    jobs: usize,
    init: &(dyn Fn() -> S + Sync),
    run: &(dyn Fn(&mut S, &Spec, &Combination) -> CellResult + Sync),
    finish: &(dyn Fn(S) + Sync),
    progress: &(dyn Fn(&CellResult) + Sync),
) -> Vec<CellResult> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<CellResult>>> = Mutex::new(vec![None; cells.len()]);
    thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, cells.len().max(1)) {
            scope.spawn(|| {
                let mut state = init();
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&(s, c)) = cells.get(index) else {
                        break;
                    };
                    let (Some(spec), Some(combination)) = (suite.specs.get(s), combinations.get(c))
                    else {
                        continue;
                    };
                    let result = run(&mut state, spec, combination);
                    progress(&result);
                    let mut slots = results.lock().unwrap_or_else(PoisonError::into_inner);
                    if let Some(slot) = slots.get_mut(index) {
                        *slot = Some(result);
                    }
                }
                finish(state);
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .into_iter()
        .flatten()
        .collect()
}
