//! `cargo xtask conformance`: every spec against every combination of
//! components, as a matrix; the logic lives in the `conformance` crate.

use conformance::isolation::{run_isolated, serve};
use conformance::{
    ComponentFilter, Engine, Python3Engine, RunOptions, RuntimeEngine, Selection, Suite,
    contract_components, known_failures_path, specs_dir,
};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::Command;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

const HELP: &str = "\
usage: cargo xtask conformance [FLAGS]

Run every conformance spec (conformance/specs/*.py) against every combination
of components (allocator x collector x tracer x interning policy), in-process,
in parallel, and print a matrix of specs x combinations with a summary.

Cells:
  .  pass                 stdout and exit status equal CPython 3.11's
  d  expected divergence  the combination lacks a capability the spec requires
                          (`# requires:` in its header), and the output differs
  k  known failure        listed in conformance/known-failures.txt, and it failed
  F  FAIL                 output or status differs from CPython's (a diff is shown)
  C  CRASH                the interpreter panicked
  T  TIMEOUT              the cell exceeded its wall-clock limit
  X  UNEXPECTED PASS      an expected divergence matched CPython after all
  !  FIXED                a known failure passed: remove it from the list
The exit status is 1 when any cell is F, C, T, X or !, or a spec is malformed
(no .out, bad header); 2 on a usage error or when no spec matches
the selection; 0 otherwise.

Selection:
  --spec PATTERN        only specs whose name contains PATTERN, or matches it
                        when it has `*` or `?` (e.g. --spec 'gc_*')
  --alloc NAMES         only these allocators (comma-separated), e.g. pymalloc,system
  --gc NAMES            only these collectors, e.g. generational,trial-deletion,off
  --tracer NAMES        only these tracers, e.g. tracemalloc,null
  --interning NAMES     only these interning policies, e.g. cpython,none
  --shard K/N           run only the K-th of N slices of the cells (1-based;
                        cell i of the sorted list is in slice i%N+1)

Reports:
  --json PATH           write every cell as JSON (summary, combinations, cells
                        with outcome, missing capabilities, detail, duration_ms)
  --junit PATH          write JUnit XML (one testsuite per combination; expected
                        divergences and known failures are <skipped/>)
  -v, --verbose         also explain expected divergences and known failures

Isolation:
  Cells run in worker processes (this command, re-run with --worker), each
  running cells in-process on big-stack threads; a worker that dies (abort,
  stack overflow) costs one CRASH cell and is replaced, and one that stops
  answering is killed and its cell reported as TIMEOUT.
  --in-process          run cells in this process instead (faster to start; a
                        process abort then ends the whole run)
  --worker              serve cells over stdin/stdout (used by the supervisor)

Limits and sources:
  --jobs N              cells run at once (default: the number of cores)
  --timeout SECS        wall-clock limit per cell for specs whose header sets
                        none (default 10)
  --max-steps N         interpreter step budget per cell for specs whose header
                        sets none (default 50000000)
  --specs-dir DIR       another specs directory (default conformance/specs)
  --known-failures PATH another known-failures list
  --engine NAME         runtime (default): PyMM's interpreter; python3: CPython
                        itself, ignoring the combination (checks the specs and
                        the runner; expected divergences then show as X)
  -h, --help            this text

See conformance/README.md for the spec header format and how to add specs
and components.";

/// The parsed command line.
#[derive(Debug, Default)]
struct Args {
    selection: Selection,
    json: Option<PathBuf>,
    junit: Option<PathBuf>,
    verbose: bool,
    jobs: Option<usize>,
    timeout: Option<Duration>,
    max_steps: Option<u64>,
    specs_dir: Option<PathBuf>,
    known_failures: Option<PathBuf>,
    python3: bool,
    in_process: bool,
    worker: bool,
    help: bool,
}

fn names(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn parse_args(argv: &[String]) -> Result<Args, String> {
    let mut args = Args::default();
    let mut filter = ComponentFilter::default();
    let mut it = argv.iter();
    while let Some(flag) = it.next() {
        let (flag, inline) = match flag.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
            _ => (flag.as_str(), None),
        };
        let mut value = || -> Result<String, String> {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag {
            "-h" | "--help" => args.help = true,
            "-v" | "--verbose" => args.verbose = true,
            "--in-process" => args.in_process = true,
            "--worker" => args.worker = true,
            "--spec" => args.selection.spec = Some(value()?),
            "--alloc" => filter.alloc.extend(names(&value()?)),
            "--gc" => filter.gc.extend(names(&value()?)),
            "--tracer" => filter.tracer.extend(names(&value()?)),
            "--interning" => filter.interning.extend(names(&value()?)),
            "--shard" => {
                let v = value()?;
                let parsed = v
                    .split_once('/')
                    .and_then(|(k, n)| Some((k.parse().ok()?, n.parse().ok()?)));
                args.selection.shard =
                    Some(parsed.ok_or_else(|| format!("--shard wants K/N, got `{v}`"))?);
            }
            "--json" => args.json = Some(value()?.into()),
            "--junit" => args.junit = Some(value()?.into()),
            "--jobs" => {
                let v = value()?;
                args.jobs = Some(
                    v.parse()
                        .ok()
                        .filter(|&n: &usize| n > 0)
                        .ok_or_else(|| format!("--jobs wants a positive integer, got `{v}`"))?,
                );
            }
            "--timeout" => {
                let v = value()?;
                let secs: f64 = v
                    .parse()
                    .ok()
                    .filter(|&s: &f64| s > 0.0 && s <= 3600.0)
                    .ok_or_else(|| format!("--timeout wants seconds (0 < s <= 3600), got `{v}`"))?;
                args.timeout = Some(Duration::from_secs_f64(secs));
            }
            "--max-steps" => {
                let v = value()?;
                args.max_steps = Some(
                    v.replace('_', "")
                        .parse()
                        .ok()
                        .filter(|&n: &u64| n > 0)
                        .ok_or_else(|| {
                            format!("--max-steps wants a positive integer, got `{v}`")
                        })?,
                );
            }
            "--specs-dir" => args.specs_dir = Some(value()?.into()),
            "--known-failures" => args.known_failures = Some(value()?.into()),
            "--engine" => match value()?.as_str() {
                "runtime" => args.python3 = false,
                "python3" => args.python3 = true,
                other => return Err(format!("unknown engine `{other}` (runtime, python3)")),
            },
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    args.selection.components = filter;
    Ok(args)
}

/// Entry point of `cargo xtask conformance`.
pub(crate) fn main(argv: &[String]) -> ExitCode {
    let args = match parse_args(argv) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("cargo xtask conformance: {e}\n(see --help)");
            return ExitCode::from(2);
        }
    };
    if args.help {
        println!("{HELP}");
        return ExitCode::SUCCESS;
    }
    let engine: Arc<dyn Engine> = if args.python3 {
        Arc::new(Python3Engine::new(contract_components()))
    } else {
        Arc::new(RuntimeEngine)
    };
    let dir = args.specs_dir.clone().unwrap_or_else(specs_dir);
    let known = args
        .known_failures
        .clone()
        .unwrap_or_else(known_failures_path);
    let suite = match Suite::load(&dir, &known, engine) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cargo xtask conformance: {e}");
            return ExitCode::from(2);
        }
    };
    let mut options = RunOptions::default();
    if let Some(j) = args.jobs {
        options.jobs = j;
    }
    if let Some(t) = args.timeout {
        options.default_timeout = t;
    }
    if let Some(s) = args.max_steps {
        options.default_max_steps = s;
    }
    if args.worker {
        let stdin = std::io::stdin();
        return match serve(&suite, &options, stdin.lock(), std::io::stdout().lock()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("cargo xtask conformance --worker: {e}");
                ExitCode::from(2)
            }
        };
    }
    let plan = match suite.plan(&args.selection) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("cargo xtask conformance: {e}");
            return ExitCode::from(2);
        }
    };
    if plan.specs.is_empty() && plan.errors.is_empty() {
        eprintln!(
            "cargo xtask conformance: no spec in {} matches the selection",
            dir.display()
        );
        return ExitCode::from(2);
    }
    eprintln!(
        "running {} cells ({} specs x {} combinations) on {} threads...",
        plan.cells.len(),
        plan.specs.len(),
        plan.combinations.len(),
        options.jobs
    );
    // A running count on a terminal; nothing in logs.
    let total = plan.cells.len();
    let done = AtomicUsize::new(0);
    let interactive = std::io::stderr().is_terminal();
    let progress = |_: &conformance::CellResult| {
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        if interactive && (n.is_multiple_of(50) || n == total) {
            eprint!("\r{n}/{total} cells");
            if n == total {
                eprintln!();
            }
        }
    };
    let report = if args.in_process {
        suite.run(&plan, &options, &progress)
    } else {
        let worker = || worker_command(argv);
        run_isolated(&suite, &plan, &options, &worker, &progress)
    };
    print!("{}", report.matrix());
    let failures = report.failures(args.verbose);
    if !failures.is_empty() {
        println!("\n{failures}");
    }
    print!("\n{}", report.summary());
    let mut status = if report.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    };
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&report.to_json()).unwrap_or_default();
        if let Err(e) = write_report(path, &text) {
            eprintln!(
                "cargo xtask conformance: cannot write {}: {e}",
                path.display()
            );
            status = ExitCode::from(2);
        }
    }
    if let Some(path) = &args.junit
        && let Err(e) = write_report(path, &report.to_junit())
    {
        eprintln!(
            "cargo xtask conformance: cannot write {}: {e}",
            path.display()
        );
        status = ExitCode::from(2);
    }
    status
}

/// This command again, as a worker: the flags that shape how a cell runs
/// are passed on (the selection and report flags are the supervisor's).
fn worker_command(argv: &[String]) -> Command {
    let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("xtask"));
    let mut command = Command::new(exe);
    command.args(["conformance", "--worker"]);
    let mut it = argv.iter();
    while let Some(arg) = it.next() {
        let name = arg.split_once('=').map_or(arg.as_str(), |(n, _)| n);
        if matches!(
            name,
            "--specs-dir" | "--known-failures" | "--engine" | "--timeout" | "--max-steps"
        ) {
            command.arg(arg);
            if !arg.contains('=')
                && let Some(value) = it.next()
            {
                command.arg(value);
            }
        }
    }
    command
}

fn write_report(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn flags_parse() {
        let a = parse_args(&argv(
            "--spec gc_* --gc off,generational --alloc=system --shard 2/4 --json r.json -v --jobs 3 --timeout 1.5 --max-steps 1_000",
        ))
        .unwrap();
        assert_eq!(a.selection.spec.as_deref(), Some("gc_*"));
        assert_eq!(a.selection.components.gc, ["off", "generational"]);
        assert_eq!(a.selection.components.alloc, ["system"]);
        assert_eq!(a.selection.shard, Some((2, 4)));
        assert_eq!(a.json, Some(PathBuf::from("r.json")));
        assert!(a.verbose);
        assert_eq!(a.jobs, Some(3));
        assert_eq!(a.timeout, Some(Duration::from_millis(1500)));
        assert_eq!(a.max_steps, Some(1000));
    }

    #[test]
    fn bad_flags_are_named() {
        for (line, msg) in [
            ("--shard 2", "--shard wants K/N"),
            ("--jobs 0", "--jobs wants"),
            ("--timeout -1", "--timeout wants"),
            ("--spec", "--spec needs a value"),
            ("--frobnicate", "unknown argument `--frobnicate`"),
            ("--engine jython", "unknown engine"),
        ] {
            let err = parse_args(&argv(line)).unwrap_err();
            assert!(err.contains(msg), "{line}: {err}");
        }
    }

    #[test]
    fn workers_get_the_flags_that_shape_a_cell() {
        let command = worker_command(&argv(
            "--spec weak --specs-dir /tmp/s --timeout=3 --json r.json --max-steps 10 --gc off",
        ));
        let args: Vec<String> = command
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            args,
            [
                "conformance",
                "--worker",
                "--specs-dir",
                "/tmp/s",
                "--timeout=3",
                "--max-steps",
                "10"
            ]
        );
    }

    #[test]
    fn help_mentions_every_flag() {
        for flag in [
            "--spec",
            "--alloc",
            "--gc",
            "--tracer",
            "--interning",
            "--shard",
            "--json",
            "--junit",
            "--jobs",
            "--timeout",
            "--max-steps",
            "--specs-dir",
            "--known-failures",
            "--engine",
            "--verbose",
        ] {
            assert!(HELP.contains(flag), "{flag}");
        }
    }
}
