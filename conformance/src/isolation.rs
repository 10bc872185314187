//! Worker processes: the same cells, run in child processes, so that even a
//! process abort (a stack overflow, `abort()`) costs one CRASH cell instead of
//! the whole run.
//!
//! The supervisor ([`run_isolated`]) keeps `RunOptions::jobs` workers; each
//! worker ([`serve`], e.g. `cargo xtask conformance --worker`) loads the same
//! suite and runs cells in-process exactly as [`crate::runner`] does. The
//! protocol is one line per cell each way: the supervisor writes
//! `SPEC<TAB>alloc/gc/tracer/interning`, the worker answers with
//! [`RESULT_PREFIX`] followed by the [`CellResult`] as JSON (other lines on
//! the worker's stdout are passed through to stderr). A worker that dies
//! mid-cell is reported as a crash of that cell and replaced; a worker that
//! stops answering is killed once the cell's limit plus [`WORKER_GRACE`] has
//! passed, and the cell is a timeout.

use crate::components::Combination;
use crate::report::Report;
use crate::runner::{CellResult, Raw, RunOptions, for_each_cell, judge, run_cell};
use crate::suite::{Plan, Suite};
use std::io::{self, BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

/// Marks a result line on a worker's stdout.
pub const RESULT_PREFIX: &str = "@@conformance-cell ";
/// How long past a cell's own limit the supervisor waits for a worker.
pub const WORKER_GRACE: Duration = Duration::from_secs(5);

/// Worker side: answer every `SPEC<TAB>COMBINATION` line of `input` with a
/// result line on `output`, until `input` ends. A malformed request is an
/// error (the supervisor then reports the cell as a crash).
pub fn serve(
    suite: &Suite,
    options: &RunOptions,
    input: impl BufRead,
    mut output: impl Write,
) -> io::Result<()> {
    for line in input.lines() {
        let line = line?;
        let (spec, combination) = line
            .split_once('\t')
            .ok_or_else(|| io::Error::other(format!("malformed request `{line}`")))?;
        let combination: Combination = combination.parse().map_err(io::Error::other)?;
        let found = suite
            .specs
            .iter()
            .find(|s| s.name == spec)
            .ok_or_else(|| io::Error::other(format!("no spec `{spec}`")))?;
        let result = run_cell(suite, found, &combination, options);
        let json = serde_json::to_string(&result).map_err(io::Error::other)?;
        writeln!(output, "{RESULT_PREFIX}{json}")?;
        output.flush()?;
    }
    Ok(())
}

/// A running worker process.
struct Worker {
    child: Child,
    stdin: ChildStdin,
    /// Result lines (None: the worker's stdout closed).
    results: Receiver<Option<String>>,
}

impl Worker {
    fn spawn(command: &(dyn Fn() -> Command + Sync)) -> io::Result<Worker> {
        let mut child = command()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let stdin = child
            .stdin
            .take()
            .ok_or_else(|| io::Error::other("worker has no stdin"))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| io::Error::other("worker has no stdout"))?;
        let (tx, results) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                match line.strip_prefix(RESULT_PREFIX) {
                    Some(json) => {
                        if tx.send(Some(json.to_owned())).is_err() {
                            return;
                        }
                    }
                    None => eprintln!("{line}"),
                }
            }
            let _ = tx.send(None);
        });
        Ok(Worker {
            child,
            stdin,
            results,
        })
    }

    /// Close its input (it exits when its input ends) and reap it.
    fn close(self) {
        drop(self.stdin);
        let mut child = self.child;
        let _ = child.wait();
    }

    /// Kill and reap; describe how it ended.
    fn end(mut self) -> String {
        let _ = self.child.kill();
        match self.child.wait() {
            Ok(status) => status.to_string(),
            Err(e) => format!("unknown status ({e})"),
        }
    }
}

/// Supervisor side: run `plan` on worker processes made by `worker` (a
/// command that runs [`serve`] over the same specs and known failures).
pub fn run_isolated(
    suite: &Suite,
    plan: &Plan,
    options: &RunOptions,
    worker: &(dyn Fn() -> Command + Sync),
    progress: &(dyn Fn(&CellResult) + Sync),
) -> Report {
    let start = Instant::now();
    let cells = for_each_cell(
        suite,
        &plan.combinations,
        &plan.cells,
        options.jobs,
        &|| None,
        &|current: &mut Option<Worker>, spec, combination| {
            let cell_start = Instant::now();
            let limit = spec.header.timeout.unwrap_or(options.default_timeout);
            let (answer, back) = ask(
                current.take(),
                worker,
                &spec.name,
                combination,
                limit + WORKER_GRACE,
            );
            *current = back;
            answer.unwrap_or_else(|raw| judge(suite, spec, combination, raw, cell_start.elapsed()))
        },
        &|current| {
            if let Some(w) = current {
                w.close();
            }
        },
        progress,
    );
    Report {
        specs: plan.spec_names(suite),
        combinations: plan.combinations.clone(),
        cells,
        errors: plan.errors.clone(),
        elapsed: start.elapsed(),
    }
}

/// Send one cell to a worker (starting one if needed) and wait for its
/// answer. `Err` carries what to report instead when the worker failed;
/// the worker comes back only if it is still usable.
fn ask(
    current: Option<Worker>,
    command: &(dyn Fn() -> Command + Sync),
    spec: &str,
    combination: &Combination,
    wait: Duration,
) -> (Result<CellResult, Raw>, Option<Worker>) {
    let mut w = match current {
        Some(w) => w,
        None => match Worker::spawn(command) {
            Ok(w) => w,
            Err(e) => {
                return (
                    Err(Raw::Panicked(format!("cannot start a worker process: {e}"))),
                    None,
                );
            }
        },
    };
    let sent = writeln!(w.stdin, "{spec}\t{}", combination.id()).and_then(|()| w.stdin.flush());
    if let Err(e) = sent {
        let how = w.end();
        return (
            Err(Raw::Panicked(format!(
                "the worker process died before this cell ({e}; {how})"
            ))),
            None,
        );
    }
    match w.results.recv_timeout(wait) {
        Ok(Some(json)) => match serde_json::from_str::<CellResult>(&json) {
            Ok(result) => (Ok(result), Some(w)),
            Err(e) => {
                let how = w.end();
                (
                    Err(Raw::Panicked(format!(
                        "the worker sent a malformed result ({e}; {how})"
                    ))),
                    None,
                )
            }
        },
        Ok(None) | Err(RecvTimeoutError::Disconnected) => {
            let how = w.end();
            (
                Err(Raw::Panicked(format!(
                    "the worker process died while running this cell ({how})"
                ))),
                None,
            )
        }
        Err(RecvTimeoutError::Timeout) => {
            w.end();
            (Err(Raw::TimedOut(wait)), None)
        }
    }
}
