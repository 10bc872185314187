//! `Observed<GlobalPyMalloc, _>` as the `#[global_allocator]`, with an
//! observer that itself allocates (through the same global allocator): the
//! re-entrancy guard keeps the observer's own allocations out of the
//! events, so nothing recurses, and the counts balance.

use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use alloc_pool::{AllocObserver, Domain, GlobalPyMalloc, Observed};

struct Tracer {
    live: AtomicI64,
    events: AtomicU64,
    /// Allocates on every event.
    log: Mutex<Vec<usize>>,
}

impl AllocObserver for Tracer {
    fn on_alloc(&self, _: Domain, addr: usize, _: usize) {
        self.live.fetch_add(1, Ordering::Relaxed);
        self.events.fetch_add(1, Ordering::Relaxed);
        let mut log = self.log.lock().unwrap();
        log.push(addr);
        if log.len() > 1000 {
            log.clear();
            log.shrink_to_fit();
        }
    }
    fn on_realloc(&self, _: Domain, _: usize, _: usize, _: usize) {
        self.events.fetch_add(1, Ordering::Relaxed);
    }
    fn on_free(&self, _: Domain, _: usize) {
        self.live.fetch_sub(1, Ordering::Relaxed);
        self.events.fetch_add(1, Ordering::Relaxed);
    }
}

#[global_allocator]
static GLOBAL: Observed<GlobalPyMalloc, Tracer> = Observed::new(
    GlobalPyMalloc::new(),
    Tracer {
        live: AtomicI64::new(0),
        events: AtomicU64::new(0),
        log: Mutex::new(Vec::new()),
    },
);

#[test]
fn a_traced_global_pymalloc_balances() {
    let live_before = GLOBAL.observer().live.load(Ordering::Relaxed);
    let events_before = GLOBAL.observer().events.load(Ordering::Relaxed);
    {
        let words: Vec<String> = (0..20_000).map(|i| format!("word{i}")).collect();
        let joined = words.join(",");
        assert!(joined.len() > 100_000);
    }
    let live_after = GLOBAL.observer().live.load(Ordering::Relaxed);
    let events = GLOBAL.observer().events.load(Ordering::Relaxed) - events_before;
    assert!(events >= 40_000, "{events}");
    // Everything allocated in the block above was freed again (the harness
    // may have a few allocations of its own in flight).
    assert!(
        (live_after - live_before).abs() < 16,
        "{live_before} -> {live_after}"
    );
    // The observer's own Vec lives in the pool but was never reported.
    assert!(GLOBAL.inner().stats().blocks_in_use as i64 >= live_after);
}
