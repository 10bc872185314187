//! `cargo xtask oracle [--check]`: derive every spec's expectations with
//! CPython 3.11; the logic lives in `conformance::oracle`.

use conformance::oracle::{ORACLE_TIMEOUT, Python, Verdict, probe_python, run_oracle};
use conformance::{Engine, Registry, RuntimeEngine, specs_dir};
use std::path::PathBuf;
use std::process::ExitCode;

const HELP: &str = "\
usage: cargo xtask oracle [--check] [--specs-dir DIR]

Run every spec (conformance/specs/NAME.py) with python3 (CPython 3.11) from
the specs directory, with PYTHONHASHSEED=0 and a 30-second limit per script,
and write its stdout to NAME.out; when python3 exits non-zero, also write
NAME.status (line 1: the exit status; line 2: the last stderr line, the
exception line), and remove a stale NAME.status otherwise. Spec headers are
validated too (keys, values, capability names).

  --check          write nothing; fail, listing the specs, if any NAME.out or
                   NAME.status differs from what python3 prints now. Succeeds
                   with a message when python3 is absent or is not 3.11.
  --specs-dir DIR  another specs directory (default conformance/specs)
  -h, --help       this text

Expected outputs are never edited by hand: change the script, run this.";

/// Entry point of `cargo xtask oracle`.
pub(crate) fn main(argv: &[String]) -> ExitCode {
    let mut check = false;
    let mut dir: Option<PathBuf> = None;
    let mut it = argv.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--specs-dir" => match it.next() {
                Some(d) => dir = Some(d.into()),
                None => {
                    eprintln!("cargo xtask oracle: --specs-dir needs a value");
                    return ExitCode::from(2);
                }
            },
            "-h" | "--help" => {
                println!("{HELP}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("cargo xtask oracle: unknown argument `{other}` (see --help)");
                return ExitCode::from(2);
            }
        }
    }
    let dir = dir.unwrap_or_else(specs_dir);
    match probe_python() {
        Python::Ready => {}
        Python::Absent(why) if check => {
            println!("oracle --check skipped: python3 is not available ({why})");
            return ExitCode::SUCCESS;
        }
        Python::WrongVersion(v) if check => {
            println!("oracle --check skipped: python3 is {v}, expectations come from 3.11");
            return ExitCode::SUCCESS;
        }
        Python::Absent(why) => {
            eprintln!("cargo xtask oracle: python3 is not available ({why})");
            return ExitCode::from(1);
        }
        Python::WrongVersion(v) => {
            eprintln!(
                "cargo xtask oracle: python3 is {v}; expectations must come from CPython 3.11"
            );
            return ExitCode::from(1);
        }
    }
    let registry = Registry::new(RuntimeEngine.components());
    let capabilities = registry.all_capabilities();
    let jobs = std::thread::available_parallelism().map_or(2, usize::from);
    let report = match run_oracle(&dir, check, &capabilities, jobs, ORACLE_TIMEOUT) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cargo xtask oracle: {}: {e}", dir.display());
            return ExitCode::from(1);
        }
    };
    let written: Vec<&str> = report
        .specs
        .iter()
        .filter(|(_, v)| *v == Verdict::Written)
        .map(|(n, _)| n.as_str())
        .collect();
    for name in &written {
        println!("wrote {name}");
    }
    let problems = report.problems();
    for (name, verdict) in &problems {
        match verdict {
            Verdict::Stale(why) => println!("STALE {name}: {why}"),
            Verdict::Error(why) => println!("ERROR {name}: {why}"),
            Verdict::Current | Verdict::Written => {}
        }
    }
    println!(
        "oracle: {} specs, {} written, {} stale or failing{}",
        report.specs.len(),
        written.len(),
        problems.len(),
        if check && !problems.is_empty() {
            " (regenerate with `cargo xtask oracle`, or make the script deterministic)"
        } else {
            ""
        }
    );
    if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
