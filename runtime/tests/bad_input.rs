//! One test per kind of bad input: each gets CPython's error (or a clear
//! pymm error), an exit status, and never a panic, stack overflow or hang.

use runtime::{Config, RunOutput, run_path, run_source};

fn run(src: &[u8]) -> RunOutput {
    run_source("bad.py", src, &Config::default())
}

fn last_stderr_line(out: &RunOutput) -> String {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .last()
        .unwrap_or("")
        .to_string()
}

#[test]
fn syntax_error_is_printed_with_position() {
    let out = run(b"def f(:\n    pass\n");
    assert_eq!(out.status, 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("  File \"bad.py\", line 1\n"), "{err}");
    assert_eq!(last_stderr_line(&out), "SyntaxError: invalid syntax");
}

#[test]
fn infinite_recursion_raises_recursion_error() {
    let out = run(b"def f(n):\n    return f(n + 1)\nf(0)\n");
    assert_eq!(out.status, 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("Traceback (most recent call last):\n"),
        "{err}"
    );
    assert!(
        err.contains("[Previous line repeated 996 more times]"),
        "{err}"
    );
    assert_eq!(
        last_stderr_line(&out),
        "RecursionError: maximum recursion depth exceeded"
    );
}

#[test]
fn recursion_limit_is_configurable() {
    let config = Config {
        recursion_limit: 50,
        ..Config::default()
    };
    let out = run_source(
        "r.py",
        b"def f(n):\n    return f(n + 1) if n < 100 else n\nprint(f(0))\n",
        &config,
    );
    assert_eq!(out.status, 1);
    assert_eq!(
        last_stderr_line(&out),
        "RecursionError: maximum recursion depth exceeded"
    );
}

#[test]
fn infinite_loop_stops_at_max_steps() {
    let config = Config {
        max_steps: Some(10_000),
        ..Config::default()
    };
    let out = run_source("loop.py", b"while True:\n    pass\n", &config);
    assert_eq!(out.status, 1);
    assert_eq!(
        last_stderr_line(&out),
        "pymm: step limit of 10000 instructions exceeded"
    );
}

#[test]
fn huge_allocations_raise_memory_error() {
    for src in [
        &b"x = [0] * 10**12\n"[..],
        b"s = 'x' * 10**12\n",
        b"x = list(range(10**12))\n",
    ] {
        let out = run(src);
        assert_eq!(out.status, 1, "{}", String::from_utf8_lossy(src));
        assert_eq!(last_stderr_line(&out), "MemoryError");
    }
}

#[test]
fn memory_limit_raises_memory_error() {
    let config = Config {
        memory_limit: Some(2_000_000),
        ..Config::default()
    };
    let src = b"l = []\ntry:\n    while True:\n        l.append([0] * 100)\nexcept MemoryError:\n    l = None\n    print('caught')\n";
    let out = run_source("m.py", src, &config);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "caught\n");
    assert_eq!(out.status, 0);
}

#[test]
fn non_utf8_source_is_a_syntax_error() {
    let out = run(b"x = '\xff\xfe'\n");
    assert_eq!(out.status, 1);
    let last = last_stderr_line(&out);
    assert!(
        last.starts_with("SyntaxError: Non-UTF-8 code starting with '\\xff'"),
        "{last}"
    );
}

#[test]
fn unsupported_construct_is_reported() {
    // Multiple inheritance is outside the subset: a TypeError, not a crash.
    let out = run(b"class A: pass\nclass B: pass\nclass C(A, B): pass\n");
    assert_eq!(out.status, 1);
    assert_eq!(
        last_stderr_line(&out),
        "TypeError: multiple inheritance is not supported by pymm"
    );
}

#[test]
fn missing_file_gives_cpython_message() {
    let out = run_path(
        std::path::Path::new("/nonexistent/dir/x.py"),
        &Config::default(),
    );
    assert_eq!(out.status, 2);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "pymm: can't open file '/nonexistent/dir/x.py': [Errno 2] No such file or directory\n"
    );
}

#[test]
fn deeply_nested_brackets_do_not_overflow() {
    let mut src = "x = ".to_string();
    src.push_str(&"[".repeat(10_000));
    src.push_str(&"]".repeat(10_000));
    src.push('\n');
    let out = run(src.as_bytes());
    assert_eq!(out.status, 1);
    assert_eq!(
        last_stderr_line(&out),
        "SyntaxError: too many nested parentheses"
    );
}

#[test]
fn deeply_nested_data_is_freed_without_recursion() {
    let out = run(b"x = None\nfor i in range(200000):\n    x = [x]\ndel x\nprint('ok')\n");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "ok\n");
}

#[test]
fn unknown_component_is_a_clear_error() {
    let config = Config {
        gc: "mark-sweep".into(),
        ..Config::default()
    };
    let out = run_source("x.py", b"pass\n", &config);
    assert_eq!(out.status, 2);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("unknown gc implementation 'mark-sweep'")
    );
}

#[test]
fn uncaught_exception_prints_traceback_with_source_lines() {
    let out = run(b"def f():\n    return y\nf()\n");
    assert_eq!(out.status, 1);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Traceback (most recent call last):\n  File \"bad.py\", line 3, in <module>\n    f()\n  File \"bad.py\", line 2, in f\n    return y\nNameError: name 'y' is not defined\n"
    );
}

#[test]
fn system_exit_sets_the_status() {
    let out = run(b"import sys\nprint('a')\nsys.exit(3)\nprint('b')\n");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "a\n");
    assert_eq!(out.status, 3);
}
