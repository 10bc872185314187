//! `runtime`: a Python 3.11 subset over PyMM's object model, and the `pymm`
//! command.
//!
//! The runtime composes one of each PyMM mechanism (allocator, collector,
//! tracer, interning policy) chosen by name in a [`Config`]
//! ([`components`] is the one place that turns names into components), and
//! runs scripts with CPython's observable memory behaviour: objects live in a
//! reference-counted store, each holds a block of CPython 3.11's size from
//! the configured allocator (`id(obj)` is its address), and objects die the
//! moment their count reaches zero (`__del__` runs then).
//!
//! Module ownership: `syntax/` and `compile/` (lexer, parser, compiler) are
//! the front end; `ops/` holds Python's pure value semantics (numbers,
//! formatting, text algorithms); everything else is the object model and the
//! virtual machine.
//!
//! ```
//! let kinds: Vec<_> = runtime::components::registry().iter().map(|c| c.kind).collect();
//! assert!(kinds.contains(&"gc"));
//! let bad = runtime::Config { alloc: "nope".into(), ..Default::default() };
//! assert_eq!(runtime::run_source("x.py", b"pass\n", &bad).status, 2);
//! ```
#![forbid(unsafe_code)]

pub mod builtins;
pub mod compile;
pub mod components;
pub mod object;
pub mod ops;
pub mod syntax;
pub mod vm;

mod interp;

use std::path::Path;

/// How to run a script: which component implementations, and the limits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Allocator: `pymalloc`, `system` or `bump`.
    pub alloc: String,
    /// Cycle collector: `generational`, `trial-deletion` or `off`.
    pub gc: String,
    /// Tracer: `tracemalloc` or `null`.
    pub tracer: String,
    /// Interning policy: `cpython` or `none`.
    pub interning: String,
    /// Maximum Python call depth before `RecursionError` (CPython: 1000).
    pub recursion_limit: u32,
    /// Bytes the allocator may hand out before `MemoryError`.
    pub memory_limit: Option<u64>,
    /// Bytecode instructions executed before the run is stopped.
    pub max_steps: Option<u64>,
    /// At exit, report objects still alive after teardown and exit non-zero.
    pub check_leaks: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            alloc: "pymalloc".into(),
            gc: "generational".into(),
            tracer: "tracemalloc".into(),
            interning: "cpython".into(),
            recursion_limit: 1000,
            memory_limit: None,
            max_steps: None,
            check_leaks: false,
        }
    }
}

/// What a run produced: the script's stdout, stderr, and exit status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunOutput {
    /// Everything the script printed to stdout.
    pub stdout: Vec<u8>,
    /// Tracebacks, diagnostics, `--stats` output.
    pub stderr: Vec<u8>,
    /// The process exit status `python3` would have returned.
    pub status: i32,
}

/// Run `source` as the `__main__` module of a script named `filename`.
/// Never panics: every failure becomes stderr text and a status.
pub fn run_source(filename: &str, source: &[u8], config: &Config) -> RunOutput {
    run_source_with_stats(filename, source, config, false)
}

/// [`run_source`], appending the allocator's statistics report
/// (`sys._debugmallocstats()` layout) to stderr when `stats` is set.
pub fn run_source_with_stats(
    filename: &str,
    source: &[u8],
    config: &Config,
    stats: bool,
) -> RunOutput {
    if let Err(e) = components::validate(config) {
        return RunOutput {
            stdout: Vec::new(),
            stderr: format!("pymm: {e}\n").into_bytes(),
            status: 2,
        };
    }
    // The interpreter runs on its own thread with a large stack: Python
    // calls do not recurse on it, but `__del__`, `__repr__` and friends
    // called from Rust do (bounded by the recursion limit). A panic (a bug)
    // becomes an error report, never an abort of the caller.
    let (name, src, cfg) = (filename.to_owned(), source.to_owned(), config.clone());
    let worker = std::thread::Builder::new()
        .name("pymm-run".into())
        .stack_size(INTERPRETER_STACK_SIZE)
        .spawn(move || interp::run(&name, &src, &cfg, stats));
    match worker.map(|h| h.join()) {
        Ok(Ok(out)) => out,
        _ => RunOutput {
            stdout: Vec::new(),
            stderr: b"pymm: internal error: the interpreter failed\n".to_vec(),
            status: 70,
        },
    }
}

/// Stack reserved for the interpreter thread (virtual memory; only deep
/// Rust-level re-entry touches it).
pub const INTERPRETER_STACK_SIZE: usize = 256 * 1024 * 1024;

/// Read and run the script at `path`; a missing file gives CPython's message
/// and status 2.
pub fn run_path(path: &Path, config: &Config) -> RunOutput {
    run_path_with_stats(path, config, false)
}

/// [`run_path`] with the `--stats` report.
pub fn run_path_with_stats(path: &Path, config: &Config, stats: bool) -> RunOutput {
    match std::fs::read(path) {
        Ok(source) => run_source_with_stats(&path.to_string_lossy(), &source, config, stats),
        Err(e) => {
            let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
            let errno = e.raw_os_error().unwrap_or(2);
            let msg = match e.kind() {
                std::io::ErrorKind::NotFound => "No such file or directory".to_string(),
                std::io::ErrorKind::PermissionDenied => "Permission denied".to_string(),
                _ => e.to_string(),
            };
            RunOutput {
                stdout: Vec::new(),
                stderr: format!(
                    "pymm: can't open file '{}': [Errno {errno}] {msg}\n",
                    abs.display()
                )
                .into_bytes(),
                status: 2,
            }
        }
    }
}
