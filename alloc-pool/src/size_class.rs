//! CPython 3.11's size classes and layout constants for a 64-bit build
//! (`Objects/obmalloc.c`): 16-byte alignment, 32 classes of 16..=512 bytes,
//! 16 KiB pools with a 48-byte header, 1 MiB arenas of 64 pools.

use core::alloc::Layout;

/// `ALIGNMENT`: every pymalloc block is aligned to 16 bytes.
pub const ALIGNMENT: usize = 16;
/// `ALIGNMENT_SHIFT`: log2 of [`ALIGNMENT`].
pub const ALIGNMENT_SHIFT: u32 = 4;
/// `SMALL_REQUEST_THRESHOLD`: larger requests (and requests of 0 bytes) go to
/// the system allocator.
pub const SMALL_REQUEST_THRESHOLD: usize = 512;
/// `NB_SMALL_SIZE_CLASSES`: 512 / 16 = 32.
pub const NB_SMALL_SIZE_CLASSES: usize = SMALL_REQUEST_THRESHOLD / ALIGNMENT;
/// `POOL_BITS`.
pub const POOL_BITS: u32 = 14;
/// `POOL_SIZE`: 16 KiB (`USE_LARGE_POOLS`, the 64-bit default since 3.10).
pub const POOL_SIZE: usize = 1 << POOL_BITS;
/// `POOL_OVERHEAD`: `sizeof(struct pool_header)` rounded up to [`ALIGNMENT`].
pub const POOL_OVERHEAD: usize = 48;
/// `ARENA_BITS`.
pub const ARENA_BITS: u32 = 20;
/// `ARENA_SIZE`: 1 MiB (`USE_LARGE_ARENAS`).
pub const ARENA_SIZE: usize = 1 << ARENA_BITS;
/// `MAX_POOLS_IN_ARENA`: 64. Our arenas are allocated 1 MiB-aligned, so no
/// pool is ever lost to alignment.
pub const MAX_POOLS_IN_ARENA: usize = ARENA_SIZE / POOL_SIZE;
/// `INITIAL_ARENA_OBJECTS`: the arena descriptor table starts with 16 slots
/// and doubles.
pub const INITIAL_ARENA_OBJECTS: usize = 16;

/// `INDEX2SIZE(i)`: the block size of size class `i`.
#[inline(always)]
pub const fn class_size(class: usize) -> usize {
    (class + 1) << ALIGNMENT_SHIFT
}

/// `(nbytes - 1) >> ALIGNMENT_SHIFT`: the size class serving `nbytes`
/// (`1..=512`).
#[inline(always)]
pub const fn size_class(nbytes: usize) -> usize {
    (nbytes - 1) >> ALIGNMENT_SHIFT
}

/// `NUMBLOCKS(i)`: how many blocks of class `i` one pool holds.
#[inline(always)]
pub const fn blocks_per_pool(class: usize) -> usize {
    (POOL_SIZE - POOL_OVERHEAD) / class_size(class)
}

/// The tail of a pool of class `i` that no block can use.
#[inline(always)]
pub const fn pool_waste(class: usize) -> usize {
    (POOL_SIZE - POOL_OVERHEAD) % class_size(class)
}

/// Whether pymalloc serves `layout` from a pool: `1..=512` bytes with an
/// alignment of at most 16. Everything else goes to the system allocator
/// (CPython sends 0 and > 512 there; an alignment above 16 cannot be asked
/// of CPython at all).
#[inline(always)]
pub const fn is_small(layout: Layout) -> bool {
    // One comparison for `1..=512`: `size - 1` wraps for 0.
    layout.size().wrapping_sub(1) < SMALL_REQUEST_THRESHOLD && layout.align() <= ALIGNMENT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_of_section_2_1() {
        // (class, size, blocks, waste) rows from the reference table.
        let rows = [
            (0, 16, 1021, 0),
            (1, 32, 510, 16),
            (6, 112, 145, 96),
            (8, 144, 113, 64),
            (15, 256, 63, 208),
            (24, 400, 40, 336),
            (30, 496, 32, 464),
            (31, 512, 31, 464),
        ];
        for (class, size, blocks, waste) in rows {
            assert_eq!(class_size(class), size);
            assert_eq!(blocks_per_pool(class), blocks);
            assert_eq!(pool_waste(class), waste);
        }
        assert_eq!(NB_SMALL_SIZE_CLASSES, 32);
        assert_eq!(MAX_POOLS_IN_ARENA, 64);
    }

    #[test]
    fn size_class_boundaries() {
        assert_eq!(size_class(1), 0);
        assert_eq!(size_class(16), 0);
        assert_eq!(size_class(17), 1);
        assert_eq!(size_class(512), 31);
        for n in 1..=512 {
            assert!(class_size(size_class(n)) >= n);
            assert!(class_size(size_class(n)) < n + 16);
        }
    }

    #[test]
    fn small_means_1_to_512_bytes_aligned_at_most_16() {
        let l = |s, a| Layout::from_size_align(s, a).unwrap();
        assert!(!is_small(l(0, 1)));
        assert!(is_small(l(1, 1)));
        assert!(is_small(l(512, 16)));
        assert!(!is_small(l(513, 1)));
        assert!(!is_small(l(64, 32)));
    }
}
