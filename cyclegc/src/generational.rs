//! `Generational`: CPython 3.11's collector (`Modules/gcmodule.c`).

use crate::core::{Core, delegate_to_core};
use crate::gc_list::{GEN2, KIND_DICT, KIND_TUPLE, ListId, NodeTable, UNREACHABLE};
use crate::gc_refs::deduce_unreachable;
use crate::{
    CYCLE_COLLECTION, Collector, GENERATIONS, GcError, Graph, NUM_GENERATIONS, UntrackKind,
};
use std::fmt::Debug;
use std::hash::Hash;

/// CPython 3.11's generational cycle collector.
///
/// Three generations with thresholds (700, 10, 10); allocation-counted
/// automatic triggering with the long-lived-pending rule; collection by
/// gc_refs copy and subtraction (`update_refs`, `subtract_refs`,
/// `move_unreachable`, in scan order); survivors promoted one generation;
/// tuples untracked in every collection and dicts in full ones; then the
/// shared finalization protocol (weak references, PEP 442, resurrection,
/// clearing). Capabilities: `cycle-collection`, `generations`.
///
/// Costs: a 20-24-byte node table entry per tracked object plus the host's
/// 12-byte header; a collection of generation *g* visits every object of
/// generations `0..=g` twice (gc_refs copy and subtraction, then the scan;
/// three times when older generations are not empty, as CPython does) and
/// every edge out of them twice, each edge costing one host header
/// read-modify-write; when every object is referenced from outside the
/// set, the scan reads each header once and visits no edge. Merging
/// generations is O(1).
#[derive(Debug)]
pub struct Generational<N> {
    core: Core<N>,
    long_lived_total: usize,
    long_lived_pending: usize,
}

impl<N: Copy + Eq + Hash + Debug> Default for Generational<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<N: Copy + Eq + Hash + Debug> Generational<N> {
    /// A collector in CPython's initial state.
    pub fn new() -> Self {
        Self {
            core: Core::new(),
            long_lived_total: 0,
            long_lived_pending: 0,
        }
    }

    /// `long_lived_total`: survivors of the last full collection.
    pub fn long_lived_total(&self) -> usize {
        self.long_lived_total
    }

    /// `long_lived_pending`: objects promoted to generation 2 since.
    pub fn long_lived_pending(&self) -> usize {
        self.long_lived_pending
    }

    /// `gc_collect_main` steps 2-7: counts, merging, `deduce_unreachable`,
    /// `untrack_tuples`, promotion or `untrack_dicts`.
    fn detect<G: Graph<Node = N>>(&mut self, graph: &mut G) {
        let Some(run) = &self.core.run else { return };
        let generation = run.generation;
        let old = run.old;
        let counts = &mut self.core.counts;
        if let Some(c) = counts.get_mut(generation + 1) {
            *c = c.saturating_add(1);
        }
        for c in counts.iter_mut().take(generation + 1) {
            *c = 0;
        }
        let young = generation as ListId;
        let table = &mut self.core.table;
        for i in 0..young {
            table.merge(i, young);
        }
        let garbage = deduce_unreachable(table, graph, young, UNREACHABLE);
        untrack_where(table, graph, young, KIND_TUPLE);
        if young != old {
            if generation == NUM_GENERATIONS - 2 {
                self.long_lived_pending += table.len(young);
            }
            table.merge(young, old);
        } else {
            untrack_where(table, graph, young, KIND_DICT);
            self.long_lived_pending = 0;
            self.long_lived_total = table.len(young);
        }
        if let Some(run) = &mut self.core.run {
            run.detected = garbage;
        }
    }
}

/// `untrack_tuples` / `untrack_dicts`: untracks each object of `list` of
/// the given kind none of whose referents "may be tracked"
/// (`_PyObject_GC_MAY_BE_TRACKED`: a GC object that is not an untracked
/// tuple).
/// Skipped when no tracked object is of that kind.
fn untrack_where<G: Graph>(table: &mut NodeTable<G::Node>, graph: &mut G, list: ListId, kind: u8) {
    if !table.has_kind(kind) {
        return;
    }
    let mut cur = table.head(list);
    while let Some(e) = table.entry(cur) {
        let next = table.next(cur);
        if e.flags & kind != 0 {
            let node = e.node;
            let mut may_be_tracked = false;
            graph.traverse(node, |r| {
                may_be_tracked |= table.lookup(&*graph, r).is_some()
                    || (graph.is_gc(r) && graph.untrack_kind(r) != UntrackKind::Tuple);
            });
            if !may_be_tracked {
                table.remove(graph, node);
            }
        }
        cur = next;
    }
}

impl<G: Graph> Collector<G> for Generational<G::Node> {
    fn name(&self) -> &'static str {
        "generational"
    }

    fn capabilities(&self) -> &'static [&'static str] {
        &[CYCLE_COLLECTION, GENERATIONS]
    }

    fn track(&mut self, graph: &mut G, node: G::Node) -> Result<(), GcError> {
        self.core.track(graph, node).map(|_| ())
    }

    /// `_PyObject_GC_Link` + `gc_collect_generations`: the oldest
    /// generation over its threshold, skipping generation 2 while
    /// `long_lived_pending < long_lived_total / 4`.
    fn note_allocation(&mut self) -> Option<usize> {
        if !self.core.count_allocation() {
            return None;
        }
        (0..NUM_GENERATIONS).rev().find(|&i| {
            crate::core::exceeds(self.core.counts[i], self.core.thresholds[i])
                && !(i == NUM_GENERATIONS - 1
                    && self.long_lived_pending < self.long_lived_total / 4)
        })
    }

    fn note_decref(&mut self, _graph: &G, _node: G::Node) {}

    fn start_collection(&mut self, _graph: &mut G, generation: usize) -> Result<bool, GcError> {
        if generation >= NUM_GENERATIONS {
            return Err(GcError::InvalidGeneration(generation));
        }
        let old = if generation + 1 < NUM_GENERATIONS {
            generation as ListId + 1
        } else {
            GEN2
        };
        self.core.begin(generation, old)
    }

    delegate_to_core!(GEN2);
}
