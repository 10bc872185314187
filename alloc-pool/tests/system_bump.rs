//! `System` and `Bump` behind the shared traits: bad input has a defined
//! outcome, statistics follow the calls.

use std::alloc::Layout;

use alloc_pool::{AllocError, Bump, PyAllocator, System};
use allocator_api2::vec::Vec as ApiVec;
use rstest::rstest;

fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).unwrap()
}

fn allocators() -> Vec<Box<dyn PyAllocator>> {
    vec![Box::new(System::new()), Box::new(Bump::new())]
}

#[rstest]
#[case::zero(0, 1)]
#[case::small(24, 8)]
#[case::threshold(512, 16)]
#[case::large(100_000, 8)]
#[case::overaligned(64, 4096)]
fn every_layout_is_served_aligned_and_writable(#[case] size: usize, #[case] align: usize) {
    for a in allocators() {
        let blocks: Vec<_> = (0..3)
            .map(|_| a.alloc(layout(size, align)).unwrap())
            .collect();
        for (i, b) in blocks.iter().enumerate() {
            assert_eq!(b.addr() % align, 0, "{}", a.name());
            assert_eq!(b.size(), size);
            assert_eq!(b.owner(), a.id());
            // SAFETY: the block is live and at least `size` bytes long.
            unsafe { std::ptr::write_bytes(b.as_ptr(), i as u8, size) };
        }
        // Every block has its own address, even at size 0 (`malloc(1)`).
        assert_ne!(blocks[0].addr(), blocks[1].addr());
        for b in blocks {
            a.free(b).unwrap();
        }
        assert_eq!(a.stats().blocks_in_use, 0);
    }
}

#[test]
fn realloc_keeps_contents_and_alignment() {
    for a in allocators() {
        let b = a.alloc(layout(16, 16)).unwrap();
        // SAFETY: 16 live bytes.
        unsafe { std::ptr::copy_nonoverlapping(b"0123456789abcdef".as_ptr(), b.as_ptr(), 16) };
        let b = a.realloc(b, 10_000).map_err(|e| e.error).unwrap();
        assert_eq!(b.addr() % 16, 0);
        // SAFETY: the first 16 bytes were copied by realloc.
        let head = unsafe { std::slice::from_raw_parts(b.as_ptr(), 16) };
        assert_eq!(head, b"0123456789abcdef");
        let b = a.realloc(b, 4).map_err(|e| e.error).unwrap();
        // SAFETY: 4 live bytes.
        let head = unsafe { std::slice::from_raw_parts(b.as_ptr(), 4) };
        assert_eq!(head, b"0123");
        assert_eq!(a.stats().reallocs_total, 2);
        a.free(b).unwrap();
    }
}

#[test]
fn impossible_realloc_size_is_invalid_layout_and_keeps_the_block() {
    for a in allocators() {
        let b = a.alloc(layout(8, 8)).unwrap();
        let err = a.realloc(b, usize::MAX - 4).unwrap_err();
        assert!(matches!(err.error, AllocError::InvalidLayout), "{}", err);
        a.free(err.block).unwrap();
    }
}

#[test]
fn huge_requests_are_out_of_memory_not_an_abort() {
    let sys = System::new();
    let huge = layout(1 << 62, 8);
    assert!(matches!(sys.alloc(huge), Err(AllocError::OutOfMemory { layout }) if layout == huge));
    let b = sys.alloc(layout(8, 8)).unwrap();
    let err = sys.realloc(b, 1 << 62).unwrap_err();
    assert!(matches!(err.error, AllocError::OutOfMemory { .. }));
    sys.free(err.block).unwrap();

    let bump = Bump::with_limit(1 << 20);
    assert!(matches!(
        bump.alloc(layout(2 << 20, 8)),
        Err(AllocError::OutOfMemory { .. })
    ));
    assert_eq!(bump.stats().memory_limit, Some(1 << 20));
}

#[test]
fn foreign_blocks_are_handed_back() {
    let a = System::new();
    let b = System::new();
    let block = a.alloc(layout(32, 8)).unwrap();
    let Err(AllocError::ForeignBlock(block)) = b.free(block) else {
        panic!()
    };
    let bump = Bump::new();
    let Err(AllocError::ForeignBlock(block)) = bump.free(block) else {
        panic!()
    };
    let err = bump.realloc(block, 64).unwrap_err();
    assert!(matches!(err.error, AllocError::ForeignOwner { owner } if owner == a.id()));
    a.free(err.block).unwrap();
    assert_eq!(a.stats().blocks_in_use, 0);
    assert_eq!(b.stats().frees_total, 0);
}

#[test]
fn bump_reset_makes_old_blocks_foreign() {
    let mut bump = Bump::new();
    let old = bump.alloc(layout(64, 8)).unwrap();
    assert!(bump.allocated_bytes() >= 64);
    bump.reset();
    assert_eq!(bump.stats().blocks_in_use, 0);
    let err = bump.realloc(old, 128).unwrap_err();
    assert!(matches!(err.error, AllocError::ForeignOwner { .. }));
    assert!(matches!(
        bump.free(err.block),
        Err(AllocError::ForeignBlock(_))
    ));
}

#[test]
fn bump_frees_are_noops_but_counted() {
    let bump = Bump::new();
    let a = bump.alloc(layout(16, 8)).unwrap();
    let a_addr = a.addr();
    bump.free(a).unwrap();
    let b = bump.alloc(layout(16, 8)).unwrap();
    assert_ne!(a_addr, b.addr(), "a bump allocator never reuses");
    let s = bump.stats();
    assert_eq!(
        (s.allocations_total, s.frees_total, s.blocks_in_use),
        (2, 1, 1)
    );
    bump.free(b).unwrap();
}

#[test]
fn collections_run_on_system_and_bump() {
    let sys = System::new();
    let mut m = hashbrown::HashMap::new_in(&sys);
    for i in 0..1000u32 {
        m.insert(i, i * 2);
    }
    assert_eq!(m.get(&500), Some(&1000));
    drop(m);
    assert_eq!(sys.stats().blocks_in_use, 0);

    let bump = Bump::new();
    let mut v = ApiVec::new_in(&bump);
    v.extend(0..1000u32);
    assert_eq!(v.len(), 1000);
}

#[test]
fn debug_stats_print_the_counters() {
    let sys = System::new();
    let b = sys.alloc(layout(1000, 8)).unwrap();
    let report = sys.debug_stats();
    assert!(
        report.contains("# blocks in use                    =                    1"),
        "{report}"
    );
    assert!(
        report.contains("# bytes in use                     =                1,000"),
        "{report}"
    );
    sys.free(b).unwrap();
    assert!(Bump::new().debug_stats().starts_with("bump allocator"));
}
