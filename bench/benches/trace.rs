//! The `trace` group: the cost of tracing allocations.
//!
//! Allocation-heavy loops run through plain `PyMalloc` (the untraced
//! baseline), `Traced<PyMalloc, Null>` (the untraced configuration of the
//! runtime), and `Traced<PyMalloc, Tracemalloc>` exact with 1 and 25 frames
//! and sampling (512 KiB mean, 25 frames), all in one run, with a 30-frame
//! stack pushed so that 25 frames are really captured.
//!
//! Workloads (`trace/<workload>/<impl>`):
//! - `churn`: allocate and free at once, 1,000 times, sizes 16–512 B, one
//!   line (the frame stack does not change between allocations);
//! - `build`: allocate 1,000 blocks, moving between two lines before every
//!   allocation (as `out.append([i] * 10)` does), then free them all: every
//!   allocation captures a fresh traceback.
//!
//! Budgets (ratio to `pymalloc`): exact 1 frame ≤ 2×, exact 25 frames ≤ 3×,
//! sampling ≤ 1.2×. CPython 3.11's own tracemalloc costs about 11× (1
//! frame) and 40× (25 frames) on such loops.

use core::alloc::Layout;
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use alloc_pool::{Block, PyAllocator, PyMalloc};
use criterion::{Criterion, criterion_group, criterion_main};
use tracemalloc::{Frame, Null, Traced, Tracemalloc, frame_stack};

const N: usize = 1000;
const STACK_DEPTH: u32 = 30;
const SAMPLE_RATE: u64 = 512 * 1024;

fn layout(i: usize) -> Layout {
    let size = 16 + (i * 40) % 497;
    Layout::from_size_align(size, 8).unwrap_or(Layout::new::<u64>())
}

fn churn(a: &dyn PyAllocator) {
    for i in 0..N {
        if let Ok(b) = a.alloc(layout(i)) {
            let _ = a.free(black_box(b));
        }
    }
}

fn build(a: &dyn PyAllocator, blocks: &mut Vec<Block>) {
    for i in 0..N {
        frame_stack::set_lineno(100 + (i % 2) as u32);
        if let Ok(b) = a.alloc(layout(i)) {
            blocks.push(b);
        }
    }
    for b in blocks.drain(..) {
        let _ = a.free(b);
    }
}

type Workload = fn(&dyn PyAllocator, &mut Vec<Block>);

/// (benchmark name, allocator, its tracer to stop afterwards)
type Impl = (&'static str, Box<dyn PyAllocator>, Option<Arc<Tracemalloc>>);

fn impls() -> Vec<Impl> {
    let traced = |start: &dyn Fn(&Tracemalloc)| {
        let t = Arc::new(Tracemalloc::new());
        start(&t);
        let a: Box<dyn PyAllocator> = Box::new(Traced::new(PyMalloc::new(), Arc::clone(&t)));
        (a, Some(t))
    };
    let (t1, tm1) = traced(&|t| t.start(1).unwrap_or(()));
    let (t25, tm25) = traced(&|t| t.start(25).unwrap_or(()));
    let (ts, tms) = traced(&|t| t.start_sampling(25, SAMPLE_RATE, 1).unwrap_or(()));
    vec![
        ("pymalloc", Box::new(PyMalloc::new()), None),
        (
            "null",
            Box::new(Traced::new(PyMalloc::new(), Arc::new(Null))),
            None,
        ),
        ("tracemalloc_1", t1, tm1),
        ("tracemalloc_25", t25, tm25),
        ("sampled_25", ts, tms),
    ]
}

fn bench_trace(c: &mut Criterion) {
    let guards: Vec<_> = (0..STACK_DEPTH)
        .map(|i| frame_stack::enter(Frame::new(format!("frame{i}.py"), i + 1)))
        .collect();
    let workloads: [(&str, Workload); 2] = [("churn", |a, _| churn(a)), ("build", build)];
    for (workload, run) in workloads {
        let mut group = c.benchmark_group(format!("trace/{workload}"));
        group.warm_up_time(Duration::from_millis(500));
        group.measurement_time(Duration::from_secs(2));
        group.sample_size(30);
        for (name, alloc, tracer) in impls() {
            let mut blocks = Vec::with_capacity(N);
            group.bench_function(name, |b| b.iter(|| run(alloc.as_ref(), &mut blocks)));
            if let Some(t) = tracer {
                t.stop();
            }
        }
        group.finish();
    }
    drop(guards);
}

criterion_group!(benches, bench_trace);
criterion_main!(benches);
