//! Print the bytecode pymm compiles a Python file to (`dis`-like), or the
//! syntax error CPython would print:
//! `cargo run -p runtime --example pymm_dis -- file.py`;
//! with `--time`, print only how long compiling took (best of 5); with
//! `--error-fields`, print a syntax error as `kind|msg|line|col` on stdout.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let time = args.iter().any(|a| a == "--time");
    let fields = args.iter().any(|a| a == "--error-fields");
    let Some(path) = args.iter().find(|a| !a.starts_with("--")).cloned() else {
        eprintln!("usage: pymm_dis [--time] FILE.py");
        return ExitCode::from(2);
    };
    let source = match std::fs::read(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    if time {
        let mut best = f64::MAX;
        for _ in 0..5 {
            let t = std::time::Instant::now();
            let r = runtime::compile::compile_module(&source, &path);
            best = best.min(t.elapsed().as_secs_f64());
            if let Err(e) = r {
                eprintln!("{e}");
                return ExitCode::from(1);
            }
        }
        println!(
            "{} bytes compiled in {:.1} ms ({:.1} MB/s)",
            source.len(),
            best * 1e3,
            source.len() as f64 / best / 1e6
        );
        return ExitCode::SUCCESS;
    }
    match runtime::compile::compile_module(&source, &path) {
        Ok(code) => {
            print!("{code}");
            ExitCode::SUCCESS
        }
        Err(e) if fields => {
            println!("{}|{}|{}|{}", e.kind.name(), e.msg, e.line, e.col);
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}
