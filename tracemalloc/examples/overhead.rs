//! What tracing costs, measured robustly on a busy machine: the workloads
//! of the `trace` criterion group (`bench/benches/trace.rs`), run in
//! interleaved rounds, keeping each implementation's best round, so a
//! neighbour's load spike cannot favour one implementation over another.
//!
//! Run: `cargo run --release -p tracemalloc --example overhead`

use core::alloc::Layout;
use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

use alloc_pool::{Block, PyAllocator, PyMalloc};
use tracemalloc::{Frame, Null, Traced, Tracemalloc, frame_stack};

const N: usize = 1000;
const ROUNDS: usize = 200;

fn layout(i: usize) -> Layout {
    Layout::from_size_align(16 + (i * 40) % 497, 8).unwrap_or(Layout::new::<u64>())
}

/// Allocate and free at once, one line.
fn churn(a: &dyn PyAllocator, _: &mut Vec<Block>) {
    for i in 0..N {
        if let Ok(b) = a.alloc(layout(i)) {
            let _ = a.free(black_box(b));
        }
    }
}

/// Allocate N blocks alternating between two lines, then free them.
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

fn traced(start: impl Fn(&Tracemalloc)) -> Box<dyn PyAllocator> {
    let t = Arc::new(Tracemalloc::new());
    start(&t);
    Box::new(Traced::new(PyMalloc::new(), t))
}

fn main() {
    let _stack: Vec<_> = (0..30)
        .map(|i| frame_stack::enter(Frame::new(format!("frame{i}.py"), i + 1)))
        .collect();
    type Workload = fn(&dyn PyAllocator, &mut Vec<Block>);
    let workloads: [(&str, Workload); 2] = [("churn", churn), ("build", build)];
    for (workload, run) in workloads {
        let impls: Vec<(&str, Box<dyn PyAllocator>)> = vec![
            ("pymalloc", Box::new(PyMalloc::new())),
            (
                "null",
                Box::new(Traced::new(PyMalloc::new(), Arc::new(Null))),
            ),
            ("tracemalloc_1", traced(|t| t.start(1).unwrap_or(()))),
            ("tracemalloc_25", traced(|t| t.start(25).unwrap_or(()))),
            (
                "sampled_25",
                traced(|t| t.start_sampling(25, 512 * 1024, 1).unwrap_or(())),
            ),
        ];
        let mut best = vec![f64::MAX; impls.len()];
        let mut blocks = Vec::with_capacity(N);
        for _ in 0..ROUNDS {
            for (k, (_, alloc)) in impls.iter().enumerate() {
                let t0 = Instant::now();
                for _ in 0..5 {
                    run(alloc.as_ref(), &mut blocks);
                }
                let ns = t0.elapsed().as_secs_f64() * 1e9 / (5 * N) as f64;
                if let Some(b) = best.get_mut(k) {
                    *b = b.min(ns);
                }
            }
        }
        let base = best.first().copied().unwrap_or(1.0);
        for ((name, _), ns) in impls.iter().zip(&best) {
            println!(
                "trace/{workload}/{name:15} {ns:7.2} ns per block  {:5.2}x",
                ns / base
            );
        }
    }
}
