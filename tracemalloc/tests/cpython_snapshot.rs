//! A port of test_tracemalloc's synthetic-snapshot tests (TestSnapshot,
//! TestFilters) as data: `create_snapshots()`'s raw traces, and for each
//! query the exact list CPython 3.11 expects.

use rstest::rstest;
use tracemalloc::{
    DomainFilter, Filter, Frame, KeyType, Snapshot, Statistic, StatisticDiff, Trace, TraceFilter,
    Traceback,
};

/// `(domain, size, frames most recent first, total_nframe)`, as `_get_traces()` returns them.
type Raw = (u32, usize, &'static [(&'static str, u32)], u32);

const RAW1: &[Raw] = &[
    (0, 10, &[("a.py", 2), ("b.py", 4)], 3),
    (0, 10, &[("a.py", 2), ("b.py", 4)], 3),
    (0, 10, &[("a.py", 2), ("b.py", 4)], 3),
    (1, 2, &[("a.py", 5), ("b.py", 4)], 3),
    (2, 66, &[("b.py", 1)], 1),
    (3, 7, &[("<unknown>", 0)], 1),
];

const RAW2: &[Raw] = &[
    (0, 10, &[("a.py", 2), ("b.py", 4)], 3),
    (0, 10, &[("a.py", 2), ("b.py", 4)], 3),
    (0, 10, &[("a.py", 2), ("b.py", 4)], 3),
    (2, 2, &[("a.py", 5), ("b.py", 4)], 3),
    (2, 5000, &[("a.py", 5), ("b.py", 4)], 3),
    (4, 400, &[("c.py", 578)], 1),
];

fn tb(frames: &[(&'static str, u32)]) -> Traceback {
    Traceback::new(frames.iter().map(|&(f, l)| Frame::new(f, l)), None)
}

fn trace(raw: &Raw) -> Trace {
    let &(domain, size, frames, total) = raw;
    Trace {
        domain,
        size,
        traceback: tb(frames).with_total_nframe(Some(total)),
    }
}

fn snapshot(raw: &[Raw]) -> Snapshot {
    Snapshot::new(raw.iter().map(trace).collect(), 2)
}

fn snapshots() -> (Snapshot, Snapshot) {
    (snapshot(RAW1), snapshot(RAW2))
}

/// Parses `"a.py:2,b.py:4 30 3"`: key frames (most recent first), then numbers.
fn parse_row(row: &str) -> (Traceback, Vec<i64>) {
    let mut parts = row.split(' ');
    let frames: Vec<Frame> = parts
        .next()
        .unwrap()
        .split(',')
        .map(|f| {
            let (name, line) = f.rsplit_once(':').unwrap();
            Frame::new(String::from(name), line.parse().unwrap())
        })
        .collect();
    (
        Traceback::new(frames, None),
        parts.map(|n| n.parse().unwrap()).collect(),
    )
}

#[rstest]
// test_snapshot_group_by_line
#[case::lineno_1(1, KeyType::Lineno, false, &["b.py:1 66 1", "a.py:2 30 3", "<unknown>:0 7 1", "a.py:5 2 1"])]
#[case::lineno_2(2, KeyType::Lineno, false, &["a.py:5 5002 2", "c.py:578 400 1", "a.py:2 30 3"])]
// test_snapshot_group_by_file
#[case::filename_1(1, KeyType::Filename, false, &["b.py:0 66 1", "a.py:0 32 4", "<unknown>:0 7 1"])]
#[case::filename_2(2, KeyType::Filename, false, &["a.py:0 5032 5", "c.py:0 400 1"])]
// test_snapshot_group_by_traceback
#[case::traceback_1(1, KeyType::Traceback, false, &["b.py:1 66 1", "a.py:2,b.py:4 30 3", "<unknown>:0 7 1", "a.py:5,b.py:4 2 1"])]
#[case::traceback_2(2, KeyType::Traceback, false, &["a.py:5,b.py:4 5002 2", "c.py:578 400 1", "a.py:2,b.py:4 30 3"])]
// test_snapshot_group_by_cumulative
#[case::cumulative_filename(1, KeyType::Filename, true, &["b.py:0 98 5", "a.py:0 32 4", "<unknown>:0 7 1"])]
#[case::cumulative_lineno(1, KeyType::Lineno, true, &["b.py:1 66 1", "b.py:4 32 4", "a.py:2 30 3", "<unknown>:0 7 1", "a.py:5 2 1"])]
fn statistics(
    #[case] which: u8,
    #[case] key: KeyType,
    #[case] cumulative: bool,
    #[case] expected: &[&str],
) {
    let (s1, s2) = snapshots();
    let snap = if which == 1 { s1 } else { s2 };
    let got = snap.statistics(key, cumulative).unwrap();
    let want: Vec<Statistic> = expected
        .iter()
        .map(|row| {
            let (tb, n) = parse_row(row);
            Statistic::new(tb, n[0], n[1])
        })
        .collect();
    assert_eq!(got, want);
}

#[rstest]
#[case::lineno(KeyType::Lineno, &["a.py:5 5002 5000 2 1", "c.py:578 400 400 1 1", "b.py:1 0 -66 0 -1", "<unknown>:0 0 -7 0 -1", "a.py:2 30 0 3 0"])]
#[case::filename(KeyType::Filename, &["a.py:0 5032 5000 5 1", "c.py:0 400 400 1 1", "b.py:0 0 -66 0 -1", "<unknown>:0 0 -7 0 -1"])]
#[case::traceback(KeyType::Traceback, &["a.py:5,b.py:4 5002 5000 2 1", "c.py:578 400 400 1 1", "b.py:1 0 -66 0 -1", "<unknown>:0 0 -7 0 -1", "a.py:2,b.py:4 30 0 3 0"])]
fn compare_to(#[case] key: KeyType, #[case] expected: &[&str]) {
    let (s1, s2) = snapshots();
    let got = s2.compare_to(&s1, key, false).unwrap();
    let want: Vec<StatisticDiff> = expected
        .iter()
        .map(|row| {
            let (tb, n) = parse_row(row);
            StatisticDiff::new(tb, n[0], n[1], n[2], n[3])
        })
        .collect();
    assert_eq!(got, want);
}

#[test]
fn cumulative_traceback_and_unknown_key_are_value_errors() {
    let (s1, _) = snapshots();
    let err = s1.statistics(KeyType::Traceback, true).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cumulative mode cannot by used with key type 'traceback'"
    );
    assert_eq!(err.python_exception(), "ValueError");
    let err = "bogus".parse::<KeyType>().unwrap_err();
    assert_eq!(err.to_string(), "unknown key_type: 'bogus'");
    assert_eq!(err.python_exception(), "ValueError");
    assert!(s1.compare_to(&s1, KeyType::Traceback, true).is_err());
}

#[test]
fn formats_of_the_synthetic_snapshot() {
    let (s1, s2) = snapshots();
    // test_trace_format
    let t = &s1.traces()[0];
    assert_eq!(t.to_string(), "b.py:4: 10 B");
    assert_eq!(t.traceback.to_string(), "b.py:4");
    // test_statistic_format
    assert_eq!(
        s1.statistics(KeyType::Lineno, false).unwrap()[0].to_string(),
        "b.py:1: size=66 B, count=1, average=66 B"
    );
    // test_statistic_diff_format
    assert_eq!(
        s2.compare_to(&s1, KeyType::Lineno, false).unwrap()[0].to_string(),
        "a.py:5: size=5002 B (+5000 B), count=2 (+1), average=2501 B"
    );
}

fn filtered(snap: &Snapshot, filters: Vec<TraceFilter>) -> Vec<Trace> {
    snap.filter_traces(&filters).traces().to_vec()
}

fn traces_of(raw: &[Raw], keep: &[usize]) -> Vec<Trace> {
    keep.iter().map(|&i| trace(&raw[i])).collect()
}

#[rstest]
// test_filter_traces: exclude b.py
#[case(vec![Filter::simple(false, "b.py").into()], &[0, 1, 2, 3, 5])]
// test_filter_traces_domain: exclude a.py of domain 1
#[case(vec![Filter::new(false, "a.py", None, false, Some(1)).into()], &[0, 1, 2, 4, 5])]
// include a.py of domain 1
#[case(vec![Filter::new(true, "a.py", None, false, Some(1)).into()], &[3])]
// test_filter_traces_domain_filter
#[case(vec![DomainFilter::new(false, 3).into()], &[0, 1, 2, 3, 4])]
#[case(vec![DomainFilter::new(true, 3).into()], &[5])]
// DomainFilter(True, 0) keeps domain 0 only
#[case(vec![DomainFilter::new(true, 0).into()], &[0, 1, 2])]
// no filters: a copy
#[case(vec![], &[0, 1, 2, 3, 4, 5])]
// includes are OR-ed, excludes AND-ed
#[case(vec![Filter::simple(true, "b.py").into(), Filter::simple(true, "<unknown>").into()], &[4, 5])]
#[case(vec![Filter::simple(true, "*").into(), Filter::simple(false, "b.py").into(), Filter::simple(false, "<*>").into()], &[0, 1, 2, 3])]
fn filter_traces(#[case] filters: Vec<TraceFilter>, #[case] keep: &[usize]) {
    let (s1, _) = snapshots();
    assert_eq!(filtered(&s1, filters), traces_of(RAW1, keep));
    // filter_traces() must not touch the original snapshot.
    assert_eq!(s1, snapshot(RAW1));
}

#[test]
fn filter_traces_in_two_steps() {
    let (s1, _) = snapshots();
    let s3 = s1.filter_traces(&[Filter::simple(false, "b.py").into()]);
    let s4 = s3.filter_traces(&[
        Filter::new(true, "a.py", Some(2), false, None).into(),
        Filter::new(true, "a.py", Some(5), false, None).into(),
    ]);
    assert_eq!(s4.traces(), traces_of(RAW1, &[0, 1, 2, 3]));
    assert_eq!(s4.traceback_limit(), 2);
}

/// test_filter_match: (inclusive, lineno, filename, frame lineno, expected _match_frame)
#[rstest]
#[case(true, None, &[("abc", 0, true), ("abc", 5, true), ("abc", 10, true), ("12356", 0, false), ("12356", 5, false), ("12356", 10, false)])]
#[case(false, None, &[("abc", 0, false), ("abc", 5, false), ("abc", 10, false), ("12356", 0, true), ("12356", 5, true), ("12356", 10, true)])]
#[case(true, Some(5), &[("abc", 0, false), ("abc", 5, true), ("abc", 10, false), ("12356", 0, false), ("12356", 5, false), ("12356", 10, false)])]
#[case(false, Some(5), &[("abc", 0, true), ("abc", 5, false), ("abc", 10, true), ("12356", 0, true), ("12356", 5, true), ("12356", 10, true)])]
#[case(true, Some(0), &[("abc", 0, true), ("abc", 5, false), ("abc", 10, false), ("12356", 0, false), ("12356", 5, false), ("12356", 10, false)])]
#[case(false, Some(0), &[("abc", 0, false), ("abc", 5, true), ("abc", 10, true), ("12356", 0, true), ("12356", 5, true), ("12356", 10, true)])]
fn filter_match_frame(
    #[case] inclusive: bool,
    #[case] lineno: Option<i64>,
    #[case] table: &[(&str, u32, bool)],
) {
    let f = Filter::new(inclusive, "abc", lineno, false, None);
    for &(name, line, expected) in table {
        assert_eq!(f.match_frame(name, line), expected, "{name}:{line}");
    }
}

/// test_filter_match_filename and _joker: (inclusive, filename, pattern, expected)
#[rstest]
#[case(true, "abc", "abc", true)]
#[case(true, "12356", "abc", false)]
#[case(true, "<unknown>", "abc", false)]
#[case(false, "abc", "abc", false)]
#[case(false, "12356", "abc", true)]
#[case(false, "<unknown>", "abc", true)]
#[case(true, "abc", "", false)]
#[case(true, "", "abc", false)]
#[case(true, "", "", true)]
#[case(true, "", "*", true)]
#[case(true, "abc", "abcd", false)]
#[case(true, "abc", "def", false)]
#[case(true, "abc", "a*", true)]
#[case(true, "abc", "abc*", true)]
#[case(true, "abc", "b*", false)]
#[case(true, "abc", "abcd*", false)]
#[case(true, "abc", "a*c", true)]
#[case(true, "abcdcx", "a*cx", true)]
#[case(true, "abb", "a*c", false)]
#[case(true, "abcdce", "a*cx", false)]
#[case(true, "abcde", "a*c*e", true)]
#[case(true, "abcbdefeg", "a*bd*eg", true)]
#[case(true, "abcdd", "a*c*e", false)]
#[case(true, "abcbdefef", "a*bd*eg", false)]
#[case(true, "a.pyc", "a.py", true)]
#[case(true, "a.py", "a.pyc", true)]
#[case(true, "aBC", "ABc", false)]
#[case(true, "aBcDe", "Ab*dE", false)]
#[case(true, "a.pyc", "a.PY", false)]
#[case(true, "a.py", "a.PYC", false)]
#[case(true, "a/b", "a\\b", false)]
#[case(true, "a\\b", "a/b", false)]
#[case(true, "a/b\\c", "a\\b/c", false)]
#[case(true, "a/b/c", "a\\b\\c", false)]
#[case(true, "a.pyo", "a.py", false)]
fn filter_match_filename(
    #[case] inclusive: bool,
    #[case] filename: &str,
    #[case] pattern: &str,
    #[case] expected: bool,
) {
    assert_eq!(
        Filter::simple(inclusive, pattern).match_frame(filename, 0),
        expected
    );
}

#[test]
fn filter_attributes() {
    let f = Filter::simple(true, "abc");
    assert!(f.inclusive);
    assert_eq!(f.filename_pattern(), "abc");
    assert_eq!(f.lineno, None);
    assert!(!f.all_frames);
    let f = Filter::new(false, "test.pyc", Some(123), true, None);
    assert_eq!(f.filename_pattern(), "test.py");
    assert_eq!(f.lineno, Some(123));
    assert!(f.all_frames);
}

/// test_filter_match_trace: (inclusive, pattern, all_frames, [t1, t2, t3, unknown])
#[rstest]
#[case(true, "b.py", true, [true, true, false, false])]
#[case(true, "b.py", false, [false, true, false, false])]
#[case(false, "b.py", true, [false, false, true, true])]
#[case(false, "b.py", false, [true, false, true, true])]
#[case(false, "<unknown>", false, [true, true, true, false])]
#[case(true, "<unknown>", true, [false, false, true, true])]
#[case(false, "<unknown>", true, [true, true, false, false])]
fn filter_match_traceback(
    #[case] inclusive: bool,
    #[case] pattern: &str,
    #[case] all_frames: bool,
    #[case] expected: [bool; 4],
) {
    let t1 = tb(&[("a.py", 2), ("b.py", 3)]);
    let t2 = tb(&[("b.py", 4), ("b.py", 5)]);
    let t3 = tb(&[("c.py", 5), ("<unknown>", 0)]);
    let unknown = tb(&[("<unknown>", 0)]);
    let f = Filter::new(inclusive, pattern, None, all_frames, None);
    let got = [&t1, &t2, &t3, &unknown].map(|t| f.match_traceback(t));
    assert_eq!(got, expected);
}

#[test]
fn empty_tracebacks_never_panic() {
    let empty = Trace {
        domain: 0,
        size: 5,
        traceback: tb(&[]),
    };
    let snap = Snapshot::new(vec![empty], 1);
    assert_eq!(snap.statistics(KeyType::Lineno, false).unwrap()[0].size, 5);
    assert_eq!(
        snap.statistics(KeyType::Traceback, false).unwrap()[0].count,
        1
    );
    assert_eq!(snap.statistics(KeyType::Lineno, true).unwrap(), vec![]);
    let err = snap.statistics(KeyType::Filename, false).unwrap_err();
    assert_eq!(err.python_exception(), "IndexError");
    assert_eq!(
        snap.filter_traces(&[Filter::simple(true, "*").into()])
            .traces()
            .len(),
        0
    );
    assert_eq!(
        snap.filter_traces(&[Filter::simple(false, "*").into()])
            .traces()
            .len(),
        1
    );
    assert_eq!(snap.traces()[0].to_string(), ": 5 B");
}

/// There is no invalid pattern in CPython's `fnmatch`: malformed sets are
/// literal text or never match, and filtering with them never fails.
#[rstest]
#[case("[", "[", true)]
#[case("a[", "a[", true)]
#[case("[!", "[!", true)]
#[case("[]", "[]", true)]
#[case("[z-a]", "z", false)]
#[case("[z-a]", "a", false)]
#[case("[!z-a]", "q", true)]
#[case("[]]", "]", true)]
#[case("**", "anything/at/all.py", true)]
fn malformed_patterns_behave_like_cpython(
    #[case] pattern: &str,
    #[case] filename: &str,
    #[case] expected: bool,
) {
    let f = Filter::simple(true, pattern);
    assert_eq!(f.match_frame(filename, 1), expected);
    let (s1, _) = snapshots();
    // Filtering with it keeps or drops traces, nothing else.
    let kept = s1.filter_traces(&[f.into()]).traces().len();
    assert!(kept <= s1.traces().len());
}
