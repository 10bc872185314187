//! The weak containers of `Lib/weakref.py` and `Lib/_weakrefset.py`:
//! [`WeakValueDictionary`], [`WeakKeyDictionary`] and [`WeakSet`].
//!
//! Each entry holds a weak reference with a callback, registered in the
//! host's [`Registry`]; the host routes that callback back to the
//! container's `remove_dead` (CPython's `_remove` closure), which deletes
//! the entry, or queues it while an iteration is in progress
//! (`_IterationGuard` / `_pending_removals`). Methods that may create or
//! discard entries take the registry; discarded entries' weak references
//! are removed from it (their payload and callback are dropped, so use
//! plain ids for them, as a host routing by container id does).
//!
//! Deliberate differences: keys of [`WeakKeyDictionary`] and members of
//! [`WeakSet`] are compared by referent id (`K: Eq + Hash`), not by
//! Python's `__eq__`/`__hash__`; a `WeakSet` iterates in insertion order,
//! where CPython's set order follows hashes.

use core::hash::Hash;
use core::marker::PhantomData;

use crate::table::{Cursor, Row, Table};
use crate::{NewWeakRef, ReferentKind, Registry, WeakError, WeakRefId, check_weakrefable};

/// `KeyedRef(value, self._remove, key)` / `ref(key, self._remove)`: a
/// callback reference of a `ref` subclass, never reused.
fn entry_ref<C>(callback: C) -> NewWeakRef<C> {
    NewWeakRef {
        flavor: crate::Flavor::Ref,
        callback: Some(callback),
        subclass: true,
    }
}

fn discard<L, E, K: Copy + Eq + Hash, W, C>(
    reg: &mut Registry<K, W, C>,
    rows: impl IntoIterator<Item = Row<L, E>>,
) {
    for row in rows {
        let _ = reg.remove(row.weakref);
    }
}

/// `weakref.WeakValueDictionary`: keys `Q` held strongly, values (referent
/// ids `K`) held weakly.
///
/// As in 3.11, almost every method first commits pending removals, even
/// while an iteration is in progress (which then fails with "dictionary
/// changed size during iteration").
#[derive(Debug)]
pub struct WeakValueDictionary<Q, K> {
    table: Table<Q, ()>,
    _referent: PhantomData<K>,
}

impl<Q: Clone + Eq + Hash, K: Copy + Eq + Hash> Default for WeakValueDictionary<Q, K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<Q: Clone + Eq + Hash, K: Copy + Eq + Hash> WeakValueDictionary<Q, K> {
    /// An empty dictionary.
    #[must_use]
    pub fn new() -> Self {
        Self {
            table: Table::new(),
            _referent: PhantomData,
        }
    }

    fn commit<W, C>(&mut self, reg: &mut Registry<K, W, C>) {
        if self.table.pending() > 0 {
            let rows = self.table.commit();
            discard(reg, rows);
        }
    }

    /// `d[key] = value`: `callback` must route to
    /// [`remove_dead`](Self::remove_dead) of this dictionary. Replacing a
    /// key keeps its position; the old reference is discarded (its callback
    /// never runs).
    pub fn insert<W, C>(
        &mut self,
        reg: &mut Registry<K, W, C>,
        key: Q,
        value: K,
        kind: &(impl ReferentKind + ?Sized),
        callback: C,
        payload: W,
    ) -> Result<(), WeakError> {
        self.commit(reg);
        check_weakrefable(kind)?;
        let id = reg.insert(value, entry_ref(callback), payload);
        if self.table.find(&key).is_some() {
            if let Some(old) = self.table.replace_ref(&key, id) {
                let _ = reg.remove(old);
            }
        } else {
            self.table.push(key, id, ());
        }
        Ok(())
    }

    /// `d.get(key)`: the live value, or `None` if missing or dead.
    pub fn get<W, C>(&mut self, reg: &mut Registry<K, W, C>, key: &Q) -> Option<K> {
        self.commit(reg);
        reg.resolve(self.table.find(key)?.weakref)
    }

    /// `d[key]`: `KeyError` when missing or dead.
    pub fn get_item<W, C>(&mut self, reg: &mut Registry<K, W, C>, key: &Q) -> Result<K, WeakError> {
        self.get(reg, key).ok_or(WeakError::KeyMissing)
    }

    /// `key in d`: present and alive.
    pub fn contains<W, C>(&mut self, reg: &mut Registry<K, W, C>, key: &Q) -> bool {
        self.get(reg, key).is_some()
    }

    /// `len(d)`: commits pending removals, then counts entries.
    pub fn len<W, C>(&mut self, reg: &mut Registry<K, W, C>) -> usize {
        self.commit(reg);
        self.table.used()
    }

    /// Whether `len(d) == 0`.
    pub fn is_empty<W, C>(&mut self, reg: &mut Registry<K, W, C>) -> bool {
        self.len(reg) == 0
    }

    /// `del d[key]`: `KeyError` when missing (a dead entry is deleted
    /// silently).
    pub fn remove<W, C>(&mut self, reg: &mut Registry<K, W, C>, key: &Q) -> Result<(), WeakError> {
        self.commit(reg);
        let row = self.table.delete(key).ok_or(WeakError::KeyMissing)?;
        discard(reg, [row]);
        Ok(())
    }

    /// `d.pop(key)`: the live value; `KeyError` when missing or dead (the
    /// dead entry is deleted anyway).
    pub fn pop<W, C>(&mut self, reg: &mut Registry<K, W, C>, key: &Q) -> Result<K, WeakError> {
        self.commit(reg);
        let row = self.table.delete(key).ok_or(WeakError::KeyMissing)?;
        let value = reg.resolve(row.weakref);
        discard(reg, [row]);
        value.ok_or(WeakError::KeyMissing)
    }

    /// `d.popitem()`: the last live entry, skipping (and deleting) dead
    /// ones; `KeyError: 'popitem(): dictionary is empty'` when none.
    pub fn popitem<W, C>(&mut self, reg: &mut Registry<K, W, C>) -> Result<(Q, K), WeakError> {
        self.commit(reg);
        while let Some(row) = self.table.pop_last() {
            let value = reg.resolve(row.weakref);
            let _ = reg.remove(row.weakref);
            if let Some(value) = value {
                return Ok((row.lookup, value));
            }
        }
        Err(WeakError::EmptyPopitem)
    }

    /// `d.setdefault(key, default)`: the live value, or `default` stored
    /// and returned.
    #[allow(clippy::too_many_arguments)]
    pub fn setdefault<W, C>(
        &mut self,
        reg: &mut Registry<K, W, C>,
        key: Q,
        default: K,
        kind: &(impl ReferentKind + ?Sized),
        callback: C,
        payload: W,
    ) -> Result<K, WeakError> {
        if let Some(row) = self.table.find(&key)
            && let Some(value) = reg.resolve(row.weakref)
        {
            return Ok(value);
        }
        self.insert(reg, key, default, kind, callback, payload)?;
        Ok(default)
    }

    /// `d.clear()` (`MutableMapping.clear`: `popitem` until empty).
    pub fn clear<W, C>(&mut self, reg: &mut Registry<K, W, C>) {
        while self.popitem(reg).is_ok() {}
    }

    /// `d.valuerefs()`: every entry's weak reference, dead or alive.
    pub fn valuerefs<W, C>(&mut self, reg: &mut Registry<K, W, C>) -> Vec<WeakRefId> {
        self.commit(reg);
        self.table.rows().map(|row| row.weakref).collect()
    }

    /// The `_remove` callback: the value behind `weakref` died.
    pub fn remove_dead<W, C>(&mut self, reg: &mut Registry<K, W, C>, weakref: WeakRefId) {
        let rows = self.table.on_dead(weakref, false);
        discard(reg, rows);
    }

    /// Start `items()`/`keys()`/`values()`: commits, then enters the
    /// iteration guard. Call it at the iterator's first `next()`.
    pub fn iter_begin<W, C>(&mut self, reg: &mut Registry<K, W, C>) -> Cursor {
        self.commit(reg);
        self.table.begin()
    }

    /// The next live `(key, value)`; `Ok(None)` at the end. Fails with
    /// "dictionary changed size during iteration" after the dictionary
    /// was resized. Ending or failing exits the guard.
    pub fn iter_next<W, C>(
        &mut self,
        reg: &mut Registry<K, W, C>,
        cursor: &mut Cursor,
    ) -> Result<Option<(Q, K)>, WeakError> {
        let mut removed = Vec::new();
        loop {
            let step = self.table.step(cursor, &mut removed, "dictionary");
            discard(reg, removed.drain(..));
            let Some(slot) = step? else { return Ok(None) };
            if let Some(row) = self.table.row(slot)
                && let Some(value) = reg.resolve(row.weakref)
            {
                return Ok(Some((row.lookup.clone(), value)));
            }
        }
    }

    /// Abandon an iteration (the iterator was deleted); idempotent.
    pub fn iter_end<W, C>(&mut self, reg: &mut Registry<K, W, C>, cursor: &mut Cursor) {
        let rows = self.table.end(cursor);
        discard(reg, rows);
    }

    /// Whether an iteration is in progress.
    #[must_use]
    pub fn iterating(&self) -> bool {
        self.table.iterating()
    }
}

/// `weakref.WeakKeyDictionary`: keys (referent ids `K`) held weakly,
/// values `V` held strongly.
#[derive(Debug)]
pub struct WeakKeyDictionary<K, V> {
    table: Table<K, V>,
}

impl<K: Copy + Eq + Hash, V> Default for WeakKeyDictionary<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: Copy + Eq + Hash, V> WeakKeyDictionary<K, V> {
    /// An empty dictionary.
    #[must_use]
    pub fn new() -> Self {
        Self {
            table: Table::new(),
        }
    }

    /// `d[key] = value`: a non-weakrefable key is a `TypeError`. An
    /// existing key keeps its entry and reference (the new reference is
    /// never made) and the old value is returned.
    pub fn insert<W, C>(
        &mut self,
        reg: &mut Registry<K, W, C>,
        key: K,
        kind: &(impl ReferentKind + ?Sized),
        value: V,
        callback: C,
        payload: W,
    ) -> Result<Option<V>, WeakError> {
        check_weakrefable(kind)?;
        if let Some(row) = self.table.find_mut(&key) {
            return Ok(Some(core::mem::replace(&mut row.extra, value)));
        }
        let id = reg.insert(key, entry_ref(callback), payload);
        self.table.push(key, id, value);
        Ok(None)
    }

    /// `d.get(key)` / `d[key]` (`None` is the `KeyError`).
    #[must_use]
    pub fn get(&self, key: &K) -> Option<&V> {
        self.table.find(key).map(|row| &row.extra)
    }

    /// Mutable access to the value of `key`.
    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        self.table.find_mut(key).map(|row| &mut row.extra)
    }

    /// `key in d`.
    #[must_use]
    pub fn contains(&self, key: &K) -> bool {
        self.table.find(key).is_some()
    }

    /// `len(d)`: entries minus those whose removal is pending.
    #[must_use]
    pub fn len(&self) -> usize {
        self.table.used() - self.table.pending()
    }

    /// Whether `len(d) == 0`.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `del d[key]` / `d.pop(key)`: the value, or `KeyError`.
    pub fn remove<W, C>(&mut self, reg: &mut Registry<K, W, C>, key: &K) -> Result<V, WeakError> {
        let row = self.table.delete(key).ok_or(WeakError::KeyMissing)?;
        let _ = reg.remove(row.weakref);
        Ok(row.extra)
    }

    /// `d.popitem()`: the last entry with a live key, skipping (and
    /// deleting) dead ones.
    pub fn popitem<W, C>(&mut self, reg: &mut Registry<K, W, C>) -> Result<(K, V), WeakError> {
        while let Some(row) = self.table.pop_last() {
            let key = reg.resolve(row.weakref);
            let _ = reg.remove(row.weakref);
            if let Some(key) = key {
                return Ok((key, row.extra));
            }
        }
        Err(WeakError::EmptyPopitem)
    }

    /// `d.clear()`.
    pub fn clear<W, C>(&mut self, reg: &mut Registry<K, W, C>) {
        while self.popitem(reg).is_ok() {}
    }

    /// `d.keyrefs()`: every entry's weak reference.
    #[must_use]
    pub fn keyrefs(&self) -> Vec<WeakRefId> {
        self.table.rows().map(|row| row.weakref).collect()
    }

    /// The `_remove` callback: the key behind `weakref` died.
    pub fn remove_dead<W, C>(&mut self, reg: &mut Registry<K, W, C>, weakref: WeakRefId) {
        let rows = self.table.on_dead(weakref, true);
        discard(reg, rows);
    }

    /// Start `items()`/`keys()`/`values()` at the first `next()`.
    pub fn iter_begin(&mut self) -> Cursor {
        self.table.begin()
    }

    /// The next entry with a live key; see
    /// [`WeakValueDictionary::iter_next`].
    pub fn iter_next<W, C>(
        &mut self,
        reg: &mut Registry<K, W, C>,
        cursor: &mut Cursor,
    ) -> Result<Option<(K, &V)>, WeakError> {
        let mut removed = Vec::new();
        let slot = loop {
            let step = self.table.step(cursor, &mut removed, "dictionary");
            discard(reg, removed.drain(..));
            let Some(slot) = step? else { return Ok(None) };
            if let Some(row) = self.table.row(slot)
                && reg.resolve(row.weakref).is_some()
            {
                break slot;
            }
        };
        Ok(self
            .table
            .row(slot)
            .and_then(|row| reg.resolve(row.weakref).map(|k| (k, &row.extra))))
    }

    /// Abandon an iteration; idempotent.
    pub fn iter_end<W, C>(&mut self, reg: &mut Registry<K, W, C>, cursor: &mut Cursor) {
        let rows = self.table.end(cursor);
        discard(reg, rows);
    }
}

/// `weakref.WeakSet`: members (referent ids `K`) held weakly.
#[derive(Debug)]
pub struct WeakSet<K> {
    table: Table<K, ()>,
}

impl<K: Copy + Eq + Hash> Default for WeakSet<K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: Copy + Eq + Hash> WeakSet<K> {
    /// An empty set.
    #[must_use]
    pub fn new() -> Self {
        Self {
            table: Table::new(),
        }
    }

    fn commit<W, C>(&mut self, reg: &mut Registry<K, W, C>) {
        if self.table.pending() > 0 {
            let rows = self.table.commit();
            discard(reg, rows);
        }
    }

    /// `s.add(item)`: commits pending removals first; returns whether the
    /// item was new.
    pub fn add<W, C>(
        &mut self,
        reg: &mut Registry<K, W, C>,
        item: K,
        kind: &(impl ReferentKind + ?Sized),
        callback: C,
        payload: W,
    ) -> Result<bool, WeakError> {
        check_weakrefable(kind)?;
        self.commit(reg);
        if self.table.find(&item).is_some() {
            return Ok(false);
        }
        let id = reg.insert(item, entry_ref(callback), payload);
        self.table.push(item, id, ());
        Ok(true)
    }

    /// `item in s`.
    #[must_use]
    pub fn contains(&self, item: &K) -> bool {
        self.table.find(item).is_some()
    }

    /// `len(s)`: members minus pending removals.
    #[must_use]
    pub fn len(&self) -> usize {
        self.table.used() - self.table.pending()
    }

    /// Whether `len(s) == 0`.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `s.remove(item)`: `KeyError` when absent.
    pub fn remove<W, C>(&mut self, reg: &mut Registry<K, W, C>, item: &K) -> Result<(), WeakError> {
        self.commit(reg);
        let row = self.table.delete(item).ok_or(WeakError::KeyMissing)?;
        let _ = reg.remove(row.weakref);
        Ok(())
    }

    /// `s.discard(item)`: whether it was present.
    pub fn discard<W, C>(&mut self, reg: &mut Registry<K, W, C>, item: &K) -> bool {
        self.remove(reg, item).is_ok()
    }

    /// `s.pop()`: a live member (the oldest here), skipping dead ones;
    /// `KeyError: 'pop from empty WeakSet'` when none.
    pub fn pop<W, C>(&mut self, reg: &mut Registry<K, W, C>) -> Result<K, WeakError> {
        self.commit(reg);
        while let Some(row) = self.table.pop_first() {
            let item = reg.resolve(row.weakref);
            let _ = reg.remove(row.weakref);
            if let Some(item) = item {
                return Ok(item);
            }
        }
        Err(WeakError::EmptySetPop)
    }

    /// `s.clear()`.
    pub fn clear<W, C>(&mut self, reg: &mut Registry<K, W, C>) {
        self.commit(reg);
        while let Some(row) = self.table.pop_first() {
            let _ = reg.remove(row.weakref);
        }
    }

    /// The `_remove` callback: the member behind `weakref` died.
    pub fn remove_dead<W, C>(&mut self, reg: &mut Registry<K, W, C>, weakref: WeakRefId) {
        let rows = self.table.on_dead(weakref, true);
        discard(reg, rows);
    }

    /// Start an iteration at the first `next()`.
    pub fn iter_begin(&mut self) -> Cursor {
        self.table.begin()
    }

    /// The next live member; fails with "Set changed size during
    /// iteration" after the set was resized.
    pub fn iter_next<W, C>(
        &mut self,
        reg: &mut Registry<K, W, C>,
        cursor: &mut Cursor,
    ) -> Result<Option<K>, WeakError> {
        let mut removed = Vec::new();
        loop {
            let step = self.table.step(cursor, &mut removed, "Set");
            discard(reg, removed.drain(..));
            let Some(slot) = step? else { return Ok(None) };
            if let Some(item) = self
                .table
                .row(slot)
                .and_then(|row| reg.resolve(row.weakref))
            {
                return Ok(Some(item));
            }
        }
    }

    /// Abandon an iteration; idempotent.
    pub fn iter_end<W, C>(&mut self, reg: &mut Registry<K, W, C>, cursor: &mut Cursor) {
        let rows = self.table.end(cursor);
        discard(reg, rows);
    }
}
