//! `TrialDeletion`: Bacon and Rajan's synchronous cycle collection
//! ("Concurrent Cycle Collection in Reference Counted Systems", 2001,
//! section 3), over a buffer of candidate roots.

use crate::core::{Core, delegate_to_core};
use crate::gc_list::{BLACK, BUFFERED, GEN0, GRAY, UNREACHABLE, WHITE};
use crate::{CYCLE_COLLECTION, Collector, GcError, Graph, NUM_GENERATIONS};
use std::fmt::Debug;
use std::hash::Hash;

const COLOURS: u8 = GRAY | WHITE | BLACK;

/// Synchronous trial deletion: a decrement that leaves a count above zero
/// buffers the object as a possible root (purple); a collection marks the
/// subgraph reachable from the roots gray while subtracting internal
/// references from a *copy* of each count (the host's counts are never
/// touched), scans it (objects with external references, and all they
/// reach, turn black; the rest white) and hands the white objects to the
/// shared finalization protocol, in tracking order. All three passes are
/// iterative.
///
/// Only objects decremented since the last collection are examined, so a
/// live heap that nobody touched costs nothing; a cycle is found as long
/// as one of its members lost a reference. There is one generation: every
/// `gc.collect(g)` collects the candidates, objects stay in generation 0,
/// and the automatic trigger is CPython's allocation count against
/// threshold 0. Capabilities: `cycle-collection`.
///
/// Costs: a 20-24-byte node table entry per tracked object plus 16 for its
/// tracking order and count copy; a
/// collection visits the candidates' reachable subgraph up to three times.
/// Its known worst case: a long live structure below a fresh candidate is
/// walked again at every collection (a loop of `x = [x]` is quadratic),
/// because a subgraph proven live before may close a cycle with the new
/// candidate; CPython's generations are what avoid this.
#[derive(Debug)]
pub struct TrialDeletion<N> {
    core: Core<N>,
    roots: Vec<u32>,
    /// Tracking order of each table entry, to order the garbage as
    /// CPython's list would.
    seq: Vec<u64>,
    /// The count copy of each table entry during a collection (the
    /// generational collector keeps its `gc_refs` in the host's header).
    refs: Vec<isize>,
    next_seq: u64,
    /// Scratch: every object coloured by the current collection.
    visited: Vec<u32>,
    stack: Vec<u32>,
    black_stack: Vec<u32>,
    frozen_roots: Vec<u32>,
}

impl<N: Copy + Eq + Hash + Debug> Default for TrialDeletion<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<N: Copy + Eq + Hash + Debug> TrialDeletion<N> {
    /// An empty collector (thresholds 700, 10, 10; enabled).
    pub fn new() -> Self {
        Self {
            core: Core::new(),
            roots: Vec::new(),
            seq: Vec::new(),
            refs: Vec::new(),
            next_seq: 0,
            visited: Vec::new(),
            stack: Vec::new(),
            black_stack: Vec::new(),
            frozen_roots: Vec::new(),
        }
    }

    /// Candidate roots buffered since the last collection.
    pub fn candidates(&self) -> usize {
        self.roots.len()
    }

    /// `MarkRoots`, `ScanRoots`, `CollectRoots`, iteratively.
    fn detect<G: Graph<Node = N>>(&mut self, graph: &mut G) {
        self.core.counts = [0; NUM_GENERATIONS];
        let graph_mut = graph;
        let graph = &*graph_mut;
        let t = &mut self.core.table;
        let refs = &mut self.refs;
        let roots = std::mem::take(&mut self.roots);
        self.frozen_roots.clear();
        let mut live_roots = Vec::with_capacity(roots.len());
        // MarkRoots: mark gray what the roots reach, subtracting internal
        // references from the count copies.
        for &r in &roots {
            let Some(e) = t.entry(r) else { continue };
            if e.flags & BUFFERED == 0 {
                continue; // untracked (and maybe reused) since buffered
            }
            if !t.is_current(graph, r) {
                t.release_stale(r); // freed by the host without untrack
                continue;
            }
            if t.list_of(r) != GEN0 {
                // Frozen: stays a candidate for after `unfreeze`.
                self.frozen_roots.push(r);
                continue;
            }
            if let Some(e) = t.entry_mut(r) {
                e.flags &= !BUFFERED;
            }
            live_roots.push(r);
            if t.flags(r) & GRAY != 0 {
                continue;
            }
            if let Some(e) = t.entry_mut(r) {
                e.flags |= GRAY;
                set(
                    refs,
                    r,
                    isize::try_from(graph.refcount(e.node)).unwrap_or(isize::MAX),
                );
            }
            self.visited.push(r);
            self.stack.push(r);
            while let Some(x) = self.stack.pop() {
                let Some(node) = t.node(x) else { continue };
                graph.traverse(node, |c| {
                    let Some(ci) = t.lookup(graph, c) else { return };
                    if t.list_of(ci) != GEN0 {
                        return;
                    }
                    let Some(ce) = t.entry_mut(ci) else { return };
                    if ce.flags & GRAY == 0 {
                        ce.flags |= GRAY;
                        let count = isize::try_from(graph.refcount(c)).unwrap_or(isize::MAX) - 1;
                        set(refs, ci, count);
                        self.visited.push(ci);
                        self.stack.push(ci);
                    } else if let Some(n) = refs.get_mut(ci as usize) {
                        *n -= 1;
                    }
                });
            }
        }
        // ScanRoots: gray objects with a positive count are externally
        // referenced: they and all they reach turn black; the rest white.
        for &r in &live_roots {
            self.stack.push(r);
            while let Some(x) = self.stack.pop() {
                let Some(e) = t.entry_mut(x) else { continue };
                if e.flags & COLOURS != GRAY {
                    continue;
                }
                if refs.get(x as usize).is_some_and(|&n| n > 0) {
                    scan_black(t, refs, graph, x, &mut self.black_stack);
                    continue;
                }
                e.flags = (e.flags & !COLOURS) | WHITE;
                let node = e.node;
                graph.traverse(node, |c| {
                    if let Some(ci) = t.lookup(graph, c)
                        && t.flags(ci) & COLOURS == GRAY
                    {
                        self.stack.push(ci);
                    }
                });
            }
        }
        // CollectRoots: the white objects are garbage; hand them over in
        // tracking order, COLLECTING set, and reset every colour.
        // (tracking order, entry) pairs: each key read once, then a
        // cache-friendly sort.
        let mut white: Vec<(u64, u32)> = self
            .visited
            .iter()
            .copied()
            .filter(|&i| t.flags(i) & COLOURS == WHITE)
            .map(|i| (self.seq.get(i as usize).copied().unwrap_or(u64::MAX), i))
            .collect();
        white.sort_unstable();
        for &i in &self.visited {
            if let Some(e) = t.entry_mut(i) {
                e.flags &= !COLOURS;
            }
        }
        let mut exact = t.len(UNREACHABLE) == 0;
        let mut garbage = Vec::with_capacity(white.len());
        for (_, i) in white {
            match t.node(i) {
                Some(node) => {
                    graph_mut.update_gc_header(node, |h| h.start_collecting(0));
                    garbage.push(node);
                }
                None => exact = false,
            }
            t.move_to(i, UNREACHABLE);
        }
        if let Some(run) = &mut self.core.run {
            run.detected = exact.then_some(garbage);
        }
        self.visited.clear();
        self.roots.append(&mut self.frozen_roots);
    }
}

/// Sets the count copy of entry `i`, growing the vector as needed.
fn set(refs: &mut Vec<isize>, i: u32, count: isize) {
    let i = i as usize;
    if refs.len() <= i {
        refs.resize(i + 1, 0);
    }
    if let Some(n) = refs.get_mut(i) {
        *n = count;
    }
}

/// `ScanBlack`: `x` and everything it reaches in the coloured subgraph
/// turn black, restoring the counts their references were subtracted from.
fn scan_black<G: Graph>(
    t: &mut crate::gc_list::NodeTable<G::Node>,
    refs: &mut [isize],
    graph: &G,
    x: u32,
    stack: &mut Vec<u32>,
) {
    if let Some(e) = t.entry_mut(x) {
        e.flags = (e.flags & !COLOURS) | BLACK;
    }
    stack.push(x);
    while let Some(y) = stack.pop() {
        let Some(node) = t.node(y) else { continue };
        graph.traverse(node, |c| {
            let Some(ci) = t.lookup(graph, c) else { return };
            let Some(ce) = t.entry_mut(ci) else { return };
            if ce.flags & COLOURS == 0 {
                return; // outside the examined subgraph
            }
            if let Some(n) = refs.get_mut(ci as usize) {
                *n += 1;
            }
            if ce.flags & BLACK == 0 {
                ce.flags = (ce.flags & !COLOURS) | BLACK;
                stack.push(ci);
            }
        });
    }
}

impl<G: Graph> Collector<G> for TrialDeletion<G::Node> {
    fn name(&self) -> &'static str {
        "trial-deletion"
    }

    fn capabilities(&self) -> &'static [&'static str] {
        &[CYCLE_COLLECTION]
    }

    fn track(&mut self, graph: &mut G, node: G::Node) -> Result<(), GcError> {
        let i = self.core.track(graph, node)? as usize;
        if self.seq.len() <= i {
            self.seq.resize(i + 1, 0);
        }
        if let Some(s) = self.seq.get_mut(i) {
            *s = self.next_seq;
        }
        self.next_seq += 1;
        Ok(())
    }

    fn note_allocation(&mut self) -> Option<usize> {
        self.core.count_allocation().then_some(0)
    }

    /// Buffers `node` as a possible root (Bacon–Rajan's purple).
    fn note_decref(&mut self, graph: &G, node: G::Node) {
        let t = &mut self.core.table;
        if let Some(i) = t.lookup(graph, node)
            && let Some(e) = t.entry_mut(i)
            && e.flags & BUFFERED == 0
        {
            e.flags |= BUFFERED;
            self.roots.push(i);
        }
    }

    fn start_collection(&mut self, _graph: &mut G, generation: usize) -> Result<bool, GcError> {
        self.core.begin(generation, GEN0)
    }

    delegate_to_core!(GEN0);
}
