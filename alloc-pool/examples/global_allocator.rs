//! pymalloc as the process's global allocator: build and drop a `BTreeMap`
//! of a million small strings, several times, and print the allocator's
//! statistics after each round and the `sys._debugmallocstats()`-style
//! report at the end.
//!
//! ```text
//! cargo run --release -p alloc-pool --example global_allocator [ROUNDS] [ENTRIES]
//! ```

use std::collections::BTreeMap;
use std::time::Instant;

use alloc_pool::{GlobalPyMalloc, ThreadCached};

/// The pool, shared by all threads behind its spin lock...
static POOL: GlobalPyMalloc = GlobalPyMalloc::new();
/// ...and per-thread caches in front of it, so most calls take no lock.
/// (`#[global_allocator] static GLOBAL: GlobalPyMalloc = GlobalPyMalloc::new();`
/// works too, taking the lock on every call.)
#[global_allocator]
static GLOBAL: ThreadCached = ThreadCached::new(&POOL);

fn main() {
    let mut args = std::env::args().skip(1);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);
    let entries: u32 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    println!(
        "{rounds} rounds of a BTreeMap<String, String> with {entries} entries, on ThreadCached over GlobalPyMalloc\n"
    );
    println!("round   time      blocks in use   arenas (current/highwater/reclaimed)");
    for round in 1..=rounds {
        let start = Instant::now();
        let mut map = BTreeMap::new();
        for i in 0..entries {
            map.insert(
                format!("key{i:07}"),
                format!("value {}", i.wrapping_mul(2_654_435_761)),
            );
        }
        let full = GLOBAL.stats();
        let checksum: usize = map.values().map(String::len).sum();
        drop(map);
        let after = GLOBAL.stats();
        println!(
            "{round:5} {:7.0?} {:>15} -> {:<6} {}/{}/{} (checksum {checksum})",
            start.elapsed(),
            full.blocks_in_use,
            after.blocks_in_use,
            after.arenas.current,
            after.arenas.highwater,
            after.arenas.reclaimed,
        );
    }
    println!();
    print!("{}", GLOBAL.debug_stats());
}
