//! The collector trait and the values it exchanges with its host.

use crate::{GcError, GcHeader, Graph};

/// CPython's number of generations.
pub const NUM_GENERATIONS: usize = 3;

/// Capability: finds and frees unreachable cycles.
pub const CYCLE_COLLECTION: &str = "cycle-collection";
/// Capability: CPython's three generations, thresholds and counts.
pub const GENERATIONS: &str = "generations";

/// Debug flags (`gc.set_debug`), with CPython's values.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DebugFlags(pub u32);

impl DebugFlags {
    /// `DEBUG_STATS`: print statistics to stderr.
    pub const STATS: DebugFlags = DebugFlags(1);
    /// `DEBUG_COLLECTABLE`: print each collectable object found.
    pub const COLLECTABLE: DebugFlags = DebugFlags(2);
    /// `DEBUG_UNCOLLECTABLE`: print each uncollectable object found.
    pub const UNCOLLECTABLE: DebugFlags = DebugFlags(4);
    /// `DEBUG_SAVEALL`: append garbage to the garbage list instead of
    /// freeing it.
    pub const SAVEALL: DebugFlags = DebugFlags(32);
    /// `DEBUG_LEAK` = COLLECTABLE | UNCOLLECTABLE | SAVEALL.
    pub const LEAK: DebugFlags = DebugFlags(38);

    /// Whether every bit of `other` is set.
    pub fn contains(self, other: DebugFlags) -> bool {
        self.0 & other.0 == other.0
    }
}

/// Per-generation statistics (`gc.get_stats()`), cumulative.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GenerationStats {
    /// Collections of this generation.
    pub collections: usize,
    /// Objects collected (`m`).
    pub collected: usize,
    /// Uncollectable objects found (`n`).
    pub uncollectable: usize,
}

/// Which callback call this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Before the collection.
    Start,
    /// After the collection.
    Stop,
}

impl Phase {
    /// `"start"` or `"stop"`, as `gc.callbacks` receive it.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Start => "start",
            Phase::Stop => "stop",
        }
    }
}

/// The `info` dict of `gc.callbacks`: for "start", collected and
/// uncollectable are 0; for "stop" they are `m` and `n`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CallbackInfo {
    /// The generation being collected.
    pub generation: usize,
    /// Objects collected (`m`, not `m + n`).
    pub collected: usize,
    /// Uncollectable objects (`n`).
    pub uncollectable: usize,
}

/// The result of one collection.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Outcome {
    /// The generation collected.
    pub generation: usize,
    /// `m`: objects cleared (or saved under SAVEALL), plus weak reference
    /// objects freed by their own callbacks.
    pub collected: usize,
    /// `n`: objects with a legacy finalizer and everything reachable only
    /// from them.
    pub uncollectable: usize,
}

impl Outcome {
    /// `gc.collect()`'s return value: `collected + uncollectable`.
    pub fn total(&self) -> usize {
        self.collected + self.uncollectable
    }
}

/// A Rust callback run at the start and stop of every collection. An
/// error is reported (a `tracing` warning, and counted) and does not stop
/// the collection, as CPython reports a raising callback as unraisable.
pub type Callback = Box<dyn FnMut(Phase, &CallbackInfo) -> Result<(), String>>;

/// Names a registered [`Callback`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CallbackId(pub(crate) u64);

/// What the collector asks its host to do next, during a collection
/// driven by [`Collector::step`]. Between two steps the collector is not
/// borrowed, so the host may run interpreter code that calls any
/// collector method: `track`, `untrack`, `is_finalized`, a nested
/// `start_collection` (which returns `false`: re-entrant collection does
/// nothing and returns 0), `get_objects`...
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step<N> {
    /// Write this line (no newline) to stderr: DEBUG_STATS,
    /// DEBUG_COLLECTABLE and DEBUG_UNCOLLECTABLE output, in CPython's
    /// format and at CPython's moment.
    Debug(String),
    /// Run the host's `gc.callbacks` with `("start", info)`.
    Start(CallbackInfo),
    /// `handle_weakrefs`: clear every weak reference to these garbage
    /// objects (and clear those that are themselves weak references, without
    /// calling their callbacks); then call, in order, the callbacks of the
    /// cleared weak references that are not themselves garbage
    /// ([`Collector::in_garbage_set`]); then report with
    /// [`Collector::report_weakrefs_freed`] how many weak reference objects
    /// those callbacks freed. Only emitted when there is garbage.
    HandleWeakrefs(Vec<N>),
    /// Run this object's finalizer (`__del__`), holding a reference around
    /// it. Its FINALIZED bit is already set: a finalizer runs at most once.
    Finalize(N),
    /// Break this object's references (`tp_clear`), holding a reference
    /// around it; free whatever dies (untracking it).
    Clear(N),
    /// Append this object to the garbage list: take a reference for it.
    /// [`Collector::garbage`] lists it until [`Collector::take_garbage`].
    SaveGarbage(N),
    /// Run the host's `gc.callbacks` with `("stop", info)`.
    Stop(CallbackInfo),
    /// The collection is over.
    Done(Outcome),
}

/// A cycle collector over a host graph `G`. Object safe: a runtime holds
/// a `Box<dyn Collector<G>>` and swaps implementations at run time.
///
/// Driving a collection: [`Collector::start_collection`], then
/// [`Collector::step`] until [`Step::Done`], doing what each step asks
/// (a pure-Rust [`Host`](crate::Host) can call [`collect`](crate::collect)
/// instead). Allocation accounting: call [`Collector::note_allocation`]
/// when a GC object is allocated and collect the generation it returns.
pub trait Collector<G: Graph> {
    /// The implementation's name (`"generational"`, ...).
    fn name(&self) -> &'static str;

    /// The capabilities it offers ([`CYCLE_COLLECTION`], [`GENERATIONS`]).
    fn capabilities(&self) -> &'static [&'static str];

    /// Starts tracking `node` (`_PyObject_GC_TRACK`: appended to the tail
    /// of generation 0). Tracking a tracked node does nothing.
    fn track(&mut self, graph: &mut G, node: G::Node) -> Result<(), GcError>;

    /// Stops tracking `node` (`_PyObject_GC_UNTRACK`); call it before an
    /// object is freed. Untracking an untracked or stale node does nothing.
    fn untrack(&mut self, graph: &mut G, node: G::Node);

    /// [`Collector::untrack`] for a host that holds the object's header
    /// already (freeing the object in place): the same effect, without
    /// looking the object up again through the graph. `header` must be the
    /// one stored in `node`; a header that is not `node`'s current one
    /// (an untracked, stale or foreign header) is left alone.
    fn untrack_header(&mut self, node: G::Node, header: &mut GcHeader);

    /// Whether `node` is tracked (`gc.is_tracked`).
    fn is_tracked(&self, graph: &G, node: G::Node) -> bool;

    /// Whether `node`'s finalizer has run (`gc.is_finalized`): the
    /// FINALIZED bit of its header, on GC objects only.
    fn is_finalized(&self, graph: &G, node: G::Node) -> bool {
        graph.is_gc(node) && graph.gc_header(node).is_finalized()
    }

    /// Whether `node` is part of the garbage of the collection in progress
    /// (CPython's COLLECTING flag after detection): used to skip the
    /// callbacks of weak references that are themselves garbage.
    fn in_garbage_set(&self, graph: &G, node: G::Node) -> bool;

    /// Counts one allocation of a GC object (`_PyObject_GC_Link`) and
    /// returns the generation to collect now, if the automatic trigger
    /// fires (`count0 > threshold0`, enabled, threshold0 non-zero, not
    /// collecting).
    fn note_allocation(&mut self) -> Option<usize>;

    /// Counts one deallocation of a GC object (`PyObject_GC_Del`:
    /// `count0 -= 1` if positive).
    fn note_deallocation(&mut self);

    /// A decref left `node`'s count above zero: it may be the root of a
    /// garbage cycle (used by trial deletion; others ignore it).
    fn note_decref(&mut self, graph: &G, node: G::Node);

    /// Starts collecting `generation` (0..=2). Returns `Ok(false)`, doing
    /// nothing, if a collection is already in progress (re-entrant
    /// `gc.collect()` returns 0).
    fn start_collection(&mut self, graph: &mut G, generation: usize) -> Result<bool, GcError>;

    /// Advances the collection in progress to the next thing the host must
    /// do.
    fn step(&mut self, graph: &mut G) -> Result<Step<G::Node>, GcError>;

    /// [`Collector::step`] for a [`Host`](crate::Host) that clears objects
    /// itself: carries out each [`Step::Clear`] by calling
    /// [`Host::clear`](crate::Host::clear) and returns the next step of any
    /// other kind. The same collection as handing every `Clear` to
    /// `Host::clear`; [`collect`](crate::collect) calls it. The collectors
    /// of this crate clear all the garbage in one loop, without a round
    /// trip through the driver per object; the default just calls
    /// [`Collector::step`] (the driver then clears).
    fn step_clearing(&mut self, host: &mut G) -> Result<Step<G::Node>, GcError>
    where
        G: crate::Host,
    {
        self.step(host)
    }

    /// After [`Step::HandleWeakrefs`]: how many weak reference objects the
    /// callbacks freed (they count as collected).
    fn report_weakrefs_freed(&mut self, freed: usize);

    /// Whether a collection is in progress.
    fn is_collecting(&self) -> bool;

    /// `gc.enable()`.
    fn enable(&mut self);
    /// `gc.disable()`: stops automatic collection only.
    fn disable(&mut self);
    /// `gc.isenabled()`.
    fn is_enabled(&self) -> bool;

    /// `gc.get_count()`.
    fn count(&self) -> [usize; NUM_GENERATIONS];
    /// `gc.get_threshold()`.
    fn threshold(&self) -> [i32; NUM_GENERATIONS];
    /// `gc.set_threshold(t0[, t1[, t2]])`: sets the given leading
    /// thresholds; more than three is an error.
    fn set_threshold(&mut self, thresholds: &[i32]) -> Result<(), GcError>;
    /// `gc.get_stats()`.
    fn stats(&self) -> [GenerationStats; NUM_GENERATIONS];

    /// `gc.get_debug()`.
    fn debug(&self) -> DebugFlags;
    /// `gc.set_debug(flags)`.
    fn set_debug(&mut self, flags: DebugFlags);

    /// The garbage list (`gc.garbage`), whose references the host holds.
    fn garbage(&self) -> &[G::Node];
    /// Empties the garbage list, handing the nodes (and their references)
    /// back to the host.
    fn take_garbage(&mut self) -> Vec<G::Node>;

    /// `gc.freeze()`: moves every tracked object to the permanent
    /// generation, never examined, and zeroes the counts.
    fn freeze(&mut self);
    /// `gc.unfreeze()`: moves the permanent generation to the oldest.
    fn unfreeze(&mut self);
    /// `gc.get_freeze_count()`.
    fn freeze_count(&self) -> usize;

    /// `gc.get_objects(generation)`: tracked objects (not the permanent
    /// generation), generation by generation in list order.
    fn get_objects(&self, generation: Option<usize>) -> Result<Vec<G::Node>, GcError>;

    /// `gc.get_referrers(*targets)`: tracked objects of generations 0..=2
    /// whose traversal visits any target.
    fn get_referrers(&self, graph: &G, targets: &[G::Node]) -> Vec<G::Node>;

    /// `gc.get_referents(*sources)`: what each GC source's traversal
    /// visits, in order.
    fn get_referents(&self, graph: &G, sources: &[G::Node]) -> Vec<G::Node> {
        let mut out = Vec::new();
        for &s in sources {
            if graph.is_gc(s) {
                graph.traverse(s, |r| out.push(r));
            }
        }
        out
    }

    /// Registers a Rust callback run at start and stop of every collection.
    fn add_callback(&mut self, callback: Callback) -> CallbackId;
    /// Removes a callback; false if unknown.
    fn remove_callback(&mut self, id: CallbackId) -> bool;
    /// How many callback calls returned an error so far.
    fn callback_errors(&self) -> usize;
}
