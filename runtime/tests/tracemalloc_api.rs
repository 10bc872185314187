//! The `tracemalloc` module against CPython: the same script runs through
//! the runtime (with the `tracemalloc` tracer) and through `python3` in the
//! same test; stdout must be identical. The script covers the whole 3.11
//! API: calls while not tracing, bad arguments to every function (CPython's
//! exception types and messages), start/stop/limits, snapshots, statistics
//! by line/file/traceback (cumulative too), `compare_to`, `filter_traces`
//! with `Filter`/`DomainFilter`, object tracebacks (with 3.11's quirks),
//! the data classes' formats, and `_format_size`.

use std::process::Command;

use runtime::{Config, RunOutput, run_source};

fn python3(name: &str, src: &str) -> Option<(String, i32)> {
    let dir = std::env::temp_dir().join(format!("pymm-tracemalloc-api-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join(format!("{name}.py"));
    std::fs::write(&path, src).ok()?;
    let out = Command::new("python3")
        .arg(&path)
        .current_dir(&dir)
        .output()
        .ok()?;
    Some((
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
    ))
}

fn pymm(name: &str, src: &str, tracer: &str) -> RunOutput {
    let config = Config {
        tracer: tracer.into(),
        check_leaks: true,
        max_steps: Some(20_000_000),
        ..Config::default()
    };
    run_source(&format!("{name}.py"), src.as_bytes(), &config)
}

const API: &str = r#"import tracemalloc
def show(f, *a, **k):
    try:
        r = f(*a, **k)
        print("ok", r if not isinstance(r, (tracemalloc.Snapshot,)) else type(r).__name__)
    except Exception as e:
        print(type(e).__name__ + ":", e)
print("== not tracing ==")
show(tracemalloc.is_tracing)
show(tracemalloc.get_traced_memory)
show(tracemalloc.get_object_traceback, object())
show(tracemalloc.get_object_traceback, [1, 2])
show(tracemalloc.reset_peak)
show(tracemalloc.clear_traces)
show(tracemalloc.get_traceback_limit)
show(tracemalloc.stop)
show(tracemalloc.take_snapshot)
print("== bad arguments ==")
for bad in (0, -1, 65536, 70000, "x", 1.5, None, 10**20):
    show(tracemalloc.start, bad)
show(tracemalloc.start, 1, 2)
show(tracemalloc.start, nframe=2)
for name in ("stop", "is_tracing", "get_traced_memory", "reset_peak", "clear_traces",
             "get_traceback_limit", "get_tracemalloc_memory"):
    show(getattr(tracemalloc, name), 1)
show(tracemalloc.take_snapshot, 1)
show(tracemalloc.Filter, True, 5)
show(tracemalloc.Snapshot.load, "/nonexistent/snap.pickle")
show(tracemalloc.is_tracing)
print("== tracing ==")
tracemalloc.start(3)
show(tracemalloc.is_tracing)
show(tracemalloc.get_traceback_limit)
tracemalloc.start(7)
show(tracemalloc.get_traceback_limit)
def make(n):
    return [str(i) * 3 for i in range(n)]
data = make(2000)
cur, peak = tracemalloc.get_traced_memory()
print("traced > 100 kB:", cur > 100_000, "peak >= current:", peak >= cur)
snap = tracemalloc.take_snapshot()
show(snap.statistics, 1)
show(snap.statistics, "bogus")
show(snap.statistics, "traceback", True)
show(snap.filter_traces, 5)
show(snap.compare_to, snap, "nope")
print("snapshot limit:", snap.traceback_limit, "filter keeps limit:", snap.filter_traces([]).traceback_limit)
mine = snap.filter_traces([tracemalloc.Filter(True, __file__)])
top = mine.statistics("lineno")[0]
print("top line:", top.traceback[0].lineno, "count >= 2000:", top.count >= 2000, type(top).__name__)
tb = mine.statistics("traceback")[0].traceback
print("traceback frames (oldest first):", [f.lineno for f in tb], len(tb) <= 7)
print("format:", [l.strip().replace(__file__, "F") for l in tb.format()][-2:])
print("format most recent first, limit 1:", [l.strip().replace(__file__, "F") for l in tb.format(1, True)])
ot = tracemalloc.get_object_traceback(data[5])
print("object traceback:", [f.lineno for f in ot])
print("object traceback str:", str(ot).endswith(":" + str(ot[0].lineno)))
print("list/plain instance quirks:", tracemalloc.get_object_traceback(data), tracemalloc.get_object_traceback(tracemalloc.Filter(True, "x")))
cmp = mine.compare_to(mine, "filename")
print("compare to itself:", [(d.size_diff, d.count_diff) for d in cmp][:1])
del data
c2, p2 = tracemalloc.get_traced_memory()
print("after del: current fell:", c2 < cur / 2, "peak kept:", p2 >= peak)
tracemalloc.reset_peak()
c3, p3 = tracemalloc.get_traced_memory()
print("reset_peak: peak below old peak:", p3 < peak)
tracemalloc.clear_traces()
print("clear_traces:", tracemalloc.get_traced_memory())
tracemalloc.stop()
print("stop:", tracemalloc.get_traced_memory(), tracemalloc.is_tracing(), tracemalloc.get_object_traceback(top))
show(tracemalloc.take_snapshot)
print("== data classes ==")
from tracemalloc import Statistic, StatisticDiff, Traceback, Frame, Trace, Snapshot, _format_size
tbk = Traceback((("file.py", 12),))
print(str(Statistic(tbk, 168, 2)), "|", repr(Statistic(tbk, 168, 2)))
print(str(StatisticDiff(tbk, 0, -168, 0, -2)), "|", repr(StatisticDiff(tbk, 168, 100, 2, 1)))
print(repr(tbk), str(tbk[0]), repr(tbk[0]), len(tbk), tbk == Traceback((("file.py", 12),)))
print(repr(Traceback((("b.py", 2), ("a.py", 1)), 5)))
raw = [(0, 10, (("a.py", 2), ("b.py", 4)), 2), (0, 10, (("a.py", 2), ("b.py", 4)), 2),
       (1, 66, (("b.py", 1),), 1), (2, 7, (("<unknown>", 0),), 1)]
s = Snapshot(raw, 2)
print("len traces:", len(s.traces), str(s.traces[0]), repr(s.traces[2]))
for st in s.statistics("lineno"):
    print("  ", st)
for st in s.statistics("filename", cumulative=True):
    print("  ", st)
print([str(st) for st in s.statistics("traceback")])
s0 = Snapshot(raw[:1], 2)
for d in s.compare_to(s0, "lineno"):
    print("  ", d)
print(len(s.filter_traces([tracemalloc.DomainFilter(False, 0)]).traces),
      len(s.filter_traces([tracemalloc.Filter(True, "b.py", all_frames=True)]).traces),
      len(s.filter_traces([tracemalloc.Filter(False, "a.py", lineno=2)]).traces),
      len(s.filter_traces([tracemalloc.Filter(True, "*.py", domain=1)]).traces))
f = tracemalloc.Filter(True, "x.pyc")
print(f.filename_pattern, f.inclusive, f.lineno, f.all_frames, f.domain)
for n in (0, 99, 10240, 123456789, -5000):
    print(_format_size(n, False), _format_size(n, True))
"#;

#[test]
fn api_same_output_as_python3() {
    let out = pymm("tm_api", API, "tracemalloc");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status, 0, "{stderr}");
    let Some((expected, status)) = python3("tm_api", API) else {
        eprintln!("python3 not found: the tracemalloc API script ran without CPython's output");
        assert!(
            stdout.contains("top line: 37 count >= 2000: True Statistic"),
            "{stdout}"
        );
        return;
    };
    assert_eq!(
        stdout, expected,
        "stdout differs from python3's; pymm stderr:\n{stderr}"
    );
    assert_eq!(out.status, status);
}

/// `_get_traces()`: raw entries, identical tracebacks interned into one
/// tuple (§8 scenario 39, `test_get_traces_intern_traceback`).
const RAW_TRACES: &str = r#"import tracemalloc
tracemalloc.start(2)
def alloc():
    return [str(i) * 2 for i in range(50)]
data = alloc()
traces = tracemalloc._get_traces()
tracemalloc.stop()
same = [t[2] for t in traces if t[2] and t[2][0][1] == 4]
print("traces from line 4:", len(same) >= 50)
print("identical tracebacks are one object:", all(x is same[0] for x in same))
print("entry shape:", {tuple(type(v).__name__ for v in t) for t in traces if t[2] and t[2][0][1] == 4})
print("total_nframe:", {t[3] for t in traces if t[2] and t[2][0][1] == 4}, "frames kept:", len(same[0]))
"#;

#[test]
fn raw_traces_same_output_as_python3() {
    let out = pymm("tm_raw", RAW_TRACES, "tracemalloc");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status, 0, "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        stdout.contains("identical tracebacks are one object: True"),
        "{stdout}"
    );
    match python3("tm_raw", RAW_TRACES) {
        Some((expected, _)) => assert_eq!(stdout, expected),
        None => eprintln!("python3 not found: raw traces checked without CPython's output"),
    }
}

/// Without a tracer the module is still the whole API, but records
/// nothing: tracing can be switched on, memory stays (0, 0), snapshots
/// are empty.
#[test]
fn null_tracer_records_nothing() {
    let src = "import tracemalloc\ntracemalloc.start(4)\nx = [str(i) for i in range(1000)]\nprint(tracemalloc.is_tracing(), tracemalloc.get_traceback_limit(), tracemalloc.get_traced_memory())\ns = tracemalloc.take_snapshot()\nprint(len(s.traces), s.statistics('lineno'), s.traceback_limit)\nprint(tracemalloc.get_object_traceback(x[3]))\ntracemalloc.stop()\nprint(tracemalloc.is_tracing())\n";
    let out = pymm("tm_null", src, "null");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "True 4 (0, 0)\n0 [] 4\nNone\nFalse\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status, 0);
}

/// `dump`/`load` round-trip through a file; a damaged file is a clean
/// ValueError, a missing one FileNotFoundError.
#[test]
fn dump_load_roundtrip_and_bad_files() {
    let dir = std::env::temp_dir().join(format!("pymm-tm-dump-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let good = dir.join("snap.bin");
    let bad = dir.join("bad.bin");
    std::fs::write(&bad, b"not a snapshot").expect("write");
    let src = format!(
        "import tracemalloc\ntracemalloc.start(2)\nx = [str(i) for i in range(500)]\ns = tracemalloc.take_snapshot()\ns.dump({good:?})\nt = tracemalloc.Snapshot.load({good:?})\nprint(t.statistics('lineno') == s.statistics('lineno'), len(t.traces) == len(s.traces), t.traceback_limit)\nfor p in ({bad:?}, {missing:?}):\n    try:\n        tracemalloc.Snapshot.load(p)\n    except Exception as e:\n        print(type(e).__name__)\n",
        good = good.display().to_string(),
        bad = bad.display().to_string(),
        missing = dir.join("missing.bin").display().to_string(),
    );
    let out = pymm("tm_dump", &src, "tracemalloc");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "True True 2\nValueError\nFileNotFoundError\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
