//! `Off`: reference counting alone.

use crate::core::{Core, delegate_to_core};
use crate::gc_list::{GEN0, NIL};
use crate::{Collector, GcError, Graph, NUM_GENERATIONS};
use std::fmt::Debug;
use std::hash::Hash;

/// No cycle collection: reference counting frees what it can and cycles
/// leak, declared by an empty capability list. The bookkeeping API still
/// answers (tracking, counts, thresholds, freeze, callbacks, statistics),
/// and `collect` runs the callbacks and returns 0, so a host needs no
/// special case. The automatic trigger never fires.
#[derive(Debug)]
pub struct Off<N> {
    core: Core<N>,
}

impl<N: Copy + Eq + Hash + Debug> Default for Off<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<N: Copy + Eq + Hash + Debug> Off<N> {
    /// A collector that never collects.
    pub fn new() -> Self {
        Self { core: Core::new() }
    }

    /// Finds nothing: resets the counts like a collection would, and
    /// drops entries of objects the host freed without untracking them.
    fn detect<G: Graph<Node = N>>(&mut self, graph: &mut G) {
        self.core.counts = [0; NUM_GENERATIONS];
        let t = &mut self.core.table;
        let mut cur = t.head(GEN0);
        while cur != NIL {
            let next = t.next(cur);
            if !t.is_current(&*graph, cur) {
                t.release_stale(cur);
            }
            cur = next;
        }
    }
}

impl<G: Graph> Collector<G> for Off<G::Node> {
    fn name(&self) -> &'static str {
        "off"
    }

    fn capabilities(&self) -> &'static [&'static str] {
        &[]
    }

    fn track(&mut self, graph: &mut G, node: G::Node) -> Result<(), GcError> {
        self.core.track(graph, node).map(|_| ())
    }

    fn note_allocation(&mut self) -> Option<usize> {
        self.core.count_allocation();
        None
    }

    fn note_decref(&mut self, _graph: &G, _node: G::Node) {}

    fn start_collection(&mut self, _graph: &mut G, generation: usize) -> Result<bool, GcError> {
        self.core.begin(generation, GEN0)
    }

    delegate_to_core!(GEN0);
}
