//! The oracle against a temporary specs directory: writing expectations,
//! `--check` finding stale ones, error-case `.status` files, headers
//! validated, a hanging script killed. Needs `python3` (any 3.x); skipped
//! with a message when there is none.

use conformance::oracle::{Python, Verdict, probe_python, run_oracle};
use std::fs;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn python_available() -> bool {
    match probe_python() {
        Python::Absent(why) => {
            eprintln!("skipping: python3 is not available ({why})");
            false
        }
        Python::Ready | Python::WrongVersion(_) => true,
    }
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pymm-oracle-{tag}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn verdict<'a>(report: &'a conformance::oracle::OracleReport, name: &str) -> &'a Verdict {
    &report.specs.iter().find(|(n, _)| n == name).unwrap().1
}

#[test]
fn writes_checks_and_reports_stale_expectations() {
    if !python_available() {
        return;
    }
    let dir = temp_dir("write");
    fs::write(dir.join("hello.py"), "# Greets.\nprint('hi', 1 + 1)\n").unwrap();
    fs::write(
        dir.join("boom.py"),
        "# Raises.\nprint('before')\nraise KeyError('k')\n",
    )
    .unwrap();
    fs::write(
        dir.join("badhdr.py"),
        "# Bad.\n# requires: telepathy\nprint(1)\n",
    )
    .unwrap();
    let caps = ["cycle-collection"];
    let t = Duration::from_secs(20);

    // --check before anything exists: stale.
    let r = run_oracle(&dir, true, &caps, 2, t).unwrap();
    assert!(
        matches!(verdict(&r, "hello"), Verdict::Stale(why) if why.contains("hello.out is missing"))
    );
    assert!(
        matches!(verdict(&r, "badhdr"), Verdict::Error(why) if why.contains("unknown capability `telepathy`"))
    );
    assert!(!dir.join("hello.out").exists(), "--check writes nothing");

    // Regenerate: .out for both, .status for the error case.
    let r = run_oracle(&dir, false, &caps, 2, t).unwrap();
    assert_eq!(verdict(&r, "hello"), &Verdict::Written);
    assert_eq!(fs::read_to_string(dir.join("hello.out")).unwrap(), "hi 2\n");
    assert_eq!(
        fs::read_to_string(dir.join("boom.out")).unwrap(),
        "before\n"
    );
    assert_eq!(
        fs::read_to_string(dir.join("boom.status")).unwrap(),
        "1\nKeyError: 'k'\n"
    );
    assert!(!dir.join("hello.status").exists());
    assert_eq!(r.problems().len(), 1, "only the bad header");

    // Now current.
    let r = run_oracle(&dir, true, &caps, 2, t).unwrap();
    assert_eq!(verdict(&r, "hello"), &Verdict::Current);
    assert_eq!(verdict(&r, "boom"), &Verdict::Current);

    // Hand-edited .out and a stale .status are caught.
    fs::write(dir.join("hello.out"), "hi 3\n").unwrap();
    fs::write(dir.join("hello.status"), "1\nX\n").unwrap();
    let r = run_oracle(&dir, true, &caps, 2, t).unwrap();
    let Verdict::Stale(why) = verdict(&r, "hello") else {
        panic!("{:?}", verdict(&r, "hello"));
    };
    assert!(
        why.contains("hello.out differs") && why.contains("exits 0 but hello.status exists"),
        "{why}"
    );

    // Regenerating removes the stale .status.
    run_oracle(&dir, false, &caps, 2, t).unwrap();
    assert!(!dir.join("hello.status").exists());
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_hanging_script_is_killed_and_reported() {
    if !python_available() {
        return;
    }
    let dir = temp_dir("hang");
    fs::write(dir.join("spin.py"), "# Spins.\nwhile True:\n    pass\n").unwrap();
    let start = Instant::now();
    let r = run_oracle(&dir, false, &[], 1, Duration::from_millis(500)).unwrap();
    assert!(start.elapsed() < Duration::from_secs(5));
    assert!(matches!(verdict(&r, "spin"), Verdict::Error(why) if why.contains("did not finish")));
    assert!(!dir.join("spin.out").exists());
    fs::remove_dir_all(&dir).unwrap();
}
