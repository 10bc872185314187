//! Every conformance spec (`conformance/specs/*.py`),
//! run in-process with the default components and `--check-leaks`; stdout
//! must equal CPython's `.out`, and error specs' `.status` (exit status and
//! last stderr line) must match.

use std::path::{Path, PathBuf};

use runtime::{Config, run_source};

fn specs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance/specs")
}

#[test]
fn specs_match_cpython_output() {
    let dir = specs_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        panic!("no specs directory at {}", dir.display());
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    paths.sort();
    let config = Config {
        check_leaks: true,
        max_steps: Some(50_000_000),
        ..Config::default()
    };
    let mut failures = Vec::new();
    let mut ran = 0;
    for path in &paths {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let source = std::fs::read(path).unwrap_or_default();
        // The default components have every capability a spec can require.
        let Ok(expected) = std::fs::read(path.with_extension("out")) else {
            continue;
        };
        ran += 1;
        let out = run_source(&format!("{name}.py"), &source, &config);
        let mut problems = Vec::new();
        if out.stdout != expected {
            problems.push(format!(
                "stdout differs:\n--- expected\n{}\n--- got\n{}",
                String::from_utf8_lossy(&expected),
                String::from_utf8_lossy(&out.stdout)
            ));
        }
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        match std::fs::read_to_string(path.with_extension("status")) {
            Ok(status) => {
                let mut lines = status.lines();
                let want_status: i32 = lines
                    .next()
                    .and_then(|l| l.trim().parse().ok())
                    .unwrap_or(1);
                let want_last = lines.next().unwrap_or("").trim();
                if out.status != want_status {
                    problems.push(format!("status {} (expected {want_status})", out.status));
                }
                let last = stderr.lines().last().unwrap_or("").trim();
                if !want_last.is_empty() && last != want_last {
                    problems.push(format!(
                        "last stderr line {last:?} (expected {want_last:?})"
                    ));
                }
            }
            Err(_) => {
                if out.status != 0 {
                    problems.push(format!("status {}, stderr:\n{stderr}", out.status));
                }
            }
        }
        if stderr.contains("leaked object") {
            problems.push(format!("leak report: {stderr}"));
        }
        if !problems.is_empty() {
            failures.push(format!("{name}: {}", problems.join("\n")));
        }
    }
    assert!(ran >= 100, "only {ran} specs ran");
    assert!(
        failures.is_empty(),
        "{} of {ran} specs failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
