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
//! - `python_build` (the reference): CPython 3.11 itself (`python3`) building
//!   and dropping a 1,000-item list of tuples in a loop, 30 frames deep,
//!   untraced (`cpython`) and under its own tracemalloc with 1 and 25 frames
//!   (`cpython_tracemalloc_1`, `_25`); the time is measured inside Python
//!   (`time.perf_counter_ns`, `iter_custom`), so process start-up is not
//!   counted. Skipped when `python3` is not installed.
//!
//! Every sample is best-of-N (`best_of`): the fastest iteration times the
//! iteration count, so load from other processes on a shared machine does
//! not decide the ratios.
//!
//! Budgets (ratio to `pymalloc`): exact 1 frame ≤ 2×, exact 25 frames ≤ 3×,
//! sampling ≤ 1.2×. CPython 3.11's own tracemalloc costs about 11× (1
//! frame) and 40× (25 frames) on such loops (`python_build` measures it).

use core::alloc::Layout;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

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

/// Runs `f` `iters` times and reports `iters` × its fastest run: a best-of-N
/// estimator. The machines these budgets run on are shared (other builds
/// preempt the benchmark at random), and a preempted iteration says nothing
/// about the tracer; one iteration is ~20–40 µs, so most are not preempted.
fn best_of(iters: u64, mut f: impl FnMut()) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..iters {
        let start = Instant::now();
        f();
        best = best.min(start.elapsed());
    }
    best.mul_f64(iters as f64)
}

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
            group.bench_function(name, |b| {
                b.iter_custom(|iters| best_of(iters, || run(alloc.as_ref(), &mut blocks)))
            });
            if let Some(t) = tracer {
                t.stop();
            }
        }
        group.finish();
    }
    drop(guards);
}

/// The CPython reference loop, run `iters` times in one `python3` process
/// with `nframe` frames traced (0: tracemalloc off); the time it reports.
const PY_LOOP: &str = r#"
import sys, time, tracemalloc
def run(iters, nframe, depth):
    if depth:
        return run(iters, nframe, depth - 1)
    if nframe:
        tracemalloc.start(nframe)
    best = None
    for _ in range(iters):
        t = time.perf_counter_ns()
        out = []
        for i in range(1000):
            out.append((i, i))
        del out
        dt = time.perf_counter_ns() - t
        best = dt if best is None else min(best, dt)
    tracemalloc.stop()
    return best * iters
print(run(int(sys.argv[1]), int(sys.argv[2]), 29))
"#;

fn python_loop(iters: u64, nframe: u32) -> Option<Duration> {
    let out = std::process::Command::new("python3")
        .args(["-c", PY_LOOP, &iters.to_string(), &nframe.to_string()])
        .output()
        .ok()?;
    let nanos: u64 = String::from_utf8(out.stdout).ok()?.trim().parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

fn bench_cpython(c: &mut Criterion) {
    if python_loop(1, 0).is_none() {
        eprintln!("trace/python_build: python3 not available, skipped");
        return;
    }
    let mut group = c.benchmark_group("trace/python_build");
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(3));
    group.sample_size(10);
    for (name, nframe) in [
        ("cpython", 0),
        ("cpython_tracemalloc_1", 1),
        ("cpython_tracemalloc_25", 25),
    ] {
        group.bench_function(name, |b| {
            b.iter_custom(|iters| python_loop(iters, nframe).unwrap_or(Duration::MAX))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_trace, bench_cpython);
criterion_main!(benches);
