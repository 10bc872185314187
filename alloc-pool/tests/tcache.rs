//! `ThreadCached` as this binary's `#[global_allocator]`: threads allocate
//! and free (also each other's blocks), exit and give their caches back;
//! counters balance once published.

use std::alloc::{GlobalAlloc, Layout};
use std::collections::BTreeMap;
use std::sync::mpsc;
use std::thread;

use alloc_pool::{GlobalPyMalloc, ThreadCached};

static POOL: GlobalPyMalloc = GlobalPyMalloc::new();
#[global_allocator]
static GLOBAL: ThreadCached = ThreadCached::new(&POOL);

/// A second pool, used through its own `ThreadCached` on threads whose
/// cache already serves `POOL`: those calls go through the lock.
static OTHER: GlobalPyMalloc = GlobalPyMalloc::new();
static OTHER_CACHED: ThreadCached = ThreadCached::new(&OTHER);

/// One test function, so that no other test thread holds a cache while
/// the counts are compared.
#[test]
fn thread_cache_lifecycle() {
    threads_share_blocks_and_give_caches_back_on_exit();
    a_cache_serves_one_pool_other_pools_take_their_lock();
    realloc_through_the_cache_keeps_contents();
}

fn threads_share_blocks_and_give_caches_back_on_exit() {
    GLOBAL.flush();
    let before = GLOBAL.stats();
    let (tx, rx) = mpsc::channel::<Vec<String>>();
    let producers: Vec<_> = (0..3)
        .map(|t| {
            let tx = tx.clone();
            thread::spawn(move || {
                for round in 0..20 {
                    let batch: Vec<String> = (0..500).map(|i| format!("{t}-{round}-{i}")).collect();
                    tx.send(batch).unwrap();
                }
            })
        })
        .collect();
    drop(tx);
    // Blocks allocated on the producers are freed here, into this thread's cache.
    let consumer = thread::spawn(move || {
        let mut map = BTreeMap::new();
        for batch in rx {
            for s in batch {
                map.insert(s.clone(), s.len());
            }
            map.retain(|k, _| k.ends_with('7'));
        }
        map.len()
    });
    for p in producers {
        p.join().unwrap();
    }
    assert!(consumer.join().unwrap() > 0);
    // The four threads have exited and given their caches back; this one
    // flushes. Only the (idle) main thread may still hold cached blocks.
    GLOBAL.flush();
    let after = GLOBAL.stats();
    assert!(
        after.thread_cached_blocks <= before.thread_cached_blocks,
        "{before:?}\n{after:?}"
    );
    assert!(after.allocations_total >= before.allocations_total + 30_000);
    assert_eq!(after.pools.total(), after.arenas.current * (1 << 20));
}

fn a_cache_serves_one_pool_other_pools_take_their_lock() {
    let l = Layout::from_size_align(48, 8).unwrap();
    thread::spawn(move || {
        // This thread's cache serves POOL (the harness allocated through it).
        let v = vec![1u8; 10];
        // SAFETY: non-zero layout; freed once with it.
        unsafe {
            let p = OTHER_CACHED.alloc(l);
            assert!(!p.is_null());
            p.write_bytes(9, 48);
            let q = OTHER_CACHED.realloc(p, l, 40); // in place: 40 > 3/4 of 48
            assert_eq!(p, q);
            OTHER_CACHED.dealloc(q, Layout::from_size_align(40, 8).unwrap());
        }
        drop(v);
    })
    .join()
    .unwrap();
    let s = OTHER.stats();
    assert_eq!(
        (s.allocations_total, s.frees_total, s.thread_cached_blocks),
        (1, 1, 0)
    );
}

fn realloc_through_the_cache_keeps_contents() {
    let mut v: Vec<u64> = Vec::new();
    for i in 0..10_000 {
        v.push(i);
    }
    v.truncate(3);
    v.shrink_to_fit();
    assert_eq!(v, [0, 1, 2]);
    let mut s = String::from("x");
    for _ in 0..300 {
        s.push_str("yz");
    }
    assert_eq!(s.len(), 601);
    assert!(GLOBAL.debug_stats().contains("# arenas allocated current"));
}
