//! tracemalloc's figures: PyMM's `get_traced_memory()[0]` must be within 5%
//! of CPython 3.11's on allocation-heavy scripts, on the default
//! combination (pymalloc, generational, CPython interning) with the
//! `tracemalloc` tracer. Each script runs under `python3` and under the
//! runtime in the same test run; without `python3` the test says so and
//! passes (the bound needs CPython's figure).
//!
//! The figures line up because the object model allocates what CPython
//! allocates: the int objects (requested size 28 + 4 bytes per digit, 4
//! more than `sys.getsizeof`), the list item arrays grown by realloc with
//! CPython's over-allocation, dict key tables, set tables, str and tuple
//! objects, instances with their inline-values arrays; the list and dict objects themselves come from free lists in
//! CPython (not traced) — small next to their contents.

use std::process::Command;

use rstest::rstest;
use runtime::{Config, run_source};

/// The documents' example (§7.11): a list of 100000 ints.
const INTS: &str = r#"import tracemalloc
tracemalloc.start()
data = [i for i in range(100000)]
print(tracemalloc.get_traced_memory()[0])
"#;

/// A dict of 20000 str keys to ints.
const STRDICT: &str = r#"import tracemalloc
tracemalloc.start()
d = {str(i): i for i in range(20000)}
print(tracemalloc.get_traced_memory()[0])
"#;

/// A list of 50000 floats.
const FLOATS: &str = r#"import tracemalloc
tracemalloc.start()
fs = [i * 0.5 for i in range(50000)]
print(tracemalloc.get_traced_memory()[0])
"#;

/// A set grown one add at a time to 30000 ints.
const INTSET: &str = r#"import tracemalloc
tracemalloc.start()
s = set()
for i in range(30000):
    s.add(i * 7)
print(tracemalloc.get_traced_memory()[0])
"#;

/// A list of 20000 (str, int) tuples built with %-formatting.
const TUPLES: &str = r#"import tracemalloc
tracemalloc.start()
rows = [("key%d" % i, i * 1000) for i in range(20000)]
print(tracemalloc.get_traced_memory()[0])
"#;

/// A list of 20000 repeated strings.
const STRINGS: &str = r#"import tracemalloc
tracemalloc.start()
words = ["item-%d-" % i * 4 for i in range(20000)]
print(tracemalloc.get_traced_memory()[0])
"#;

/// 20000 instances of a two-attribute class (object plus inline-values array).
const INSTANCES: &str = r#"import tracemalloc
class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y
tracemalloc.start()
pts = [Point(i, -i) for i in range(20000)]
print(tracemalloc.get_traced_memory()[0])
"#;

/// A 300 x 100 list of lists.
const NESTED: &str = r#"import tracemalloc
tracemalloc.start()
grid = [[j for j in range(100)] for i in range(300)]
print(tracemalloc.get_traced_memory()[0])
"#;

fn python3_figure(name: &str, src: &str) -> Option<i64> {
    let dir = std::env::temp_dir().join(format!("pymm-tm-numbers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join(format!("{name}.py"));
    std::fs::write(&path, src).ok()?;
    let out = Command::new("python3").arg(&path).output().ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

fn pymm_figure(name: &str, src: &str) -> i64 {
    let config = Config {
        tracer: "tracemalloc".into(),
        ..Config::default()
    };
    let out = run_source(&format!("{name}.py"), src.as_bytes(), &config);
    let text = String::from_utf8_lossy(&out.stdout);
    text.trim().parse().unwrap_or_else(|_| {
        panic!(
            "{name}: pymm printed {text:?}; stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[rstest]
#[case::ints("ints", INTS)]
#[case::strdict("strdict", STRDICT)]
#[case::floats("floats", FLOATS)]
#[case::intset("intset", INTSET)]
#[case::tuples("tuples", TUPLES)]
#[case::strings("strings", STRINGS)]
#[case::nested("nested", NESTED)]
#[case::instances("instances", INSTANCES)]
fn traced_memory_within_5_percent_of_cpython(#[case] name: &str, #[case] src: &str) {
    let ours = pymm_figure(name, src);
    let Some(cpython) = python3_figure(name, src) else {
        eprintln!("python3 not found: {name} not compared (PyMM traced {ours} bytes)");
        return;
    };
    let off = (ours - cpython) as f64 * 100.0 / cpython as f64;
    eprintln!("{name}: CPython {cpython} B, PyMM {ours} B ({off:+.2}%)");
    assert!(
        off.abs() <= 5.0,
        "{name}: PyMM traced {ours} B, CPython {cpython} B ({off:+.2}%)"
    );
}
