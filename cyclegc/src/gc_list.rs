//! The node table: the collector's dense per-object data and CPython's
//! intrusive doubly linked lists (`gc_list_*`), as indices into one `Vec`.
//!
//! Each tracked object has one [`Entry`]; the host's
//! [`GcHeader`](crate::GcHeader) holds the entry's index, so finding an
//! object's collector data costs one host field read and one array index,
//! as `AS_GC(op)` does in CPython. Moving an entry is O(1). Each entry
//! carries a label naming its list, except that the three generations share
//! one label: merging two generations (what every collection does, twice)
//! is O(1) as in CPython's `gc_list_merge`; a merge into or out of another
//! list relabels the moved entries (O(moved), paid only on lists the
//! collection handles one by one anyway, or by `gc.freeze`). Lists other
//! than the generations know their length; a generation's length is the
//! shared count when the other two generations are empty (as they are in
//! a full collection) and otherwise a walk (CPython's `gc_list_size`).

use crate::{GcError, GcHeader, Graph, UntrackKind};

/// The end of a list.
pub(crate) const NIL: u32 = u32::MAX;

/// List identities.
pub(crate) type ListId = u8;
/// Generation 0 (the youngest).
pub(crate) const GEN0: ListId = 0;
/// Generation 1.
pub(crate) const GEN1: ListId = 1;
/// Generation 2 (the oldest).
pub(crate) const GEN2: ListId = 2;
/// The permanent generation (`gc.freeze`).
pub(crate) const PERMANENT: ListId = 3;
/// Tentatively or finally unreachable objects of the collection.
pub(crate) const UNREACHABLE: ListId = 4;
/// Objects with legacy finalizers and what they reach.
pub(crate) const FINALIZERS: ListId = 5;
/// Scratch list (`seen` in `finalize_garbage`, `still_unreachable`).
pub(crate) const SCRATCH: ListId = 6;
/// Marks a vacant entry (on the free stack, in no list).
const FREE: ListId = 7;
const NUM_LISTS: usize = 7;

/// The label entries of `list` carry: the generations share GEN0's.
#[inline]
fn label(list: ListId) -> ListId {
    if list <= GEN2 { GEN0 } else { list }
}

/// Entry flag: the object is an exact tuple (untrack_tuples applies).
pub(crate) const KIND_TUPLE: u8 = 2;
/// Entry flag: the object is a dict (untrack_dicts applies).
pub(crate) const KIND_DICT: u8 = 4;
/// Entry flag: in trial deletion's candidate-root buffer (purple).
pub(crate) const BUFFERED: u8 = 8;
/// Entry flags: trial deletion's colours during a collection.
pub(crate) const GRAY: u8 = 16;
/// Trial deletion: white (garbage candidate).
pub(crate) const WHITE: u8 = 32;
/// Trial deletion: black (live), set during scan.
pub(crate) const BLACK: u8 = 64;

/// One tracked object's collector data (24 bytes for an 8-byte node).
#[derive(Debug, Clone)]
pub(crate) struct Entry<N> {
    /// The object.
    pub(crate) node: N,
    prev: u32,
    next: u32,
    list: ListId,
    /// Kind and colour flags (COLLECTING lives in the host's header).
    pub(crate) flags: u8,
}

#[derive(Debug, Clone, Copy)]
struct ListHead {
    head: u32,
    tail: u32,
}

const EMPTY: ListHead = ListHead {
    head: NIL,
    tail: NIL,
};

/// Entries plus list heads.
#[derive(Debug, Clone)]
pub(crate) struct NodeTable<N> {
    pub(crate) entries: Vec<Entry<N>>,
    lists: [ListHead; NUM_LISTS],
    /// Entries per label (`lens[GEN0]` counts all three generations).
    lens: [usize; NUM_LISTS],
    /// Live entries with KIND_TUPLE and with KIND_DICT: a collection skips
    /// `untrack_tuples` / `untrack_dicts` when there are none.
    kinds: [usize; 2],
    /// Vacant entries, for reuse (a stack).
    free: Vec<u32>,
    /// The list whose entries are vacated lazily, if any.
    lazy: Option<ListId>,
    /// DEAD entries (a bit per entry): untracked while in the lazy list,
    /// still linked there until the walk reaches them. A bitset, so that
    /// marking one touches neither the entry nor its neighbours.
    dead: Vec<u64>,
}

impl<N> Entry<N> {
    /// The next entry of its list.
    #[inline]
    pub(crate) fn next_index(&self) -> u32 {
        self.next
    }
}

impl<N: Copy + Eq> NodeTable<N> {
    pub(crate) fn new() -> Self {
        Self {
            entries: Vec::new(),
            lists: [EMPTY; NUM_LISTS],
            lens: [0; NUM_LISTS],
            kinds: [0; 2],
            free: Vec::new(),
            lazy: None,
            dead: Vec::new(),
        }
    }

    /// The entry index of a tracked node (`AS_GC`), validated: a stale,
    /// foreign or untracked node gives `None`.
    #[inline]
    pub(crate) fn lookup<G: Graph<Node = N>>(&self, graph: &G, node: N) -> Option<u32> {
        self.check(graph.gc_header(node), node)
    }

    /// The entry index `header` names, if it is `node`'s live entry.
    #[inline]
    fn check(&self, header: GcHeader, node: N) -> Option<u32> {
        let slot = header.slot()?;
        let e = self.entries.get(slot as usize)?;
        (e.list != FREE && e.node == node && !self.is_dead(slot)).then_some(slot)
    }

    /// The node of entry `i` (any list).
    #[inline]
    pub(crate) fn node(&self, i: u32) -> Option<N> {
        self.entries.get(i as usize).map(|e| e.node)
    }

    #[inline]
    pub(crate) fn entry(&self, i: u32) -> Option<&Entry<N>> {
        self.entries.get(i as usize)
    }

    #[inline]
    pub(crate) fn entry_mut(&mut self, i: u32) -> Option<&mut Entry<N>> {
        self.entries.get_mut(i as usize)
    }

    #[inline]
    pub(crate) fn flags(&self, i: u32) -> u8 {
        self.entries.get(i as usize).map_or(0, |e| e.flags)
    }

    /// The label of entry `i`'s list: the list itself, except GEN0 for
    /// any generation.
    #[inline]
    pub(crate) fn list_of(&self, i: u32) -> ListId {
        self.entries.get(i as usize).map_or(FREE, |e| e.list)
    }

    pub(crate) fn head(&self, list: ListId) -> u32 {
        self.lists.get(list as usize).map_or(NIL, |l| l.head)
    }

    #[inline]
    pub(crate) fn next(&self, i: u32) -> u32 {
        self.entries.get(i as usize).map_or(NIL, |e| e.next)
    }

    /// The length of `list`: O(1) except for a generation while another
    /// generation is non-empty (then a walk, as `gc_list_size`).
    pub(crate) fn len(&self, list: ListId) -> usize {
        // While `delete_garbage` runs, generations (and the permanent
        // generation, after a `gc.freeze()` then) may hold DEAD entries
        // not unlinked yet: count by walking.
        let walk = self.lazy.is_some() && list <= PERMANENT;
        if list > GEN2 && !walk {
            return self.lens.get(list as usize).copied().unwrap_or(0);
        }
        let others_empty = (GEN0..=GEN2)
            .filter(|&g| g != list)
            .all(|g| self.head(g) == NIL);
        if others_empty && !walk {
            return self.lens[GEN0 as usize];
        }
        let mut n = 0;
        let mut cur = self.head(list);
        while let Some(e) = self.entries.get(cur as usize) {
            n += usize::from(!self.is_dead(cur));
            cur = e.next;
        }
        n
    }

    /// Whether `list` holds every tracked object: a generation, with the
    /// other two generations and every other list empty.
    pub(crate) fn holds_all_tracked(&self, list: ListId) -> bool {
        list <= GEN2
            && (GEN0..=GEN2).all(|g| g == list || self.head(g) == NIL)
            && (PERMANENT..NUM_LISTS as ListId).all(|l| self.head(l) == NIL)
    }

    /// Whether any tracked object has kind `flag` (KIND_TUPLE or KIND_DICT).
    pub(crate) fn has_kind(&self, flag: u8) -> bool {
        match flag {
            KIND_TUPLE => self.kinds[0] > 0,
            KIND_DICT => self.kinds[1] > 0,
            _ => true,
        }
    }

    #[inline]
    fn count_kind(&mut self, flags: u8, add: bool) {
        if flags & (KIND_TUPLE | KIND_DICT) == 0 {
            return;
        }
        for (bit, k) in [(KIND_TUPLE, 0), (KIND_DICT, 1)] {
            if flags & bit != 0 {
                self.kinds[k] = if add {
                    self.kinds[k] + 1
                } else {
                    self.kinds[k].saturating_sub(1)
                };
            }
        }
    }

    /// Starts tracking `node` at the tail of `list`; returns its index.
    pub(crate) fn insert<G: Graph<Node = N>>(
        &mut self,
        graph: &mut G,
        node: N,
        list: ListId,
    ) -> Result<u32, GcError> {
        let header = graph.gc_header(node);
        if let Some(i) = self.check(header, node) {
            return Ok(i);
        }
        let flags = match graph.untrack_kind(node) {
            UntrackKind::Never => 0,
            UntrackKind::Tuple => KIND_TUPLE,
            UntrackKind::Dict => KIND_DICT,
        };
        let i = match self.free.pop() {
            None => {
                let i = u32::try_from(self.entries.len()).map_err(|_| GcError::TooManyObjects)?;
                if i >= GcHeader::MAX_TRACKED {
                    return Err(GcError::TooManyObjects);
                }
                self.entries.push(Entry {
                    node,
                    prev: NIL,
                    next: NIL,
                    list: FREE,
                    flags,
                });
                i
            }
            Some(i) => {
                if let Some(e) = self.entries.get_mut(i as usize) {
                    e.node = node;
                    e.flags = flags;
                }
                i
            }
        };
        self.count_kind(flags, true);
        self.push_tail(list, i);
        graph.set_gc_header(node, header.with_slot(Some(i)));
        Ok(i)
    }

    /// Stops tracking `node`, vacating its entry.
    pub(crate) fn remove<G: Graph<Node = N>>(&mut self, graph: &mut G, node: N) -> Option<u32> {
        graph.update_gc_header(node, |header| self.remove_header(node, header))
    }

    /// [`NodeTable::remove`] given `node`'s header.
    #[inline]
    pub(crate) fn remove_header(&mut self, node: N, header: &mut GcHeader) -> Option<u32> {
        // While `delete_garbage` runs, the objects with COLLECTING are
        // exactly those of the lazy list: the header is proof enough, and
        // the entry is not read (a cache miss per freed object). That one
        // path of a garbage pass makes no call (so it saves no registers).
        if let Some(i) = header.slot()
            && self.lazy.is_some()
            && header.is_collecting()
            && let Some(word) = self.dead.get_mut(i as usize / 64)
        {
            let bit = 1 << (i % 64);
            if *word & bit != 0 {
                return None; // already DEAD
            }
            *word |= bit;
            header.clear_slot();
            return Some(i);
        }
        self.remove_slow(node, header)
    }

    /// [`NodeTable::remove_header`]'s other cases: a DEAD bit beyond the
    /// bitset, or an entry outside the lazy list (checked against `node`
    /// and vacated).
    #[inline(never)]
    fn remove_slow(&mut self, node: N, header: &mut GcHeader) -> Option<u32> {
        let i = match header.slot() {
            Some(i) if self.lazy.is_some() && header.is_collecting() => {
                if !self.mark_dead(i) {
                    return None; // already DEAD
                }
                i
            }
            _ => {
                let i = self.check(*header, node)?;
                self.vacate(i);
                i
            }
        };
        header.clear_slot();
        Some(i)
    }

    /// Unlinks entry `i` and puts it on the free stack; in the lazy list,
    /// only marks it DEAD.
    fn vacate(&mut self, i: u32) {
        let lbl = self.list_of(i);
        if lbl == FREE {
            return; // already vacant: never on the free stack twice
        }
        if self.lazy == Some(lbl) {
            self.mark_dead(i);
            return;
        }
        self.vacate_now(i);
    }

    #[inline]
    fn is_dead(&self, i: u32) -> bool {
        self.lazy.is_some()
            && self
                .dead
                .get(i as usize / 64)
                .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// Sets entry `i`'s DEAD bit; whether it was clear.
    #[inline]
    fn mark_dead(&mut self, i: u32) -> bool {
        let w = i as usize / 64;
        if self.dead.len() <= w {
            self.grow_dead(w);
        }
        let bit = 1 << (i % 64);
        let Some(word) = self.dead.get_mut(w) else {
            return false;
        };
        let was_clear = *word & bit == 0;
        *word |= bit;
        was_clear
    }

    /// Makes the DEAD bitset reach word `w` (once per 64 entries).
    #[cold]
    #[inline(never)]
    fn grow_dead(&mut self, w: usize) {
        self.dead.resize(w + 1, 0);
    }

    fn vacate_now(&mut self, i: u32) {
        if let Some(word) = self.dead.get_mut(i as usize / 64) {
            *word &= !(1 << (i % 64));
        }
        self.unlink(i);
        if let Some(e) = self.entries.get_mut(i as usize) {
            let flags = e.flags;
            e.list = FREE;
            e.flags = 0;
            self.free.push(i);
            self.count_kind(flags, false);
        }
    }

    /// Makes untracking an object of `list` cheap while `delete_garbage`
    /// walks it from the head (CPython's `gc_list_remove` there touches
    /// both neighbours, two cache misses in a shuffled heap): the entry is
    /// only marked DEAD, and [`NodeTable::reclaim_dead_head`] vacates it
    /// when it reaches the head. Objects `delete_garbage` moved to `old`
    /// alive keep COLLECTING meanwhile, so their untracking only marks them
    /// DEAD too ([`NodeTable::release_if_dead`] unlinks them afterwards).
    /// `None` ends this; the list must be empty and no entry DEAD by then.
    pub(crate) fn set_lazy(&mut self, list: Option<ListId>) {
        self.lazy = list.filter(|&l| l > GEN2);
    }

    /// Vacates the DEAD entries at the head of `list`.
    /// The run is cut off in one go: no per-entry unlinking.
    #[inline]
    pub(crate) fn reclaim_dead_head(&mut self, list: ListId) {
        let head = self.head(list);
        if self.is_dead(head) {
            self.reclaim_dead_run(list, head);
        }
    }

    #[inline]
    fn reclaim_dead_run(&mut self, list: ListId, head: u32) {
        let mut cur = head;
        let mut reclaimed = 0;
        while let Some(next) = self.release_dead_in_place(cur) {
            reclaimed += 1;
            cur = next;
        }
        if let Some(l) = self.lists.get_mut(list as usize) {
            l.head = cur;
            if cur == NIL {
                l.tail = NIL;
            }
        }
        if let Some(e) = self.entries.get_mut(cur as usize) {
            e.prev = NIL;
        }
        if let Some(n) = self.lens.get_mut(label(list) as usize) {
            *n = n.saturating_sub(reclaimed);
        }
    }

    /// Empties the lazy list `list` in one walk: DEAD entries are vacated
    /// (no unlinking: the whole list goes), the others are appended to
    /// `old` in order and reported to `on_live`.
    pub(crate) fn dissolve_lazy(
        &mut self,
        list: ListId,
        old: ListId,
        mut on_live: impl FnMut(u32, N),
    ) {
        let mut cur = self.head(list);
        if let Some(l) = self.lists.get_mut(list as usize) {
            *l = EMPTY;
        }
        if let Some(n) = self.lens.get_mut(label(list) as usize) {
            // Most of the list is dead: room on the free stack at once.
            self.free.reserve(*n);
            *n = 0;
        }
        while let Some(e) = self.entries.get(cur as usize) {
            let (next, node) = (e.next, e.node);
            if self.release_dead_in_place(cur).is_none() {
                self.push_tail(old, cur);
                on_live(cur, node);
            }
            cur = next;
        }
    }

    /// If entry `i` is DEAD: vacates it where it stands (its bit cleared,
    /// put on the free stack, left linked: a vacant entry's links are
    /// never read, `push_tail` sets them when it is reused) and returns
    /// the entry that followed it. `None` (nothing changed) otherwise.
    #[inline]
    fn release_dead_in_place(&mut self, i: u32) -> Option<u32> {
        let word = self.dead.get_mut(i as usize / 64)?;
        let bit = 1 << (i % 64);
        if *word & bit == 0 {
            return None;
        }
        *word &= !bit;
        let e = self.entries.get_mut(i as usize)?;
        let (next, flags) = (e.next, e.flags);
        e.list = FREE;
        e.flags = 0;
        self.free.push(i);
        self.count_kind(flags, false);
        Some(next)
    }

    /// Whether entry `i` is tracked (not vacant, not DEAD).
    #[inline]
    pub(crate) fn is_live(&self, i: u32) -> bool {
        self.entries
            .get(i as usize)
            .is_some_and(|e| e.list != FREE && !self.is_dead(i))
    }

    /// Vacates entry `i` (unlinking it from its list) if it is DEAD;
    /// whether it was.
    pub(crate) fn release_if_dead(&mut self, i: u32) -> bool {
        let dead = self.is_dead(i);
        if dead {
            self.vacate_now(i);
        }
        dead
    }

    /// Whether entry `i` is in a generation list or the permanent one
    /// (not one of a collection's own lists).
    #[inline]
    pub(crate) fn in_generation(&self, i: u32) -> bool {
        self.list_of(i) <= PERMANENT
    }

    /// Vacates entry `i` whose node the host no longer knows (freed
    /// without being untracked): its header cannot be written any more.
    pub(crate) fn release_stale(&mut self, i: u32) {
        self.vacate(i);
    }

    /// Whether entry `i` is the one `node`'s header points to.
    #[inline]
    pub(crate) fn is_current<G: Graph<Node = N>>(&self, graph: &G, i: u32) -> bool {
        self.entries.get(i as usize).is_some_and(|e| {
            e.list != FREE && !self.is_dead(i) && graph.gc_header(e.node).is_slot(i)
        })
    }

    /// Unlinks entry `i` from its list (it belongs to none afterwards
    /// until pushed). An entry at either end of a generation finds its
    /// list among the three by its head or tail.
    fn unlink(&mut self, i: u32) {
        let Some(e) = self.entries.get(i as usize) else {
            return;
        };
        let (prev, next, lbl) = (e.prev, e.next, e.list);
        if lbl == FREE {
            return;
        }
        // The list whose head (or tail) is `i`: its label names it, except
        // for a generation, found among the three (the oldest first: a
        // collection empties the merged young list from its head).
        let owner = |lists: &[ListHead; NUM_LISTS], at_head: bool| {
            if lbl != GEN0 {
                return Some(lbl as usize);
            }
            [GEN2, GEN1, GEN0].into_iter().map(usize::from).find(|&g| {
                lists
                    .get(g)
                    .is_some_and(|l| if at_head { l.head == i } else { l.tail == i })
            })
        };
        match self.entries.get_mut(prev as usize) {
            Some(p) => p.next = next,
            None => {
                if let Some(l) = owner(&self.lists, true).and_then(|g| self.lists.get_mut(g)) {
                    l.head = next;
                }
            }
        }
        match self.entries.get_mut(next as usize) {
            Some(n) => n.prev = prev,
            None => {
                if let Some(l) = owner(&self.lists, false).and_then(|g| self.lists.get_mut(g)) {
                    l.tail = prev;
                }
            }
        }
        if let Some(n) = self.lens.get_mut(lbl as usize) {
            *n = n.saturating_sub(1);
        }
        if let Some(e) = self.entries.get_mut(i as usize) {
            e.prev = NIL;
            e.next = NIL;
        }
    }

    fn push_tail(&mut self, list: ListId, i: u32) {
        let Some(l) = self.lists.get_mut(list as usize) else {
            return;
        };
        let tail = l.tail;
        l.tail = i;
        if tail == NIL {
            l.head = i;
        }
        if let Some(n) = self.lens.get_mut(label(list) as usize) {
            *n += 1;
        }
        if let Some(t) = self.entries.get_mut(tail as usize) {
            t.next = i;
        }
        if let Some(e) = self.entries.get_mut(i as usize) {
            e.prev = tail;
            e.next = NIL;
            e.list = label(list);
        }
    }

    /// Moves entry `i` to the tail of `list` (`gc_list_move`).
    #[inline]
    pub(crate) fn move_to(&mut self, i: u32, list: ListId) {
        if self.list_of(i) == FREE {
            return;
        }
        self.unlink(i);
        self.push_tail(list, i);
    }

    /// Labels entry `i` as belonging to `list` while it is still linked
    /// in another: the first half of a move in a run, which
    /// [`NodeTable::move_run`] completes. Nothing may read the entry's
    /// list in between.
    #[inline]
    pub(crate) fn relabel(&mut self, i: u32, list: ListId) {
        if let Some(e) = self.entries.get_mut(i as usize) {
            e.list = label(list);
        }
    }

    /// Moves the run `first..=last` of `len` entries, consecutive in
    /// `from` and already relabelled for `to` ([`NodeTable::relabel`]), to
    /// the tail of `to` in one splice: what `len` calls of
    /// [`NodeTable::move_to`] in run order do.
    pub(crate) fn move_run(&mut self, first: u32, last: u32, len: usize, from: ListId, to: ListId) {
        let (Some(f), Some(l)) = (
            self.entries.get(first as usize),
            self.entries.get(last as usize),
        ) else {
            return;
        };
        let (before, after) = (f.prev, l.next);
        match self.entries.get_mut(before as usize) {
            Some(p) => p.next = after,
            None => {
                if let Some(h) = self.lists.get_mut(from as usize) {
                    h.head = after;
                }
            }
        }
        match self.entries.get_mut(after as usize) {
            Some(n) => n.prev = before,
            None => {
                if let Some(h) = self.lists.get_mut(from as usize) {
                    h.tail = before;
                }
            }
        }
        let Some(dest) = self.lists.get_mut(to as usize) else {
            return;
        };
        let tail = dest.tail;
        dest.tail = last;
        if tail == NIL {
            dest.head = first;
        }
        if let Some(t) = self.entries.get_mut(tail as usize) {
            t.next = first;
        }
        if let Some(f) = self.entries.get_mut(first as usize) {
            f.prev = tail;
        }
        if let Some(l) = self.entries.get_mut(last as usize) {
            l.next = NIL;
        }
        let (from_label, to_label) = (label(from), label(to));
        if from_label != to_label {
            self.lens[from_label as usize] = self.lens[from_label as usize].saturating_sub(len);
            self.lens[to_label as usize] += len;
        }
    }

    /// Appends all of `from` to the tail of `to` (`gc_list_merge`): O(1)
    /// between generations, O(moved) otherwise (relabelling).
    pub(crate) fn merge(&mut self, from: ListId, to: ListId) {
        if from == to {
            return;
        }
        let (Some(&f), Some(&t)) = (self.lists.get(from as usize), self.lists.get(to as usize))
        else {
            return;
        };
        if f.head == NIL {
            return;
        }
        let (from_label, to_label) = (label(from), label(to));
        if from_label != to_label {
            let mut moved = 0;
            let mut cur = f.head;
            while let Some(e) = self.entries.get_mut(cur as usize) {
                e.list = to_label;
                cur = e.next;
                moved += 1;
            }
            self.lens[from_label as usize] = self.lens[from_label as usize].saturating_sub(moved);
            self.lens[to_label as usize] += moved;
        }
        if let Some(tail) = self.entries.get_mut(t.tail as usize) {
            tail.next = f.head;
        }
        if let Some(head) = self.entries.get_mut(f.head as usize) {
            head.prev = t.tail;
        }
        let merged = ListHead {
            head: if t.head == NIL { f.head } else { t.head },
            tail: f.tail,
        };
        self.lists[to as usize] = merged;
        self.lists[from as usize] = EMPTY;
    }

    /// The nodes of `list`, in order.
    pub(crate) fn nodes(&self, list: ListId) -> Vec<N> {
        let mut out = Vec::with_capacity(if list > GEN2 { self.len(list) } else { 0 });
        out.extend(self.iter(list));
        out
    }

    /// The nodes of `list`, in order, skipping DEAD entries (which only a
    /// list `delete_garbage` is working on, or the generation its
    /// survivors went to, holds).
    pub(crate) fn iter(&self, list: ListId) -> impl Iterator<Item = N> + '_ {
        let mut cur = self.head(list);
        std::iter::from_fn(move || {
            while let Some(e) = self.entries.get(cur as usize) {
                let i = cur;
                cur = e.next;
                if !self.is_dead(i) {
                    return Some(e.node);
                }
            }
            None
        })
    }
}
