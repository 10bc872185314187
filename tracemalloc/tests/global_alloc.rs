//! `GlobalTracer` as this test binary's `#[global_allocator]`: tracebacks
//! from the thread-local frame stack, the tracer's own allocations never
//! traced, no deadlock with several threads allocating while another takes
//! snapshots and clears. (One test in this file: the global allocator is
//! shared by the whole binary.)

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tracemalloc::{GlobalTracer, KeyType, Tracemalloc, at_line, enter_frame};

#[global_allocator]
static GLOBAL: GlobalTracer = GlobalTracer::new(std::alloc::System, Tracemalloc::new());

#[test]
fn traces_the_program_from_its_frame_stack() {
    let tracer = GLOBAL.observer();
    tracer.start(4).unwrap();

    // One big allocation at a known line.
    let (kept, line) = {
        let _frame = enter_frame!();
        at_line!();
        let line = line!() - 1;
        (vec![7u8; 123_456], line)
    };
    let trace = tracer.trace(0, kept.as_ptr() as usize).unwrap();
    assert_eq!(trace.size, 123_456);
    let frame = trace.traceback.most_recent().unwrap();
    assert!(frame.filename.ends_with("global_alloc.rs"));
    assert_eq!(frame.lineno, line);

    // Snapshots, statistics and the tables themselves allocate; none of it
    // is traced. Made under a frame of its own: traced, those allocations
    // would carry it. (Counting traces instead would also count what the
    // test harness's other threads allocate meanwhile, which is traced.)
    let work_line = {
        let _frame = enter_frame!();
        at_line!();
        let line = line!() - 1;
        for _ in 0..3 {
            let snap = tracer.take_snapshot().unwrap();
            let _ = snap.statistics(KeyType::Traceback, false).unwrap();
        }
        line
    };
    let snap = tracer.take_snapshot().unwrap();
    let own = snap
        .traces()
        .iter()
        .filter(|t| {
            t.traceback
                .most_recent()
                .is_some_and(|f| f.lineno == work_line && f.filename.ends_with("global_alloc.rs"))
        })
        .count();
    assert_eq!(own, 0, "the tracer's own allocations were traced");
    drop(snap);

    // Threads allocating, growing their frame stacks, while this one
    // snapshots and clears: no deadlock, no lost bookkeeping.
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..3)
        .map(|w| {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut rounds = 0u32;
                while !stop.load(Ordering::Relaxed) || rounds < 50 {
                    let _outer = enter_frame!();
                    let _inner = enter_frame!();
                    let v: Vec<Vec<u32>> = (0..64).map(|i| vec![w; i]).collect();
                    drop(v);
                    rounds += 1;
                }
                rounds
            })
        })
        .collect();
    for _ in 0..20 {
        let snap = tracer.take_snapshot().unwrap();
        assert!(!snap.traces().is_empty());
        tracer.reset_peak();
    }
    tracer.clear_traces();
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        assert!(w.join().unwrap() >= 50);
    }
    // The counters stay consistent through concurrent clears.
    let (current, peak) = tracer.traced_memory();
    assert!(current <= peak);
    assert!(tracer.trace(0, kept.as_ptr() as usize).is_none(), "cleared");
    drop(kept);
    tracer.stop();
    assert_eq!(tracer.traced_memory(), (0, 0));
}
