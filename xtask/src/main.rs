//! `cargo xtask`: PyMM's automation, in Rust, needing nothing but cargo.
//!
//! - `cargo xtask conformance [FLAGS]`: every spec against every combination of components.
//! - `cargo xtask oracle [--check]`: (re)derive each spec's expected output with `python3`.
//! - `cargo xtask bench [GROUP]`: side-by-side benchmarks against peers, printed as ratios.

use std::process::ExitCode;

mod bench;
mod conformance;
mod oracle;

const USAGE: &str = "\
usage: cargo xtask <command> [args]

commands:
  conformance   run every conformance spec against every combination of components
  oracle        regenerate expected outputs with python3 (--check: fail on any difference)
  bench         run side-by-side benchmarks against peers and print ratios

`cargo xtask <command> --help` describes each command's flags.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest = args.get(1..).unwrap_or(&[]);
    match args.first().map(String::as_str) {
        Some("conformance") => conformance::main(rest),
        Some("oracle") => oracle::main(rest),
        Some("bench") => bench::main(rest),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("cargo xtask: unknown command `{other}`\n\n{USAGE}");
            ExitCode::from(2)
        }
        None => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}
