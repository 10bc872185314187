//! The component registry (names and capabilities are a contract with the
//! conformance runner) and every registered combination running a script.

use runtime::components::registry;
use runtime::{Config, run_source};

#[test]
fn registry_lists_every_implementation_with_its_capabilities() {
    let rows: Vec<(&str, &str, Vec<&str>)> = registry()
        .iter()
        .map(|c| (c.kind, c.name, c.capabilities.to_vec()))
        .collect();
    let want: Vec<(&str, &str, Vec<&str>)> = vec![
        ("alloc", "pymalloc", vec!["pymalloc"]),
        ("alloc", "system", vec![]),
        ("alloc", "bump", vec![]),
        (
            "gc",
            "generational",
            vec!["cycle-collection", "generations"],
        ),
        ("gc", "trial-deletion", vec!["cycle-collection"]),
        ("gc", "off", vec![]),
        ("tracer", "tracemalloc", vec!["tracemalloc"]),
        ("tracer", "null", vec![]),
        (
            "interning",
            "cpython",
            vec!["small-int-cache", "string-interning"],
        ),
        ("interning", "none", vec![]),
    ];
    assert_eq!(rows, want);
}

#[test]
fn every_combination_runs_a_script() {
    let names = |kind: &str| -> Vec<&'static str> {
        registry()
            .iter()
            .filter(|c| c.kind == kind)
            .map(|c| c.name)
            .collect()
    };
    let src = b"class N:\n    pass\na = N()\nb = N()\na.o = b\nb.o = a\nl = [i * i for i in range(100)]\nprint(sum(l), len({1, 2}))\n";
    for alloc in names("alloc") {
        for gc in names("gc") {
            for tracer in names("tracer") {
                for interning in names("interning") {
                    let config = Config {
                        alloc: alloc.into(),
                        gc: gc.into(),
                        tracer: tracer.into(),
                        interning: interning.into(),
                        check_leaks: true,
                        ..Config::default()
                    };
                    let out = run_source("combo.py", src, &config);
                    assert_eq!(
                        (
                            out.status,
                            String::from_utf8_lossy(&out.stdout).into_owned()
                        ),
                        (0, "328350 2\n".to_string()),
                        "{config:?}: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
            }
        }
    }
}
