//! The decorators' windows of recent allocations (`tracemalloc::Window`)
//! must be invisible: through `Traced`, every reader sees exactly what
//! CPython's tracemalloc would (one decorator: traced memory, peak, counts,
//! traces), whether a block is still pending, published, cancelled, or
//! freed through another decorator or thread.

use std::collections::HashMap;
use std::sync::{Arc, mpsc};
use std::thread;

use alloc_pool::{Block, FromGlobal, PyAllocator, PyMalloc};
use core::alloc::Layout;
use proptest::prelude::*;
use tracemalloc::{KeyType, Traced, Tracemalloc, frame_stack};

fn layout(size: usize) -> Layout {
    Layout::from_size_align(size, 8).unwrap()
}

/// CPython 3.11's tracemalloc as a model: live sizes by address, current
/// and peak traced memory.
#[derive(Default)]
struct Model {
    live: HashMap<usize, usize>,
    current: usize,
    peak: usize,
}

impl Model {
    fn alloc(&mut self, addr: usize, size: usize) {
        if let Some(old) = self.live.insert(addr, size) {
            self.current -= old;
        }
        self.current += size;
        self.peak = self.peak.max(self.current);
    }
    fn free(&mut self, addr: usize) {
        if let Some(size) = self.live.remove(&addr) {
            self.current -= size;
        }
    }
    fn clear(&mut self) {
        self.live.clear();
        self.current = 0;
        self.peak = 0;
    }
    fn reset_peak(&mut self) {
        self.peak = self.current;
    }
}

fn check(t: &Tracemalloc, m: &Model) {
    assert_eq!(t.traced_memory(), (m.current, m.peak));
    assert_eq!(t.trace_count(), m.live.len());
    let snap = t.take_snapshot().unwrap();
    assert_eq!(snap.traces().len(), m.live.len());
    assert_eq!(
        snap.traces().iter().map(|tr| tr.size).sum::<usize>(),
        m.current
    );
}

#[derive(Clone, Debug)]
enum Op {
    Alloc(usize),
    /// Allocate this many blocks at once (crosses the window's size).
    AllocMany(usize),
    Free(usize),
    Realloc(usize, usize),
    ClearTraces,
    ResetPeak,
    Check,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => (1usize..600).prop_map(Op::Alloc),
        1 => (100usize..3000).prop_map(Op::AllocMany),
        8 => any::<usize>().prop_map(Op::Free),
        2 => (any::<usize>(), 1usize..900).prop_map(|(i, s)| Op::Realloc(i, s)),
        1 => Just(Op::ClearTraces),
        1 => Just(Op::ResetPeak),
        2 => Just(Op::Check),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any sequence of allocations, frees, reallocations, `clear_traces`
    /// and `reset_peak` through one decorator reads exactly like the model.
    #[test]
    fn one_decorator_reads_exactly_like_cpython(ops in proptest::collection::vec(op(), 1..120)) {
        let t = Arc::new(Tracemalloc::new());
        t.start(1).unwrap();
        let heap = Traced::new(PyMalloc::new(), Arc::clone(&t));
        let mut blocks: Vec<Block> = Vec::new();
        let mut m = Model::default();
        for op in ops {
            match op {
                Op::Alloc(size) => {
                    let b = heap.alloc(layout(size)).unwrap();
                    m.alloc(b.addr(), size);
                    blocks.push(b);
                }
                Op::AllocMany(n) => {
                    for i in 0..n {
                        let size = 16 + i % 200;
                        let b = heap.alloc(layout(size)).unwrap();
                        m.alloc(b.addr(), size);
                        blocks.push(b);
                    }
                }
                Op::Free(i) if !blocks.is_empty() => {
                    let b = blocks.swap_remove(i % blocks.len());
                    m.free(b.addr());
                    heap.free(b).unwrap();
                }
                Op::Realloc(i, size) if !blocks.is_empty() => {
                    let b = blocks.swap_remove(i % blocks.len());
                    let old = b.addr();
                    let b = heap.realloc(b, size).map_err(|e| e.error).unwrap();
                    m.free(old);
                    m.alloc(b.addr(), size);
                    blocks.push(b);
                }
                Op::ClearTraces => {
                    t.clear_traces();
                    m.clear();
                }
                Op::ResetPeak => {
                    t.reset_peak();
                    m.reset_peak();
                }
                Op::Check => check(&t, &m),
                Op::Free(_) | Op::Realloc(..) => {}
            }
        }
        check(&t, &m);
        for b in blocks {
            m.free(b.addr());
            heap.free(b).unwrap();
        }
        check(&t, &m);
        prop_assert_eq!(t.traced_memory().0, 0);
    }
}

#[test]
fn pending_allocations_show_in_traces_and_statistics() {
    let t = Arc::new(Tracemalloc::new());
    t.start(1).unwrap();
    let heap = Traced::new(PyMalloc::new(), Arc::clone(&t));
    let _frame = frame_stack::enter_at("w.py", 7);
    let b = heap.alloc(layout(48)).unwrap();
    let trace = t.trace(0, b.addr()).expect("a pending block is traced");
    assert_eq!(trace.size, 48);
    assert_eq!(trace.traceback.frames()[0].lineno, 7);
    let snap = t.take_snapshot().unwrap();
    let stats = snap.statistics(KeyType::Lineno, false).unwrap();
    assert_eq!(stats.len(), 1);
    assert_eq!((stats[0].size, stats[0].count), (48, 1));
    heap.free(b).unwrap();
    assert_eq!(t.trace_count(), 0);
}

#[test]
fn clear_traces_and_restart_forget_pending_allocations() {
    let t = Arc::new(Tracemalloc::new());
    t.start(1).unwrap();
    let heap = Traced::new(PyMalloc::new(), Arc::clone(&t));
    let old: Vec<Block> = (0..10).map(|_| heap.alloc(layout(100)).unwrap()).collect();
    t.clear_traces();
    assert_eq!(t.traced_memory(), (0, 0));
    let new = heap.alloc(layout(30)).unwrap();
    assert_eq!(t.traced_memory(), (30, 30));
    for b in old {
        heap.free(b).unwrap();
    }
    assert_eq!(t.traced_memory(), (30, 30));
    t.stop();
    t.start(1).unwrap();
    assert_eq!(t.trace_count(), 0);
    heap.free(new).unwrap();
    let b = heap.alloc(layout(8)).unwrap();
    assert_eq!(t.traced_memory(), (8, 8));
    heap.free(b).unwrap();
    assert_eq!(t.traced_memory(), (0, 8));
}

#[test]
fn a_block_pending_in_one_decorator_can_be_freed_through_another() {
    let t = Arc::new(Tracemalloc::new());
    t.start(1).unwrap();
    let pool = PyMalloc::new();
    let a = Traced::new(&pool, Arc::clone(&t));
    let b = Traced::new(&pool, Arc::clone(&t));
    let x = a.alloc(layout(64)).unwrap();
    let y = a.alloc(layout(32)).unwrap();
    b.free(x).unwrap();
    assert_eq!(t.traced_memory().0, 32);
    assert_eq!(t.trace_count(), 1);
    // The same address handed out again, through `a`, is traced once.
    let z = a.alloc(layout(64)).unwrap();
    assert_eq!(t.traced_memory().0, 96);
    drop(b);
    a.free(z).unwrap();
    a.free(y).unwrap();
    assert_eq!(t.traced_memory().0, 0);
    assert_eq!(t.trace_count(), 0);
}

#[test]
fn a_dropped_decorator_publishes_its_window() {
    let t = Arc::new(Tracemalloc::new());
    t.start(1).unwrap();
    let pool = PyMalloc::new();
    let blocks: Vec<Block> = {
        let heap = Traced::new(&pool, Arc::clone(&t));
        (0..5).map(|_| heap.alloc(layout(16)).unwrap()).collect()
    };
    assert_eq!(t.traced_memory().0, 80);
    assert_eq!(t.trace_count(), 5);
    let heap = Traced::new(&pool, Arc::clone(&t));
    for b in blocks {
        heap.free(b).unwrap();
    }
    assert_eq!(t.trace_count(), 0);
}

static SYSTEM: std::alloc::System = std::alloc::System;

/// Four threads, each with its own decorator over one thread-safe
/// allocator, allocate and pass every other block to the next thread to
/// free, while a reader takes snapshots: the counts stay exact.
#[test]
fn threads_sharing_a_tracer_stay_exact() {
    const THREADS: usize = 4;
    const ROUNDS: usize = 2000;
    let t = Arc::new(Tracemalloc::new());
    t.start(1).unwrap();
    let system = Arc::new(FromGlobal::new(&SYSTEM, "system"));
    let (senders, receivers): (Vec<_>, Vec<_>) =
        (0..THREADS).map(|_| mpsc::channel::<Block>()).unzip();
    let mut workers = Vec::new();
    for (i, rx) in receivers.into_iter().enumerate() {
        let next = senders[(i + 1) % THREADS].clone();
        let t = Arc::clone(&t);
        let system = Arc::clone(&system);
        workers.push(thread::spawn(move || {
            let heap = Traced::new(system, Arc::clone(&t));
            let mut kept = Vec::new();
            for r in 0..ROUNDS {
                let b = heap.alloc(layout(8 + (r % 64) * 8)).unwrap();
                if r % 2 == 0 {
                    next.send(b).unwrap();
                } else {
                    kept.push(b);
                }
                while let Ok(b) = rx.try_recv() {
                    heap.free(b).unwrap();
                }
                if kept.len() > 100 {
                    heap.free(kept.swap_remove(r % 100)).unwrap();
                }
            }
            // The previous thread drops its sender when it is done (or
            // panics): then this loop ends.
            drop(next);
            for b in rx {
                heap.free(b).unwrap();
            }
            for b in kept {
                heap.free(b).unwrap();
            }
        }));
    }
    drop(senders);
    let reader = {
        let t = Arc::clone(&t);
        thread::spawn(move || {
            for _ in 0..200 {
                let snap = t.take_snapshot().unwrap();
                let total: usize = snap.traces().iter().map(|tr| tr.size).sum();
                assert!(total <= THREADS * ROUNDS * 512);
                let _ = t.traced_memory();
            }
        })
    };
    for w in workers {
        w.join().unwrap();
    }
    reader.join().unwrap();
    assert_eq!(t.trace_count(), 0);
    assert_eq!(t.traced_memory().0, 0);
}

/// The peak reached by blocks that died in the window survives the
/// window's publication (which only sees the blocks still live).
#[test]
fn the_peak_survives_a_published_window() {
    let t = Arc::new(Tracemalloc::new());
    t.start(1).unwrap();
    let heap = Traced::new(PyMalloc::new(), Arc::clone(&t));
    let big: Vec<Block> = (0..1000)
        .map(|_| heap.alloc(layout(500)).unwrap())
        .collect();
    for b in big {
        heap.free(b).unwrap();
    }
    assert_eq!(t.traced_memory(), (0, 500_000));
    // More live blocks than a window holds: it is published on the way.
    let small: Vec<Block> = (0..5000).map(|_| heap.alloc(layout(16)).unwrap()).collect();
    assert_eq!(t.traced_memory(), (80_000, 500_000));
    for b in small {
        heap.free(b).unwrap();
    }
    assert_eq!(t.traced_memory(), (0, 500_000));
}
