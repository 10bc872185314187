//! State every collector shares: the node table, counts, thresholds,
//! statistics, debug flags, the garbage list and callbacks, plus the
//! bookkeeping half of the `gc` module API.

use crate::gc_list::{GEN0, GEN1, GEN2, ListId, NodeTable, PERMANENT};
use crate::{
    Callback, CallbackId, CallbackInfo, DebugFlags, GcError, GcHeader, GenerationStats, Graph,
    NUM_GENERATIONS, Phase,
};
use hashbrown::HashSet;
use std::fmt::Debug;
use std::hash::Hash;

/// The shared state of a collector.
pub(crate) struct Core<N> {
    pub(crate) table: NodeTable<N>,
    pub(crate) enabled: bool,
    pub(crate) debug: DebugFlags,
    /// C `int`s as in CPython: 0 disables a generation's trigger, a negative
    /// threshold is exceeded by every count.
    pub(crate) thresholds: [i32; NUM_GENERATIONS],
    pub(crate) counts: [usize; NUM_GENERATIONS],
    pub(crate) stats: [GenerationStats; NUM_GENERATIONS],
    pub(crate) garbage: Vec<N>,
    callbacks: Vec<(CallbackId, Callback)>,
    next_callback: u64,
    callback_errors: usize,
    /// The collection in progress, if any (CPython's `collecting`).
    pub(crate) run: Option<crate::finalize::Run<N>>,
}

impl<N> std::fmt::Debug for Core<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Core")
            .field("enabled", &self.enabled)
            .field("debug", &self.debug)
            .field("thresholds", &self.thresholds)
            .field("counts", &self.counts)
            .field("stats", &self.stats)
            .field("collecting", &self.run.is_some())
            .finish_non_exhaustive()
    }
}

impl<N: Copy + Eq + Hash + Debug> Core<N> {
    /// CPython's initial state: enabled, thresholds (700, 10, 10).
    pub(crate) fn new() -> Self {
        Self {
            table: NodeTable::new(),
            enabled: true,
            debug: DebugFlags::default(),
            thresholds: [700, 10, 10],
            counts: [0; NUM_GENERATIONS],
            stats: [GenerationStats::default(); NUM_GENERATIONS],
            garbage: Vec::new(),
            callbacks: Vec::new(),
            next_callback: 0,
            callback_errors: 0,
            run: None,
        }
    }

    pub(crate) fn track<G: Graph<Node = N>>(
        &mut self,
        graph: &mut G,
        node: N,
    ) -> Result<u32, GcError> {
        self.table.insert(graph, node, GEN0)
    }

    pub(crate) fn untrack<G: Graph<Node = N>>(&mut self, graph: &mut G, node: N) -> Option<u32> {
        self.table.remove(graph, node)
    }

    pub(crate) fn untrack_header(&mut self, node: N, header: &mut GcHeader) -> Option<u32> {
        self.table.remove_header(node, header)
    }

    pub(crate) fn is_tracked<G: Graph<Node = N>>(&self, graph: &G, node: N) -> bool {
        self.table.lookup(graph, node).is_some()
    }

    pub(crate) fn in_garbage_set<G: Graph<Node = N>>(&self, graph: &G, node: N) -> bool {
        self.run.is_some()
            && self
                .table
                .lookup(graph, node)
                .is_some_and(|i| !self.table.in_generation(i))
            && graph.gc_header(node).is_collecting()
    }

    /// `count0 += 1`; whether the automatic trigger condition holds.
    pub(crate) fn count_allocation(&mut self) -> bool {
        self.counts[0] = self.counts[0].saturating_add(1);
        self.enabled
            && self.thresholds[0] != 0
            && exceeds(self.counts[0], self.thresholds[0])
            && self.run.is_none()
    }

    pub(crate) fn count_deallocation(&mut self) {
        self.counts[0] = self.counts[0].saturating_sub(1);
    }

    pub(crate) fn set_threshold(&mut self, thresholds: &[i32]) -> Result<(), GcError> {
        if thresholds.len() > NUM_GENERATIONS {
            return Err(GcError::TooManyThresholds(thresholds.len()));
        }
        for (slot, &t) in self.thresholds.iter_mut().zip(thresholds) {
            *slot = t;
        }
        Ok(())
    }

    pub(crate) fn freeze(&mut self) {
        for g in [GEN0, GEN1, GEN2] {
            self.table.merge(g, PERMANENT);
        }
        self.counts = [0; NUM_GENERATIONS];
    }

    pub(crate) fn unfreeze(&mut self, oldest: ListId) {
        self.table.merge(PERMANENT, oldest);
    }

    pub(crate) fn freeze_count(&self) -> usize {
        self.table.len(PERMANENT)
    }

    pub(crate) fn get_objects(&self, generation: Option<usize>) -> Result<Vec<N>, GcError> {
        match generation {
            None => {
                let mut all = self.table.nodes(GEN0);
                all.extend(self.table.nodes(GEN1));
                all.extend(self.table.nodes(GEN2));
                Ok(all)
            }
            Some(g) if g < NUM_GENERATIONS => Ok(self.table.nodes(g as ListId)),
            Some(g) => Err(GcError::GenerationOutOfRange(g)),
        }
    }

    pub(crate) fn get_referrers<G: Graph<Node = N>>(&self, graph: &G, targets: &[N]) -> Vec<N> {
        let targets: HashSet<N> = targets.iter().copied().collect();
        let mut out = Vec::new();
        for g in [GEN0, GEN1, GEN2] {
            for node in self.table.iter(g) {
                let mut hit = false;
                graph.traverse(node, |r| hit |= targets.contains(&r));
                if hit {
                    out.push(node);
                }
            }
        }
        out
    }

    pub(crate) fn add_callback(&mut self, callback: Callback) -> CallbackId {
        let id = CallbackId(self.next_callback);
        self.next_callback += 1;
        self.callbacks.push((id, callback));
        id
    }

    pub(crate) fn remove_callback(&mut self, id: CallbackId) -> bool {
        let before = self.callbacks.len();
        self.callbacks.retain(|(i, _)| *i != id);
        self.callbacks.len() != before
    }

    pub(crate) fn callback_errors(&self) -> usize {
        self.callback_errors
    }

    /// Runs the Rust callbacks; an error is reported and counted, and the
    /// collection goes on (CPython: `PyErr_WriteUnraisable(cb)`).
    pub(crate) fn run_callbacks(&mut self, phase: Phase, info: &CallbackInfo) {
        for (id, cb) in &mut self.callbacks {
            if let Err(message) = cb(phase, info) {
                self.callback_errors += 1;
                tracing::warn!(callback = id.0, phase = phase.as_str(), %message, "gc callback failed");
            }
        }
    }
}

/// The `Collector` methods every implementation delegates to [`Core`]
/// unchanged. `$oldest` is where `unfreeze` puts the permanent generation.
macro_rules! delegate_to_core {
    ($oldest:expr) => {
        fn untrack(&mut self, graph: &mut G, node: G::Node) {
            self.core.untrack(graph, node);
        }
        fn untrack_header(&mut self, node: G::Node, header: &mut $crate::GcHeader) {
            self.core.untrack_header(node, header);
        }
        fn is_tracked(&self, graph: &G, node: G::Node) -> bool {
            self.core.is_tracked(graph, node)
        }
        fn in_garbage_set(&self, graph: &G, node: G::Node) -> bool {
            self.core.in_garbage_set(graph, node)
        }
        fn note_deallocation(&mut self) {
            self.core.count_deallocation();
        }
        fn report_weakrefs_freed(&mut self, freed: usize) {
            self.core.report_weakrefs_freed(freed);
        }
        fn is_collecting(&self) -> bool {
            self.core.run.is_some()
        }
        fn enable(&mut self) {
            self.core.enabled = true;
        }
        fn disable(&mut self) {
            self.core.enabled = false;
        }
        fn is_enabled(&self) -> bool {
            self.core.enabled
        }
        fn count(&self) -> [usize; $crate::NUM_GENERATIONS] {
            self.core.counts
        }
        fn threshold(&self) -> [i32; $crate::NUM_GENERATIONS] {
            self.core.thresholds
        }
        fn set_threshold(&mut self, thresholds: &[i32]) -> Result<(), $crate::GcError> {
            self.core.set_threshold(thresholds)
        }
        fn stats(&self) -> [$crate::GenerationStats; $crate::NUM_GENERATIONS] {
            self.core.stats
        }
        fn debug(&self) -> $crate::DebugFlags {
            self.core.debug
        }
        fn set_debug(&mut self, flags: $crate::DebugFlags) {
            self.core.debug = flags;
        }
        fn garbage(&self) -> &[G::Node] {
            &self.core.garbage
        }
        fn take_garbage(&mut self) -> Vec<G::Node> {
            std::mem::take(&mut self.core.garbage)
        }
        fn freeze(&mut self) {
            self.core.freeze();
        }
        fn unfreeze(&mut self) {
            self.core.unfreeze($oldest);
        }
        fn freeze_count(&self) -> usize {
            self.core.freeze_count()
        }
        fn get_objects(&self, generation: Option<usize>) -> Result<Vec<G::Node>, $crate::GcError> {
            self.core.get_objects(generation)
        }
        fn get_referrers(&self, graph: &G, targets: &[G::Node]) -> Vec<G::Node> {
            self.core.get_referrers(graph, targets)
        }
        fn add_callback(&mut self, callback: $crate::Callback) -> $crate::CallbackId {
            self.core.add_callback(callback)
        }
        fn remove_callback(&mut self, id: $crate::CallbackId) -> bool {
            self.core.remove_callback(id)
        }
        fn callback_errors(&self) -> usize {
            self.core.callback_errors()
        }
        fn step(&mut self, graph: &mut G) -> Result<$crate::Step<G::Node>, $crate::GcError> {
            loop {
                match self.core.advance(graph)? {
                    $crate::finalize::Next::Step(step) => return Ok(step),
                    $crate::finalize::Next::Detect => self.detect(graph),
                }
            }
        }
        fn step_clearing(&mut self, host: &mut G) -> Result<$crate::Step<G::Node>, $crate::GcError>
        where
            G: $crate::Host,
        {
            loop {
                match self.step(host)? {
                    $crate::Step::Clear(node) => {
                        host.clear(node, self);
                        let size = host.clear_batch();
                        if size <= 1 {
                            while let Some(node) = self.core.next_clear(host) {
                                host.clear(node, self);
                            }
                            continue;
                        }
                        // Batches: every `size` clears the host frees what
                        // they released; survival is settled at the end.
                        if self.core.begin_batches() {
                            let mut cleared = 1;
                            while let Some(node) = self.core.next_batched(host) {
                                host.clear(node, self);
                                cleared += 1;
                                if cleared >= size {
                                    host.end_clears(self);
                                    cleared = 0;
                                }
                            }
                            host.end_clears(self);
                            self.core.end_batches(host);
                        } else {
                            host.end_clears(self);
                        }
                    }
                    step => return Ok(step),
                }
            }
        }
    };
}
pub(crate) use delegate_to_core;

/// `count > threshold` with CPython's signed comparison (`gcmodule.c`
/// compares C ints, so a negative threshold is always exceeded).
pub(crate) fn exceeds(count: usize, threshold: i32) -> bool {
    i64::try_from(count).unwrap_or(i64::MAX) > i64::from(threshold)
}
