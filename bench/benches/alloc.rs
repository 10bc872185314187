//! The `alloc` benchmark group: `alloc-pool` side by side with glibc
//! `malloc`, mimalloc and bumpalo, in one run, so that `cargo xtask bench
//! alloc` can print ratios. Benchmark IDs are `alloc/<workload>/<impl>`.
//!
//! Implementations:
//! - `pymalloc`: `alloc_pool::PyMalloc` through the `PyAllocator` trait
//!   (safe `Block` API, statically dispatched);
//! - `pymalloc-dyn`: the same through `&dyn PyAllocator` (what the runtime
//!   does);
//! - `glibc`: `std::alloc::System` called directly (`GlobalAlloc`);
//! - `mimalloc`: `mimalloc::MiMalloc` as an allocator object (not the
//!   global allocator), called directly;
//! - `bumpalo`: `bumpalo::Bump`, allocation only (frees are no-ops, memory
//!   comes back with `reset`);
//! - `global-pymalloc`: `alloc_pool::GlobalPyMalloc` through `GlobalAlloc`
//!   (its spin lock taken on every call), single-threaded;
//! - `global-pymalloc-tcache`: `alloc_pool::ThreadCached` over a static
//!   `GlobalPyMalloc` (per-thread caches, the lock taken once per 32
//!   blocks), single-threaded.
//!
//! Workloads (sizes follow CPython's mix: mostly 16..=64 bytes, a tail to
//! 512; `realloc_list` grows past 512 into the system allocator):
//! - `churn`: a ring of 1024 live blocks; each step frees the oldest and
//!   allocates a new one (steady state, 16384 steps per iteration; bumpalo
//!   is emptied, reset and refilled between iterations, untimed);
//! - `alloc_only`: 4096 allocations into a warm allocator (the frees or
//!   the reset afterwards are not timed);
//! - `free_lifo`, `free_fifo`, `free_random`: allocate 4096 blocks, then
//!   free them newest first, oldest first, or in random order;
//! - `realloc_list`: 64 lists grown one 8-byte item at a time to 1000 items
//!   with CPython's `list_resize` over-allocation, through `realloc`;
//! - `global_churn`: `churn` through `GlobalAlloc`.

use std::alloc::{GlobalAlloc, Layout, System as Glibc};
use std::hint::black_box;
use std::time::{Duration, Instant};

use alloc_pool::{Block, Bump, FromGlobal, GlobalPyMalloc, PyAllocator, PyMalloc, ThreadCached};
use criterion::{Criterion, criterion_group, criterion_main};
use mimalloc::MiMalloc;

static GLOBAL_PYMALLOC: GlobalPyMalloc = GlobalPyMalloc::new();
static CACHED_POOL: GlobalPyMalloc = GlobalPyMalloc::new();
static THREAD_CACHED: ThreadCached = ThreadCached::new(&CACHED_POOL);

const RING: usize = 1024;
const CHURN_STEPS: usize = 16 * 1024;
const BATCH: usize = 4096;
const LISTS: usize = 64;
const LIST_ITEMS: usize = 1000;

/// A deterministic xorshift generator (no dependency, same sequence for
/// every implementation).
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// CPython's request sizes, as the issue gives them: mostly small, 70% of
/// 16..=64 bytes (small objects, tuples, short strings), and a tail of 30%
/// spread over 65..=512 (dicts, lists' item arrays, longer strings).
fn cpython_layouts(n: usize, seed: u64) -> Vec<Layout> {
    let mut rng = XorShift(seed);
    (0..n)
        .map(|_| {
            let r = rng.next();
            let size = match r % 100 {
                0..70 => 16 + (r >> 8) as usize % 49,
                _ => 65 + (r >> 8) as usize % 448,
            };
            Layout::from_size_align(size, 8).expect("valid layout")
        })
        .collect()
}

/// A permutation of `0..n` (Fisher-Yates with the xorshift).
fn shuffled(n: usize, seed: u64) -> Vec<usize> {
    let mut rng = XorShift(seed);
    let mut v: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        v.swap(i, rng.next() as usize % (i + 1));
    }
    v
}

/// CPython's `list_resize` growth: the capacity (in items) for `newsize`.
fn list_capacity(newsize: usize) -> usize {
    (newsize + (newsize >> 3) + 6) & !3
}

/// Allocation behind one interface, so each workload is written once.
trait Subject {
    type Handle;
    fn alloc(&self, layout: Layout) -> Self::Handle;
    fn free(&self, handle: Self::Handle);
    fn realloc(&self, handle: Self::Handle, new_size: usize) -> Self::Handle;
    /// Whether [`Subject::reset`] does anything (and so must be called
    /// only when no block is live).
    const RESETS: bool = false;
    /// Called between iterations where the workload has freed everything
    /// (bumpalo resets here, which invalidates every block it handed out).
    fn reset(&mut self) {}
}

/// A `PyAllocator` through the safe trait.
struct Trait<A>(A);

impl<A: PyAllocator> Subject for Trait<A> {
    type Handle = Block;
    #[inline]
    fn alloc(&self, layout: Layout) -> Block {
        self.0.alloc(layout).expect("allocation failed")
    }
    #[inline]
    fn free(&self, block: Block) {
        self.0.free(block).expect("foreign block")
    }
    #[inline]
    fn realloc(&self, block: Block, new_size: usize) -> Block {
        self.0
            .realloc(block, new_size)
            .map_err(|e| e.error)
            .expect("realloc failed")
    }
}

/// A `GlobalAlloc` peer (glibc, mimalloc, our global adapters) behind the
/// same safe trait as `PyMalloc`, through alloc-pool's `FromGlobal`.
fn global<G: GlobalAlloc>(g: &'static G, name: &'static str) -> Trait<FromGlobal<G>> {
    Trait(FromGlobal::new(g, name))
}

/// bumpalo (through alloc-pool's `Bump`): allocation only, reset between
/// iterations.
struct Bumpalo(Bump);

impl Subject for Bumpalo {
    type Handle = Block;
    #[inline]
    fn alloc(&self, layout: Layout) -> Block {
        self.0.alloc(layout).expect("allocation failed")
    }
    #[inline]
    fn free(&self, block: Block) {
        self.0.free(block).expect("foreign block")
    }
    #[inline]
    fn realloc(&self, block: Block, new_size: usize) -> Block {
        self.0
            .realloc(block, new_size)
            .map_err(|e| e.error)
            .expect("realloc failed")
    }
    const RESETS: bool = true;
    fn reset(&mut self) {
        self.0.reset();
    }
}

static GLIBC: Glibc = Glibc;
static MIMALLOC: MiMalloc = MiMalloc;

/// Runs `f` for every implementation of the main set, each under its ID.
macro_rules! for_each_subject {
    ($c:expr, $workload:expr, $f:ident) => {{
        let mut group = $c.benchmark_group(concat!("alloc/", $workload));
        group.bench_function("pymalloc", |b| $f(b, &mut Trait(PyMalloc::new())));
        group.bench_function("pymalloc-dyn", |b| {
            let pool = PyMalloc::new();
            $f(b, &mut Trait(&pool as &dyn PyAllocator))
        });
        group.bench_function("glibc", |b| $f(b, &mut global(&GLIBC, "glibc")));
        group.bench_function("mimalloc", |b| $f(b, &mut global(&MIMALLOC, "mimalloc")));
        group.bench_function("bumpalo", |b| $f(b, &mut Bumpalo(Bump::new())));
        group.finish();
    }};
}

fn churn<S: Subject>(b: &mut criterion::Bencher<'_>, s: &mut S) {
    let layouts = cpython_layouts(CHURN_STEPS, 0x5eed);
    let fill = |s: &S| -> Vec<Option<S::Handle>> {
        (0..RING).map(|i| Some(s.alloc(layouts[i]))).collect()
    };
    let mut ring = fill(s);
    b.iter_custom(|iters| {
        let mut total = Duration::ZERO;
        for _ in 0..iters {
            let start = Instant::now();
            for (i, &layout) in layouts.iter().enumerate() {
                let slot = &mut ring[i % RING];
                if let Some(old) = slot.take() {
                    s.free(old);
                }
                *slot = Some(s.alloc(black_box(layout)));
            }
            total += start.elapsed();
            if S::RESETS {
                // bumpalo gives its memory back only on reset, which
                // invalidates every block: empty the ring, reset, refill
                // (untimed, like the frees bumpalo does not do).
                for h in ring.drain(..).flatten() {
                    s.free(h);
                }
                s.reset();
                ring = fill(s);
            }
        }
        total
    });
    for h in ring.into_iter().flatten() {
        s.free(h);
    }
}

fn alloc_only<S: Subject>(b: &mut criterion::Bencher<'_>, s: &mut S) {
    let layouts = cpython_layouts(BATCH, 0xa110c);
    let mut live: Vec<S::Handle> = Vec::with_capacity(BATCH);
    b.iter_custom(|iters| {
        let mut total = Duration::ZERO;
        for _ in 0..iters {
            let start = Instant::now();
            for &layout in &layouts {
                live.push(s.alloc(black_box(layout)));
            }
            total += start.elapsed();
            for h in live.drain(..) {
                s.free(h);
            }
            s.reset();
        }
        total
    });
}

#[derive(Clone, Copy)]
enum Order {
    Lifo,
    Fifo,
    Random,
}

fn alloc_then_free<S: Subject>(b: &mut criterion::Bencher<'_>, s: &mut S, order: Order) {
    let layouts = cpython_layouts(BATCH, 0xf4ee);
    let perm = shuffled(BATCH, 0x0bde4);
    let mut live: Vec<Option<S::Handle>> = Vec::with_capacity(BATCH);
    b.iter(|| {
        for &layout in &layouts {
            live.push(Some(s.alloc(black_box(layout))));
        }
        match order {
            Order::Lifo => {
                while let Some(h) = live.pop() {
                    s.free(h.expect("live"));
                }
            }
            Order::Fifo => {
                for h in live.drain(..) {
                    s.free(h.expect("live"));
                }
            }
            Order::Random => {
                for &i in &perm {
                    if let Some(h) = live[i].take() {
                        s.free(h);
                    }
                }
                live.clear();
            }
        }
        s.reset();
    });
}

fn free_lifo<S: Subject>(b: &mut criterion::Bencher<'_>, s: &mut S) {
    alloc_then_free(b, s, Order::Lifo)
}

fn free_fifo<S: Subject>(b: &mut criterion::Bencher<'_>, s: &mut S) {
    alloc_then_free(b, s, Order::Fifo)
}

fn free_random<S: Subject>(b: &mut criterion::Bencher<'_>, s: &mut S) {
    alloc_then_free(b, s, Order::Random)
}

fn realloc_list<S: Subject>(b: &mut criterion::Bencher<'_>, s: &mut S) {
    b.iter(|| {
        for _ in 0..LISTS {
            // An empty list has no item array; the first append allocates.
            let mut capacity = list_capacity(1);
            let mut items =
                s.alloc(Layout::from_size_align(capacity * 8, 8).expect("valid layout"));
            for len in 2..=LIST_ITEMS {
                if len > capacity {
                    capacity = list_capacity(len);
                    items = s.realloc(items, black_box(capacity * 8));
                }
            }
            s.free(items);
        }
        s.reset();
    });
}

fn global_churn(c: &mut Criterion) {
    let mut group = c.benchmark_group("alloc/global_churn");
    group.bench_function("global-pymalloc", |b| {
        churn(b, &mut global(&GLOBAL_PYMALLOC, "global_pymalloc"))
    });
    group.bench_function("global-pymalloc-tcache", |b| {
        churn(b, &mut global(&THREAD_CACHED, "thread_cached"))
    });
    group.bench_function("mimalloc", |b| churn(b, &mut global(&MIMALLOC, "mimalloc")));
    group.bench_function("glibc", |b| churn(b, &mut global(&GLIBC, "glibc")));
    group.finish();
}

fn workloads(c: &mut Criterion) {
    for_each_subject!(c, "churn", churn);
    for_each_subject!(c, "alloc_only", alloc_only);
    for_each_subject!(c, "free_lifo", free_lifo);
    for_each_subject!(c, "free_fifo", free_fifo);
    for_each_subject!(c, "free_random", free_random);
    for_each_subject!(c, "realloc_list", realloc_list);
}

criterion_group! {
    name = alloc;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30);
    targets = workloads, global_churn
}
criterion_main!(alloc);
