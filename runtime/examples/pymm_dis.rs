//! Print the bytecode pymm compiles a Python file to (`dis`-like), or the
//! syntax error CPython would print:
//! `cargo run -p runtime --example pymm_dis -- file.py`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: pymm_dis FILE.py");
        return ExitCode::from(2);
    };
    let source = match std::fs::read(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime::compile::compile_module(&source, &path) {
        Ok(code) => {
            print!("{code}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}
