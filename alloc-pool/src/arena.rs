//! Arenas: 1 MiB blocks of 64 pools taken from the system (`struct
//! arena_object`, `new_arena`, `allocate_from_new_pool`,
//! `insert_to_freepool`).
//!
//! `usable_arenas` links the arenas that have a free pool, sorted by
//! `nfreepools` ascending, so new pools come from the fullest arena and
//! nearly empty arenas get the chance to drain and be returned.
//! `nfp2lasta[n]` names the rightmost usable arena with `n` free pools, so
//! re-sorting after a free is O(1) (CPython 3.8+, bpo-37029).
//!
//! Deliberate differences from CPython: arenas come from the system
//! allocator 1 MiB-aligned (never the 63-pool unaligned case), and the
//! descriptor table is indexed by `u32` rather than linked by pointers.

use core::alloc::Layout;
use core::ptr::{self, NonNull};
use std::alloc::{GlobalAlloc, System as StdSystem};

use crate::obmalloc::Obmalloc;
use crate::pool::{DUMMY_SIZE_IDX, PoolHeader, next_free};
use crate::size_class::{
    ARENA_SIZE, INITIAL_ARENA_OBJECTS, MAX_POOLS_IN_ARENA, POOL_OVERHEAD, POOL_SIZE, class_size,
};

/// "No arena": the null of arena links.
pub(crate) const NO_ARENA: u32 = u32::MAX;

/// The layout of one arena: 1 MiB, 1 MiB-aligned, so that every pool is
/// 16 KiB-aligned and no pool is lost to alignment.
const ARENA_LAYOUT: Layout = match Layout::from_size_align(ARENA_SIZE, ARENA_SIZE) {
    Ok(layout) => layout,
    Err(_) => panic!("arena layout"),
};

/// `struct arena_object`: one slot of the arena table.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ArenaObject {
    /// The arena's memory; null when the slot is unused.
    pub(crate) address: *mut u8,
    /// `pool_address`: the next pool to carve (the high-water mark).
    pub(crate) pool_address: *mut u8,
    /// Empty pools plus never-carved pools.
    pub(crate) nfreepools: u32,
    /// Pools in the arena (64).
    pub(crate) ntotalpools: u32,
    /// Empty pools, singly linked through `nextpool`, most recent first.
    pub(crate) freepools: *mut PoolHeader,
    /// Next arena in `usable_arenas` (or in the unused list).
    pub(crate) nextarena: u32,
    /// Previous arena in `usable_arenas`.
    pub(crate) prevarena: u32,
    /// Debug builds only (null otherwise): one bit per 16-byte granule of
    /// the arena, set while a block starting there is allocated, so that
    /// `validate_free` detects double frees without reading block contents.
    pub(crate) live_map: *mut u64,
}

/// The layout of a debug build's live map: 2^20 / 16 bits = 8 KiB.
pub(crate) const LIVE_MAP_LAYOUT: Layout = match Layout::array::<u64>(ARENA_SIZE / 16 / 64) {
    Ok(layout) => layout,
    Err(_) => panic!("live map layout"),
};

const UNUSED_SLOT: ArenaObject = ArenaObject {
    address: ptr::null_mut(),
    pool_address: ptr::null_mut(),
    nfreepools: 0,
    ntotalpools: 0,
    freepools: ptr::null_mut(),
    nextarena: NO_ARENA,
    prevarena: NO_ARENA,
    live_map: ptr::null_mut(),
};

/// The table of arena descriptors (CPython's `allarenas`/`maxarenas`). It is
/// allocated from the system allocator directly (never through the global
/// allocator, which may be this very allocator) and doubles when full.
#[derive(Debug)]
pub(crate) struct ArenaTable {
    slots: *mut ArenaObject,
    len: u32,
}

impl ArenaTable {
    /// An empty table (no memory yet).
    pub(crate) const fn new() -> Self {
        ArenaTable {
            slots: ptr::null_mut(),
            len: 0,
        }
    }

    /// The slots as a slice.
    pub(crate) fn as_slice(&self) -> &[ArenaObject] {
        if self.slots.is_null() {
            return &[];
        }
        // SAFETY: `slots` points to `len` initialised descriptors owned by
        // this table (see `grow`).
        unsafe { core::slice::from_raw_parts(self.slots, self.len as usize) }
    }

    /// Slot `i`.
    ///
    /// # Safety
    /// `i < self.len()`.
    #[inline(always)]
    pub(crate) unsafe fn get(&mut self, i: u32) -> &mut ArenaObject {
        debug_assert!(i < self.len, "arena index {i} out of range");
        // SAFETY: `i` is in range (contract) and the table owns its slots.
        unsafe { &mut *self.slots.add(i as usize) }
    }

    /// Doubles the table (16 slots the first time), linking the new slots
    /// into a list starting at the first new one. Returns that index, or
    /// `None` when the system has no memory.
    fn grow(&mut self) -> Option<u32> {
        let old = self.len as usize;
        let new = if old == 0 {
            INITIAL_ARENA_OBJECTS
        } else {
            old.checked_mul(2)?
        };
        if new >= NO_ARENA as usize {
            return None;
        }
        let new_layout = Layout::array::<ArenaObject>(new).ok()?;
        let slots = if self.slots.is_null() {
            // SAFETY: `new_layout` is not zero-sized (16+ descriptors).
            unsafe { StdSystem.alloc(new_layout) }
        } else {
            let old_layout = Layout::array::<ArenaObject>(old).ok()?;
            // SAFETY: `slots` was allocated by `StdSystem` with `old_layout`,
            // and the new size is a valid, larger layout of the same alignment.
            unsafe { StdSystem.realloc(self.slots.cast(), old_layout, new_layout.size()) }
        };
        let slots = NonNull::new(slots)?.cast::<ArenaObject>().as_ptr();
        for i in old..new {
            let next = if i + 1 < new {
                (i + 1) as u32
            } else {
                NO_ARENA
            };
            // SAFETY: `i < new`, inside the fresh allocation.
            unsafe {
                slots.add(i).write(ArenaObject {
                    nextarena: next,
                    ..UNUSED_SLOT
                })
            };
        }
        self.slots = slots;
        self.len = new as u32;
        Some(old as u32)
    }
}

impl Drop for ArenaTable {
    fn drop(&mut self) {
        if self.slots.is_null() {
            return;
        }
        for slot in self.as_slice() {
            if !slot.address.is_null() {
                // SAFETY: a non-null address is an arena we allocated with
                // `ARENA_LAYOUT` and have not released.
                unsafe { StdSystem.dealloc(slot.address, ARENA_LAYOUT) };
            }
            if !slot.live_map.is_null() {
                // SAFETY: a non-null map was allocated with `LIVE_MAP_LAYOUT`.
                unsafe { StdSystem.dealloc(slot.live_map.cast(), LIVE_MAP_LAYOUT) };
            }
        }
        if let Ok(layout) = Layout::array::<ArenaObject>(self.len as usize) {
            // SAFETY: the table was allocated by `StdSystem` with this layout.
            unsafe { StdSystem.dealloc(self.slots.cast(), layout) };
        }
    }
}

/// What happened to an arena, for `tracing`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ArenaEventKind {
    /// `new_arena` took an arena from the system.
    Allocated,
    /// `insert_to_freepool` returned a wholly free arena to the system.
    Released,
}

/// One arena event.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ArenaEvent {
    pub(crate) kind: ArenaEventKind,
    pub(crate) address: usize,
    pub(crate) arenas_current: u64,
}

/// Emits an arena event as a `tracing` event (target `alloc_pool::arena`).
pub(crate) fn emit(event: &ArenaEvent) {
    match event.kind {
        ArenaEventKind::Allocated => tracing::debug!(
            target: "alloc_pool::arena",
            address = event.address,
            arenas = event.arenas_current,
            "arena allocated"
        ),
        ArenaEventKind::Released => tracing::debug!(
            target: "alloc_pool::arena",
            address = event.address,
            arenas = event.arenas_current,
            "arena released"
        ),
    }
}

/// Arena events recorded while a lock is held, emitted after it is released
/// (see [`GlobalPyMalloc`](crate::GlobalPyMalloc)). At most two per call.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct EventQueue {
    events: [Option<ArenaEvent>; 2],
}

impl EventQueue {
    pub(crate) const fn new() -> Self {
        EventQueue {
            events: [None, None],
        }
    }
    pub(crate) fn is_empty(&self) -> bool {
        self.events[0].is_none()
    }
    fn push(&mut self, event: ArenaEvent) {
        // A third event in one call cannot happen; if it did, it is dropped.
        if let Some(slot) = self.events.iter_mut().find(|e| e.is_none()) {
            *slot = Some(event);
        }
    }
    pub(crate) fn take(&mut self) -> EventQueue {
        core::mem::take(self)
    }
    pub(crate) fn iter(&self) -> impl Iterator<Item = &ArenaEvent> {
        self.events.iter().flatten()
    }
}

impl Obmalloc {
    fn arena_event(&mut self, kind: ArenaEventKind, address: *mut u8) {
        let event = ArenaEvent {
            kind,
            address: address as usize,
            arenas_current: self.narenas_currently_allocated,
        };
        if self.defer_events {
            self.events.push(event);
        } else {
            emit(&event);
        }
    }

    /// `new_arena`: takes a 1 MiB arena from the system (respecting the
    /// memory limit) and returns its slot, or `None`.
    fn new_arena(&mut self) -> Option<u32> {
        if self.system_bytes().saturating_add(ARENA_SIZE as u64) > self.limit {
            return None;
        }
        if self.unused_arena_objects == NO_ARENA {
            self.unused_arena_objects = self.arenas.grow()?;
        }
        let index = self.unused_arena_objects;
        // SAFETY: 1. `StdSystem.alloc` gets a non-zero-sized layout;
        // 2. `index` comes from the unused list, whose entries are slots.
        let (address, arena) = unsafe { (StdSystem.alloc(ARENA_LAYOUT), self.arenas.get(index)) };
        if address.is_null() {
            return None;
        }
        let mut live_map = ptr::null_mut();
        if cfg!(debug_assertions) {
            // SAFETY: `LIVE_MAP_LAYOUT` is not zero-sized.
            live_map = unsafe { StdSystem.alloc_zeroed(LIVE_MAP_LAYOUT) }.cast::<u64>();
            if live_map.is_null() {
                // SAFETY: the arena was just allocated with `ARENA_LAYOUT`.
                unsafe { StdSystem.dealloc(address, ARENA_LAYOUT) };
                return None;
            }
        }
        self.unused_arena_objects = arena.nextarena;
        *arena = ArenaObject {
            address,
            pool_address: address,
            nfreepools: MAX_POOLS_IN_ARENA as u32,
            ntotalpools: MAX_POOLS_IN_ARENA as u32,
            freepools: ptr::null_mut(),
            nextarena: NO_ARENA,
            prevarena: NO_ARENA,
            live_map,
        };
        self.narenas_currently_allocated += 1;
        self.ntimes_arena_allocated += 1;
        self.narenas_highwater = self.narenas_highwater.max(self.narenas_currently_allocated);
        self.arena_event(ArenaEventKind::Allocated, address);
        Some(index)
    }

    /// `allocate_from_new_pool`: no used pool of `class` has a free block;
    /// take a pool from the fullest usable arena (a cached empty pool first,
    /// else a newly carved one), front-link it into `usedpools[class]` and
    /// return its first block.
    ///
    /// # Safety
    /// `class < NB_SMALL_SIZE_CLASSES`; `usedpools[class]` is empty.
    #[cold]
    #[inline(never)]
    pub(crate) unsafe fn allocate_from_new_pool(&mut self, class: usize) -> Option<*mut u8> {
        if self.usable_arenas == NO_ARENA {
            let index = self.new_arena()?;
            self.usable_arenas = index;
            // SAFETY: `index` is the slot `new_arena` just filled.
            let nfp = unsafe { self.arenas.get(index) }.nfreepools;
            self.nfp2lasta[nfp as usize] = index;
        }
        let ai = self.usable_arenas;
        // SAFETY: `usable_arenas` is a valid slot of an allocated arena.
        let arena = unsafe { self.arenas.get(ai) };
        let nfp = arena.nfreepools as usize;
        debug_assert!(nfp > 0);
        // The head already has the fewest free pools, so taking one keeps the
        // list sorted; only the fingers move.
        if self.nfp2lasta[nfp] == ai {
            self.nfp2lasta[nfp] = NO_ARENA;
        }
        if nfp > 1 {
            self.nfp2lasta[nfp - 1] = ai;
        }
        let pool: *mut PoolHeader;
        if !arena.freepools.is_null() {
            pool = arena.freepools;
            // SAFETY: pools on `freepools` are carved, empty and live.
            arena.freepools = unsafe { (*pool).nextpool };
        } else {
            pool = arena.pool_address.cast();
            // SAFETY: `nfreepools > 0` with no cached pool means a virgin
            // pool remains, so `pool_address + POOL_SIZE` stays inside (or
            // just past the end of) the arena.
            unsafe {
                (*pool).arenaindex = ai;
                (*pool).szidx = DUMMY_SIZE_IDX;
                arena.pool_address = arena.pool_address.add(POOL_SIZE);
            }
        }
        arena.nfreepools -= 1;
        if arena.nfreepools == 0 {
            // Wholly allocated: unlink it from `usable_arenas`.
            let next = arena.nextarena;
            arena.nextarena = NO_ARENA;
            self.usable_arenas = next;
            if next != NO_ARENA {
                // SAFETY: links name valid slots.
                unsafe { self.arenas.get(next) }.prevarena = NO_ARENA;
            }
        }
        // SAFETY: `class` is in range (contract); `pool` is live, in no
        // list, and its header is current (only heads have stale headers).
        unsafe {
            (*pool).count = 1;
            let bp = if (*pool).szidx == class as u32 {
                // An empty pool reused for its old class: its free list is intact.
                // An empty pool's list holds every carved block (at least
                // one); after this pop a free block remains, on the list or
                // virgin (when every block was carved the list held >= 31).
                let bp = (*pool).freeblock;
                (*pool).freeblock = next_free(bp);
                debug_assert!(
                    !(*pool).freeblock.is_null() || (*pool).nextoffset <= (*pool).maxnextoffset
                );
                bp
            } else {
                // Initialise the pool for `class`: hand out the first block; the
                // rest stay virgin (carved from `nextoffset` on demand).
                let size = class_size(class);
                (*pool).szidx = class as u32;
                (*pool).nextoffset = (POOL_OVERHEAD + size) as u32;
                (*pool).maxnextoffset = (POOL_SIZE - size) as u32;
                (*pool).freeblock = ptr::null_mut();
                pool.cast::<u8>().add(POOL_OVERHEAD)
            };
            self.insert_to_usedpool(pool, class);
            Some(bp)
        }
    }

    /// `insert_to_freepool`: `pool` just became empty. Move it to its arena's
    /// cache of empty pools, then keep `usable_arenas` sorted: a wholly free
    /// arena is returned to the system unless it is the last usable arena
    /// (bpo-37257: keep one to avoid thrashing); an arena that was full goes
    /// to the head; otherwise the arena moves right past the arenas that
    /// now have fewer free pools.
    ///
    /// # Safety
    /// `pool` is a live pool in `usedpools[(*pool).szidx]` whose count is 0.
    #[cold]
    #[inline(never)]
    pub(crate) unsafe fn insert_to_freepool(&mut self, pool: *mut PoolHeader) {
        // SAFETY: `pool` is live and in its class's used list (contract).
        let ai = unsafe {
            self.unlink_usedpool(pool, (*pool).szidx as usize);
            (*pool).arenaindex
        };
        // SAFETY: a pool's `arenaindex` names its arena's slot.
        let arena = unsafe { self.arenas.get(ai) };
        // SAFETY: `pool` is live; it becomes the head of the cache.
        unsafe { (*pool).nextpool = arena.freepools };
        arena.freepools = pool;
        let nf = arena.nfreepools as usize;
        let (prev, next) = (arena.prevarena, arena.nextarena);
        let lastnf = self.nfp2lasta[nf];
        if lastnf == ai {
            // `ai` was the rightmost arena with `nf` free pools; the finger
            // moves to its left neighbour if that one has `nf` too.
            let keep = prev != NO_ARENA
                // SAFETY: links name valid slots.
                && unsafe { self.arenas.get(prev) }.nfreepools as usize == nf;
            self.nfp2lasta[nf] = if keep { prev } else { NO_ARENA };
        }
        let nf = nf + 1;
        // SAFETY: as above.
        let arena = unsafe { self.arenas.get(ai) };
        arena.nfreepools = nf as u32;

        // Case 1: wholly free and not the last usable arena: release it.
        if nf == arena.ntotalpools as usize && next != NO_ARENA {
            let address = arena.address;
            if !arena.live_map.is_null() {
                // SAFETY: a non-null map was allocated with `LIVE_MAP_LAYOUT`.
                unsafe { StdSystem.dealloc(arena.live_map.cast(), LIVE_MAP_LAYOUT) };
            }
            *arena = ArenaObject {
                nextarena: self.unused_arena_objects,
                ..UNUSED_SLOT
            };
            self.unused_arena_objects = ai;
            if prev == NO_ARENA {
                self.usable_arenas = next;
            } else {
                // SAFETY: links name valid slots.
                unsafe { self.arenas.get(prev) }.nextarena = next;
            }
            // SAFETY: as above.
            unsafe { self.arenas.get(next) }.prevarena = prev;
            // SAFETY: `address` is an arena allocated with `ARENA_LAYOUT`; no
            // block in it is live (all 64 pools are free).
            unsafe { StdSystem.dealloc(address, ARENA_LAYOUT) };
            self.narenas_currently_allocated -= 1;
            self.arena_event(ArenaEventKind::Released, address);
            return;
        }
        // Case 2: the arena was full (in no list): it goes to the head.
        if nf == 1 {
            arena.nextarena = self.usable_arenas;
            arena.prevarena = NO_ARENA;
            if self.usable_arenas != NO_ARENA {
                // SAFETY: links name valid slots.
                unsafe { self.arenas.get(self.usable_arenas) }.prevarena = ai;
            }
            self.usable_arenas = ai;
            if self.nfp2lasta[1] == NO_ARENA {
                self.nfp2lasta[1] = ai;
            }
            return;
        }
        if self.nfp2lasta[nf] == NO_ARENA {
            self.nfp2lasta[nf] = ai;
        }
        // Case 4: it was the rightmost with its old count: still sorted.
        if lastnf == ai {
            return;
        }
        // Case 3: move it to just after `lastnf`, the rightmost arena that
        // had the old count (to the right of `ai`, which was not the
        // rightmost of its group).
        debug_assert!(next != NO_ARENA && lastnf != NO_ARENA);
        if prev == NO_ARENA {
            self.usable_arenas = next;
        } else {
            // SAFETY: links name valid slots.
            unsafe { self.arenas.get(prev) }.nextarena = next;
        }
        // SAFETY: as above.
        unsafe { self.arenas.get(next) }.prevarena = prev;
        // SAFETY: as above.
        let after = unsafe { self.arenas.get(lastnf) }.nextarena;
        {
            // SAFETY: as above.
            let arena = unsafe { self.arenas.get(ai) };
            arena.prevarena = lastnf;
            arena.nextarena = after;
        }
        if after != NO_ARENA {
            // SAFETY: as above.
            unsafe { self.arenas.get(after) }.prevarena = ai;
        }
        // SAFETY: as above.
        unsafe { self.arenas.get(lastnf) }.nextarena = ai;
    }
}
