//! Tracemalloc's API rules (CPython 3.11 semantics), one rule per test,
//! driven through the observer events and through `Traced<PyMalloc>`.

use std::sync::Arc;

use alloc_pool::{AllocObserver, PyAllocator, PyMalloc, System};
use core::alloc::Layout;
use tracemalloc::{
    Frame, KeyType, MAX_NFRAME, Null, TraceError, Traced, Tracemalloc, Tracer, frame_stack,
};

fn layout(size: usize) -> Layout {
    Layout::from_size_align(size, 8).unwrap()
}

#[test]
fn start_rejects_frame_counts_outside_1_to_65535_like_cpython() {
    let t = Tracemalloc::new();
    for bad in [0, -1, 65536, 70000, i64::MIN, i64::MAX] {
        let err = t.start(bad).unwrap_err();
        assert!(matches!(err, TraceError::InvalidFrameCount(n) if n == bad));
        assert_eq!(
            err.to_string(),
            "the number of frames must be in range [1; 65535]"
        );
        assert_eq!(err.python_exception(), "ValueError");
        assert!(!t.is_tracing());
    }
    t.start(i64::from(MAX_NFRAME)).unwrap();
    assert_eq!(t.traceback_limit(), 65535);
}

#[test]
fn bad_start_while_tracing_keeps_every_trace() {
    let t = Tracemalloc::new();
    t.start(1).unwrap();
    t.on_alloc(0, 0x1000, 64);
    assert!(t.start(0).is_err());
    assert_eq!(t.traced_memory(), (64, 64));
    assert_eq!(t.trace_count(), 1);
}

#[test]
fn start_while_tracing_is_a_no_op_and_keeps_the_limit() {
    let t = Tracemalloc::new();
    t.start(5).unwrap();
    t.start(10).unwrap();
    assert_eq!(t.traceback_limit(), 5);
}

#[test]
fn traceback_limit_defaults_to_1_and_survives_stop() {
    let t = Tracemalloc::new();
    assert_eq!(t.traceback_limit(), 1);
    t.start(7).unwrap();
    t.stop();
    assert_eq!(t.traceback_limit(), 7);
}

#[test]
fn snapshot_before_start_is_a_runtime_error() {
    let t = Tracemalloc::new();
    let err = t.take_snapshot().unwrap_err();
    assert_eq!(
        err.to_string(),
        "the tracemalloc module must be tracing memory allocations to take a snapshot"
    );
    assert_eq!(err.python_exception(), "RuntimeError");
}

#[test]
fn not_tracing_reports_nothing() {
    let t = Tracemalloc::new();
    t.on_alloc(0, 0x10, 100);
    assert_eq!(t.traced_memory(), (0, 0));
    assert!(t.object_traceback(0, 0x10).is_none());
    assert_eq!(t.tracemalloc_memory(), 0);
    assert!(matches!(
        t.track(5, 1, 1),
        Err(TraceError::TrackWhileNotTracing)
    ));
}

#[test]
fn current_and_peak_follow_allocs_and_frees() {
    let t = Tracemalloc::new();
    t.start(1).unwrap();
    t.on_alloc(0, 0x100, 1000);
    t.on_alloc(0, 0x200, 500);
    assert_eq!(t.traced_memory(), (1500, 1500));
    t.on_free(0, 0x100);
    assert_eq!(t.traced_memory(), (500, 1500));
    // Freeing an untraced block changes nothing.
    t.on_free(0, 0x999);
    assert_eq!(t.traced_memory(), (500, 1500));
}

#[test]
fn reset_peak_sets_peak_to_current_then_peak_grows_again() {
    let t = Tracemalloc::new();
    t.start(1).unwrap();
    t.on_alloc(0, 0x100, 1000);
    t.on_free(0, 0x100);
    t.on_alloc(0, 0x200, 10);
    t.reset_peak();
    assert_eq!(t.traced_memory(), (10, 10));
    t.on_alloc(0, 0x300, 20);
    assert_eq!(t.traced_memory(), (30, 30));
}

#[test]
fn clear_traces_forgets_everything_but_keeps_tracing() {
    let t = Tracemalloc::new();
    t.start(1).unwrap();
    t.on_alloc(0, 0x100, 1000);
    t.clear_traces();
    assert_eq!(t.traced_memory(), (0, 0));
    assert!(t.is_tracing());
    assert!(t.object_traceback(0, 0x100).is_none());
    t.on_alloc(0, 0x100, 7);
    assert_eq!(t.traced_memory(), (7, 7));
}

#[test]
fn stop_clears_traces() {
    let t = Tracemalloc::new();
    t.start(1).unwrap();
    t.on_alloc(0, 0x100, 1000);
    t.stop();
    assert!(!t.is_tracing());
    assert_eq!(t.traced_memory(), (0, 0));
    t.start(1).unwrap();
    assert_eq!(t.traced_memory(), (0, 0));
}

#[test]
fn realloc_moves_the_trace_and_takes_the_current_traceback() {
    let t = Tracemalloc::new();
    t.start(1).unwrap();
    let _f = frame_stack::enter(Frame::new("r.py", 1));
    t.on_alloc(0, 0x100, 100);
    frame_stack::set_lineno(2);
    t.on_realloc(0, 0x100, 0x200, 300);
    assert_eq!(t.traced_memory(), (300, 300));
    assert!(t.object_traceback(0, 0x100).is_none());
    let tb = t.object_traceback(0, 0x200).unwrap();
    assert_eq!(tb.frames(), [Frame::new("r.py", 2)]);
    // In place: the size is replaced, not added.
    frame_stack::set_lineno(3);
    t.on_realloc(0, 0x200, 0x200, 50);
    assert_eq!(t.traced_memory(), (50, 300));
    assert_eq!(
        t.object_traceback(0, 0x200).unwrap().frames(),
        [Frame::new("r.py", 3)]
    );
}

#[test]
fn a_second_alloc_at_a_traced_address_replaces_the_trace() {
    let t = Tracemalloc::new();
    t.start(1).unwrap();
    t.on_alloc(0, 0x100, 100);
    t.on_alloc(0, 0x100, 40);
    assert_eq!(t.traced_memory(), (40, 100));
    assert_eq!(t.trace_count(), 1);
}

#[test]
fn domains_key_traces_separately() {
    let t = Tracemalloc::new();
    t.start(1).unwrap();
    t.on_alloc(0, 0x100, 10);
    t.on_alloc(389047, 0x100, 20);
    assert_eq!(t.traced_memory(), (30, 30));
    assert_eq!(t.trace(389047, 0x100).unwrap().size, 20);
    t.on_free(0, 0x100);
    assert_eq!(t.traced_memory(), (20, 30));
    t.track(7, 0x5000, 5).unwrap();
    assert_eq!(t.trace(7, 0x5000).unwrap().domain, 7);
    t.untrack(7, 0x5000).unwrap();
    assert!(t.trace(7, 0x5000).is_none());
}

#[test]
fn empty_stack_records_unknown_frame_with_total_1() {
    let t = Tracemalloc::new();
    t.start(1).unwrap();
    t.on_alloc(0, 0x100, 10);
    let trace = t.trace(0, 0x100).unwrap();
    assert_eq!(trace.traceback.frames(), [Frame::unknown()]);
    assert_eq!(trace.traceback.total_nframe(), Some(1));
    assert_eq!(trace.to_string(), "<unknown>:0: 10 B");
}

#[test]
fn traceback_keeps_the_nframe_most_recent_frames_and_counts_all() {
    let t = Tracemalloc::new();
    t.start(2).unwrap();
    let _a = frame_stack::enter(Frame::new("a.py", 1));
    let _b = frame_stack::enter(Frame::new("b.py", 2));
    let _c = frame_stack::enter(Frame::new("c.py", 3));
    t.on_alloc(0, 0x100, 10);
    let trace = t.trace(0, 0x100).unwrap();
    // Oldest first, as tracemalloc.Traceback stores them.
    assert_eq!(
        trace.traceback.frames(),
        [Frame::new("b.py", 2), Frame::new("c.py", 3)]
    );
    assert_eq!(trace.traceback.total_nframe(), Some(3));
    // get_object_traceback gives no total_nframe.
    let tb = t.object_traceback(0, 0x100).unwrap();
    assert_eq!(tb.total_nframe(), None);
    assert_eq!(tb.to_string(), "b.py:2");
}

#[test]
fn identical_tracebacks_are_interned_once() {
    let t = Tracemalloc::new();
    t.start(3).unwrap();
    let _a = frame_stack::enter(Frame::new("a.py", 1));
    t.on_alloc(0, 0x100, 10);
    // Pop and push again: a changed stack with the same content.
    frame_stack::set_lineno(9);
    frame_stack::set_lineno(1);
    t.on_alloc(0, 0x200, 10);
    frame_stack::set_lineno(2);
    t.on_alloc(0, 0x300, 10);
    let a = t.trace(0, 0x100).unwrap().traceback;
    let b = t.trace(0, 0x200).unwrap().traceback;
    let c = t.trace(0, 0x300).unwrap().traceback;
    assert!(a.shares_frames_with(&b));
    assert!(!a.shares_frames_with(&c));
    assert_eq!(t.traceback_count(), 2);
}

#[test]
fn tracemalloc_memory_grows_with_traces() {
    let t = Tracemalloc::new();
    t.start(1).unwrap();
    let before = t.tracemalloc_memory();
    assert!(before > 0);
    for i in 0..1000 {
        t.on_alloc(0, 0x1000 + i * 16, 16);
    }
    assert!(t.tracemalloc_memory() > before);
}

#[test]
fn traced_pymalloc_records_requested_sizes_and_frees() {
    let tracer = Arc::new(Tracemalloc::new());
    let heap = Traced::new(PyMalloc::new(), Arc::clone(&tracer));
    assert_eq!(heap.name(), "traced(pymalloc)");
    tracer.start(1).unwrap();
    let _f = frame_stack::enter(Frame::new("m.py", 4));
    let a = heap.alloc(layout(28)).unwrap();
    let b = heap.alloc(layout(1000)).unwrap();
    assert_eq!(tracer.traced_memory(), (1028, 1028));
    let tb = tracer.object_traceback(0, a.addr()).unwrap();
    assert_eq!(tb.to_string(), "m.py:4");
    let b = heap.realloc(b, 2000).unwrap();
    assert_eq!(tracer.traced_memory(), (2028, 2028));
    heap.free(a).unwrap();
    heap.free(b).unwrap();
    assert_eq!(tracer.traced_memory(), (0, 2028));
}

#[test]
fn traced_rejects_foreign_blocks_without_losing_traces() {
    let tracer = Arc::new(Tracemalloc::new());
    let heap = Traced::new(PyMalloc::new(), Arc::clone(&tracer));
    let other = System::new();
    tracer.start(1).unwrap();
    let mine = heap.alloc(layout(64)).unwrap();
    let foreign = other.alloc(layout(64)).unwrap();
    let Err(alloc_pool::AllocError::ForeignBlock(foreign)) = heap.free(foreign) else {
        panic!("a foreign block must be handed back")
    };
    assert_eq!(tracer.traced_memory(), (64, 64));
    other.free(foreign).unwrap();
    heap.free(mine).unwrap();
}

#[test]
fn null_tracer_has_no_capabilities_and_tracemalloc_has_one() {
    let null = Traced::new(PyMalloc::new(), Arc::new(Null));
    assert_eq!(null.capabilities(), &[] as &[&str]);
    let block = null.alloc(layout(10)).unwrap();
    null.free(block).unwrap();
    assert_eq!(Tracemalloc::new().capabilities(), &["tracemalloc"]);
    assert_eq!(Tracemalloc::new().name(), "tracemalloc");
}

#[test]
fn snapshot_statistics_of_live_traces() {
    let t = Tracemalloc::new();
    t.start(1).unwrap();
    let _f = frame_stack::enter(Frame::new("s.py", 1));
    for i in 0..3 {
        t.on_alloc(0, 0x100 + i * 0x10, 40);
    }
    frame_stack::set_lineno(2);
    t.on_alloc(0, 0x900, 1000);
    let snap = t.take_snapshot().unwrap();
    assert_eq!(snap.traceback_limit(), 1);
    let stats: Vec<String> = snap
        .statistics(KeyType::Lineno, false)
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        stats,
        [
            "s.py:2: size=1000 B, count=1, average=1000 B",
            "s.py:1: size=120 B, count=3, average=40 B"
        ]
    );
}

#[test]
fn absurd_sizes_saturate_instead_of_panicking() {
    let t = Tracemalloc::new();
    t.start(1).unwrap();
    t.track(0, 0x10, usize::MAX).unwrap();
    t.track(0, 0x20, usize::MAX).unwrap();
    assert_eq!(t.traced_memory(), (usize::MAX, usize::MAX));
    let snap = t.take_snapshot().unwrap();
    let stats = snap.statistics(KeyType::Lineno, false).unwrap();
    assert_eq!(stats[0].size, i64::MAX);
    let empty = tracemalloc::Snapshot::new(vec![], 1);
    let diffs = empty.compare_to(&snap, KeyType::Lineno, false).unwrap();
    assert_eq!(diffs[0].size_diff, -i64::MAX);
    assert!(diffs[0].to_string().ends_with("count=0 (-2)"));
    t.untrack(0, 0x10).unwrap();
    t.untrack(0, 0x20).unwrap();
    assert_eq!(t.traced_memory().0, 0);
}
