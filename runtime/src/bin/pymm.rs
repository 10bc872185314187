//! `pymm [OPTIONS] SCRIPT`: run a script like `python3 SCRIPT`, over the
//! chosen PyMM components.
#![forbid(unsafe_code)]

use std::io::Write;
use std::process::ExitCode;

use runtime::{Config, components};

const USAGE: &str = "usage: pymm [OPTIONS] SCRIPT [ARGS...]

Run a Python 3.11-subset script over PyMM's model of CPython's memory manager.
Output and exit status are those `python3 SCRIPT` would give.

Options:
  --alloc NAME            allocator: pymalloc (default), system, bump
  --gc NAME               cycle collector: generational (default), trial-deletion, off
  --tracer NAME           allocation tracer: tracemalloc (default), null
  --interning NAME        interning policy: cpython (default), none
  --recursion-limit N     Python call depth before RecursionError (default 1000)
  --memory-limit BYTES    allocator ceiling; past it MemoryError is raised
  --max-steps N           stop (exit 1) after N bytecode instructions
  --check-leaks           after teardown, report objects still alive and exit 1
  --stats                 print the allocator's statistics to stderr at exit
  -v, --verbose           show tracing events (RUST_LOG is honoured)
  -h, --help              show this help
";

struct Cli {
    config: Config,
    stats: bool,
    verbose: bool,
    script: String,
}

fn parse(args: &[String]) -> Result<Option<Cli>, String> {
    let mut config = Config::default();
    let mut stats = false;
    let mut verbose = false;
    let mut i = 0;
    let value = |i: &mut usize, flag: &str| -> Result<String, String> {
        *i += 1;
        args.get(*i)
            .cloned()
            .ok_or_else(|| format!("option {flag} requires an argument"))
    };
    while let Some(arg) = args.get(i) {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let get = |i: &mut usize| match &inline {
            Some(v) => Ok(v.clone()),
            None => value(i, &flag),
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--alloc" => config.alloc = get(&mut i)?,
            "--gc" => config.gc = get(&mut i)?,
            "--tracer" => config.tracer = get(&mut i)?,
            "--interning" => config.interning = get(&mut i)?,
            "--recursion-limit" => {
                let v = get(&mut i)?;
                config.recursion_limit = v
                    .parse()
                    .map_err(|_| format!("--recursion-limit: not a number: {v}"))?;
            }
            "--memory-limit" => {
                let v = get(&mut i)?;
                config.memory_limit = Some(
                    v.parse()
                        .map_err(|_| format!("--memory-limit: not a number: {v}"))?,
                );
            }
            "--max-steps" => {
                let v = get(&mut i)?;
                config.max_steps = Some(
                    v.parse()
                        .map_err(|_| format!("--max-steps: not a number: {v}"))?,
                );
            }
            "--check-leaks" => config.check_leaks = true,
            "--stats" => stats = true,
            "-v" | "--verbose" => verbose = true,
            s if s.starts_with('-') && s.len() > 1 => return Err(format!("unknown option {s}")),
            _ => {
                return Ok(Some(Cli {
                    config,
                    stats,
                    verbose,
                    script: arg.clone(),
                }));
            }
        }
        i += 1;
    }
    Err("no script given".into())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cli = match parse(&args) {
        Ok(Some(cli)) => cli,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("pymm: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = components::validate(&cli.config) {
        eprintln!("pymm: {e}");
        return ExitCode::from(2);
    }
    if cli.verbose {
        let filter = tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("debug"));
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
    }
    let config = cli.config;
    let stats = cli.stats;
    let script = cli.script;
    // run_path runs the interpreter on its own large-stack thread.
    let out = runtime::run_path_with_stats(std::path::Path::new(&script), &config, stats);
    let _ = std::io::stdout().write_all(&out.stdout);
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().write_all(&out.stderr);
    ExitCode::from(out.status.clamp(0, 255) as u8)
}
