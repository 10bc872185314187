//! The store: slots, counts, the zero queue and deallocation.

use crate::{Handle, Hooks, NoHooks, RefcountError, Trace};
use slotmap::SlotMap;

/// The count reported for an immortal object by [`Store::refcount`].
pub const IMMORTAL_REFCOUNT: usize = usize::MAX;

/// The largest count a mortal object can reach: 2^31 - 2 (the count word
/// is 32 bits, its top bit the zero-queue flag). More references than that
/// to one object would take 16 GiB of handles; [`Store::incref`] refuses
/// them with [`RefcountError::Overflow`]. (CPython 3.12 keeps its count in
/// 32 bits too, PEP 683.)
pub const MAX_REFCOUNT: usize = COUNT_MASK as usize - 1;

/// The count word's top bit: the handle sits in the zero queue (avoids
/// double entries). Kept in the count word rather than a field of its own
/// so that a slot is smaller (one cache line holds more of the heap a
/// collection walks).
const QUEUED: u32 = 1 << 31;
/// The count word's count bits; all ones marks an immortal object.
const COUNT_MASK: u32 = QUEUED - 1;

/// One slot: the value, then the count word (count and "waiting in the
/// zero queue" flag). In this order (`repr(C)`), the count word sits
/// between the value's last bytes and the slot map's 4-byte version: for a
/// 4-aligned value the slot grows by 8 bytes, for an 8-aligned one by 8
/// too (the word fills the version's padding); and a host that keeps its
/// collector header last in the value has a referent's header, its count
/// and the handle check in one cache line more often.
#[derive(Debug)]
#[repr(C)]
struct Slot<T> {
    value: T,
    word: u32,
}

impl<T> Slot<T> {
    fn new(refcnt: usize, value: T) -> Self {
        let mut slot = Slot { value, word: 0 };
        slot.set_refcnt(refcnt);
        slot
    }

    /// The reference count; [`IMMORTAL_REFCOUNT`] for an immortal object.
    #[inline]
    fn refcnt(&self) -> usize {
        match self.word & COUNT_MASK {
            COUNT_MASK => IMMORTAL_REFCOUNT,
            n => n as usize,
        }
    }

    /// Sets the count (at most [`MAX_REFCOUNT`], or [`IMMORTAL_REFCOUNT`]).
    #[inline]
    fn set_refcnt(&mut self, refcnt: usize) {
        let n = if refcnt == IMMORTAL_REFCOUNT {
            COUNT_MASK
        } else {
            // Below 2^31 after the `min`: the conversion cannot fail.
            u32::try_from(refcnt.min(MAX_REFCOUNT)).unwrap_or(COUNT_MASK - 1)
        };
        self.word = (self.word & QUEUED) | n;
    }

    #[inline]
    fn queued(&self) -> bool {
        self.word & QUEUED != 0
    }

    #[inline]
    fn set_queued(&mut self, queued: bool) {
        self.word = if queued {
            self.word | QUEUED
        } else {
            self.word & !QUEUED
        };
    }
}

/// What a [`Store::decref`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decref {
    /// The count is still above zero (this value); the store called
    /// [`Hooks::on_decref_nonzero`].
    Alive(usize),
    /// The count reached zero and the handle was pushed on the zero queue.
    /// The value is still in the store: the host finalizes it, then calls
    /// [`Store::free`].
    Zero,
    /// The object is immortal; nothing changed.
    Immortal,
}

/// A position in the zero queue, for nested draining (see
/// [`Store::pop_zero_above`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ZeroMark(usize);

/// Counters kept by a store.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct StoreStats {
    /// Objects inserted since creation.
    pub allocated: u64,
    /// Objects freed since creation.
    pub freed: u64,
    /// Referents reported by [`Trace`] during [`Store::free`] that were
    /// stale or foreign (ignored), or already at zero (underflow, ignored).
    pub bad_referents: u64,
}

/// A store of reference-counted objects (see the crate documentation).
#[derive(Debug)]
pub struct Store<T, H: Hooks = NoHooks> {
    slots: SlotMap<Handle, Slot<T>>,
    /// The zero queue: a stack, so that draining it visits objects in the
    /// order CPython's recursive `tp_dealloc` would.
    zeros: Vec<Handle>,
    hooks: H,
    stats: StoreStats,
}

impl<T: Trace> Default for Store<T, NoHooks> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Trace> Store<T, NoHooks> {
    /// An empty store without hooks.
    pub fn new() -> Self {
        Self::with_hooks(NoHooks)
    }
}

impl<T: Trace, H: Hooks> Store<T, H> {
    /// An empty store that reports events to `hooks`.
    pub fn with_hooks(hooks: H) -> Self {
        Self {
            slots: SlotMap::with_key(),
            zeros: Vec::new(),
            hooks,
            stats: StoreStats::default(),
        }
    }

    /// The hooks value.
    pub fn hooks(&self) -> &H {
        &self.hooks
    }

    /// The hooks value, mutably (to drain what it recorded).
    pub fn hooks_mut(&mut self) -> &mut H {
        &mut self.hooks
    }

    /// Counters.
    pub fn stats(&self) -> StoreStats {
        self.stats
    }

    /// Number of objects in the store, including those waiting in the zero
    /// queue and immortal ones.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether the store holds no object.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Whether `handle` names an object of this store.
    pub fn contains(&self, handle: Handle) -> bool {
        self.slots.contains_key(handle)
    }

    /// Inserts `value` with a count of 1 (the caller's reference).
    /// O(1) amortized. Calls [`Hooks::on_alloc`].
    pub fn insert(&mut self, value: T) -> Handle {
        let handle = self.slots.insert(Slot::new(1, value));
        self.stats.allocated += 1;
        self.hooks.on_alloc(handle);
        handle
    }

    /// Inserts an immortal object: its count never changes and it is never
    /// freed by reference counting (PEP 683's idea; CPython 3.11 has none,
    /// its singletons simply never reach zero). Calls [`Hooks::on_alloc`].
    pub fn insert_immortal(&mut self, value: T) -> Handle {
        let handle = self.slots.insert(Slot::new(IMMORTAL_REFCOUNT, value));
        self.stats.allocated += 1;
        self.hooks.on_alloc(handle);
        handle
    }

    /// Makes a live object immortal (interning it, for instance). If it was
    /// waiting in the zero queue, it no longer will be freed.
    pub fn make_immortal(&mut self, handle: Handle) -> Result<(), RefcountError> {
        let slot = self.slot_mut(handle)?;
        slot.set_refcnt(IMMORTAL_REFCOUNT);
        Ok(())
    }

    /// Whether the object is immortal.
    pub fn is_immortal(&self, handle: Handle) -> Result<bool, RefcountError> {
        Ok(self.slot(handle)?.refcnt() == IMMORTAL_REFCOUNT)
    }

    /// The object's reference count ([`IMMORTAL_REFCOUNT`] if immortal;
    /// 0 while it waits in the zero queue). CPython: `Py_REFCNT`.
    pub fn refcount(&self, handle: Handle) -> Result<usize, RefcountError> {
        Ok(self.slot(handle)?.refcnt())
    }

    /// The object's value. Also works while it waits in the zero queue (a
    /// finalizer needs it).
    pub fn get(&self, handle: Handle) -> Result<&T, RefcountError> {
        Ok(&self.slot(handle)?.value)
    }

    /// The object's value, mutably.
    pub fn get_mut(&mut self, handle: Handle) -> Result<&mut T, RefcountError> {
        Ok(&mut self.slot_mut(handle)?.value)
    }

    /// The object's reference count (as [`Store::refcount`]) and its value,
    /// mutably, with one lookup: what a cycle collector reads and writes of
    /// each object it scans.
    #[inline]
    pub fn refcount_and_get_mut(
        &mut self,
        handle: Handle,
    ) -> Result<(usize, &mut T), RefcountError> {
        let slot = self.slot_mut(handle)?;
        Ok((slot.refcnt(), &mut slot.value))
    }

    /// Iterates over every object (handle, value), in slot order.
    pub fn iter(&self) -> impl Iterator<Item = (Handle, &T)> + '_ {
        self.slots.iter().map(|(h, s)| (h, &s.value))
    }

    /// Adds a reference; returns the new count. On an object waiting in the
    /// zero queue this is a resurrection (from 0 to 1), which is allowed:
    /// [`Store::pop_zero`] then skips it. CPython: `Py_INCREF`.
    pub fn incref(&mut self, handle: Handle) -> Result<usize, RefcountError> {
        let slot = self.slot_mut(handle)?;
        match slot.refcnt() {
            IMMORTAL_REFCOUNT => Ok(IMMORTAL_REFCOUNT),
            MAX_REFCOUNT => Err(RefcountError::Overflow(handle)),
            n => {
                slot.set_refcnt(n + 1);
                Ok(n + 1)
            }
        }
    }

    /// Sets the count directly (CPython: `Py_SET_REFCNT`, which
    /// `subtype_dealloc` uses to resurrect an object temporarily around its
    /// finalizer). Setting 0 queues the object like a decref to zero.
    /// A count above [`MAX_REFCOUNT`] (such as [`IMMORTAL_REFCOUNT`]) is
    /// refused with [`RefcountError::Overflow`] (use
    /// [`Store::make_immortal`]); an immortal object is left unchanged.
    pub fn set_refcount(&mut self, handle: Handle, refcount: usize) -> Result<(), RefcountError> {
        if refcount > MAX_REFCOUNT {
            return Err(RefcountError::Overflow(handle));
        }
        let slot = self.slot_mut(handle)?;
        if slot.refcnt() == IMMORTAL_REFCOUNT {
            return Ok(());
        }
        slot.set_refcnt(refcount);
        if refcount == 0 && !slot.queued() {
            slot.set_queued(true);
            self.zeros.push(handle);
        }
        Ok(())
    }

    /// Drops a reference. CPython: `Py_DECREF`, except that reaching zero
    /// does not deallocate: the handle is pushed on the zero queue and
    /// [`Decref::Zero`] returned, and the host drains the queue
    /// ([`Store::pop_zero`], run finalizers, [`Store::free`]).
    pub fn decref(&mut self, handle: Handle) -> Result<Decref, RefcountError> {
        decref_in(&mut self.slots, &mut self.zeros, &mut self.hooks, handle)
    }

    /// Number of handles waiting in the zero queue (some may have been
    /// resurrected or freed meanwhile; [`Store::pop_zero`] skips those).
    pub fn pending_zeros(&self) -> usize {
        self.zeros.len()
    }

    /// The current top of the zero queue. Handles queued after this mark
    /// can be drained alone with [`Store::pop_zero_above`], which lets a
    /// host emulate CPython's nested deallocation (a `__del__` whose
    /// decrefs free objects before `__del__` returns).
    pub fn zero_mark(&self) -> ZeroMark {
        ZeroMark(self.zeros.len())
    }

    /// The next object whose count is zero, or `None` when the queue is
    /// empty. The object is still in the store with count 0; the host runs
    /// its finalizer (which may resurrect it with [`Store::incref`]) and
    /// then calls [`Store::free`] if the count is still 0. Handles that were
    /// resurrected, freed or made immortal since they were queued are
    /// skipped. O(1) amortized.
    pub fn pop_zero(&mut self) -> Option<Handle> {
        self.pop_zero_above(ZeroMark(0))
    }

    /// Like [`Store::pop_zero`], but returns `None` once the queue is back
    /// down to `mark`.
    pub fn pop_zero_above(&mut self, mark: ZeroMark) -> Option<Handle> {
        while self.zeros.len() > mark.0 {
            let handle = self.zeros.pop()?;
            if let Some(slot) = self.slots.get_mut(handle)
                && slot.queued()
            {
                slot.set_queued(false);
                if slot.refcnt() == 0 {
                    return Some(handle);
                }
            }
        }
        None
    }

    /// Frees an object whose count is zero: removes its value, decrements
    /// every referent it reports through [`Trace::trace_dealloc`] (pushing
    /// those that reach zero on the zero queue, so that the first released
    /// is popped first, as CPython's depth-first recursion would free it),
    /// calls [`Hooks::on_dealloc`] and hands the value back to the host
    /// (which releases its memory blocks). Never recurses: the referents
    /// are freed when the host pops them, so a 1,000,000-long chain uses
    /// constant stack (CPython's trashcan, without a depth limit).
    ///
    /// Referents that are stale, foreign or already at zero are ignored and
    /// counted in [`StoreStats::bad_referents`].
    pub fn free(&mut self, handle: Handle) -> Result<T, RefcountError> {
        self.free_with(handle, |value| value)
    }

    /// [`Store::free`] for a host that has nothing to release: the value
    /// is dropped in place instead of being handed back (which saves
    /// moving it out of the slot).
    pub fn free_and_drop(&mut self, handle: Handle) -> Result<(), RefcountError> {
        self.free_with(handle, drop)
    }

    #[inline]
    fn free_with<R>(
        &mut self,
        handle: Handle,
        keep: impl FnOnce(T) -> R,
    ) -> Result<R, RefcountError> {
        let slot = self.slot(handle)?;
        match slot.refcnt() {
            0 => {}
            IMMORTAL_REFCOUNT => return Err(RefcountError::Immortal(handle)),
            refcount => return Err(RefcountError::StillReferenced { handle, refcount }),
        }
        let slot = self
            .slots
            .remove(handle)
            .ok_or(RefcountError::StaleHandle(handle))?;
        self.stats.freed += 1;
        self.hooks.on_dealloc(handle);
        let first_new = self.zeros.len();
        // The value is out of the map: its referents are decremented as
        // the trace reports them, with no buffer in between.
        let (slots, zeros, hooks, stats) = (
            &mut self.slots,
            &mut self.zeros,
            &mut self.hooks,
            &mut self.stats,
        );
        slot.value.trace_dealloc(&mut |r| {
            if decref_in(slots, zeros, hooks, r).is_err() {
                stats.bad_referents += 1;
                tracing::warn!(referent = ?r, freed = ?handle, "bad referent during free");
            }
        });
        // The stack pops the last push first: reverse this batch so the
        // first referent released is the first freed.
        if let Some(batch) = self.zeros.get_mut(first_new..) {
            batch.reverse();
        }
        Ok(keep(slot.value))
    }

    /// Drains the whole zero queue for a host without finalizers: frees
    /// every object whose count is zero (and everything that reaches zero
    /// as a consequence), dropping the values. Returns how many were freed.
    pub fn free_pending(&mut self) -> usize {
        let mut freed = 0;
        while let Some(handle) = self.pop_zero() {
            if self.free_and_drop(handle).is_ok() {
                freed += 1;
            }
        }
        freed
    }

    /// [`Store::decref`] followed by [`Store::free_pending`], for hosts
    /// without finalizers. Returns how many objects were freed.
    pub fn release(&mut self, handle: Handle) -> Result<usize, RefcountError> {
        match self.decref(handle)? {
            Decref::Zero => Ok(self.free_pending()),
            Decref::Alive(_) | Decref::Immortal => Ok(0),
        }
    }

    /// Removes an immortal object at teardown and returns its value,
    /// without touching its referents (whose counts the host settles
    /// itself).
    pub fn remove_immortal(&mut self, handle: Handle) -> Result<T, RefcountError> {
        if self.slot(handle)?.refcnt() != IMMORTAL_REFCOUNT {
            return Err(RefcountError::NotImmortal(handle));
        }
        let slot = self
            .slots
            .remove(handle)
            .ok_or(RefcountError::StaleHandle(handle))?;
        self.stats.freed += 1;
        self.hooks.on_dealloc(handle);
        Ok(slot.value)
    }

    fn slot(&self, handle: Handle) -> Result<&Slot<T>, RefcountError> {
        self.slots
            .get(handle)
            .ok_or(RefcountError::StaleHandle(handle))
    }

    fn slot_mut(&mut self, handle: Handle) -> Result<&mut Slot<T>, RefcountError> {
        self.slots
            .get_mut(handle)
            .ok_or(RefcountError::StaleHandle(handle))
    }
}

/// [`Store::decref`] over the store's fields, so that [`Store::free`] can
/// decrement referents while it holds the freed value.
#[inline]
fn decref_in<T, H: Hooks>(
    slots: &mut SlotMap<Handle, Slot<T>>,
    zeros: &mut Vec<Handle>,
    hooks: &mut H,
    handle: Handle,
) -> Result<Decref, RefcountError> {
    let slot = slots
        .get_mut(handle)
        .ok_or(RefcountError::StaleHandle(handle))?;
    match slot.refcnt() {
        IMMORTAL_REFCOUNT => Ok(Decref::Immortal),
        0 => Err(RefcountError::Underflow(handle)),
        1 => {
            slot.set_refcnt(0);
            if !slot.queued() {
                slot.set_queued(true);
                zeros.push(handle);
            }
            Ok(Decref::Zero)
        }
        n => {
            slot.set_refcnt(n - 1);
            hooks.on_decref_nonzero(handle, n - 1);
            Ok(Decref::Alive(n - 1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Slot;
    use std::mem::size_of;

    /// The count word adds 4 bytes to the value, and for an 8-aligned
    /// value fills what would otherwise be the padding after slotmap's
    /// 4-byte version: 8 bytes of overhead per object either way.
    #[test]
    fn the_count_word_costs_four_bytes() {
        assert_eq!(size_of::<Slot<[u32; 10]>>(), 44);
        assert_eq!(size_of::<Slot<[u64; 5]>>(), 48);
    }
}
