//! `GlobalPyMalloc` as this test binary's `#[global_allocator]`: the test
//! harness, threads, std collections and `tracing` all allocate through it,
//! and nothing deadlocks or recurses.

use std::collections::BTreeMap;
use std::thread;

use alloc_pool::GlobalPyMalloc;

#[global_allocator]
static GLOBAL: GlobalPyMalloc = GlobalPyMalloc::new();

#[test]
fn std_collections_on_many_threads() {
    let before = GLOBAL.stats();
    let threads: Vec<_> = (0..4)
        .map(|t| {
            thread::spawn(move || {
                let mut map = BTreeMap::new();
                for i in 0..20_000u32 {
                    map.insert(format!("key-{t}-{i}"), vec![i; (i % 40) as usize]);
                }
                let total: usize = map.values().map(Vec::len).sum();
                map.retain(|_, v| v.len() % 2 == 0);
                (total, map.len())
            })
        })
        .collect();
    for t in threads {
        let (total, kept) = t.join().unwrap();
        assert!(total > 0 && kept > 0);
    }
    let after = GLOBAL.stats();
    assert!(after.allocations_total > before.allocations_total + 100_000);
    // One thread's map alone needs more than one 1 MiB arena at its peak; how
    // many threads peak together depends on scheduling (valgrind runs them
    // one at a time), so only that much is certain.
    assert!(after.arenas.highwater >= 2);
    assert_eq!(after.pools.total(), after.arenas.current * (1 << 20));
    // Building the report allocates through GLOBAL itself: no deadlock.
    let report = GLOBAL.debug_stats();
    assert!(report.contains("# arenas highwater mark"));
}

#[test]
fn tracing_events_from_inside_the_global_allocator_do_not_recurse() {
    // A subscriber that allocates on every event, installed globally for
    // this thread; arena events are emitted after the lock is released.
    let subscriber = tracing_subscriber_like::Collect::default();
    tracing::subscriber::with_default(subscriber, || {
        let v: Vec<Vec<u8>> = (0..200_000).map(|i| vec![0u8; 16 + i % 400]).collect();
        assert_eq!(v.len(), 200_000);
    });
}

mod tracing_subscriber_like {
    use std::sync::Mutex;
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    #[derive(Default)]
    pub(super) struct Collect(Mutex<Vec<String>>);

    impl Subscriber for Collect {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &Attributes<'_>) -> Id {
            Id::from_u64(1)
        }
        fn record(&self, _: &Id, _: &Record<'_>) {}
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            // Allocates (a String, a Vec push) while handling the event.
            let line = format!("{:?}", event.metadata().name());
            self.0.lock().unwrap().push(line);
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }
}
