//! The graph trait a host implements, and the per-node header it stores.

use std::fmt::Debug;
use std::hash::Hash;

/// The collector's per-object header, stored by the host *in* each object
/// (CPython keeps `PyGC_Head` in front of the object the same way).
///
/// 12 bytes (alignment 4). A 32-bit word holds the index of the object's
/// entry in the collector's node table (0 = untracked) and three flags:
/// FINALIZED (`_PyGC_PREV_MASK_FINALIZED`), which survives untracking as
/// in CPython, and, during a collection only, COLLECTING
/// (`_PyGC_PREV_MASK_COLLECTING`) and the tentatively unreachable flag
/// (`NEXT_MASK_UNREACHABLE`). Beside it, during a collection only, the
/// object's `gc_refs`, which CPython also keeps in `PyGC_Head`. Keeping
/// them here means a collection following a reference reads and writes
/// only the referent's header (one host lookup, as CPython's one
/// `AS_GC(op)`), and touches the node table only when an object changes
/// list. Outside a collection the collection part is zero.
/// A new object's header is [`GcHeader::default()`]. The host never
/// interprets it; it only keeps it and hands it back through
/// [`Graph::gc_header`] (and [`Graph::update_gc_header`]).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(C, packed(4))]
pub struct GcHeader {
    /// Entry index + 1 (0 = untracked) in the low 29 bits; FINALIZED,
    /// UNREACHABLE and COLLECTING on top.
    word: u32,
    /// `gc_refs`, signed: a subtraction is a plain decrement whatever the
    /// object's state (the fused pass subtracts before it sets the count,
    /// see `gc_refs::update_and_subtract_refs`), and a reader takes a
    /// negative value (a host reporting more references than its count)
    /// as zero. Packed to 4-byte alignment (a 12-byte header), read and
    /// written by value only.
    refs: i64,
}

const FINALIZED_BIT: u32 = 1 << 31;
/// `NEXT_MASK_UNREACHABLE`: moved (tentatively) to the unreachable list.
const UNREACHABLE_BIT: u32 = 1 << 30;
/// `_PyGC_PREV_MASK_COLLECTING`: in the set being collected.
const COLLECTING_SHIFT: u32 = 29;
const COLLECTING_BIT: u32 = 1 << COLLECTING_SHIFT;
const SLOT_MASK: u32 = COLLECTING_BIT - 1;
/// The collection flags, zero outside a collection.
const COLLECTION_FLAGS: u32 = COLLECTING_BIT | UNREACHABLE_BIT;
/// The largest `gc_refs`: a larger count (an immortal object's) is
/// clamped to it, leaving room below `i64::MAX` for every subtraction.
const GC_REFS_MAX: i64 = 1 << 62;

/// A reference count as a `gc_refs` value.
#[inline]
fn clamped(refcount: usize) -> i64 {
    i64::try_from(refcount).map_or(GC_REFS_MAX, |r| r.min(GC_REFS_MAX))
}

impl GcHeader {
    /// The header of an untracked object that was never finalized.
    pub const UNTRACKED: GcHeader = GcHeader { word: 0, refs: 0 };

    /// Whether the object's finalizer has run (`_PyGC_FINALIZED`).
    pub fn is_finalized(self) -> bool {
        self.word & FINALIZED_BIT != 0
    }

    /// This header with the FINALIZED bit set (`_PyGC_SET_FINALIZED`). A
    /// host sets it itself after running `__del__` on the refcount path.
    #[must_use]
    pub fn with_finalized(self) -> GcHeader {
        GcHeader {
            word: self.word | FINALIZED_BIT,
            ..self
        }
    }

    /// The node-table slot, if tracked.
    #[inline]
    pub(crate) fn slot(self) -> Option<u32> {
        match self.word & SLOT_MASK {
            0 => None,
            s => Some(s - 1),
        }
    }

    /// Whether the header names node-table slot `slot`
    /// (`slot() == Some(slot)` in one comparison, for a `slot` below
    /// [`GcHeader::MAX_TRACKED`], as every entry index is).
    #[inline]
    pub(crate) fn is_slot(self, slot: u32) -> bool {
        self.word & SLOT_MASK == slot.wrapping_add(1)
    }

    /// Whether the header names a node-table slot.
    #[inline]
    pub(crate) fn is_tracked(self) -> bool {
        self.word & SLOT_MASK != 0
    }

    /// This header pointing at `slot` (or untracked), keeping FINALIZED;
    /// the collection part is zeroed.
    pub(crate) fn with_slot(self, slot: Option<u32>) -> GcHeader {
        let s = slot.map_or(0, |s| (s + 1) & SLOT_MASK);
        GcHeader {
            word: (self.word & FINALIZED_BIT) | s,
            refs: 0,
        }
    }

    /// Untracked: the slot cleared, FINALIZED kept, the collection part
    /// zeroed (`with_slot(None)` without the branch).
    #[inline]
    pub(crate) fn clear_slot(&mut self) {
        self.word &= FINALIZED_BIT;
        self.refs = 0;
    }

    /// `gc_get_refs` (a negative count reads as zero).
    #[inline]
    pub(crate) fn gc_refs(self) -> u64 {
        u64::try_from(self.refs).unwrap_or(0)
    }

    /// `gc_is_collecting`.
    #[inline]
    pub(crate) fn is_collecting(self) -> bool {
        self.word & COLLECTING_BIT != 0
    }

    /// `gc_reset_refs`: `gc_refs = refcount` (clamped), COLLECTING set,
    /// UNREACHABLE clear.
    #[inline]
    pub(crate) fn start_collecting(&mut self, refcount: usize) {
        self.refs = clamped(refcount);
        self.word = (self.word & !UNREACHABLE_BIT) | COLLECTING_BIT;
    }

    /// The fused pass's `gc_reset_refs` (see
    /// `gc_refs::update_and_subtract_refs`): `gc_refs = refcount` minus
    /// the subtractions made so far, COLLECTING set.
    #[inline]
    pub(crate) fn start_collecting_deferred(&mut self, refcount: usize) {
        self.refs = self.refs.wrapping_add(clamped(refcount));
        self.word |= COLLECTING_BIT;
    }

    /// `gc_decref` (`visit_decref`'s subtraction); in the fused pass, also
    /// on an object not visited yet, whose count comes later.
    #[inline]
    pub(crate) fn decref(&mut self) {
        self.refs = self.refs.wrapping_sub(1);
    }

    /// `visit_reachable` on this header: if COLLECTING, `gc_refs` becomes
    /// at least 1 and UNREACHABLE is cleared; returns whether it was
    /// (tentatively) unreachable, i.e. must move back to `young`.
    /// Branch-free: whether the referent was already scanned is a coin
    /// toss in a shuffled heap. (An object not COLLECTING has the
    /// collection part zero, which `max(refs, 0)` keeps.)
    #[inline]
    pub(crate) fn rescue(&mut self) -> bool {
        let w = self.word;
        let collecting = i64::from((w >> COLLECTING_SHIFT) & 1);
        self.refs = self.refs.max(collecting);
        self.word = w & !UNREACHABLE_BIT;
        w & COLLECTION_FLAGS == COLLECTION_FLAGS
    }

    /// Marks the object tentatively unreachable (`NEXT_MASK_UNREACHABLE`).
    #[inline]
    pub(crate) fn mark_unreachable(&mut self) {
        self.word |= UNREACHABLE_BIT;
    }

    /// Leaves the collection (`gc_clear_collecting`): the collection part
    /// is zeroed.
    #[inline]
    pub(crate) fn stop_collecting(&mut self) {
        self.word &= !COLLECTION_FLAGS;
        self.refs = 0;
    }

    /// The largest number of objects a collector can track at once
    /// (2^29 - 2: the node table would take 10 GiB).
    pub const MAX_TRACKED: u32 = SLOT_MASK - 1;
}

/// Which lazy-untracking rule applies to an object (CPython 3.11 untracks
/// tuples in every collection and dicts in full collections when they hold
/// nothing that "may be tracked", §1.8). A type-level fact, read once when
/// the object is tracked.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UntrackKind {
    /// Never untracked by the collector.
    #[default]
    Never,
    /// An exact tuple: `untrack_tuples` in every collection.
    Tuple,
    /// A dict: `untrack_dicts` in full collections.
    Dict,
}

/// The heap as a collector sees it. The host implements it (as an MMTk
/// binding implements `Scanning` and `ObjectModel`); it is the only way a
/// collector sees the heap.
///
/// Every method must be total: given a node that is stale or foreign it
/// returns something harmless (a zero count, no referents, an untracked
/// header); the collector never relies on it for memory safety.
pub trait Graph {
    /// A reference to an object; cheap to copy and compare.
    type Node: Copy + Eq + Hash + Debug;

    /// The object's reference count (`Py_REFCNT`); 0 for a stale node.
    fn refcount(&self, node: Self::Node) -> usize;

    /// Calls `visit` for every reference the object holds (`tp_traverse`),
    /// once per reference, in the host's traversal order (which is what
    /// `gc.get_referents` shows).
    fn traverse<F: FnMut(Self::Node)>(&self, node: Self::Node, visit: F);

    /// The header stored in the object ([`GcHeader::UNTRACKED`] for a
    /// stale node).
    fn gc_header(&self, node: Self::Node) -> GcHeader;

    /// Stores the header in the object (ignored for a stale node).
    fn set_gc_header(&mut self, node: Self::Node, header: GcHeader);

    /// Reads the header, lets `f` change it, and stores it back if it
    /// changed; returns what `f` returns. For a stale node `f` sees
    /// [`GcHeader::UNTRACKED`] and nothing is stored. The collector calls
    /// this for every reference it follows during a collection: a host
    /// that reaches the header with one lookup overrides it (the default
    /// uses [`Graph::gc_header`] and [`Graph::set_gc_header`]).
    #[inline]
    fn update_gc_header<R>(&mut self, node: Self::Node, f: impl FnOnce(&mut GcHeader) -> R) -> R {
        let before = self.gc_header(node);
        let mut header = before;
        let out = f(&mut header);
        if header != before {
            self.set_gc_header(node, header);
        }
        out
    }

    /// The collector's per-object step with one lookup of the object (as
    /// CPython reads `Py_REFCNT`, the GC header and `tp_traverse` of one
    /// object in place): `f` gets the object's reference count and its
    /// header, may change the header, and says whether the object is to be
    /// traversed; if so, its referents are appended to `referents` in
    /// [`Graph::traverse`]'s order. Returns what `f` returned. For a stale
    /// node `f` sees 0 and [`GcHeader::UNTRACKED`], nothing is stored and
    /// nothing appended. The default composes [`Graph::refcount`],
    /// [`Graph::update_gc_header`] and [`Graph::traverse`]; a host that
    /// reaches all three with one lookup overrides it.
    #[inline]
    fn scan_object(
        &mut self,
        node: Self::Node,
        referents: &mut Vec<Self::Node>,
        f: impl FnOnce(usize, &mut GcHeader) -> bool,
    ) -> bool {
        let refcount = self.refcount(node);
        let traverse = self.update_gc_header(node, |h| f(refcount, h));
        if traverse {
            self.traverse(node, |r| referents.push(r));
        }
        traverse
    }

    /// [`Graph::scan_object`] followed by a header update of each referent
    /// it reports (what the collector does for every object it scans):
    /// `f` as in `scan_object`; if it says to traverse, `visit` gets each
    /// referent, in [`Graph::traverse`]'s order, with that referent's header
    /// to read and change (as [`Graph::update_gc_header`]: for a stale
    /// referent, an [`GcHeader::UNTRACKED`] one that is not stored).
    /// Returns what `f` returned. `scratch` is a buffer the default uses
    /// for the referents (left in any state). A host that can copy an
    /// object's referents out cheaply overrides it and skips the buffer.
    #[inline]
    fn scan_and_visit(
        &mut self,
        node: Self::Node,
        scratch: &mut Vec<Self::Node>,
        f: impl FnOnce(usize, &mut GcHeader) -> bool,
        mut visit: impl FnMut(Self::Node, &mut GcHeader),
    ) -> bool {
        scratch.clear();
        let traverse = self.scan_object(node, scratch, f);
        if traverse {
            for &r in scratch.iter() {
                self.update_gc_header(r, |h| visit(r, h));
            }
        }
        traverse
    }

    /// Whether the object's type supports the collector at all
    /// (`PyObject_IS_GC`): false for ints, strings, `None`. Defaults to true.
    fn is_gc(&self, _node: Self::Node) -> bool {
        true
    }

    /// Whether the object has a PEP 442 finalizer (`tp_finalize`, i.e.
    /// `__del__`). Asked at collection time, for unreachable objects only.
    fn has_finalizer(&self, _node: Self::Node) -> bool {
        false
    }

    /// Whether the object has a legacy finalizer (`tp_del`): such cycles
    /// are uncollectable and go to the garbage list. Defaults to false.
    fn has_legacy_finalizer(&self, _node: Self::Node) -> bool {
        false
    }

    /// The lazy-untracking rule for the object's type. Defaults to
    /// [`UntrackKind::Never`].
    fn untrack_kind(&self, _node: Self::Node) -> UntrackKind {
        UntrackKind::Never
    }

    /// The type name shown by the DEBUG_COLLECTABLE / DEBUG_UNCOLLECTABLE
    /// lines (`gc: collectable <NAME 0xADDR>`).
    fn type_name(&self, _node: Self::Node) -> String {
        String::from("object")
    }

    /// The address shown in those lines (`id(obj)` for a Python host).
    fn address(&self, _node: Self::Node) -> usize {
        0
    }
}

/// A host that can also run the collector's requests itself: what a
/// pure-Rust host implements to use the one-call driver
/// [`collect`](crate::collect). A host that must run interpreter code with
/// `&mut` to everything (a Python runtime) drives
/// [`Collector::step`](crate::Collector::step) itself instead.
pub trait Host: Graph + Sized {
    /// Runs the object's finalizer (`tp_finalize`): hold a reference
    /// around it (incref, finalize, decref) and free whatever dies,
    /// untracking it through `collector`. The finalizer may call any
    /// collector method, including a nested collection (which does nothing).
    fn finalize(&mut self, node: Self::Node, collector: &mut dyn crate::Collector<Self>);

    /// Breaks the object's references (`tp_clear`), holding a reference
    /// around it, and frees whatever dies, untracking it through
    /// `collector`.
    fn clear(&mut self, node: Self::Node, collector: &mut dyn crate::Collector<Self>);

    /// How many objects `delete_garbage` clears (through
    /// [`Collector::step_clearing`](crate::Collector::step_clearing), i.e.
    /// [`collect`](crate::collect); a host driving
    /// [`Collector::step`](crate::Collector::step) gets one [`Step::Clear`](crate::Step::Clear)
    /// at a time) between two calls of [`Host::end_clears`]. Defaults to 1:
    /// CPython's order, each object's survival settled right after its
    /// `tp_clear`, which is what a host that runs interpreter code in
    /// `clear` needs.
    ///
    /// Above 1, `clear` may leave the deallocations it causes (and even
    /// its decrements) to `end_clears`: a host without finalizers then
    /// frees a whole batch's releases together, with their cache misses
    /// overlapped (in a heap larger than the cache each decrement is a
    /// miss, and one free at a time they are paid one after another). The
    /// collector then walks the garbage once, past the objects that died
    /// meanwhile and past those whose count is zero (waiting for
    /// `end_clears`: CPython would have freed them without a `tp_clear`),
    /// and settles survival at the end. The end state is CPython's: the
    /// same objects freed, the same survivors moved to the older
    /// generation in the same order; only code running inside `clear`
    /// could see the difference.
    fn clear_batch(&self) -> usize {
        1
    }

    /// The end of a batch of clears (see [`Host::clear_batch`]): carry out
    /// the decrements the batch deferred and free whatever dies, untracking
    /// it through `collector`. Also called once after the last batch.
    /// Defaults to nothing (a host that defers nothing).
    fn end_clears(&mut self, _collector: &mut dyn crate::Collector<Self>) {}

    /// Clears the weak references to each object of `garbage` (and, where
    /// an object of `garbage` is itself a weak reference, clears it); then
    /// calls the callbacks of the cleared weak references that are not
    /// themselves garbage ([`Collector::in_garbage_set`](crate::Collector::in_garbage_set)),
    /// in order. Returns how many weak reference objects those callbacks
    /// freed (they count as collected). Defaults to a host without weak
    /// references.
    fn handle_weakrefs(
        &mut self,
        _garbage: &[Self::Node],
        _collector: &mut dyn crate::Collector<Self>,
    ) -> usize {
        0
    }

    /// Takes a reference for the garbage list (`gc.garbage.append`): the
    /// collector keeps `node` in [`Collector::garbage`](crate::Collector::garbage)
    /// until [`Collector::take_garbage`](crate::Collector::take_garbage).
    fn save_garbage(&mut self, node: Self::Node);

    /// Writes one debug line to stderr (without its newline).
    fn debug_line(&mut self, line: &str) {
        eprintln!("{line}");
    }

    /// Runs the host's own start/stop callbacks. Defaults to none.
    fn callback(&mut self, _phase: crate::Phase, _info: &crate::CallbackInfo) {}
}
