//! Exact text of `_format_size`, Frame, Traceback, Trace, Statistic and
//! StatisticDiff, against values printed by CPython 3.11.

use rstest::rstest;
use tracemalloc::{
    Frame, Statistic, StatisticDiff, Trace, Traceback, format_size, format_size_f64,
};

#[rstest]
#[case(0, "0 B", "+0 B")]
#[case(1, "1 B", "+1 B")]
#[case(99, "99 B", "+99 B")]
#[case(100, "100 B", "+100 B")]
#[case(1023, "1023 B", "+1023 B")]
#[case(1024, "1024 B", "+1024 B")]
#[case(10239, "10239 B", "+10239 B")]
#[case(10240, "10.0 KiB", "+10.0 KiB")]
#[case(10752, "10.5 KiB", "+10.5 KiB")]
#[case(102400, "100 KiB", "+100 KiB")]
#[case(102911, "100 KiB", "+100 KiB")]
#[case(1048576, "1024 KiB", "+1024 KiB")]
#[case(10485759, "10240 KiB", "+10240 KiB")]
#[case(10485760, "10.0 MiB", "+10.0 MiB")]
#[case(123456789, "118 MiB", "+118 MiB")]
#[case(1_000_000_000_000, "931 GiB", "+931 GiB")]
#[case(10_995_116_277_760, "10.0 TiB", "+10.0 TiB")]
#[case(10_995_116_277_760_000, "10000 TiB", "+10000 TiB")]
#[case(-1, "-1 B", "-1 B")]
#[case(-10240, "-10.0 KiB", "-10.0 KiB")]
#[case(-123456789, "-118 MiB", "-118 MiB")]
fn format_size_matches_cpython(#[case] size: i64, #[case] plain: &str, #[case] signed: &str) {
    assert_eq!(format_size(size, false), plain);
    assert_eq!(format_size(size, true), signed);
}

#[rstest]
#[case(0.5, "0 B")]
#[case(1.5, "2 B")]
#[case(2.5, "2 B")]
#[case(1023.5, "1024 B")]
#[case(10239.5, "10240 B")]
#[case(12800.0, "12.5 KiB")]
#[case(12902.4, "12.6 KiB")]
#[case(2501.0, "2501 B")]
#[case(74.54, "75 B")]
#[case(0.4, "0 B")]
fn format_size_of_floats_rounds_half_to_even_like_printf(#[case] size: f64, #[case] text: &str) {
    assert_eq!(format_size_f64(size, false), text);
}

fn tb(frames_most_recent_first: &[(&'static str, u32)], total: Option<u32>) -> Traceback {
    Traceback::new(
        frames_most_recent_first
            .iter()
            .map(|&(f, l)| Frame::new(f, l)),
        total,
    )
}

#[test]
fn statistic_str_and_repr() {
    let t = tb(&[("file.py", 12)], None);
    assert_eq!(
        Statistic::new(t.clone(), 168, 2).to_string(),
        "file.py:12: size=168 B, count=2, average=84 B"
    );
    assert_eq!(
        Statistic::new(t.clone(), 168, 2).repr(),
        "<Statistic traceback=<Traceback (<Frame filename='file.py' lineno=12>,)> size=168 count=2>"
    );
    assert_eq!(
        Statistic::new(t.clone(), 0, 0).to_string(),
        "file.py:12: size=0 B, count=0"
    );
    let a = tb(&[("a.py", 1)], None);
    assert_eq!(
        Statistic::new(a, 12896, 173).to_string(),
        "a.py:1: size=12.6 KiB, count=173, average=75 B"
    );
}

#[test]
fn statistic_diff_str_and_repr() {
    let t = tb(&[("file.py", 12)], None);
    assert_eq!(
        StatisticDiff::new(t.clone(), 168, 168, 2, 2).to_string(),
        "file.py:12: size=168 B (+168 B), count=2 (+2), average=84 B"
    );
    assert_eq!(
        StatisticDiff::new(t.clone(), 0, -168, 0, -2).to_string(),
        "file.py:12: size=0 B (-168 B), count=0 (-2)"
    );
    assert_eq!(
        StatisticDiff::new(t.clone(), 168, 100, 2, 1).repr(),
        "<StatisticDiff traceback=<Traceback (<Frame filename='file.py' lineno=12>,)> size=168 (+100) count=2 (+1)>"
    );
    assert_eq!(
        StatisticDiff::new(tb(&[("a.py", 1)], None), 12896, 12896, 173, 173).to_string(),
        "a.py:1: size=12.6 KiB (+12.6 KiB), count=173 (+173), average=75 B"
    );
}

#[test]
fn frame_and_traceback_text() {
    let t = tb(&[("file.py", 12)], None);
    assert_eq!(
        t.repr(),
        "<Traceback (<Frame filename='file.py' lineno=12>,)>"
    );
    assert_eq!(t.to_string(), "file.py:12");
    assert_eq!(Frame::new("file.py", 12).to_string(), "file.py:12");
    assert_eq!(
        Frame::new("file.py", 12).repr(),
        "<Frame filename='file.py' lineno=12>"
    );
    // TestTraceback.test_repr
    assert_eq!(tb(&[], None).repr(), "<Traceback ()>");
    assert_eq!(tb(&[], Some(0)).repr(), "<Traceback () total_nframe=0>");
    let two = tb(&[("f1", 1), ("f2", 2)], None);
    assert_eq!(
        two.repr(),
        "<Traceback (<Frame filename='f2' lineno=2>, <Frame filename='f1' lineno=1>)>"
    );
    assert_eq!(
        tb(&[("f1", 1), ("f2", 2)], Some(2)).repr(),
        "<Traceback (<Frame filename='f2' lineno=2>, <Frame filename='f1' lineno=1>) total_nframe=2>"
    );
    // Python's str repr picks the quotes and escapes.
    assert_eq!(
        tb(&[("it's", 1)], None).repr(),
        "<Traceback (<Frame filename=\"it's\" lineno=1>,)>"
    );
    assert_eq!(
        tb(&[("a\\b\n", 1)], None).repr(),
        "<Traceback (<Frame filename='a\\\\b\\n' lineno=1>,)>"
    );
}

#[test]
fn trace_str_and_repr() {
    let trace = Trace {
        domain: 0,
        size: 10,
        traceback: tb(&[("a.py", 2), ("b.py", 4)], Some(3)),
    };
    assert_eq!(trace.to_string(), "b.py:4: 10 B");
    assert_eq!(
        trace.repr(),
        "<Trace domain=0 size=10 B, traceback=<Traceback (<Frame filename='b.py' lineno=4>, <Frame filename='a.py' lineno=2>) total_nframe=3>>"
    );
}

#[test]
fn traceback_indexing_is_oldest_first_with_negative_indices() {
    let t = tb(&[("a.py", 2), ("b.py", 4)], Some(3));
    assert_eq!(t.len(), 2);
    assert_eq!(t.get(0), Some(&Frame::new("b.py", 4)));
    assert_eq!(t.get(-1), Some(&Frame::new("a.py", 2)));
    assert_eq!(t.get(2), None);
    assert_eq!(t.get(-3), None);
    // Equality ignores total_nframe, as Traceback.__eq__ does.
    assert_eq!(t, tb(&[("a.py", 2), ("b.py", 4)], None));
}

/// TestSnapshot.test_format_traceback, with linecache replaced.
#[rstest]
#[case(None, false, &["  File \"b.py\", line 4", "    <b.py, 4>", "  File \"a.py\", line 2", "    <a.py, 2>"])]
#[case(Some(1), false, &["  File \"a.py\", line 2", "    <a.py, 2>"])]
#[case(Some(-1), false, &["  File \"b.py\", line 4", "    <b.py, 4>"])]
#[case(None, true, &["  File \"a.py\", line 2", "    <a.py, 2>", "  File \"b.py\", line 4", "    <b.py, 4>"])]
#[case(Some(1), true, &["  File \"a.py\", line 2", "    <a.py, 2>"])]
#[case(Some(-1), true, &["  File \"b.py\", line 4", "    <b.py, 4>"])]
#[case(Some(0), false, &[])]
#[case(Some(5), false, &["  File \"b.py\", line 4", "    <b.py, 4>", "  File \"a.py\", line 2", "    <a.py, 2>"])]
#[case(Some(-5), false, &[])]
fn traceback_format(
    #[case] limit: Option<i64>,
    #[case] most_recent_first: bool,
    #[case] expected: &[&str],
) {
    let t = tb(&[("a.py", 2), ("b.py", 4)], Some(3));
    let lines = t.format(limit, most_recent_first, |f, l| {
        Some(format!("  <{f}, {l}>"))
    });
    assert_eq!(lines, expected);
}

#[test]
fn traceback_format_skips_blank_source_lines() {
    let t = tb(&[("a.py", 2)], None);
    assert_eq!(
        t.format(None, false, |_, _| Some("   ".into())),
        ["  File \"a.py\", line 2"]
    );
    assert_eq!(
        t.format(None, false, |_, _| None),
        ["  File \"a.py\", line 2"]
    );
}
