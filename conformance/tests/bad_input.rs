//! The runner against bad input: a spec without `.out`, malformed headers,
//! a spec that hangs, a cell that crashes, known failures, divergences,
//! error-case specs, shards, a process abort and a runaway script. Each uses
//! a temporary specs directory and a fake engine (the real interpreter for the
//! runaway script); the run must report each problem clearly and go on.

use conformance::{
    Combination, ComponentFilter, FnEngine, Job, Outcome, RunOptions, RunOutput, Selection, Suite,
    contract_components,
};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "pymm-conformance-{tag}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn spec(&self, name: &str, source: &str, out: Option<&str>) -> &Self {
        fs::write(self.0.join(format!("{name}.py")), source).unwrap();
        if let Some(out) = out {
            fs::write(self.0.join(format!("{name}.out")), out).unwrap();
        }
        self
    }

    fn file(&self, name: &str, text: &str) -> &Self {
        fs::write(self.0.join(name), text).unwrap();
        self
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The fake interpreter: the script's first line after the header says what
/// to do.
///   `print X`   prints X
///   `hang`      sleeps 3 s (longer than the specs' timeout)
///   `panic`     panics
///   `abort`     aborts the whole process
///   `raise`     prints `before`, exits 1 with a traceback ending in ZeroDivisionError
///   `gc X Y`    prints X under a collector, Y under `off`
fn fake(job: &Job) -> RunOutput {
    let source = String::from_utf8_lossy(&job.source).into_owned();
    let body = source
        .lines()
        .find(|l| !l.starts_with('#'))
        .unwrap_or("")
        .to_owned();
    let words: Vec<&str> = body.split_whitespace().collect();
    let ok = |s: &str| RunOutput {
        stdout: format!("{s}\n").into_bytes(),
        ..RunOutput::default()
    };
    match words.as_slice() {
        ["print", x] => ok(x),
        ["hang"] => {
            std::thread::sleep(Duration::from_secs(3));
            ok("late")
        }
        ["panic"] => panic!("fake interpreter fell over in {}", job.filename),
        ["abort"] => std::process::abort(),
        ["raise", last @ ..] => RunOutput {
            stdout: b"before\n".to_vec(),
            stderr: format!(
                "Traceback (most recent call last):\n  File \"{}\", line 2\n{}\n",
                job.filename,
                last.join(" ")
            )
            .into_bytes(),
            status: 1,
        },
        ["gc", with, without] => ok(if job.combination.gc == "off" {
            without
        } else {
            with
        }),
        _ => ok("?"),
    }
}

fn suite(dir: &TempDir) -> Suite {
    Suite::load(
        dir.path(),
        &dir.path().join("known-failures.txt"),
        Arc::new(FnEngine::new(contract_components(), fake)),
    )
    .unwrap()
}

fn combo(gc: &str) -> Combination {
    Combination::new("pymalloc", gc, "tracemalloc", "cpython")
}

fn run_all(s: &Suite, selection: &Selection) -> conformance::Report {
    let plan = s.plan(selection).unwrap();
    s.run(&plan, &RunOptions::default(), &|_| {})
}

#[test]
fn a_spec_without_out_is_an_error_and_the_others_run() {
    let dir = TempDir::new("noout");
    dir.spec("good", "# Prints one.\nprint 1\n", Some("1\n"))
        .spec("lonely", "# Has no expectations.\nprint 1\n", None);
    let s = suite(&dir);
    assert_eq!(s.specs.len(), 1);
    let report = run_all(&s, &Selection::default());
    assert!(!report.ok());
    assert_eq!(report.cells.len(), 36);
    assert!(report.cells.iter().all(|c| c.outcome == Outcome::Pass));
    let text = report.failures(false);
    assert!(text.contains("ERROR lonely: no expected output"), "{text}");
    assert!(text.contains("cargo xtask oracle"), "{text}");
    assert!(report.to_junit().contains("name=\"lonely\""));
}

#[test]
fn malformed_headers_are_errors_naming_the_line() {
    let dir = TempDir::new("header");
    dir.spec(
        "cap",
        "# Needs magic.\n# requires: telepathy\nprint 1\n",
        Some("1\n"),
    )
    .spec(
        "key",
        "# Bad key.\n# needs: cycle-collection\nprint 1\n",
        Some("1\n"),
    )
    .spec("nodesc", "print 1\n", Some("1\n"));
    let s = suite(&dir);
    assert!(s.specs.is_empty());
    let messages: Vec<String> = s.errors.iter().map(|(n, e)| format!("{n}: {e}")).collect();
    let all = messages.join("\n");
    assert!(
        all.contains("cap: header line 2: unknown capability `telepathy`"),
        "{all}"
    );
    assert!(
        all.contains("key: header line 2: unknown key `needs`"),
        "{all}"
    );
    assert!(all.contains("nodesc: header: no description"), "{all}");
    assert!(!run_all(&s, &Selection::default()).ok());
}

#[test]
fn a_hanging_spec_times_out_and_the_run_goes_on() {
    let dir = TempDir::new("hang");
    dir.spec(
        "hangs",
        "# Never ends.\n# timeout: 0.2\nhang\n",
        Some("late\n"),
    )
    .spec("quick", "# Ends.\nprint 2\n", Some("2\n"));
    let s = suite(&dir);
    let start = Instant::now();
    let report = run_all(
        &s,
        &Selection {
            components: ComponentFilter {
                alloc: vec!["pymalloc".into()],
                gc: vec!["generational".into()],
                tracer: vec!["null".into()],
                ..Default::default()
            },
            ..Default::default()
        },
    );
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "the run waited for the hang"
    );
    let hang: Vec<_> = report.cells.iter().filter(|c| c.spec == "hangs").collect();
    assert_eq!(hang.len(), 2);
    assert!(hang.iter().all(|c| c.outcome == Outcome::Timeout));
    assert!(
        hang[0].detail.contains("no result after 0.2s"),
        "{}",
        hang[0].detail
    );
    assert!(
        report
            .cells
            .iter()
            .filter(|c| c.spec == "quick")
            .all(|c| c.outcome == Outcome::Pass)
    );
    assert!(!report.ok());
    assert!(report.matrix().contains("hangs TT"), "{}", report.matrix());
}

#[test]
fn a_crashing_cell_is_reported_with_its_panic_and_the_run_goes_on() {
    let dir = TempDir::new("crash");
    dir.spec("boom", "# Crashes.\npanic\n", Some("x\n")).spec(
        "fine",
        "# Fine.\nprint 3\n",
        Some("3\n"),
    );
    let s = suite(&dir);
    let report = run_all(&s, &Selection::default());
    let crashes: Vec<_> = report.cells.iter().filter(|c| c.spec == "boom").collect();
    assert_eq!(crashes.len(), 36);
    assert!(crashes.iter().all(|c| c.outcome == Outcome::Crash));
    assert!(
        crashes[0]
            .detail
            .contains("fake interpreter fell over in boom.py"),
        "{}",
        crashes[0].detail
    );
    assert!(
        crashes[0].detail.contains("bad_input.rs"),
        "panic location: {}",
        crashes[0].detail
    );
    assert!(
        report
            .cells
            .iter()
            .filter(|c| c.spec == "fine")
            .all(|c| c.outcome == Outcome::Pass)
    );
}

#[test]
fn capabilities_make_expected_divergences_and_unexpected_passes() {
    let dir = TempDir::new("caps");
    dir.spec(
        "cyc",
        "# Cycle.\n# requires: cycle-collection\ngc 2 0\n",
        Some("2\n"),
    )
    .spec(
        "wrongreq",
        "# Claims to need gc.\n# requires: cycle-collection\nprint 2\n",
        Some("2\n"),
    );
    let s = suite(&dir);
    let on = s
        .run_one("cyc", &combo("generational"), &RunOptions::default())
        .unwrap();
    assert_eq!(on.outcome, Outcome::Pass);
    let off = s
        .run_one("cyc", &combo("off"), &RunOptions::default())
        .unwrap();
    assert_eq!(off.outcome, Outcome::ExpectedDivergence);
    assert_eq!(off.missing, ["cycle-collection"]);
    assert!(off.detail.contains("- 2\n+ 0"), "{}", off.detail);
    let wrong = s
        .run_one("wrongreq", &combo("off"), &RunOptions::default())
        .unwrap();
    assert_eq!(wrong.outcome, Outcome::UnexpectedPass);
    assert!(wrong.outcome.fails_run());
}

#[test]
fn known_failures_hide_failures_and_flag_fixes() {
    let dir = TempDir::new("known");
    dir.spec("broken", "# Fails.\nprint 1\n", Some("2\n"))
        .spec("mended", "# Passes now.\nprint 1\n", Some("1\n"))
        .file(
            "known-failures.txt",
            "# spec | combination | reason\nbroken | */generational/*/* | not implemented yet\nmended | * | was broken\n",
        );
    let s = suite(&dir);
    let broken = s
        .run_one("broken", &combo("generational"), &RunOptions::default())
        .unwrap();
    assert_eq!(broken.outcome, Outcome::KnownFailure);
    assert_eq!(broken.known_reason.as_deref(), Some("not implemented yet"));
    let unlisted = s
        .run_one("broken", &combo("off"), &RunOptions::default())
        .unwrap();
    assert_eq!(unlisted.outcome, Outcome::Fail);
    let mended = s
        .run_one("mended", &combo("off"), &RunOptions::default())
        .unwrap();
    assert_eq!(mended.outcome, Outcome::Fixed);
    assert!(mended.outcome.fails_run());
}

#[test]
fn a_malformed_known_failures_list_stops_the_load() {
    let dir = TempDir::new("badlist");
    dir.spec("a", "# A.\nprint 1\n", Some("1\n"))
        .file("known-failures.txt", "a | *\n");
    let err = Suite::load(
        dir.path(),
        &dir.path().join("known-failures.txt"),
        Arc::new(FnEngine::new(contract_components(), fake)),
    )
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(err.contains("known-failures.txt line 1"), "{err}");
}

#[test]
fn error_case_specs_compare_status_and_the_exception_line() {
    let dir = TempDir::new("raise");
    dir.spec(
        "zero",
        "# Divides by zero.\nraise ZeroDivisionError: division by zero\n",
        Some("before\n"),
    )
    .file("zero.status", "1\nZeroDivisionError: division by zero\n")
    .spec(
        "other",
        "# Raises the wrong thing.\nraise KeyError: 'k'\n",
        Some("before\n"),
    )
    .file("other.status", "1\nZeroDivisionError: division by zero\n")
    .spec(
        "unexpected",
        "# Should not raise.\nraise KeyError: 'k'\n",
        Some("before\n"),
    );
    let s = suite(&dir);
    let opts = RunOptions::default();
    assert_eq!(
        s.run_one("zero", &combo("off"), &opts).unwrap().outcome,
        Outcome::Pass
    );
    let other = s.run_one("other", &combo("off"), &opts).unwrap();
    assert_eq!(other.outcome, Outcome::Fail);
    assert!(
        other.detail.contains(
            "last stderr line: expected `ZeroDivisionError: division by zero`, got `KeyError: 'k'`"
        ),
        "{}",
        other.detail
    );
    let unexpected = s.run_one("unexpected", &combo("off"), &opts).unwrap();
    assert_eq!(unexpected.outcome, Outcome::Fail);
    assert!(
        unexpected.detail.contains("exit status: expected 0, got 1"),
        "{}",
        unexpected.detail
    );
    assert!(
        unexpected.detail.contains("KeyError: 'k'"),
        "stderr tail shown: {}",
        unexpected.detail
    );
}

#[test]
fn shards_partition_the_cells() {
    let dir = TempDir::new("shard");
    for i in 0..5 {
        dir.spec(&format!("s{i}"), "# S.\nprint 1\n", Some("1\n"));
    }
    let s = suite(&dir);
    let mut seen = Vec::new();
    for k in 1..=3 {
        let plan = s
            .plan(&Selection {
                shard: Some((k, 3)),
                ..Default::default()
            })
            .unwrap();
        seen.extend(plan.cells);
    }
    let all = s.plan(&Selection::default()).unwrap().cells;
    assert_eq!(all.len(), 5 * 36);
    seen.sort_unstable();
    let mut all_sorted = all.clone();
    all_sorted.sort_unstable();
    assert_eq!(seen, all_sorted);
    assert!(
        s.plan(&Selection {
            shard: Some((4, 3)),
            ..Default::default()
        })
        .is_err()
    );
    assert!(
        s.plan(&Selection {
            shard: Some((1, 0)),
            ..Default::default()
        })
        .is_err()
    );
}

#[test]
fn spec_and_component_filters() {
    let dir = TempDir::new("filter");
    dir.spec("gc_one", "# G.\nprint 1\n", Some("1\n")).spec(
        "weak_one",
        "# W.\nprint 1\n",
        Some("1\n"),
    );
    let s = suite(&dir);
    let plan = s
        .plan(&Selection {
            spec: Some("gc_*".into()),
            components: ComponentFilter {
                gc: vec!["off".into()],
                interning: vec!["none".into()],
                ..Default::default()
            },
            ..Default::default()
        })
        .unwrap();
    assert_eq!(plan.specs.len(), 1);
    assert_eq!(plan.cells.len(), 3 * 2);
    let err = s
        .plan(&Selection {
            components: ComponentFilter {
                tracer: vec!["valgrind".into()],
                ..Default::default()
            },
            ..Default::default()
        })
        .unwrap_err();
    assert!(err.contains("unknown tracer component `valgrind`"), "{err}");
}

/// Set in the environment of a re-run of this test binary that should act
/// as a worker process over the specs directory it names.
const WORKER_ENV: &str = "PYMM_CONFORMANCE_TEST_WORKER";

/// Two roles. Re-run by `a_process_abort_costs_one_cell_in_worker_mode` with
/// `WORKER_ENV` set, it is a worker process serving cells on stdin/stdout
/// (with the fake engine, whose `abort` kills the process). Run normally, it
/// checks the worker protocol over in-memory buffers.
#[test]
fn worker_process_entry() {
    if let Ok(dir) = std::env::var(WORKER_ENV) {
        let dir = PathBuf::from(dir);
        let s = Suite::load(
            &dir,
            &dir.join("known-failures.txt"),
            Arc::new(FnEngine::new(contract_components(), fake)),
        )
        .unwrap();
        let stdin = std::io::stdin();
        conformance::isolation::serve(
            &s,
            &RunOptions::default(),
            stdin.lock(),
            std::io::stdout().lock(),
        )
        .unwrap();
        return;
    }
    let dir = TempDir::new("serve");
    dir.spec("one", "# One.\nprint 1\n", Some("1\n"));
    let s = suite(&dir);
    let mut out = Vec::new();
    let request = "one\tpymalloc/off/null/none\n";
    conformance::isolation::serve(&s, &RunOptions::default(), request.as_bytes(), &mut out)
        .unwrap();
    let text = String::from_utf8(out).unwrap();
    let json = text
        .strip_prefix(conformance::isolation::RESULT_PREFIX)
        .unwrap();
    let cell: conformance::CellResult = serde_json::from_str(json.trim_end()).unwrap();
    assert_eq!(cell.outcome, Outcome::Pass);
    assert_eq!(cell.combination.gc, "off");
    let bad = conformance::isolation::serve(
        &s,
        &RunOptions::default(),
        "nonsense\n".as_bytes(),
        Vec::new(),
    );
    assert!(bad.is_err());
}

#[test]
fn a_process_abort_costs_one_cell_in_worker_mode() {
    let dir = TempDir::new("abort");
    dir.spec("a_first", "# Fine.\nprint 1\n", Some("1\n"))
        .spec("b_dies", "# Aborts the process.\nabort\n", Some("1\n"))
        .spec("c_after", "# Fine after the abort.\nprint 2\n", Some("2\n"));
    let s = suite(&dir);
    let plan = s
        .plan(&Selection {
            components: ComponentFilter {
                gc: vec!["generational".into()],
                tracer: vec!["null".into()],
                interning: vec!["cpython".into()],
                ..Default::default()
            },
            ..Default::default()
        })
        .unwrap();
    assert_eq!(plan.cells.len(), 9);
    let exe = std::env::current_exe().unwrap();
    let path = dir.path().to_path_buf();
    let worker = move || {
        let mut c = std::process::Command::new(&exe);
        c.args([
            "--exact",
            "worker_process_entry",
            "--nocapture",
            "--test-threads=1",
            "--quiet",
        ])
        .env(WORKER_ENV, &path);
        c
    };
    let options = RunOptions {
        jobs: 2,
        ..RunOptions::default()
    };
    let report = conformance::isolation::run_isolated(&s, &plan, &options, &worker, &|_| {});
    assert_eq!(report.cells.len(), 9);
    for cell in &report.cells {
        if cell.spec == "b_dies" {
            assert_eq!(cell.outcome, Outcome::Crash, "{cell:?}");
            assert!(
                cell.detail.contains("worker process died"),
                "{}",
                cell.detail
            );
        } else {
            assert_eq!(cell.outcome, Outcome::Pass, "{cell:?}");
        }
    }
}

/// The real interpreter honours a spec's `# max-steps:`: an endless loop ends
/// as a FAIL naming the step limit, long before the wall-clock limit.
#[test]
fn the_interpreter_stops_a_runaway_spec_by_its_step_budget() {
    let dir = TempDir::new("runaway");
    dir.spec(
        "forever",
        "# Never ends.\n# max-steps: 200_000\n# timeout: 60\nwhile True:\n    pass\n",
        Some(""),
    );
    let s = Suite::load(
        dir.path(),
        &dir.path().join("known-failures.txt"),
        Arc::new(conformance::RuntimeEngine),
    )
    .unwrap();
    let start = Instant::now();
    let cell = s
        .run_one("forever", &combo("generational"), &RunOptions::default())
        .unwrap();
    assert!(start.elapsed() < Duration::from_secs(30));
    assert_eq!(cell.outcome, Outcome::Fail, "{}", cell.detail);
    assert!(
        cell.detail.contains("exit status: expected 0"),
        "{}",
        cell.detail
    );
    assert!(cell.detail.contains("step limit"), "{}", cell.detail);
}
