//! Pools: 16 KiB pieces of an arena, each serving one size class
//! (`struct pool_header`, `usedpools`, the block free lists).
//!
//! A pool is *used* (some blocks allocated, some free: linked into
//! `usedpools[class]`), *full* (in no list) or *empty* (on its arena's
//! `freepools` list, ready for any class). Free blocks form an intrusive
//! singly linked list threaded through their first word (`freeblock`);
//! blocks from `nextoffset` on have never been handed out and are carved one
//! at a time, so a pool's memory is touched only when needed. A pool is full
//! when its free list is empty and `nextoffset > maxnextoffset`.

use core::ptr;

use crate::obmalloc::Obmalloc;
use crate::size_class::{POOL_OVERHEAD, POOL_SIZE, class_size};

/// `struct pool_header`, at the start of every carved pool. 48 bytes, the
/// same as CPython's 64-bit header.
#[repr(C)]
pub(crate) struct PoolHeader {
    /// `ref.count`: blocks allocated from this pool.
    pub(crate) count: u32,
    /// `szidx`: the size class, or [`DUMMY_SIZE_IDX`] before first use.
    pub(crate) szidx: u32,
    /// `freeblock`: head of the free list (null when the pool is full).
    pub(crate) freeblock: *mut u8,
    /// `nextpool`: next pool in `usedpools[szidx]`, or in the arena's
    /// `freepools` when empty.
    pub(crate) nextpool: *mut PoolHeader,
    /// `prevpool`: previous pool in `usedpools[szidx]` (null at the head).
    pub(crate) prevpool: *mut PoolHeader,
    /// `arenaindex`: the owning arena's slot in the arena table.
    pub(crate) arenaindex: u32,
    /// `nextoffset`: offset of the next never-used block.
    pub(crate) nextoffset: u32,
    /// `maxnextoffset`: the largest valid `nextoffset`, `POOL_SIZE - size`.
    pub(crate) maxnextoffset: u32,
}

const _: () = assert!(core::mem::size_of::<PoolHeader>() == POOL_OVERHEAD);

/// `DUMMY_SIZE_IDX`: the size class of a freshly carved pool.
pub(crate) const DUMMY_SIZE_IDX: u32 = 0xffff;

/// `POOL_ADDR(p)`: the pool holding the pymalloc block `p` (rounds down to
/// 16 KiB, keeping `p`'s provenance).
#[inline(always)]
pub(crate) fn pool_of(p: *mut u8) -> *mut PoolHeader {
    p.map_addr(|a| a & !(POOL_SIZE - 1)).cast()
}

/// Reads the free-list link stored in the first word of a free block.
///
/// # Safety
/// `block` is a free block of a live pool (16-byte aligned, at least 16 bytes).
#[inline(always)]
pub(crate) unsafe fn next_free(block: *mut u8) -> *mut u8 {
    // SAFETY: per the contract the block is live pool memory, aligned for a
    // pointer; its first word holds a link written by `set_next_free`.
    unsafe { block.cast::<*mut u8>().read() }
}

/// Writes the free-list link of a free block.
///
/// # Safety
/// As for [`next_free`].
#[inline(always)]
pub(crate) unsafe fn set_next_free(block: *mut u8, next: *mut u8) {
    // SAFETY: see `next_free`.
    unsafe { block.cast::<*mut u8>().write(next) }
}

impl Obmalloc {
    /// The fast path of `pymalloc_alloc`: pop a block from the first used
    /// pool of `class` (its free list first, then its next virgin block), or
    /// start a new pool.
    ///
    /// Deliberate difference: CPython's `pymalloc_pool_extend` writes a
    /// null link into the next virgin block to make it a one-element free
    /// list; here virgin blocks are carved straight from `nextoffset`, so a
    /// block's memory is not touched before it is handed out. The order in
    /// which blocks are handed out is the same.
    ///
    /// # Safety
    /// `class < NB_SMALL_SIZE_CLASSES`; the allocator's structures are
    /// consistent (every method of `Obmalloc` keeps them so).
    #[inline(always)]
    pub(crate) unsafe fn malloc_small(&mut self, class: usize) -> Option<*mut u8> {
        // SAFETY: `class` is in range (contract).
        let pool = unsafe { *self.usedpools.get_unchecked(class) };
        if pool.is_null() {
            // SAFETY: forwarded contract.
            return unsafe { self.allocate_from_new_pool(class) };
        }
        // SAFETY: a pool in `usedpools` is carved, live, of this class, and
        // has a free block: on its free list or virgin (a pool that runs out
        // of both is unlinked at once, below).
        unsafe {
            (*pool).count += 1;
            let bp = (*pool).freeblock;
            if !bp.is_null() {
                let next = next_free(bp);
                (*pool).freeblock = next;
                if next.is_null() && (*pool).nextoffset > (*pool).maxnextoffset {
                    self.unlink_full_pool(pool, class);
                }
                return Some(bp);
            }
            let bp = pool.cast::<u8>().add((*pool).nextoffset as usize);
            (*pool).nextoffset += class_size(class) as u32;
            if (*pool).nextoffset > (*pool).maxnextoffset {
                self.unlink_full_pool(pool, class);
            }
            Some(bp)
        }
    }

    /// The pool at the head of `usedpools[class]` has no free block left
    /// (CPython's "pool is full" branch of `pymalloc_pool_extend`): unlink it.
    ///
    /// # Safety
    /// `pool` is the head of `usedpools[class]`.
    #[cold]
    #[inline(never)]
    unsafe fn unlink_full_pool(&mut self, pool: *mut PoolHeader, class: usize) {
        // SAFETY: `pool` is the live head of the list (contract); its
        // successor, if any, is a live pool of the same list.
        unsafe {
            let next = (*pool).nextpool;
            *self.usedpools.get_unchecked_mut(class) = next;
            if !next.is_null() {
                (*next).prevpool = ptr::null_mut();
            }
            (*pool).nextpool = ptr::null_mut();
        }
    }

    /// Front-links `pool` into `usedpools[class]` (CPython's front-link in
    /// `allocate_from_new_pool` and `insert_to_usedpool`): the pool that most
    /// recently gained a free block is reused first.
    ///
    /// # Safety
    /// `pool` is live, of class `class`, and in no list.
    #[inline]
    pub(crate) unsafe fn insert_to_usedpool(&mut self, pool: *mut PoolHeader, class: usize) {
        // SAFETY: `class` is in range and `pool` and the old head are live
        // pools (contract and list invariant).
        unsafe {
            let head = self.usedpools.get_unchecked_mut(class);
            let next = *head;
            (*pool).nextpool = next;
            (*pool).prevpool = ptr::null_mut();
            if !next.is_null() {
                (*next).prevpool = pool;
            }
            *head = pool;
        }
    }

    /// Unlinks `pool` from `usedpools[class]`.
    ///
    /// # Safety
    /// `pool` is in `usedpools[class]`.
    #[inline]
    pub(crate) unsafe fn unlink_usedpool(&mut self, pool: *mut PoolHeader, class: usize) {
        // SAFETY: `pool` and its neighbours are live pools of the list (contract).
        unsafe {
            let next = (*pool).nextpool;
            let prev = (*pool).prevpool;
            if prev.is_null() {
                *self.usedpools.get_unchecked_mut(class) = next;
            } else {
                (*prev).nextpool = next;
            }
            if !next.is_null() {
                (*next).prevpool = prev;
            }
        }
    }

    /// `pymalloc_free` for a block known to be pymalloc's: push it on its
    /// pool's free list; a pool that was full goes to the front of
    /// `usedpools`, a pool that became empty goes to its arena
    /// (`insert_to_freepool`).
    ///
    /// # Safety
    /// `p` is a live block handed out by `malloc_small` of this allocator.
    #[inline(always)]
    pub(crate) unsafe fn free_small(&mut self, p: *mut u8) {
        let pool = pool_of(p);
        // SAFETY: `p` is a live block (contract), so its pool is carved and
        // live, and `p` may hold the free-list link.
        unsafe {
            let lastfree = (*pool).freeblock;
            set_next_free(p, lastfree);
            (*pool).freeblock = p;
            (*pool).count -= 1;
            if lastfree.is_null() && (*pool).nextoffset > (*pool).maxnextoffset {
                // The pool was full: it becomes the first used pool of its class.
                self.insert_to_usedpool(pool, (*pool).szidx as usize);
                return;
            }
            if (*pool).count == 0 {
                self.insert_to_freepool(pool);
            }
        }
    }
}
