//! White-box tests of pymalloc's policies (they look at `usable_arenas` and
//! check the structural invariants after every step) and the model test:
//! random alloc/realloc/free sequences against a `BTreeMap` of live blocks.

use core::alloc::Layout;
use std::collections::BTreeMap;

use proptest::prelude::*;

use crate::size_class::{ARENA_SIZE, MAX_POOLS_IN_ARENA, POOL_SIZE, blocks_per_pool, is_small};
use crate::{AllocError, AllocStats, Block, PyAllocator, PyMalloc};

fn layout(size: usize) -> Layout {
    Layout::from_size_align(size, 8).unwrap()
}

fn pool_addr(addr: usize) -> usize {
    addr & !(POOL_SIZE - 1)
}

fn arena_addr(addr: usize) -> usize {
    addr & !(ARENA_SIZE - 1)
}

fn check(pm: &PyMalloc) {
    pm.with_state(|s| s.check_invariants()).unwrap();
    check_stats_arithmetic(&pm.stats());
}

/// The arithmetic of `sys._debugmallocstats()` (reference §2.5).
fn check_stats_arithmetic(s: &AllocStats) {
    assert_eq!(
        s.pools.total(),
        s.arenas.current * ARENA_SIZE as u64,
        "Total = arenas x 1 MiB"
    );
    for c in &s.pools.size_classes {
        assert_eq!(
            c.blocks_in_use + c.avail_blocks,
            c.pools * blocks_per_pool(c.class as usize) as u64,
            "in use + available = pools x blocks per pool (class {})",
            c.class
        );
    }
    let used_pools: u64 = s.pools.pools_in_use();
    assert_eq!(
        used_pools + s.pools.unused_pools,
        s.arenas.current * MAX_POOLS_IN_ARENA as u64
    );
    assert_eq!(
        s.arenas.reclaimed + s.arenas.current,
        s.arenas.allocated_total
    );
    assert!(s.arenas.highwater >= s.arenas.current);
    let small_in_use: u64 = s.pools.size_classes.iter().map(|c| c.blocks_in_use).sum();
    assert_eq!(small_in_use + s.raw_blocks_in_use, s.blocks_in_use);
    assert_eq!(s.blocks_in_use, s.allocations_total - s.frees_total);
}

/// Allocates `n` blocks of `size` bytes.
fn fill(pm: &PyMalloc, size: usize, n: usize) -> Vec<Block> {
    (0..n).map(|_| pm.alloc(layout(size)).unwrap()).collect()
}

#[test]
fn a_pool_that_stops_being_full_goes_to_the_front() {
    let pm = PyMalloc::new();
    let per_pool = blocks_per_pool(31);
    let mut a = fill(&pm, 512, per_pool); // pool A, now full
    let b = pm.alloc(layout(512)).unwrap(); // starts pool B
    let pool_a = pool_addr(a[0].addr());
    assert!(a.iter().all(|x| pool_addr(x.addr()) == pool_a));
    assert_ne!(pool_addr(b.addr()), pool_a);
    // Without a free, allocation continues in B.
    let b2 = pm.alloc(layout(512)).unwrap();
    assert_eq!(pool_addr(b2.addr()), pool_addr(b.addr()));
    // A block freed in the full pool A puts A at the front: the next
    // allocation reuses exactly that block.
    let x = a.remove(7);
    let x_addr = x.addr();
    pm.free(x).unwrap();
    check(&pm);
    let y = pm.alloc(layout(500)).unwrap();
    assert_eq!(y.addr(), x_addr);
    for blk in a.into_iter().chain([b, b2, y]) {
        pm.free(blk).unwrap();
    }
    check(&pm);
}

#[test]
fn free_blocks_are_reused_last_in_first_out() {
    let pm = PyMalloc::new();
    let v = fill(&pm, 32, 4);
    let addrs: Vec<usize> = v.iter().map(Block::addr).collect();
    for b in v {
        pm.free(b).unwrap();
    }
    // The pool became empty and went to its arena's cache; reused for the
    // same class, its free list is intact: most recently freed first.
    let again = fill(&pm, 32, 4);
    let again_addrs: Vec<usize> = again.iter().map(Block::addr).collect();
    let mut expected = addrs.clone();
    expected.reverse();
    assert_eq!(again_addrs, expected);
    check(&pm);
}

#[test]
fn blocks_are_carved_in_address_order_after_the_header() {
    let pm = PyMalloc::new();
    let v = fill(&pm, 48, 3);
    let pool = pool_addr(v[0].addr());
    assert_eq!(v[0].addr(), pool + 48);
    assert_eq!(v[1].addr(), pool + 48 + 48);
    assert_eq!(v[2].addr(), pool + 48 + 96);
    assert_eq!(pool % POOL_SIZE, 0);
}

#[test]
fn an_empty_pool_is_cached_and_reused_for_any_class() {
    let pm = PyMalloc::new();
    let a = pm.alloc(layout(16)).unwrap(); // pool P, class 0
    let keep = pm.alloc(layout(32)).unwrap(); // pool Q, class 1
    let p = pool_addr(a.addr());
    assert_ne!(p, pool_addr(keep.addr()));
    pm.free(a).unwrap(); // P is empty: cached in the arena
    let s = pm.stats();
    assert_eq!(
        s.pools.size_classes[0].pools, 0,
        "empty pools are not in the census"
    );
    assert_eq!(s.pools.unused_pools, 63);
    // A cached pool is preferred to carving a virgin one, whatever the class.
    let c = pm.alloc(layout(96)).unwrap();
    assert_eq!(pool_addr(c.addr()), p);
    assert_eq!(c.addr(), p + 48, "re-initialised for the new class");
    check(&pm);
    pm.free(c).unwrap();
    pm.free(keep).unwrap();
}

/// Fills `n` whole arenas with 512-byte blocks (64 pools x 31 blocks each);
/// returns the blocks grouped per arena, each arena's blocks per pool.
fn fill_arenas(pm: &PyMalloc, n: usize) -> Vec<Vec<Vec<Block>>> {
    let per_pool = blocks_per_pool(31);
    let mut blocks = fill(pm, 512, n * MAX_POOLS_IN_ARENA * per_pool);
    blocks.sort_by_key(Block::addr);
    let mut arenas: Vec<Vec<Vec<Block>>> = Vec::new();
    for b in blocks {
        let new_arena = arenas
            .last()
            .and_then(|a| a.last())
            .and_then(|p| p.first())
            .map(|f| arena_addr(f.addr()))
            != Some(arena_addr(b.addr()));
        if new_arena {
            arenas.push(Vec::new());
        }
        let arena = arenas.last_mut().unwrap();
        let new_pool = arena
            .last()
            .and_then(|p| p.first())
            .map(|f| pool_addr(f.addr()))
            != Some(pool_addr(b.addr()));
        if new_pool {
            arena.push(Vec::new());
        }
        arena.last_mut().unwrap().push(b);
    }
    assert_eq!(arenas.len(), n);
    assert!(arenas.iter().all(|a| a.len() == MAX_POOLS_IN_ARENA));
    arenas
}

fn free_pools(pm: &PyMalloc, arena: &mut Vec<Vec<Block>>, pools: usize) {
    for _ in 0..pools {
        for b in arena.pop().unwrap() {
            pm.free(b).unwrap();
        }
        check(pm);
    }
}

#[test]
fn usable_arenas_are_kept_fullest_first() {
    let pm = PyMalloc::new();
    let mut arenas = fill_arenas(&pm, 3);
    assert_eq!(
        pm.with_state(|s| s.usable_arena_list()),
        vec![],
        "full arenas are in no list"
    );
    let addr = |a: &Vec<Vec<Block>>| arena_addr(a[0][0].addr());
    let (a, b, c) = (addr(&arenas[0]), addr(&arenas[1]), addr(&arenas[2]));
    free_pools(&pm, &mut arenas[1], 3); // B: 3 free pools
    free_pools(&pm, &mut arenas[0], 1); // A: 1 free pool, goes to the head
    free_pools(&pm, &mut arenas[2], 2); // C: 2 free pools, lands between
    assert_eq!(
        pm.with_state(|s| s.usable_arena_list()),
        vec![(a, 1), (c, 2), (b, 3)]
    );
    // A new pool comes from the head, the fullest arena.
    let n = pm.alloc(layout(200)).unwrap();
    assert_eq!(arena_addr(n.addr()), a);
    assert_eq!(
        pm.with_state(|s| s.usable_arena_list()),
        vec![(c, 2), (b, 3)]
    );
    pm.free(n).unwrap();
    // Freeing more in A moves it right past the arenas with fewer free pools.
    free_pools(&pm, &mut arenas[0], 3);
    assert_eq!(
        pm.with_state(|s| s.usable_arena_list()),
        vec![(c, 2), (b, 3), (a, 4)]
    );
    check(&pm);
    for arena in arenas {
        for b in arena.into_iter().flatten() {
            pm.free(b).unwrap();
        }
    }
}

#[test]
fn a_wholly_free_arena_is_released_unless_it_is_the_last_usable_one() {
    let pm = PyMalloc::new();
    let mut arenas = fill_arenas(&pm, 3);
    assert_eq!(pm.stats().arenas.current, 3);
    // C drains completely: it is the rightmost usable arena, so it is kept.
    free_pools(&pm, &mut arenas[2], MAX_POOLS_IN_ARENA);
    let s = pm.stats().arenas;
    assert_eq!((s.current, s.reclaimed), (3, 0));
    // B drains completely while C (64 free pools) is right of it: released.
    free_pools(&pm, &mut arenas[1], MAX_POOLS_IN_ARENA);
    let s = pm.stats().arenas;
    assert_eq!(
        (s.allocated_total, s.current, s.reclaimed, s.highwater),
        (3, 2, 1, 3)
    );
    // A drains too: released, C is still the kept one.
    free_pools(&pm, &mut arenas[0], MAX_POOLS_IN_ARENA);
    let s = pm.stats();
    assert_eq!((s.arenas.current, s.arenas.reclaimed), (1, 2));
    assert_eq!(s.pools.unused_pools, MAX_POOLS_IN_ARENA as u64);
    assert_eq!(s.blocks_in_use, 0);
    // The released descriptor slots are reused by the next arenas.
    let again = fill_arenas(&pm, 2);
    assert_eq!(pm.stats().arenas.allocated_total, 4);
    for b in again.into_iter().flatten().flatten() {
        pm.free(b).unwrap();
    }
    check(&pm);
    assert_eq!(pm.stats().arenas.current, 1);
}

#[test]
fn many_arenas_grow_the_descriptor_table() {
    // More than INITIAL_ARENA_OBJECTS (16) arenas at once.
    let pm = PyMalloc::new();
    let blocks = fill(&pm, 512, 20 * MAX_POOLS_IN_ARENA * blocks_per_pool(31));
    assert_eq!(pm.stats().arenas.current, 20);
    check(&pm);
    for b in blocks {
        pm.free(b).unwrap();
    }
    let s = pm.stats().arenas;
    assert_eq!((s.current, s.reclaimed, s.highwater), (1, 19, 20));
    check(&pm);
}

#[test]
fn census_matches_cpython_arithmetic_for_the_7_0_shape() {
    // A few classes with several pools each, as in reference §7.0.
    let pm = PyMalloc::new();
    let mut live = Vec::new();
    for (size, n) in [(16, 1127), (48, 4223), (80, 500), (512, 50)] {
        live.extend(fill(&pm, size, n));
    }
    let s = pm.stats();
    let c0 = s.pools.size_classes[0];
    assert_eq!(
        (c0.pools, c0.blocks_in_use, c0.avail_blocks),
        (2, 1127, 2 * 1021 - 1127)
    );
    let c2 = s.pools.size_classes[2];
    assert_eq!(
        (c2.pools, c2.blocks_in_use, c2.avail_blocks),
        (13, 4223, 197)
    );
    assert_eq!(
        s.pools.bytes_lost_to_pool_headers,
        s.pools.pools_in_use() * 48
    );
    check_stats_arithmetic(&s);
    let report = pm.debug_stats();
    assert!(report.starts_with("Small block threshold = 512, in 32 size classes.\n\n"));
    assert!(
        report.contains("    2     48          13            4223           197\n"),
        "{report}"
    );
    assert!(report.contains("# arenas allocated total           =                    1\n"));
    assert!(report.contains("1 arenas * 1048576 bytes/arena     =            1,048,576\n"));
    assert!(report.contains("Total                              =            1,048,576\n"));
    for b in live {
        pm.free(b).unwrap();
    }
}

#[test]
fn foreign_and_stale_blocks_are_handed_back() {
    let a = PyMalloc::new();
    let b = PyMalloc::new();
    let blk = a.alloc(layout(24)).unwrap();
    let Err(AllocError::ForeignBlock(blk)) = b.free(blk) else {
        panic!()
    };
    let err = b.realloc(blk, 40).unwrap_err();
    assert!(matches!(err.error, AllocError::ForeignOwner { owner } if owner == a.id()));
    // A block that outlives its allocator is foreign to every later one.
    drop(a);
    let c = PyMalloc::new();
    assert!(matches!(
        c.free(err.block),
        Err(AllocError::ForeignBlock(_))
    ));
    assert_eq!(b.stats().frees_total, 0);
}

// ---------------------------------------------------------------------------
// The model test.

#[derive(Clone, Debug)]
enum Op {
    Alloc { size: usize, align_shift: u32 },
    Realloc { index: usize, size: usize },
    Free { index: usize },
}

/// CPython's size mix: mostly 16..64 bytes, a tail to 512, some 0, some
/// large, some over-aligned.
fn size() -> impl Strategy<Value = usize> {
    prop_oneof![
        6 => 1usize..=64,
        3 => 65usize..=512,
        1 => Just(0usize),
        1 => 513usize..=3000,
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (size(), prop_oneof![8 => 0u32..=4, 1 => 5u32..=7])
            .prop_map(|(size, align_shift)| Op::Alloc { size, align_shift }),
        2 => (any::<usize>(), size()).prop_map(|(index, size)| Op::Realloc { index, size }),
        4 => any::<usize>().prop_map(|index| Op::Free { index }),
    ]
}

/// What the model knows of a live block: its requested size, alignment and
/// the byte it was filled with.
#[derive(Clone, Copy, Debug)]
struct Live {
    size: usize,
    fill: u8,
}

fn write_fill(b: &Block, fill: u8) {
    // SAFETY: the block is live and `size()` bytes long.
    unsafe { core::ptr::write_bytes(b.as_ptr(), fill, b.size()) };
}

fn contents_are(b: &Block, len: usize, fill: u8) -> bool {
    // SAFETY: the block is live and at least `len` bytes long.
    let bytes = unsafe { core::slice::from_raw_parts(b.as_ptr(), len) };
    bytes.iter().all(|&x| x == fill)
}

fn check_model(pm: &PyMalloc, blocks: &[Block], model: &BTreeMap<usize, Live>) {
    assert_eq!(blocks.len(), model.len());
    // No two live blocks overlap (a 0-byte request occupies 1 byte).
    let mut end = 0usize;
    for (&addr, live) in model {
        assert!(addr >= end, "blocks overlap at {addr:#x}");
        end = addr + live.size.max(1);
    }
    let s = pm.stats();
    assert_eq!(s.blocks_in_use, model.len() as u64);
    assert_eq!(
        s.bytes_in_use,
        model.values().map(|l| l.size as u64).sum::<u64>()
    );
    let raw = blocks.iter().filter(|b| !is_small(b.layout())).count();
    assert_eq!(s.raw_blocks_in_use, raw as u64);
    check_stats_arithmetic(&s);
    pm.with_state(|s| s.check_invariants()).unwrap();
}

fn run_model(ops: Vec<Op>) {
    let pm = PyMalloc::new();
    let mut blocks: Vec<Block> = Vec::new();
    let mut model: BTreeMap<usize, Live> = BTreeMap::new();
    let mut next_fill = 1u8;
    for op in ops {
        match op {
            Op::Alloc { size, align_shift } => {
                let l = Layout::from_size_align(size, 1 << align_shift).unwrap();
                let b = pm.alloc(l).unwrap();
                assert_eq!(b.addr() % l.align(), 0, "alignment");
                if is_small(l) {
                    assert_eq!(b.addr() % 16, 0);
                }
                next_fill = next_fill.wrapping_add(1).max(1);
                write_fill(&b, next_fill);
                assert!(
                    model
                        .insert(
                            b.addr(),
                            Live {
                                size,
                                fill: next_fill
                            }
                        )
                        .is_none()
                );
                blocks.push(b);
            }
            Op::Realloc { index, size } => {
                if blocks.is_empty() {
                    continue;
                }
                let b = blocks.swap_remove(index % blocks.len());
                let old = model.remove(&b.addr()).unwrap();
                let old_layout = b.layout();
                let b = pm.realloc(b, size).map_err(|e| e.error).unwrap();
                assert!(
                    contents_are(&b, old.size.min(size), old.fill),
                    "contents survive realloc"
                );
                assert_eq!(b.addr() % old_layout.align(), 0);
                write_fill(&b, old.fill);
                model.insert(
                    b.addr(),
                    Live {
                        size,
                        fill: old.fill,
                    },
                );
                blocks.push(b);
            }
            Op::Free { index } => {
                if blocks.is_empty() {
                    continue;
                }
                let b = blocks.swap_remove(index % blocks.len());
                let live = model.remove(&b.addr()).unwrap();
                assert!(
                    contents_are(&b, live.size, live.fill),
                    "contents intact until free"
                );
                pm.free(b).unwrap();
            }
        }
        check_model(&pm, &blocks, &model);
    }
    for b in blocks.drain(..) {
        model.remove(&b.addr());
        pm.free(b).unwrap();
    }
    check_model(&pm, &blocks, &model);
    let s = pm.stats();
    assert!(
        s.arenas.current <= 1,
        "freeing everything returns every arena but one"
    );
    assert_eq!(
        (s.blocks_in_use, s.bytes_in_use, s.raw_blocks_in_use),
        (0, 0, 0)
    );
}

/// 64 cases unless `PROPTEST_CASES` says otherwise (the valgrind run
/// lowers it).
fn model_config() -> ProptestConfig {
    let mut config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 64;
    }
    config
}

proptest! {
    #![proptest_config(model_config())]
    #[test]
    fn random_sequences_agree_with_the_model(ops in prop::collection::vec(op(), 1..300)) {
        run_model(ops);
    }
}

/// A long run crossing many pools and a few arenas, with frees in random
/// order: exercises arena reordering and release at scale.
#[test]
fn long_random_run_across_arenas() {
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let pm = PyMalloc::new();
    let mut live: Vec<Block> = Vec::new();
    for round in 0..6 {
        for _ in 0..20_000 {
            let size = 16 + (next() % 497) as usize;
            live.push(pm.alloc(layout(size)).unwrap());
        }
        // Free a random 3/4 (round 5: everything).
        let keep = if round == 5 { 0 } else { live.len() / 4 };
        while live.len() > keep {
            let i = (next() % live.len() as u64) as usize;
            pm.free(live.swap_remove(i)).unwrap();
        }
        check(&pm);
    }
    let s = pm.stats();
    assert_eq!(s.blocks_in_use, 0);
    assert_eq!(s.arenas.current, 1);
    assert!(s.arenas.reclaimed > 0);
}
