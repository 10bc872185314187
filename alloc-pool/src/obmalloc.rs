//! The allocator state shared by [`PyMalloc`](crate::PyMalloc) and
//! [`GlobalPyMalloc`](crate::GlobalPyMalloc) (CPython's `Objects/obmalloc.c`
//! globals: `usedpools`, `usable_arenas`, `nfp2lasta`, the arena table and
//! its counters), the routing between pools and the system allocator, and
//! `realloc`.
//!
//! `Obmalloc` is a plain single-threaded structure driven through `&mut
//! self`; the two public types decide how that exclusive access is obtained
//! (an `UnsafeCell` on one thread, a spin lock across threads).

use core::alloc::Layout;
use core::ptr::{self, NonNull};

use crate::arena::{ArenaTable, EventQueue, NO_ARENA};
use crate::pool::{PoolHeader, UsedPool, pool_of};
use crate::size_class::{
    ARENA_SIZE, MAX_POOLS_IN_ARENA, NB_SMALL_SIZE_CLASSES, POOL_OVERHEAD, POOL_SIZE,
    blocks_per_pool, class_size, is_small, pool_waste, size_class,
};
use crate::stats::{ArenaStats, PoolStats, SizeClassStats};
use crate::{AllocStats, raw};

/// The state of one pymalloc instance.
#[derive(Debug)]
pub(crate) struct Obmalloc {
    /// `usedpools`: per size class, the head of a doubly linked list of
    /// partially used pools (CPython fakes a circular list with a sentinel;
    /// a null-terminated list does the same job).
    /// The heads hold their pools' hot fields ([`UsedPool`]).
    pub(crate) usedpools: [UsedPool; NB_SMALL_SIZE_CLASSES],
    /// `allarenas`/`maxarenas`.
    pub(crate) arenas: ArenaTable,
    /// `unused_arena_objects`: slots with no arena, linked through `nextarena`.
    pub(crate) unused_arena_objects: u32,
    /// `usable_arenas`: head of the arenas with a free pool, fullest first.
    pub(crate) usable_arenas: u32,
    /// `nfp2lasta[n]`: the rightmost usable arena with `n` free pools.
    pub(crate) nfp2lasta: [u32; MAX_POOLS_IN_ARENA + 1],
    pub(crate) narenas_currently_allocated: u64,
    pub(crate) ntimes_arena_allocated: u64,
    pub(crate) narenas_highwater: u64,
    /// Memory ceiling on `system_bytes()` (`u64::MAX`: none).
    pub(crate) limit: u64,
    /// Record arena events in `events` (for a caller holding a lock) rather
    /// than emitting them at once.
    pub(crate) defer_events: bool,
    pub(crate) events: EventQueue,
    allocations: u64,
    frees: u64,
    reallocs: u64,
    bytes_in_use: u64,
    raw_blocks: u64,
    raw_bytes: u64,
    /// Blocks sitting in thread caches ([`ThreadCached`](crate::ThreadCached)):
    /// +1 per block taken from a pool or freed into a cache, -1 per block
    /// handed out from a cache or returned to a pool (wrapping: threads
    /// publish out of order).
    thread_cached: u64,
}

/// Counter deltas a thread cache accumulated since it last published them.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct CacheDeltas {
    pub(crate) allocations: u64,
    pub(crate) frees: u64,
    pub(crate) bytes_allocated: u64,
    pub(crate) bytes_freed: u64,
}

/// Why a pointer handed to `free` is not a live block (debug builds check).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum InvalidFree {
    /// The pointer is in no arena of this allocator.
    NotOurs,
    /// The pointer is inside an arena but not at the start of a handed-out block.
    NotABlock,
    /// The block is already free.
    DoubleFree,
}

impl core::fmt::Display for InvalidFree {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            InvalidFree::NotOurs => "free of a pointer this allocator did not allocate",
            InvalidFree::NotABlock => "free of a pointer inside a pool that is not a live block",
            InvalidFree::DoubleFree => "double free (the block is not allocated)",
        })
    }
}

/// The pool census of `_PyObject_DebugMallocStats`, without allocation (so
/// it can be taken under a lock): `(pools, blocks in use)` per class.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Census {
    classes: [(u64, u64); NB_SMALL_SIZE_CLASSES],
    unused_pools: u64,
    counters: AllocStats0,
}

/// The plain counters, copied out with the census.
#[derive(Clone, Copy, Debug, Default)]
struct AllocStats0 {
    allocations: u64,
    frees: u64,
    reallocs: u64,
    bytes_in_use: u64,
    raw_blocks: u64,
    raw_bytes: u64,
    thread_cached: u64,
    arenas: (u64, u64, u64),
    limit: u64,
}

impl Obmalloc {
    /// An empty allocator: no arena until the first small request.
    pub(crate) const fn new(limit: u64, defer_events: bool) -> Self {
        Obmalloc {
            usedpools: [UsedPool::EMPTY; NB_SMALL_SIZE_CLASSES],
            arenas: ArenaTable::new(),
            unused_arena_objects: NO_ARENA,
            usable_arenas: NO_ARENA,
            nfp2lasta: [NO_ARENA; MAX_POOLS_IN_ARENA + 1],
            narenas_currently_allocated: 0,
            ntimes_arena_allocated: 0,
            narenas_highwater: 0,
            limit,
            defer_events,
            events: EventQueue::new(),
            allocations: 0,
            frees: 0,
            reallocs: 0,
            bytes_in_use: 0,
            raw_blocks: 0,
            raw_bytes: 0,
            thread_cached: 0,
        }
    }

    /// A thread cache takes a block of `class` from the pools. It is not
    /// counted as allocated until the cache hands it out (see `publish`).
    ///
    /// # Safety
    /// `class < NB_SMALL_SIZE_CLASSES`.
    #[inline]
    pub(crate) unsafe fn cache_take(&mut self, class: usize) -> Option<*mut u8> {
        // SAFETY: forwarded contract.
        let p = unsafe { self.malloc_small(class) }?;
        self.thread_cached = self.thread_cached.wrapping_add(1);
        Some(p)
    }

    /// A thread cache gives a block it holds back to its pool.
    ///
    /// # Safety
    /// `p` was taken by `cache_take` of this allocator and is not in use.
    #[inline]
    pub(crate) unsafe fn cache_return(&mut self, p: *mut u8) {
        self.thread_cached = self.thread_cached.wrapping_sub(1);
        // SAFETY: the block came from `malloc_small` (contract).
        unsafe { self.free_small(p) };
    }

    /// Adds a thread cache's counter deltas: its allocations were handed out
    /// of the cache, its frees went into it. The shared counters use
    /// wrapping arithmetic: one thread may publish a free before another
    /// publishes the allocation.
    pub(crate) fn publish(&mut self, d: CacheDeltas) {
        self.thread_cached = self
            .thread_cached
            .wrapping_add(d.frees)
            .wrapping_sub(d.allocations);
        self.allocations = self.allocations.wrapping_add(d.allocations);
        self.frees = self.frees.wrapping_add(d.frees);
        self.bytes_in_use = self
            .bytes_in_use
            .wrapping_add(d.bytes_allocated)
            .wrapping_sub(d.bytes_freed);
    }

    /// Debug builds: marks a pool block live or not in its arena's map.
    ///
    /// # Safety
    /// `p` is a block of a carved pool of this allocator.
    pub(crate) unsafe fn mark_live(&mut self, p: *mut u8, live: bool) {
        if cfg!(debug_assertions) {
            // SAFETY: forwarded contract.
            unsafe { self.set_live(p, live) }
        }
    }

    /// Counts one allocation. The counters wrap rather than overflow: with
    /// thread caches, one thread may count a free before another publishes
    /// the allocation.
    #[inline(always)]
    fn count_alloc(&mut self, size: usize) {
        self.allocations = self.allocations.wrapping_add(1);
        self.bytes_in_use = self.bytes_in_use.wrapping_add(size as u64);
    }

    #[inline(always)]
    fn resize_bytes(&mut self, old: usize, new: usize) {
        self.bytes_in_use = self
            .bytes_in_use
            .wrapping_sub(old as u64)
            .wrapping_add(new as u64);
    }

    /// Bytes held from the system: arenas plus system blocks (their
    /// requested sizes).
    #[inline]
    pub(crate) fn system_bytes(&self) -> u64 {
        self.narenas_currently_allocated * ARENA_SIZE as u64 + self.raw_bytes
    }

    /// `_PyObject_Malloc`: a pool block for small layouts, a system block
    /// otherwise.
    #[inline(always)]
    pub(crate) fn malloc(&mut self, layout: Layout, zeroed: bool) -> Option<NonNull<u8>> {
        if is_small(layout) {
            // SAFETY: `is_small` guarantees `1..=512` bytes, so the class is
            // in range; `self` is consistent.
            let p = unsafe { self.malloc_small(size_class(layout.size())) }?;
            if cfg!(debug_assertions) {
                // SAFETY: `p` was just handed out by `malloc_small`.
                unsafe { self.set_live(p, true) };
            }
            self.count_alloc(layout.size());
            if zeroed {
                // SAFETY: `p` is a fresh block of at least `layout.size()` bytes.
                unsafe { ptr::write_bytes(p, 0, layout.size()) };
            }
            // SAFETY: pool blocks are never null (they lie inside an arena).
            return Some(unsafe { NonNull::new_unchecked(p) });
        }
        self.malloc_raw(layout, zeroed)
    }

    /// `PyMem_RawMalloc` for the requests pymalloc does not serve.
    #[cold]
    fn malloc_raw(&mut self, layout: Layout, zeroed: bool) -> Option<NonNull<u8>> {
        if self.system_bytes().saturating_add(layout.size() as u64) > self.limit {
            return None;
        }
        let p = raw::alloc(layout, zeroed)?;
        self.count_alloc(layout.size());
        self.raw_blocks += 1;
        self.raw_bytes += layout.size() as u64;
        Some(p)
    }

    /// `_PyObject_Free`.
    ///
    /// # Safety
    /// `p` is a live block of this allocator, allocated (or last resized)
    /// with `layout`'s size and alignment.
    #[inline(always)]
    pub(crate) unsafe fn free(&mut self, p: NonNull<u8>, layout: Layout) {
        self.frees = self.frees.wrapping_add(1);
        self.bytes_in_use = self.bytes_in_use.wrapping_sub(layout.size() as u64);
        if is_small(layout) {
            if cfg!(debug_assertions) {
                // SAFETY: `p` is a live pool block (contract).
                unsafe { self.set_live(p.as_ptr(), false) };
            }
            // SAFETY: a small layout means `p` came from `malloc_small` (contract).
            unsafe { self.free_small(p.as_ptr()) };
        } else {
            self.raw_blocks -= 1;
            self.raw_bytes -= layout.size() as u64;
            // SAFETY: a large layout means `p` is a system block for `layout`.
            unsafe { raw::free(p, layout) };
        }
    }

    /// `_PyObject_Realloc` (`pymalloc_realloc`): a pool block stays in place
    /// while the new size fits its class and does not shrink it below 3/4;
    /// otherwise a new block, a copy of the smaller size, and a free. A
    /// system block is resized by the system while it stays large.
    ///
    /// Deliberate difference: CPython keeps a `PyMem_RawMalloc` block in
    /// the system allocator even when it shrinks to 512 bytes or less; here
    /// the layout alone routes `free`, so a block crossing the threshold
    /// moves to the pools (and back).
    ///
    /// # Safety
    /// As for [`free`](Self::free) with `old`; `new` has `old`'s alignment.
    pub(crate) unsafe fn realloc(
        &mut self,
        p: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Option<NonNull<u8>> {
        debug_assert_eq!(old.align(), new.align());
        if is_small(old) {
            // SAFETY: a small layout means `p` is a pool block (contract).
            let size = unsafe { class_size((*pool_of(p.as_ptr())).szidx as usize) };
            let nbytes = new.size();
            if nbytes <= size && 4 * nbytes > 3 * size {
                self.reallocs += 1;
                self.resize_bytes(old.size(), nbytes);
                return Some(p);
            }
        } else if !is_small(new) {
            let grows = new.size().saturating_sub(old.size()) as u64;
            if self.system_bytes().saturating_add(grows) > self.limit {
                return None;
            }
            // SAFETY: a large layout means `p` is a system block for `old`.
            let q = unsafe { raw::realloc(p, old, new.size()) }?;
            self.reallocs += 1;
            self.resize_bytes(old.size(), new.size());
            self.raw_bytes = self.raw_bytes - old.size() as u64 + new.size() as u64;
            return Some(q);
        }
        let q = self.malloc(new, false)?;
        // SAFETY: 1. both blocks are live and at least `min(old, new)` bytes;
        // 2. `q` is a fresh block, distinct from `p`; 3. `p` is then freed
        // with its own layout (contract).
        unsafe {
            ptr::copy_nonoverlapping(p.as_ptr(), q.as_ptr(), old.size().min(new.size()));
            self.free(p, old);
        }
        self.reallocs += 1;
        Some(q)
    }

    /// Debug-build validation of a pointer about to be freed with a small
    /// layout: it must be a live block of one of our pools. Walks the arena
    /// table, checks the block boundary and the arena's live map
    /// (`mi_assert_expensive`-style: only debug builds pay). Never reads
    /// the block's contents.
    pub(crate) fn validate_free(&self, p: NonNull<u8>, layout: Layout) -> Result<(), InvalidFree> {
        if !is_small(layout) {
            return Ok(());
        }
        let addr = p.as_ptr() as usize;
        let base = addr & !(ARENA_SIZE - 1);
        let Some(arena) = self
            .arenas
            .as_slice()
            .iter()
            .find(|a| a.address as usize == base)
        else {
            return Err(InvalidFree::NotOurs);
        };
        let pool = pool_of(p.as_ptr());
        if pool as usize >= arena.pool_address as usize {
            return Err(InvalidFree::NotOurs);
        }
        // SAFETY: `pool` is a carved pool of a live arena, so its header is
        // initialised memory we own.
        let (count, szidx, nextoffset) = unsafe { self.pool_fields(pool) };
        if count == 0 {
            return Err(InvalidFree::DoubleFree);
        }
        let offset = addr - pool as usize;
        let size = class_size(szidx as usize);
        if offset < POOL_OVERHEAD
            || !(offset - POOL_OVERHEAD).is_multiple_of(size)
            || offset >= nextoffset as usize
        {
            return Err(InvalidFree::NotABlock);
        }
        if size_class(layout.size()) > szidx as usize {
            return Err(InvalidFree::NotABlock);
        }
        if arena.live_map.is_null() {
            // A release build keeps no live map: nothing more to check.
            return Ok(());
        }
        let granule = (addr - base) / 16;
        // SAFETY: a non-null live map covers the arena's 2^16 granules.
        let word = unsafe { arena.live_map.add(granule / 64).read() };
        if word & (1 << (granule % 64)) == 0 {
            return Err(InvalidFree::DoubleFree);
        }
        Ok(())
    }

    /// Debug builds: records in the arena's live map that the block `p` is
    /// (`live`) or is no longer allocated.
    ///
    /// # Safety
    /// `p` is a block of a carved pool of this allocator, in a debug build.
    unsafe fn set_live(&mut self, p: *mut u8, live: bool) {
        let pool = pool_of(p);
        // SAFETY: the pool is carved, so its header names its arena's slot.
        let arena = unsafe { self.arenas.get((*pool).arenaindex) };
        let granule = (p as usize - arena.address as usize) / 16;
        // SAFETY: debug builds give every arena a map of 2^16 bits.
        unsafe {
            let word = arena.live_map.add(granule / 64);
            if live {
                *word |= 1 << (granule % 64);
            } else {
                *word &= !(1 << (granule % 64));
            }
        }
    }

    /// The census (`_PyObject_DebugMallocStats`'s walk over every carved pool
    /// of every arena) and the counters, without allocating.
    pub(crate) fn census(&mut self) -> Census {
        self.sync_heads();
        let mut classes = [(0u64, 0u64); NB_SMALL_SIZE_CLASSES];
        let mut unused_pools = 0;
        for arena in self
            .arenas
            .as_slice()
            .iter()
            .filter(|a| !a.address.is_null())
        {
            unused_pools += u64::from(arena.nfreepools);
            let mut pool = arena.address;
            while pool < arena.pool_address {
                let header = pool.cast::<PoolHeader>();
                // SAFETY: pools below `pool_address` are carved, so their
                // headers are initialised.
                let (count, szidx) = unsafe { ((*header).count, (*header).szidx) };
                if let Some(c) = classes.get_mut(szidx as usize).filter(|_| count != 0) {
                    c.0 += 1;
                    c.1 += u64::from(count);
                }
                // SAFETY: stepping pool by pool stays within the arena (the
                // loop stops at `pool_address`, at most the arena's end).
                pool = unsafe { pool.add(POOL_SIZE) };
            }
        }
        Census {
            classes,
            unused_pools,
            counters: AllocStats0 {
                allocations: self.allocations,
                frees: self.frees,
                reallocs: self.reallocs,
                bytes_in_use: self.bytes_in_use,
                raw_blocks: self.raw_blocks,
                raw_bytes: self.raw_bytes,
                thread_cached: self.thread_cached,
                arenas: (
                    self.ntimes_arena_allocated,
                    self.narenas_highwater,
                    self.narenas_currently_allocated,
                ),
                limit: self.limit,
            },
        }
    }

    /// Checks the structural invariants (debug aid for tests): every pool in
    /// `usedpools[c]` is of class `c` with a free block and a consistent
    /// back link; `usable_arenas` is sorted by `nfreepools`, links back
    /// correctly and `nfp2lasta` names the rightmost arena of each count;
    /// per-arena `nfreepools` equals cached plus virgin pools.
    #[cfg(test)]
    pub(crate) fn check_invariants(&mut self) -> Result<(), String> {
        self.sync_heads();
        for (class, head) in self.usedpools.iter().enumerate() {
            let mut prev: *mut PoolHeader = ptr::null_mut();
            let mut pool = head.pool;
            while !pool.is_null() {
                // SAFETY: pools in the used lists are live.
                let h = unsafe { &*pool };
                if h.szidx as usize != class
                    || (h.freeblock.is_null() && h.nextoffset > h.maxnextoffset)
                    || h.prevpool != prev
                    || h.count == 0
                {
                    return Err(format!("bad used pool {pool:p} in class {class}"));
                }
                prev = pool;
                pool = h.nextpool;
            }
        }
        let mut ai = self.usable_arenas;
        let mut prev = NO_ARENA;
        let mut last_nf = 0;
        while ai != NO_ARENA {
            // SAFETY: links name valid slots.
            let a = *unsafe { self.arenas.get(ai) };
            if a.prevarena != prev
                || a.nfreepools < last_nf
                || a.nfreepools == 0
                || a.address.is_null()
            {
                return Err(format!("usable_arenas out of order at slot {ai}"));
            }
            let rightmost = a.nextarena == NO_ARENA
                // SAFETY: links name valid slots.
                || unsafe { self.arenas.get(a.nextarena) }.nfreepools != a.nfreepools;
            if rightmost != (self.nfp2lasta[a.nfreepools as usize] == ai) {
                return Err(format!("nfp2lasta[{}] is wrong", a.nfreepools));
            }
            last_nf = a.nfreepools;
            prev = ai;
            ai = a.nextarena;
        }
        for a in self
            .arenas
            .as_slice()
            .iter()
            .filter(|a| !a.address.is_null())
        {
            let virgin = (a.address as usize + ARENA_SIZE - a.pool_address as usize) / POOL_SIZE;
            let mut cached = 0;
            let mut pool = a.freepools;
            while !pool.is_null() {
                cached += 1;
                // SAFETY: cached pools are live.
                pool = unsafe { (*pool).nextpool };
            }
            if virgin + cached != a.nfreepools as usize {
                return Err("nfreepools disagrees with the cached and virgin pools".into());
            }
            if !a.live_map.is_null() {
                // The live map marks exactly the allocated blocks.
                let mut in_pools = 0u64;
                let mut pool = a.address;
                while pool < a.pool_address {
                    // SAFETY: carved pools have initialised headers.
                    in_pools += u64::from(unsafe { (*pool.cast::<PoolHeader>()).count });
                    // SAFETY: stays within the arena (stops at `pool_address`).
                    pool = unsafe { pool.add(POOL_SIZE) };
                }
                // SAFETY: a non-null live map has `LIVE_MAP_LAYOUT`'s 1024 words.
                let map = unsafe { core::slice::from_raw_parts(a.live_map, 1024) };
                let marked: u64 = map.iter().map(|w| u64::from(w.count_ones())).sum();
                if marked != in_pools {
                    return Err(format!(
                        "live map marks {marked} blocks, pools count {in_pools}"
                    ));
                }
            }
        }
        Ok(())
    }

    /// The number of arenas in `usable_arenas`, head first, as
    /// `(address, nfreepools)` (for tests of the ordering policy).
    #[cfg(test)]
    pub(crate) fn usable_arena_list(&mut self) -> Vec<(usize, u32)> {
        let mut out = Vec::new();
        let mut ai = self.usable_arenas;
        while ai != NO_ARENA {
            // SAFETY: links name valid slots.
            let a = *unsafe { self.arenas.get(ai) };
            out.push((a.address as usize, a.nfreepools));
            ai = a.nextarena;
        }
        out
    }
}

impl Census {
    /// Builds the public statistics (allocates: call without locks held).
    pub(crate) fn into_stats(self) -> AllocStats {
        let mut pools = PoolStats {
            unused_pools: self.unused_pools,
            ..PoolStats::default()
        };
        for (class, &(npools, in_use)) in self.classes.iter().enumerate() {
            let size = class_size(class) as u64;
            let avail = npools * blocks_per_pool(class) as u64 - in_use;
            pools.size_classes.push(SizeClassStats {
                class: class as u32,
                size: size as u32,
                pools: npools,
                blocks_in_use: in_use,
                avail_blocks: avail,
            });
            pools.bytes_in_allocated_blocks += in_use * size;
            pools.bytes_in_available_blocks += avail * size;
            pools.bytes_lost_to_pool_headers += npools * POOL_OVERHEAD as u64;
            pools.bytes_lost_to_quantization += npools * pool_waste(class) as u64;
        }
        let c = self.counters;
        let (total, highwater, current) = c.arenas;
        AllocStats {
            blocks_in_use: c.allocations.saturating_sub(c.frees),
            bytes_in_use: if c.bytes_in_use > i64::MAX as u64 {
                0
            } else {
                c.bytes_in_use
            },
            thread_cached_blocks: if c.thread_cached > i64::MAX as u64 {
                0
            } else {
                c.thread_cached
            },
            allocations_total: c.allocations,
            frees_total: c.frees,
            reallocs_total: c.reallocs,
            raw_blocks_in_use: c.raw_blocks,
            system_bytes: current * ARENA_SIZE as u64 + c.raw_bytes,
            memory_limit: (c.limit != u64::MAX).then_some(c.limit),
            arenas: ArenaStats {
                allocated_total: total,
                reclaimed: total - current,
                highwater,
                current,
            },
            pools,
        }
    }
}
