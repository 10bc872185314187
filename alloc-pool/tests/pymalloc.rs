//! `PyMalloc` through its public interfaces: the realloc rules, the routing
//! of requests pymalloc does not serve, the memory limit, bad input, and
//! collections living in it.

use std::alloc::Layout;
use std::ptr::NonNull;

use alloc_pool::size_class::{ARENA_SIZE, POOL_SIZE};
use alloc_pool::{AllocError, Block, PyAllocator, PyMalloc};
use allocator_api2::alloc::Allocator;
use allocator_api2::vec::Vec as ApiVec;
use rstest::rstest;

fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).unwrap()
}

fn realloc(pm: &PyMalloc, b: Block, size: usize) -> Block {
    pm.realloc(b, size).map_err(|e| e.error).unwrap()
}

/// `pymalloc_realloc`: a block of class size `s` stays in place for a new
/// size `n` with `n <= s` and `4n > 3s`; otherwise it moves.
#[rstest]
#[case::same(100, 100, true)]
#[case::grow_within_class(100, 112, true)]
#[case::grow_past_class(100, 113, false)]
#[case::shrink_to_just_over_three_quarters(112, 85, true)]
#[case::shrink_to_three_quarters(112, 84, false)]
#[case::shrink_a_lot(512, 16, false)]
#[case::to_zero(64, 0, false)]
#[case::to_large(64, 513, false)]
fn realloc_in_place_while_it_fits_and_is_not_shrunk_below_three_quarters(
    #[case] from: usize,
    #[case] to: usize,
    #[case] in_place: bool,
) {
    let pm = PyMalloc::new();
    let b = pm.alloc(layout(from, 8)).unwrap();
    // SAFETY: `from` live bytes.
    unsafe { std::ptr::write_bytes(b.as_ptr(), 0xAB, from) };
    let addr = b.addr();
    let b = realloc(&pm, b, to);
    assert_eq!(b.addr() == addr, in_place, "{from} -> {to}");
    assert_eq!(b.size(), to);
    // SAFETY: the first `min(from, to)` bytes were kept.
    let kept = unsafe { std::slice::from_raw_parts(b.as_ptr(), from.min(to)) };
    assert!(kept.iter().all(|&x| x == 0xAB));
    assert_eq!(pm.stats().reallocs_total, 1);
    assert_eq!(pm.stats().bytes_in_use, to as u64);
    pm.free(b).unwrap();
    assert_eq!(pm.stats().blocks_in_use, 0);
}

#[test]
fn realloc_between_pool_and_system_moves_the_block() {
    let pm = PyMalloc::new();
    let b = pm.alloc(layout(400, 8)).unwrap();
    let arena = b.addr() & !(ARENA_SIZE - 1);
    let b = realloc(&pm, b, 5000);
    assert_eq!(pm.stats().raw_blocks_in_use, 1);
    let b = realloc(&pm, b, 9000); // system realloc
    assert_eq!(pm.stats().raw_blocks_in_use, 1);
    let b = realloc(&pm, b, 300); // back into a pool
    assert_eq!(b.addr() & !(ARENA_SIZE - 1), arena);
    assert_eq!(pm.stats().raw_blocks_in_use, 0);
    pm.free(b).unwrap();
}

#[rstest]
#[case::zero(0, 1)]
#[case::just_over_threshold(513, 8)]
#[case::large(1 << 20, 8)]
#[case::over_aligned(64, 32)]
#[case::page_aligned(100, 4096)]
fn requests_pymalloc_does_not_serve_go_to_the_system(#[case] size: usize, #[case] align: usize) {
    let pm = PyMalloc::new();
    let b = pm.alloc(layout(size, align)).unwrap();
    assert_eq!(b.addr() % align, 0);
    let s = pm.stats();
    assert_eq!(
        (s.raw_blocks_in_use, s.arenas.current),
        (1, 0),
        "no arena for a system block"
    );
    // SAFETY: `size` live bytes.
    unsafe { std::ptr::write_bytes(b.as_ptr(), 1, size) };
    let b = realloc(&pm, b, size + 10);
    assert_eq!(b.addr() % align, 0, "realloc keeps the alignment");
    pm.free(b).unwrap();
    assert_eq!(pm.stats().raw_blocks_in_use, 0);
}

#[test]
fn the_threshold_is_512_bytes() {
    let pm = PyMalloc::new();
    let small = pm.alloc(layout(512, 16)).unwrap();
    assert_eq!(pm.stats().raw_blocks_in_use, 0);
    assert_eq!(pm.stats().pools.size_classes[31].blocks_in_use, 1);
    let large = pm.alloc(layout(513, 16)).unwrap();
    assert_eq!(pm.stats().raw_blocks_in_use, 1);
    pm.free(small).unwrap();
    pm.free(large).unwrap();
}

#[test]
fn the_memory_limit_turns_exhaustion_into_an_error() {
    let pm = PyMalloc::with_limit(2 * ARENA_SIZE);
    let mut blocks = Vec::new();
    let err = loop {
        match pm.alloc(layout(16, 8)) {
            Ok(b) => blocks.push(b),
            Err(e) => break e,
        }
    };
    assert!(matches!(err, AllocError::OutOfMemory { layout } if layout.size() == 16));
    assert_eq!(blocks.len(), 2 * 64 * 1021, "two arenas of 16-byte blocks");
    let s = pm.stats();
    assert_eq!(s.arenas.current, 2);
    assert_eq!(s.memory_limit, Some(2 * ARENA_SIZE as u64));
    // A system request past the limit fails too; realloc hands the block back.
    assert!(matches!(
        pm.alloc(layout(4096, 8)),
        Err(AllocError::OutOfMemory { .. })
    ));
    let b = blocks.pop().unwrap();
    let err = pm.realloc(b, 4096).unwrap_err();
    assert!(matches!(err.error, AllocError::OutOfMemory { .. }));
    // Freeing makes room again.
    pm.free(err.block).unwrap();
    let b = pm.alloc(layout(16, 8)).unwrap();
    blocks.push(b);
    for b in blocks {
        pm.free(b).unwrap();
    }
}

#[test]
fn huge_requests_are_out_of_memory_not_an_abort() {
    let pm = PyMalloc::new();
    let huge = layout(1 << 62, 16);
    assert!(matches!(pm.alloc(huge), Err(AllocError::OutOfMemory { layout }) if layout == huge));
    assert!(pm.allocate(huge).is_err());
    let b = pm.alloc(layout(100, 8)).unwrap();
    let err = pm.realloc(b, 1 << 62).unwrap_err();
    assert!(matches!(err.error, AllocError::OutOfMemory { .. }));
    let err = pm.realloc(err.block, usize::MAX).unwrap_err();
    assert!(matches!(err.error, AllocError::InvalidLayout));
    pm.free(err.block).unwrap();
    assert_eq!(pm.stats().blocks_in_use, 0);
}

#[test]
fn hashbrown_and_allocator_api2_collections_run_on_pymalloc() {
    let pm = PyMalloc::new();
    {
        let mut map = hashbrown::HashMap::new_in(&pm);
        for i in 0..10_000u64 {
            map.insert(i, i * i);
        }
        assert_eq!(map[&9_999], 9_999 * 9_999);
        let mut v: ApiVec<u32, &PyMalloc> = ApiVec::new_in(&pm);
        for i in 0..100_000 {
            v.push(i);
        }
        v.truncate(10);
        v.shrink_to_fit();
        assert_eq!(v.iter().sum::<u32>(), 45);
        let mut small: ApiVec<u8, &PyMalloc> = ApiVec::with_capacity_in(100, &pm);
        small.extend_from_slice(b"abc");
        small.shrink_to_fit(); // in-place shrink is refused below 3/4: moves
        assert_eq!(&small[..], b"abc");
        assert!(pm.stats().blocks_in_use >= 3);
    }
    let s = pm.stats();
    assert_eq!(
        (s.blocks_in_use, s.bytes_in_use, s.raw_blocks_in_use),
        (0, 0, 0)
    );
}

#[test]
fn allocator_api_zeroed_grow_and_alignment_changes() {
    let pm = PyMalloc::new();
    let l = layout(40, 8);
    let p = pm.allocate_zeroed(l).unwrap().cast::<u8>();
    // SAFETY: each pointer is live for its layout; sizes only grow in
    // `grow_zeroed` and the alignment change goes through `grow`.
    unsafe {
        assert!(
            std::slice::from_raw_parts(p.as_ptr(), 40)
                .iter()
                .all(|&b| b == 0)
        );
        p.as_ptr().write_bytes(7, 40);
        let q = pm.grow_zeroed(p, l, layout(300, 8)).unwrap().cast::<u8>();
        let bytes = std::slice::from_raw_parts(q.as_ptr(), 300);
        assert!(bytes[..40].iter().all(|&b| b == 7) && bytes[40..].iter().all(|&b| b == 0));
        let r = pm
            .grow(q, layout(300, 8), layout(300, 64))
            .unwrap()
            .cast::<u8>();
        assert_eq!(r.as_ptr() as usize % 64, 0);
        assert_eq!(*r.as_ptr(), 7);
        pm.deallocate(r, layout(300, 64));
    }
    assert_eq!(pm.stats().blocks_in_use, 0);
}

#[cfg(debug_assertions)]
mod invalid_frees_panic_in_debug_builds {
    use super::*;

    #[test]
    #[should_panic(expected = "alloc-pool: double free")]
    fn double_free() {
        let pm = PyMalloc::new();
        let l = layout(32, 8);
        let _keep = pm.allocate(l).unwrap(); // keeps the pool in use
        let p = pm.allocate(l).unwrap().cast::<u8>();
        // SAFETY: deliberately violated (the second call): the point of the test.
        unsafe {
            pm.deallocate(p, l);
            pm.deallocate(p, l);
        }
    }

    #[test]
    #[should_panic(expected = "alloc-pool: double free")]
    fn double_free_of_the_last_block_of_a_pool() {
        let pm = PyMalloc::new();
        let l = layout(32, 8);
        let p = pm.allocate(l).unwrap().cast::<u8>();
        // SAFETY: deliberately violated: the pool is empty after the first free.
        unsafe {
            pm.deallocate(p, l);
            pm.deallocate(p, l);
        }
    }

    #[test]
    #[should_panic(expected = "alloc-pool: free of a pointer this allocator did not allocate")]
    fn pointer_from_another_allocator() {
        let pm = PyMalloc::new();
        let other = PyMalloc::new();
        let l = layout(32, 8);
        let _mine = pm.allocate(l).unwrap();
        let p = other.allocate(l).unwrap().cast::<u8>();
        // SAFETY: deliberately violated: `p` belongs to `other`.
        unsafe { pm.deallocate(p, l) };
    }

    #[test]
    #[should_panic(expected = "not a live block")]
    fn pointer_into_the_middle_of_a_block() {
        let pm = PyMalloc::new();
        let l = layout(64, 8);
        let p = pm.allocate(l).unwrap().cast::<u8>();
        // SAFETY: deliberately violated: not the start of a block.
        unsafe { pm.deallocate(NonNull::new_unchecked(p.as_ptr().add(16)), layout(16, 8)) };
    }

    #[test]
    #[should_panic(expected = "not a live block")]
    fn layout_larger_than_the_block() {
        let pm = PyMalloc::new();
        let p = pm.allocate(layout(16, 8)).unwrap().cast::<u8>();
        // SAFETY: deliberately violated: the layout does not fit the block.
        unsafe { pm.deallocate(p, layout(256, 8)) };
    }
}

#[test]
fn blocks_of_one_pool_share_its_16k_page() {
    let pm = PyMalloc::new();
    let a = pm.alloc(layout(16, 16)).unwrap();
    let b = pm.alloc(layout(16, 16)).unwrap();
    assert_eq!(a.addr() & !(POOL_SIZE - 1), b.addr() & !(POOL_SIZE - 1));
    assert_eq!(b.addr() - a.addr(), 16);
    pm.free(a).unwrap();
    pm.free(b).unwrap();
}

#[test]
fn debug_stats_of_an_empty_allocator() {
    let pm = PyMalloc::new();
    let report = pm.debug_stats();
    assert!(
        report.contains("# arenas allocated current         =                    0\n"),
        "{report}"
    );
    assert!(report.contains("Total                              =                    0\n"));
}
