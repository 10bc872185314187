//! A decorator's window of recent allocations: how exact tracing avoids a
//! lock per event.
//!
//! CPython's tracemalloc runs under the GIL, so recording a trace costs a
//! hash-table insert. A Rust tracer shared between threads needs a lock,
//! and a locked instruction waits for every store before it, including the
//! free-list link the allocator has just written into a cold block: on
//! allocation-heavy loops the two locks of an alloc/free pair cost more
//! than the allocator itself. Most blocks die young, so each
//! [`Traced`](crate::Traced) decorator keeps its most recent allocations in
//! a [`Window`] of its own:
//!
//! - an allocation is appended to the window's [`Ring`] (plain atomic
//!   stores, no read-modify-write) and indexed by address in the
//!   decorator's private index;
//! - a free of a block still in the window cancels its slot, again without
//!   a lock; any other free takes the tracer's lock, as before;
//! - when the window is full, the decorator *publishes* it: under the lock,
//!   its live slots become ordinary traces.
//!
//! Nothing is hidden from readers: the ring is registered with the tracer,
//! and every reader (traced memory, snapshots, trace lookups, counts) adds
//! the live slots of every registered ring to the tables, under the lock.
//! Only the owning decorator appends to or publishes its ring; readers and
//! other decorators only read slots (and, for a block freed through another
//! decorator, clear its live flag under the lock), so no slot is ever
//! written by two threads at once. Frees are never deferred: a free is
//! applied (cancelled or removed) before the inner allocator releases the
//! block, so an address cannot be handed out again while its old trace is
//! pending, and the traces stay exact with any number of threads.
//!
//! The one approximation: the peak. The owner computes its candidate peak
//! as the published traced memory plus its own pending bytes; pending bytes
//! of *other* decorators are not in it, so with several decorators
//! allocating at once the peak may be lower than the true maximum of their
//! sum. With one decorator (the runtime, a single-threaded program) it is
//! exact.

use core::cell::RefCell;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering, fence};
use std::sync::Arc;

use alloc_pool::Domain;
use hashbrown::HashMap;

use crate::frame_stack::{StackKey, mix};
use crate::tables::BuildAddrHasher;

/// Allocations a window holds before it is published: three times
/// CPython's generation-0 threshold, and 64 KiB of slots.
pub(crate) const WINDOW: usize = 2048;

/// Buckets of a window's direct-mapped address index.
const DIRECT: usize = 2 * WINDOW;

/// Entries of a window's cache of captured tracebacks.
const TRACEBACK_CACHE: usize = 8;

/// One pending allocation. The owner reuses the slots of cancelled
/// allocations, so each slot is a tiny seqlock: `seq` is odd while the
/// owner rewrites it, and a reader (holding the tracer's lock) that sees it
/// odd or changed skips the slot: that allocation is happening concurrently
/// with the read, and what it replaces was dead.
#[derive(Debug, Default)]
struct Slot {
    seq: AtomicU32,
    addr: AtomicUsize,
    size: AtomicUsize,
    /// `domain << 32 | traceback index`.
    meta: AtomicU64,
    /// Cleared when the block is freed (by the owner, or by another
    /// decorator under the lock).
    live: AtomicBool,
}

/// The shared half of a window: the slots and the counters readers need.
#[derive(Debug)]
pub(crate) struct Ring {
    slots: Box<[Slot]>,
    /// Slots in use: `0..len` (only the owner stores it).
    len: AtomicUsize,
    /// The tracer epoch (start, stop, `clear_traces`) the slots belong to:
    /// slots of another epoch are ignored by everyone.
    epoch: AtomicU64,
    /// Bytes of the live slots, as the owner counts them.
    bytes: AtomicUsize,
    /// Bytes of slots cancelled by other decorators (under the lock).
    remote: AtomicUsize,
    /// The owner's peak candidate, valid for `peak_epoch`.
    peak: AtomicUsize,
    peak_epoch: AtomicU64,
}

/// A pending allocation as a reader sees it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pending {
    pub(crate) addr: usize,
    pub(crate) domain: Domain,
    pub(crate) size: usize,
    pub(crate) traceback: u32,
}

impl Slot {
    /// The slot's allocation, if it is live and not being rewritten.
    #[inline]
    fn read(&self) -> Option<Pending> {
        let seq = self.seq.load(Ordering::Acquire);
        if seq % 2 == 1 || !self.live.load(Ordering::Relaxed) {
            return None;
        }
        let meta = self.meta.load(Ordering::Relaxed);
        let p = Pending {
            addr: self.addr.load(Ordering::Relaxed),
            domain: (meta >> 32) as Domain,
            size: self.size.load(Ordering::Relaxed),
            traceback: meta as u32,
        };
        fence(Ordering::Acquire);
        (self.seq.load(Ordering::Relaxed) == seq).then_some(p)
    }

    /// Writes an allocation into the slot (owner only).
    #[inline]
    fn write(&self, p: Pending) {
        let seq = self.seq.load(Ordering::Relaxed);
        self.seq.store(seq.wrapping_add(1), Ordering::Relaxed);
        fence(Ordering::Release);
        self.addr.store(p.addr, Ordering::Relaxed);
        self.size.store(p.size, Ordering::Relaxed);
        self.meta.store(
            (u64::from(p.domain) << 32) | u64::from(p.traceback),
            Ordering::Relaxed,
        );
        self.live.store(true, Ordering::Relaxed);
        self.seq.store(seq.wrapping_add(2), Ordering::Release);
    }
}

impl Ring {
    fn new() -> Self {
        Ring {
            slots: (0..WINDOW).map(|_| Slot::default()).collect(),
            len: AtomicUsize::new(0),
            epoch: AtomicU64::new(0),
            bytes: AtomicUsize::new(0),
            remote: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            peak_epoch: AtomicU64::new(0),
        }
    }

    /// The epoch the slots belong to.
    pub(crate) fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    /// Bytes the ring's slots take (for `get_tracemalloc_memory`).
    pub(crate) fn memory(&self) -> usize {
        core::mem::size_of::<Ring>() + self.slots.len() * core::mem::size_of::<Slot>()
    }

    /// The live pending allocations of `epoch` (in slot order).
    pub(crate) fn live(&self, epoch: u64) -> impl Iterator<Item = (usize, Pending)> + '_ {
        let len = if self.epoch.load(Ordering::Acquire) == epoch {
            self.len.load(Ordering::Acquire)
        } else {
            0
        };
        self.slots
            .get(..len)
            .unwrap_or(&[])
            .iter()
            .enumerate()
            .filter_map(|(i, s)| Some((i, s.read()?)))
    }

    /// Bytes of the live slots of `epoch`.
    pub(crate) fn live_bytes(&self, epoch: u64) -> usize {
        if self.epoch.load(Ordering::Acquire) != epoch {
            return 0;
        }
        self.bytes
            .load(Ordering::Relaxed)
            .saturating_sub(self.remote.load(Ordering::Relaxed))
    }

    /// The owner's peak candidate for `peak_epoch` (0 if it has none).
    pub(crate) fn peak(&self, epoch: u64, peak_epoch: u64) -> usize {
        if self.epoch.load(Ordering::Acquire) == epoch
            && self.peak_epoch.load(Ordering::Relaxed) == peak_epoch
        {
            self.peak.load(Ordering::Relaxed)
        } else {
            0
        }
    }

    /// Another decorator freed the block of slot `i` (caller holds the
    /// tracer's lock): the slot stops being live.
    pub(crate) fn cancel_remote(&self, i: usize, size: usize) {
        if let Some(slot) = self.slots.get(i)
            && slot.live.swap(false, Ordering::Relaxed)
        {
            self.remote.fetch_add(size, Ordering::Relaxed);
        }
    }
}

/// The owner's address → slot index: a direct-mapped table (one probe
/// finds most blocks), and a hash map for the addresses whose bucket held
/// another live block. A bucket that ever sent an address to the map is
/// flagged, so the map is only searched for addresses of flagged buckets.
#[derive(Debug, Default)]
struct Index {
    /// Per bucket: slot + 1 (0: none) and [`OVERFLOWED`]. The slot may be
    /// stale (dead or reused): a hit is checked against the slot's address.
    direct: Vec<u32>,
    overflow: HashMap<usize, u32, BuildAddrHasher>,
}

/// Bucket flag: an address of this bucket went to the overflow map.
const OVERFLOWED: u32 = 1 << 31;

impl Index {
    #[inline]
    fn bucket(addr: usize) -> usize {
        (mix(addr as u64) as usize) & (DIRECT - 1)
    }

    /// The live slot a bucket entry names, with its address.
    #[inline]
    fn live_slot(slots: &[Slot], entry: u32) -> Option<(u32, usize)> {
        let j = (entry & !OVERFLOWED).checked_sub(1)?;
        let slot = slots.get(j as usize)?;
        slot.live
            .load(Ordering::Relaxed)
            .then(|| (j, slot.addr.load(Ordering::Relaxed)))
    }

    /// Indexes `addr` at slot `i`; returns the slot it was indexed at before.
    #[inline]
    fn insert(&mut self, slots: &[Slot], addr: usize, i: u32) -> Option<u32> {
        let bucket = self.direct.get_mut(Self::bucket(addr))?;
        let entry = *bucket;
        match Self::live_slot(slots, entry) {
            Some((j, a)) if a == addr && j != i => {
                *bucket = (i + 1) | (entry & OVERFLOWED);
                Some(j)
            }
            Some((j, _)) if j != i => {
                *bucket = entry | OVERFLOWED;
                self.overflow.insert(addr, i)
            }
            _ => {
                *bucket = (i + 1) | (entry & OVERFLOWED);
                if entry & OVERFLOWED != 0 {
                    self.overflow.remove(&addr)
                } else {
                    None
                }
            }
        }
    }

    /// Removes `addr`; returns its slot.
    #[inline]
    fn remove(&mut self, slots: &[Slot], addr: usize) -> Option<u32> {
        let bucket = self.direct.get_mut(Self::bucket(addr))?;
        let entry = *bucket;
        if let Some((j, a)) = Self::live_slot(slots, entry)
            && a == addr
        {
            *bucket = entry & OVERFLOWED;
            return Some(j);
        }
        if entry & OVERFLOWED != 0 {
            self.overflow.remove(&addr)
        } else {
            None
        }
    }

    fn clear(&mut self) {
        self.direct.fill(0);
        self.overflow.clear();
    }
}

/// The owner's half of a window ([`Tracer::Local`](crate::Tracer::Local)
/// of [`Tracemalloc`](crate::Tracemalloc)): the ring and a private index
/// from address to slot. Not `Sync`: one decorator, one thread at a time.
#[derive(Debug, Default)]
pub struct Window {
    pub(crate) state: RefCell<WindowState>,
}

/// See [`Window`].
#[derive(Debug, Default)]
pub(crate) struct WindowState {
    pub(crate) ring: Option<Arc<Ring>>,
    index: Index,
    /// Slots below `len` whose allocation was cancelled, for reuse.
    free_slots: Vec<u32>,
    tracebacks: [Option<(u64, StackKey, u32)>; TRACEBACK_CACHE],
}

impl WindowState {
    /// Whether the ring is ready for an allocation of `epoch` (registered
    /// in that epoch and not full).
    #[inline]
    pub(crate) fn ready(&self, epoch: u64) -> bool {
        self.ring.as_ref().is_some_and(|r| {
            r.epoch.load(Ordering::Relaxed) == epoch
                && (!self.free_slots.is_empty() || r.len.load(Ordering::Relaxed) < WINDOW)
        })
    }

    /// The ring, created on first use (the caller holds the lock and the
    /// re-entrancy guard: this allocates).
    pub(crate) fn ring_or_new(&mut self) -> Arc<Ring> {
        if self.ring.is_none() {
            // At most `WINDOW` slots can be free: pushing never allocates.
            self.free_slots.reserve(WINDOW);
            self.index.direct = vec![0; DIRECT];
        }
        Arc::clone(self.ring.get_or_insert_with(|| Arc::new(Ring::new())))
    }

    /// Empties the window for a new epoch (caller holds the lock; the
    /// ring is not registered in any current table).
    pub(crate) fn reset(&mut self, epoch: u64) {
        self.index.clear();
        self.free_slots.clear();
        self.tracebacks = [None; TRACEBACK_CACHE];
        if let Some(r) = &self.ring {
            r.len.store(0, Ordering::Release);
            r.bytes.store(0, Ordering::Relaxed);
            r.remote.store(0, Ordering::Relaxed);
            r.peak.store(0, Ordering::Relaxed);
            r.epoch.store(epoch, Ordering::Release);
        }
    }

    /// Takes the live slots out of the window to publish them (caller
    /// holds the lock): they come back in allocation order, with the
    /// owner's peak candidate for `peak_epoch`.
    pub(crate) fn drain(&mut self, epoch: u64, peak_epoch: u64) -> (Vec<Pending>, usize) {
        let Some(r) = &self.ring else {
            return (Vec::new(), 0);
        };
        let live: Vec<Pending> = r.live(epoch).map(|(_, p)| p).collect();
        let peak = r.peak(epoch, peak_epoch);
        r.len.store(0, Ordering::Release);
        r.bytes.store(0, Ordering::Relaxed);
        r.remote.store(0, Ordering::Relaxed);
        r.peak.store(0, Ordering::Relaxed);
        self.index.clear();
        self.free_slots.clear();
        (live, peak)
    }

    /// The cached traceback of the stack `key` in `epoch`.
    #[inline]
    pub(crate) fn cached_traceback(&self, epoch: u64, key: StackKey) -> Option<u32> {
        let slot = (key.lineno as usize ^ key.version as usize) % TRACEBACK_CACHE;
        match self.tracebacks.get(slot) {
            Some(Some((e, k, tb))) if *e == epoch && *k == key => Some(*tb),
            _ => None,
        }
    }

    pub(crate) fn cache_traceback(&mut self, epoch: u64, key: StackKey, tb: u32) {
        let slot = (key.lineno as usize ^ key.version as usize) % TRACEBACK_CACHE;
        if let Some(entry) = self.tracebacks.get_mut(slot) {
            *entry = Some((epoch, key, tb));
        }
    }

    /// Appends an allocation to a ready ring (see [`WindowState::ready`]);
    /// `published` is the tracer's published traced memory, for the peak.
    /// A block already pending at the same address (freed behind the
    /// decorator's back) is replaced, as `tracemalloc_add_trace` replaces.
    #[inline]
    pub(crate) fn push(&mut self, p: Pending, published: usize, peak_epoch: u64) {
        let Some(r) = &self.ring else {
            return;
        };
        let len = r.len.load(Ordering::Relaxed);
        let i = self.free_slots.pop().map_or(len, |i| i as usize);
        let Some(slot) = r.slots.get(i) else {
            return;
        };
        slot.write(p);
        if i == len {
            r.len.store(len + 1, Ordering::Release);
        }
        let mut bytes = r.bytes.load(Ordering::Relaxed) + p.size;
        // Plain loads and stores, never a read-modify-write (which would
        // cost what the lock costs): only the owner writes a live flag to
        // false outside the lock, and never for the same block as another
        // decorator (a block is freed once).
        if let Some(old_i) = self.index.insert(&r.slots, p.addr, i as u32)
            && let Some(old) = r.slots.get(old_i as usize)
            && old.live.load(Ordering::Relaxed)
        {
            old.live.store(false, Ordering::Relaxed);
            bytes -= old.size.load(Ordering::Relaxed).min(bytes);
            self.free_slots.push(old_i);
        }
        r.bytes.store(bytes, Ordering::Relaxed);
        if r.peak_epoch.load(Ordering::Relaxed) != peak_epoch {
            r.peak.store(0, Ordering::Relaxed);
            r.peak_epoch.store(peak_epoch, Ordering::Relaxed);
        }
        let current = published + bytes.saturating_sub(r.remote.load(Ordering::Relaxed));
        if current > r.peak.load(Ordering::Relaxed) {
            r.peak.store(current, Ordering::Relaxed);
        }
    }

    /// Cancels the pending allocation at `addr`, if the window holds it
    /// live in `epoch`: the block dies without ever being published.
    #[inline]
    pub(crate) fn cancel(&mut self, epoch: u64, addr: usize) -> bool {
        let Some(r) = &self.ring else {
            return false;
        };
        if r.epoch.load(Ordering::Relaxed) != epoch {
            return false;
        }
        let Some(i) = self.index.remove(&r.slots, addr) else {
            return false;
        };
        let Some(slot) = r.slots.get(i as usize) else {
            return false;
        };
        if !slot.live.load(Ordering::Relaxed) || slot.addr.load(Ordering::Relaxed) != addr {
            // Freed through another decorator, which already counted it.
            return false;
        }
        slot.live.store(false, Ordering::Relaxed);
        self.free_slots.push(i);
        let size = slot.size.load(Ordering::Relaxed);
        let bytes = r.bytes.load(Ordering::Relaxed);
        r.bytes.store(bytes - size.min(bytes), Ordering::Relaxed);
        true
    }

    /// Whether the index will grow on the next insert (growing allocates:
    /// the caller enters the re-entrancy guard first).
    #[inline]
    pub(crate) fn index_full(&self) -> bool {
        self.index.overflow.len() >= self.index.overflow.capacity()
    }

    pub(crate) fn reserve_index(&mut self) {
        let len = self.index.overflow.len();
        self.index.overflow.reserve(WINDOW.min(len.max(16)));
    }
}
