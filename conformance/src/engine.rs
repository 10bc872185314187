//! What runs a script: the [`Engine`] trait, and its implementations.
//!
//! The runner never names the interpreter; it asks an engine for its
//! component registry and to run one script under one combination. The real
//! engine is [`RuntimeEngine`] (PyMM's interpreter, in-process); tests use
//! [`FnEngine`] (a closure: canned outputs, hangs, panics) and
//! [`Python3Engine`] (CPython itself, whatever the combination).

use crate::components::{Combination, Component};
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

/// One script run under one combination.
#[derive(Clone, Debug)]
pub struct Job {
    /// The name the script runs under (`NAME.py`; tracebacks show it).
    pub filename: String,
    /// The directory the spec lives in (engines that need a working
    /// directory run there).
    pub dir: PathBuf,
    /// The script.
    pub source: Arc<[u8]>,
    /// The components to compose.
    pub combination: Combination,
    /// The interpreter's step budget.
    pub max_steps: u64,
}

/// What a run printed and how it ended.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunOutput {
    /// Everything written to stdout.
    pub stdout: Vec<u8>,
    /// Everything written to stderr.
    pub stderr: Vec<u8>,
    /// The exit status (1 after an uncaught exception).
    pub status: i32,
}

/// Something that runs scripts under a combination of components.
///
/// `run` may panic: the runner catches the panic and reports the cell as a
/// crash. It should honour `Job::max_steps`; the runner enforces a wall-clock
/// limit as well and reports a cell that exceeds it as a timeout.
pub trait Engine: Send + Sync + 'static {
    /// The components this engine composes, in the order the matrix lists them.
    fn components(&self) -> Vec<Component>;
    /// Run one job to completion.
    fn run(&self, job: &Job) -> RunOutput;
}

/// An engine from a closure, with a fixed component table: for tests and
/// experiments.
///
/// ```
/// use conformance::{Engine, FnEngine, RunOutput, contract_components};
/// let echo = FnEngine::new(contract_components(), |job| RunOutput {
///     stdout: job.source.to_vec(),
///     ..RunOutput::default()
/// });
/// assert_eq!(echo.components().len(), 10);
/// ```
pub struct FnEngine<F> {
    components: Vec<Component>,
    run: F,
}

impl<F> FnEngine<F>
where
    F: Fn(&Job) -> RunOutput + Send + Sync + 'static,
{
    /// An engine reporting `components` and running jobs with `run`.
    pub fn new(components: Vec<Component>, run: F) -> Self {
        FnEngine { components, run }
    }
}

impl<F> Engine for FnEngine<F>
where
    F: Fn(&Job) -> RunOutput + Send + Sync + 'static,
{
    fn components(&self) -> Vec<Component> {
        self.components.clone()
    }

    fn run(&self, job: &Job) -> RunOutput {
        (self.run)(job)
    }
}

/// CPython itself (`python3 NAME.py` in the spec's directory, with
/// `PYTHONHASHSEED=0`), ignoring the combination: every cell whose spec's
/// expectations are current passes, so this engine checks the runner end to
/// end, and shows which expected divergences CPython "fixes".
pub struct Python3Engine {
    components: Vec<Component>,
}

impl Python3Engine {
    /// A python3 engine reporting `components` as its registry.
    pub fn new(components: Vec<Component>) -> Self {
        Python3Engine { components }
    }
}

impl Engine for Python3Engine {
    fn components(&self) -> Vec<Component> {
        self.components.clone()
    }

    fn run(&self, job: &Job) -> RunOutput {
        match Command::new("python3")
            .arg(&job.filename)
            .current_dir(&job.dir)
            .env("PYTHONHASHSEED", "0")
            .output()
        {
            Ok(out) => RunOutput {
                stdout: out.stdout,
                stderr: out.stderr,
                status: out.status.code().unwrap_or(-1),
            },
            Err(e) => RunOutput {
                stdout: Vec::new(),
                stderr: format!("cannot run python3: {e}\n").into_bytes(),
                status: 127,
            },
        }
    }
}

/// PyMM's interpreter, in-process: `runtime::run_source` with a
/// `runtime::Config` naming the combination, `max_steps` set from the job.
#[derive(Clone, Copy, Debug, Default)]
pub struct RuntimeEngine;

/// Per-cell memory bound handed to the interpreter (`MemoryError` beyond it),
/// so two cells running side by side cannot exhaust a CI machine.
pub const CELL_MEMORY_LIMIT: u64 = 512 << 20;

impl Engine for RuntimeEngine {
    fn components(&self) -> Vec<Component> {
        runtime::components::registry()
            .iter()
            .map(|c| Component::new(c.kind, c.name, c.capabilities))
            .collect()
    }

    fn run(&self, job: &Job) -> RunOutput {
        let config = runtime::Config {
            alloc: job.combination.alloc.clone(),
            gc: job.combination.gc.clone(),
            tracer: job.combination.tracer.clone(),
            interning: job.combination.interning.clone(),
            memory_limit: Some(CELL_MEMORY_LIMIT),
            max_steps: Some(job.max_steps),
            ..runtime::Config::default()
        };
        let out = runtime::run_source(&job.filename, &job.source, &config);
        RunOutput {
            stdout: out.stdout,
            stderr: out.stderr,
            status: out.status,
        }
    }
}
