//! The storage shared by the weak containers: an insertion-ordered table
//! of rows, each holding one weak reference, with CPython's
//! `_IterationGuard` / `_pending_removals` discipline.
//!
//! Rows live in a vector in insertion order (as a compact dict's entries
//! do); deleting a row leaves a hole, and holes are squeezed out only when
//! no iteration is in progress. While any iteration is in progress, rows
//! whose referent dies are not deleted but queued in `pending` and deleted
//! when the last iteration ends. An explicit deletion or insertion while
//! iterating changes the size, and the iteration then fails with
//! `RuntimeError: … changed size during iteration`, as CPython's dict and
//! set iterators do.

use core::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};

use hashbrown::HashMap;

use crate::{WeakError, WeakRefId};

/// Tables are numbered so that a cursor of one table is refused by another.
static NEXT_TABLE: AtomicU64 = AtomicU64::new(1);

/// An iteration in progress over a weak container (one
/// `_IterationGuard`).
///
/// Made by the container's `iter_begin`, advanced by `iter_next`, and
/// ended by `iter_end` (or automatically when `iter_next` reaches the end
/// or fails). A cursor of another container is treated as finished.
#[derive(Debug)]
pub struct Cursor {
    table: u64,
    pos: usize,
    used_at_start: usize,
    finished: bool,
}

impl Cursor {
    /// Whether the iteration ended (exhausted, failed or ended).
    #[must_use]
    pub fn is_finished(&self) -> bool {
        self.finished
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Row<L, E> {
    pub(crate) lookup: L,
    pub(crate) weakref: WeakRefId,
    pub(crate) extra: E,
    /// Whether `index` points here (a dead key of a weak-keyed table is
    /// unindexed at death: no live key can equal it any more).
    indexed: bool,
}

#[derive(Debug)]
pub(crate) struct Table<L, E> {
    id: u64,
    rows: Vec<Option<Row<L, E>>>,
    index: HashMap<L, usize>,
    by_ref: HashMap<WeakRefId, usize>,
    used: usize,
    guards: usize,
    pending: Vec<WeakRefId>,
}

impl<L: Clone + Eq + Hash, E> Table<L, E> {
    pub(crate) fn new() -> Self {
        Self {
            id: NEXT_TABLE.fetch_add(1, Ordering::Relaxed),
            rows: Vec::new(),
            index: HashMap::new(),
            by_ref: HashMap::new(),
            used: 0,
            guards: 0,
            pending: Vec::new(),
        }
    }

    /// `len(self.data)`: rows present, dead or alive.
    pub(crate) fn used(&self) -> usize {
        self.used
    }

    /// `len(self._pending_removals)`, counting only rows still present.
    pub(crate) fn pending(&self) -> usize {
        self.pending.len()
    }

    pub(crate) fn iterating(&self) -> bool {
        self.guards > 0
    }

    pub(crate) fn find(&self, lookup: &L) -> Option<&Row<L, E>> {
        let &slot = self.index.get(lookup)?;
        self.rows.get(slot)?.as_ref()
    }

    pub(crate) fn find_mut(&mut self, lookup: &L) -> Option<&mut Row<L, E>> {
        let &slot = self.index.get(lookup)?;
        self.rows.get_mut(slot)?.as_mut()
    }

    /// Append a row; the caller made sure `lookup` is not indexed.
    pub(crate) fn push(&mut self, lookup: L, weakref: WeakRefId, extra: E) {
        let slot = self.rows.len();
        self.index.insert(lookup.clone(), slot);
        self.by_ref.insert(weakref, slot);
        self.rows.push(Some(Row {
            lookup,
            weakref,
            extra,
            indexed: true,
        }));
        self.used += 1;
    }

    /// Point the row of `lookup` at a new weak reference; returns the old.
    pub(crate) fn replace_ref(&mut self, lookup: &L, weakref: WeakRefId) -> Option<WeakRefId> {
        let &slot = self.index.get(lookup)?;
        let row = self.rows.get_mut(slot)?.as_mut()?;
        let old = core::mem::replace(&mut row.weakref, weakref);
        self.by_ref.remove(&old);
        self.by_ref.insert(weakref, slot);
        self.pending.retain(|&p| p != old);
        Some(old)
    }

    fn delete_slot(&mut self, slot: usize) -> Option<Row<L, E>> {
        let row = self.rows.get_mut(slot)?.take()?;
        if row.indexed {
            self.index.remove(&row.lookup);
        }
        self.by_ref.remove(&row.weakref);
        self.pending.retain(|&p| p != row.weakref);
        self.used -= 1;
        Some(row)
    }

    pub(crate) fn delete(&mut self, lookup: &L) -> Option<Row<L, E>> {
        let &slot = self.index.get(lookup)?;
        let row = self.delete_slot(slot);
        self.maybe_compact();
        row
    }

    /// The `_remove` callback: the referent of `weakref` died. Deleted at
    /// once when no iteration is in progress, otherwise queued. With
    /// `unindex` (weak keys) the row stops being found by its key at once.
    pub(crate) fn on_dead(&mut self, weakref: WeakRefId, unindex: bool) -> Option<Row<L, E>> {
        let &slot = self.by_ref.get(&weakref)?;
        if self.guards == 0 {
            let row = self.delete_slot(slot);
            self.maybe_compact();
            return row;
        }
        if unindex
            && let Some(Some(row)) = self.rows.get_mut(slot)
            && row.indexed
        {
            row.indexed = false;
            self.index.remove(&row.lookup);
        }
        if !self.pending.contains(&weakref) {
            self.pending.push(weakref);
        }
        None
    }

    /// `_commit_removals`: delete every queued row.
    pub(crate) fn commit(&mut self) -> Vec<Row<L, E>> {
        let mut removed = Vec::new();
        while let Some(weakref) = self.pending.pop() {
            if let Some(&slot) = self.by_ref.get(&weakref)
                && let Some(row) = self.delete_slot(slot)
            {
                removed.push(row);
            }
        }
        self.maybe_compact();
        removed
    }

    /// The last row (`dict.popitem` is LIFO).
    pub(crate) fn pop_last(&mut self) -> Option<Row<L, E>> {
        let slot = self.rows.iter().rposition(Option::is_some)?;
        let row = self.delete_slot(slot);
        self.maybe_compact();
        row
    }

    /// The first row (used by `WeakSet.pop`).
    pub(crate) fn pop_first(&mut self) -> Option<Row<L, E>> {
        let slot = self.rows.iter().position(Option::is_some)?;
        let row = self.delete_slot(slot);
        self.maybe_compact();
        row
    }

    pub(crate) fn row(&self, slot: usize) -> Option<&Row<L, E>> {
        self.rows.get(slot)?.as_ref()
    }

    pub(crate) fn rows(&self) -> impl Iterator<Item = &Row<L, E>> + '_ {
        self.rows.iter().flatten()
    }

    /// Enter an `_IterationGuard`.
    pub(crate) fn begin(&mut self) -> Cursor {
        self.guards += 1;
        Cursor {
            table: self.id,
            pos: 0,
            used_at_start: self.used,
            finished: false,
        }
    }

    /// The next row of the iteration, `Ok(None)` at the end. Ending (or
    /// failing) exits the guard; rows removed by the final commit are
    /// returned in `removed`.
    pub(crate) fn step(
        &mut self,
        cursor: &mut Cursor,
        removed: &mut Vec<Row<L, E>>,
        container: &'static str,
    ) -> Result<Option<usize>, WeakError> {
        if cursor.finished || cursor.table != self.id {
            cursor.finished = true;
            return Ok(None);
        }
        if self.used != cursor.used_at_start {
            removed.extend(self.end(cursor));
            return Err(WeakError::ChangedSize { container });
        }
        let next = self.rows.iter().skip(cursor.pos).position(Option::is_some);
        match next {
            Some(offset) => {
                let slot = cursor.pos + offset;
                cursor.pos = slot + 1;
                Ok(Some(slot))
            }
            None => {
                removed.extend(self.end(cursor));
                Ok(None)
            }
        }
    }

    /// Exit the guard of `cursor` (idempotent); the last guard out commits
    /// the pending removals.
    pub(crate) fn end(&mut self, cursor: &mut Cursor) -> Vec<Row<L, E>> {
        if cursor.finished || cursor.table != self.id {
            cursor.finished = true;
            return Vec::new();
        }
        cursor.finished = true;
        self.guards = self.guards.saturating_sub(1);
        if self.guards == 0 {
            self.commit()
        } else {
            Vec::new()
        }
    }

    /// Squeeze out holes once they outnumber rows, never mid-iteration.
    fn maybe_compact(&mut self) {
        let holes = self.rows.len() - self.used;
        if self.guards > 0 || holes <= 8 || holes < self.used {
            return;
        }
        self.rows.retain(Option::is_some);
        self.index.clear();
        self.by_ref.clear();
        for (slot, row) in self.rows.iter().enumerate() {
            if let Some(row) = row {
                if row.indexed {
                    self.index.insert(row.lookup.clone(), slot);
                }
                self.by_ref.insert(row.weakref, slot);
            }
        }
    }
}
