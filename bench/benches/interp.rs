//! `interp/<script>/<impl>`: allocation-heavy scripts run through the PyMM
//! runtime (`pymm`, in-process, default components, VM start-up included)
//! and through CPython (`cpython`: `python3` spawned on a wrapper that
//! times `exec` of the same script with `time.perf_counter`, so interpreter
//! start-up is not counted). `cargo xtask bench
//! interp` prints the ratio pymm/cpython per script; the budget of issue #6
//! is 3x.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use runtime::{Config, run_source};

const SCRIPTS: &[(&str, &str)] = &[
    (
        "list_append",
        "out = []\nfor i in range(100000):\n    out.append([i, i + 1])\ntotal = 0\nfor pair in out:\n    total += pair[0]\n",
    ),
    (
        "linked_objects",
        "class Node:\n    def __init__(self, value, nxt):\n        self.value = value\n        self.nxt = nxt\nhead = None\nfor i in range(50000):\n    head = Node(i, head)\nn = 0\nwhile head is not None:\n    n += head.value\n    head = head.nxt\n",
    ),
    (
        "dict_of_str",
        "d = {}\nfor i in range(50000):\n    d['key' + str(i)] = i\ns = 0\nfor k, v in d.items():\n    if k.startswith('key1'):\n        s += v\n",
    ),
    (
        "calls",
        "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\nfib(20)\n",
    ),
];

fn script_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pymm-interp-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

const TIMER: &str = "import sys, time\nsrc = open(sys.argv[1]).read()\ncode = compile(src, sys.argv[1], 'exec')\nt = time.perf_counter()\nexec(code, {'__name__': '__main__'})\nprint(time.perf_counter() - t)\n";

/// How long CPython takes to run the script's body (start-up excluded).
fn time_python(timer: &std::path::Path, path: &std::path::Path) -> Option<Duration> {
    let out = Command::new("python3").arg(timer).arg(path).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let secs: f64 = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs_f64(secs))
}

fn interp(c: &mut Criterion) {
    let dir = script_dir();
    let empty = dir.join("empty.py");
    let _ = std::fs::write(&empty, "");
    let python_available = time_python(&empty).is_some();
    // Interpreter start-up: the fastest of a few empty runs.
    let startup = (0..5)
        .filter_map(|_| time_python(&empty))
        .min()
        .unwrap_or_default();
    let config = Config::default();
    for (name, src) in SCRIPTS {
        let mut group = c.benchmark_group(format!("interp/{name}"));
        group.sample_size(10);
        group.warm_up_time(Duration::from_millis(500));
        group.measurement_time(Duration::from_secs(3));
        group.bench_function("pymm", |b| {
            b.iter(|| {
                let out = run_source("bench.py", src.as_bytes(), &config);
                assert_eq!(out.status, 0, "{}", String::from_utf8_lossy(&out.stderr));
            });
        });
        if python_available {
            let path = dir.join(format!("{name}.py"));
            let _ = std::fs::write(&path, src);
            group.bench_function("cpython", |b| {
                b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let t = time_python(&timer, &path).unwrap_or_default();
                        total += t.max(Duration::from_micros(1));
                    }
                    total
                });
            });
        }
        group.finish();
    }
}

criterion_group!(benches, interp);
criterion_main!(benches);
