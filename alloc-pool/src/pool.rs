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

/// `usedpools[class]`: the first used pool of a size class, with its hot
/// fields.
///
/// Deliberate difference from CPython: while a pool is the head of its
/// class's list, its `freeblock`, `nextoffset` and `count` live here, in one
/// contiguous array inside the allocator, and the copies in its header are
/// stale. Pool headers sit on 16 KiB boundaries, so they all fall into the
/// same L1 cache set; with one busy pool per class, reading and writing 32
/// headers on every allocation evicted them from each other. The header is
/// brought up to date whenever the pool stops being the head and, with
/// [`Obmalloc::sync_heads`], before the census and the invariant checks
/// walk the headers; debug validation reads a head's fields from here
/// ([`Obmalloc::pool_fields`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct UsedPool {
    /// The head pool (null: the class has no used pool).
    pub(crate) pool: *mut PoolHeader,
    /// The head's `freeblock`.
    freeblock: *mut u8,
    /// The head's `nextoffset`.
    nextoffset: u32,
    /// The head's `maxnextoffset`.
    maxnextoffset: u32,
    /// The head's `ref.count`.
    count: u32,
}

impl UsedPool {
    /// No used pool.
    pub(crate) const EMPTY: UsedPool = UsedPool {
        pool: ptr::null_mut(),
        freeblock: ptr::null_mut(),
        nextoffset: 0,
        maxnextoffset: 0,
        count: 0,
    };

    /// `pool` as the head, with the hot fields read from its header.
    ///
    /// # Safety
    /// `pool` is null or a live carved pool whose header is up to date.
    #[inline]
    unsafe fn load(pool: *mut PoolHeader) -> UsedPool {
        if pool.is_null() {
            return UsedPool::EMPTY;
        }
        // SAFETY: a live carved pool (contract).
        unsafe {
            UsedPool {
                pool,
                freeblock: (*pool).freeblock,
                nextoffset: (*pool).nextoffset,
                maxnextoffset: (*pool).maxnextoffset,
                count: (*pool).count,
            }
        }
    }

    /// Writes the hot fields back into the head's header.
    ///
    /// # Safety
    /// `self.pool` is null or the live pool these fields belong to.
    #[inline]
    unsafe fn store(&self) {
        if !self.pool.is_null() {
            // SAFETY: a live carved pool (contract).
            unsafe {
                (*self.pool).freeblock = self.freeblock;
                (*self.pool).nextoffset = self.nextoffset;
                (*self.pool).count = self.count;
            }
        }
    }

    /// Whether the head has neither a free-list block nor a virgin one.
    #[inline(always)]
    fn is_full(&self) -> bool {
        self.freeblock.is_null() && self.nextoffset > self.maxnextoffset
    }
}

impl Obmalloc {
    /// The fast path of `pymalloc_alloc`: pop a block from the first used
    /// pool of `class` (its free list first, then its next virgin block), or
    /// start a new pool. Touches only `usedpools[class]` and, for a block
    /// from the free list, the block itself (never the pool header).
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
        let head = unsafe { self.usedpools.get_unchecked_mut(class) };
        if head.pool.is_null() {
            // SAFETY: forwarded contract.
            return unsafe { self.allocate_from_new_pool(class) };
        }
        head.count += 1;
        let bp = head.freeblock;
        let bp = if bp.is_null() {
            // SAFETY: a head pool that is not full has a virgin block at
            // `nextoffset` (a pool that runs out is unlinked at once, below).
            let bp = unsafe { head.pool.cast::<u8>().add(head.nextoffset as usize) };
            head.nextoffset += class_size(class) as u32;
            bp
        } else {
            // SAFETY: a block on the free list holds the link to the next.
            head.freeblock = unsafe { next_free(bp) };
            bp
        };
        if head.is_full() {
            // SAFETY: `class` is in range and its head is full.
            unsafe { self.unlink_full_pool(class) };
        }
        Some(bp)
    }

    /// `(count, szidx, nextoffset)` of a carved pool, from `usedpools` when
    /// it is a head (whose header copies are stale).
    ///
    /// # Safety
    /// `pool` is a carved pool of this allocator.
    pub(crate) unsafe fn pool_fields(&self, pool: *mut PoolHeader) -> (u32, u32, u32) {
        // SAFETY: a carved pool's header is initialised (contract).
        let szidx = unsafe { (*pool).szidx };
        match self.usedpools.get(szidx as usize) {
            Some(head) if head.pool == pool => (head.count, szidx, head.nextoffset),
            // SAFETY: as above; not a head, so the header is current.
            _ => unsafe { ((*pool).count, szidx, (*pool).nextoffset) },
        }
    }

    /// Writes every head's hot fields back into its header, so that the
    /// headers can be read (the census, debug validation, invariant checks).
    pub(crate) fn sync_heads(&mut self) {
        for head in &self.usedpools {
            // SAFETY: each head is null or the live pool its fields belong to.
            unsafe { head.store() };
        }
    }

    /// Makes `pool` (null: none) the head of `usedpools[class]`, writing the
    /// old head's hot fields back first.
    ///
    /// # Safety
    /// `class` is in range; `pool` is null or a live pool of `class` whose
    /// header is up to date.
    #[inline]
    unsafe fn set_head(&mut self, class: usize, pool: *mut PoolHeader) {
        // SAFETY: `class` is in range (contract).
        let head = unsafe { self.usedpools.get_unchecked_mut(class) };
        // SAFETY: the old head's fields belong to it; `pool` per contract.
        unsafe {
            head.store();
            *head = UsedPool::load(pool);
        }
    }

    /// The pool at the head of `usedpools[class]` has no free block left
    /// (CPython's "pool is full" branch of `pymalloc_pool_extend`): unlink it.
    ///
    /// # Safety
    /// `class` is in range and its head is a full pool.
    #[cold]
    #[inline(never)]
    unsafe fn unlink_full_pool(&mut self, class: usize) {
        // SAFETY: `class` is in range (contract).
        let pool = unsafe { self.usedpools.get_unchecked(class) }.pool;
        // SAFETY: `pool` is the live head of the list (contract); its
        // successor, if any, is a live pool of the same list whose header
        // is up to date (only heads have stale headers).
        unsafe {
            let next = (*pool).nextpool;
            if !next.is_null() {
                (*next).prevpool = ptr::null_mut();
            }
            (*pool).nextpool = ptr::null_mut();
            self.set_head(class, next);
        }
    }

    /// Front-links `pool` into `usedpools[class]` (CPython's front-link in
    /// `allocate_from_new_pool` and `insert_to_usedpool`): the pool that most
    /// recently gained a free block is reused first.
    ///
    /// # Safety
    /// `pool` is live, of class `class`, in no list, its header up to date.
    #[inline]
    pub(crate) unsafe fn insert_to_usedpool(&mut self, pool: *mut PoolHeader, class: usize) {
        // SAFETY: `class` is in range and `pool` and the old head are live
        // pools (contract and list invariant).
        unsafe {
            let next = self.usedpools.get_unchecked(class).pool;
            (*pool).nextpool = next;
            (*pool).prevpool = ptr::null_mut();
            if !next.is_null() {
                (*next).prevpool = pool;
            }
            self.set_head(class, pool);
        }
    }

    /// Unlinks `pool` from `usedpools[class]`.
    ///
    /// # Safety
    /// `pool` is in `usedpools[class]`, its header up to date.
    #[inline]
    pub(crate) unsafe fn unlink_usedpool(&mut self, pool: *mut PoolHeader, class: usize) {
        // SAFETY: `pool` and its neighbours are live pools of the list (contract).
        unsafe {
            let next = (*pool).nextpool;
            let prev = (*pool).prevpool;
            if !next.is_null() {
                (*next).prevpool = prev;
            }
            if prev.is_null() {
                // `pool` was the head; its fields are current (contract), so
                // only the successor's need loading.
                *self.usedpools.get_unchecked_mut(class) = UsedPool::load(next);
            } else {
                (*prev).nextpool = next;
            }
        }
    }

    /// `pymalloc_free` for a block known to be pymalloc's: push it on its
    /// pool's free list; a pool that was full goes to the front of
    /// `usedpools`, a pool that became empty goes to its arena
    /// (`insert_to_freepool`). A block of a class's head pool touches only
    /// `usedpools` and its pool's `szidx`.
    ///
    /// # Safety
    /// `p` is a live block handed out by `malloc_small` of this allocator.
    #[inline(always)]
    pub(crate) unsafe fn free_small(&mut self, p: *mut u8) {
        let pool = pool_of(p);
        // SAFETY: `p` is a live block (contract), so its pool is carved and
        // live, its `szidx` is a class in range, and `p` may hold the
        // free-list link.
        unsafe {
            let class = (*pool).szidx as usize;
            let head = self.usedpools.get_unchecked_mut(class);
            if head.pool == pool {
                set_next_free(p, head.freeblock);
                head.freeblock = p;
                head.count -= 1;
                if head.count == 0 {
                    head.store();
                    self.insert_to_freepool(pool);
                }
                return;
            }
            let lastfree = (*pool).freeblock;
            set_next_free(p, lastfree);
            (*pool).freeblock = p;
            (*pool).count -= 1;
            if lastfree.is_null() && (*pool).nextoffset > (*pool).maxnextoffset {
                // The pool was full: it becomes the first used pool of its class.
                self.insert_to_usedpool(pool, class);
                return;
            }
            if (*pool).count == 0 {
                self.insert_to_freepool(pool);
            }
        }
    }
}
