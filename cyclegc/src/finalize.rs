//! The finalization protocol every collector shares, from the moment the
//! garbage is known to the end of the collection (CPython 3.11
//! `gc_collect_main` steps 8-19, §1.3): legacy finalizers, weak
//! references, PEP 442 finalizers, resurrection, clearing, the garbage
//! list, statistics and callbacks.
//!
//! It is a state machine: [`Core::advance`] returns the next [`Step`] the
//! host must carry out, so the host runs finalizers and callbacks with
//! full access to itself while the collector is not borrowed.

use crate::core::Core;
use crate::gc_list::{FINALIZERS, GEN0, GEN1, GEN2, ListId, NIL, PERMANENT, SCRATCH, UNREACHABLE};
use crate::gc_refs::deduce_unreachable;
use crate::{CallbackInfo, DebugFlags, GcError, Graph, Outcome, Phase, Step};
use std::collections::VecDeque;
use std::fmt::Debug;
use std::hash::Hash;
use std::time::Instant;

/// The entry and node `delete_garbage` handed out last, if any.
type Handled<N> = Option<(u32, N)>;

/// Where a collection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage<N> {
    /// Run the start callbacks.
    Start,
    /// Print the DEBUG_STATS header.
    Header,
    /// The collector's own detection must run next.
    Detect,
    /// Legacy finalizers, DEBUG_COLLECTABLE, weak references.
    AfterDetect,
    /// `finalize_garbage`, one finalizer per step.
    Finalize,
    /// `handle_resurrected_objects`.
    Resurrect,
    /// `delete_garbage`, one object per step; remembers the last one.
    Delete(Handled<N>),
    /// Uncollectable objects, statistics.
    Finish,
    /// Stop callbacks and done.
    Stop,
}

/// A collection in progress.
#[derive(Debug)]
pub(crate) struct Run<N> {
    pub(crate) generation: usize,
    /// Where survivors go (`old`).
    pub(crate) old: ListId,
    stage: Stage<N>,
    collected: usize,
    uncollectable: usize,
    started: Instant,
    outbox: VecDeque<Step<N>>,
    /// Whether any finalizer ran (only then can anything resurrect).
    finalized_any: bool,
    /// The list `delete_garbage` works through.
    final_list: ListId,
    /// The garbage as handed to `handle_weakrefs`: `finalize_garbage`'s
    /// first look for a finalizer to run reads it rather than walking the
    /// list.
    garbage: Vec<N>,
    /// The UNREACHABLE list's nodes in order, when the detector knows them
    /// (it moved them there one by one and none back): `after_detect` then
    /// need not walk the list.
    pub(crate) detected: Option<Vec<N>>,
    /// The entries `delete_garbage` moved to `old` alive after their
    /// `tp_clear` ("it may die later"), in order. They keep COLLECTING in
    /// their headers until the end of `delete_garbage`, so that their death
    /// (usually later in the same pass) only marks them DEAD, like the
    /// garbage's; [`Core::sweep_survivors`] then unlinks the dead and
    /// clears the survivors' headers in one sequential walk.
    survivors: Vec<u32>,
    /// Where the walk of `delete_garbage` in batches
    /// ([`Host::clear_batch`](crate::Host::clear_batch) above 1) resumes.
    cursor: u32,
}

/// What [`Core::advance`] needs from its caller.
pub(crate) enum Next<N> {
    /// Hand this step to the host.
    Step(Step<N>),
    /// Run the collector's detection now (leaving the garbage in the
    /// UNREACHABLE list with COLLECTING set), then advance again.
    Detect,
}

impl<N: Copy + Eq + Hash + Debug> Core<N> {
    /// Starts a collection of `generation`, survivors going to `old`.
    /// `Ok(false)` when one is already running (re-entrant collection).
    pub(crate) fn begin(&mut self, generation: usize, old: ListId) -> Result<bool, GcError> {
        if generation >= crate::NUM_GENERATIONS {
            return Err(GcError::InvalidGeneration(generation));
        }
        if self.run.is_some() {
            return Ok(false);
        }
        self.run = Some(Run {
            generation,
            old,
            stage: Stage::Start,
            collected: 0,
            uncollectable: 0,
            started: Instant::now(),
            outbox: VecDeque::new(),
            finalized_any: false,
            final_list: SCRATCH,
            garbage: Vec::new(),
            detected: None,
            survivors: Vec::new(),
            cursor: NIL,
        });
        Ok(true)
    }

    /// Adds weak reference objects freed by their callbacks to `m`.
    pub(crate) fn report_weakrefs_freed(&mut self, freed: usize) {
        if let Some(run) = &mut self.run {
            run.collected += freed;
        }
    }

    /// The next thing to do.
    pub(crate) fn advance<G: Graph<Node = N>>(
        &mut self,
        graph: &mut G,
    ) -> Result<Next<N>, GcError> {
        loop {
            let run = self.run.as_mut().ok_or(GcError::NotCollecting)?;
            if let Some(step) = run.outbox.pop_front() {
                if matches!(step, Step::Done(_)) {
                    self.run = None;
                }
                return Ok(Next::Step(step));
            }
            let generation = run.generation;
            let old = run.old;
            let final_list = run.final_list;
            match run.stage {
                Stage::Start => {
                    run.stage = Stage::Header;
                    let info = CallbackInfo {
                        generation,
                        collected: 0,
                        uncollectable: 0,
                    };
                    run.outbox.push_back(Step::Start(info));
                    self.run_callbacks(Phase::Start, &info);
                }
                Stage::Header => {
                    run.stage = Stage::Detect;
                    if self.debug.contains(DebugFlags::STATS) {
                        let t = &self.table;
                        let lines = [
                            format!("gc: collecting generation {generation}..."),
                            format!(
                                "gc: objects in each generation: {} {} {}",
                                t.len(GEN0),
                                t.len(GEN1),
                                t.len(GEN2)
                            ),
                            format!("gc: objects in permanent generation: {}", t.len(PERMANENT)),
                        ];
                        run.outbox.extend(lines.map(Step::Debug));
                    }
                }
                Stage::Detect => {
                    run.stage = Stage::AfterDetect;
                    return Ok(Next::Detect);
                }
                Stage::AfterDetect => {
                    run.stage = Stage::Finalize;
                    self.after_detect(graph);
                }
                Stage::Finalize => {
                    if let Some(node) = self.next_finalizer(graph) {
                        if let Some(run) = &mut self.run {
                            run.finalized_any = true;
                        }
                        return Ok(Next::Step(Step::Finalize(node)));
                    }
                    self.table.merge(SCRATCH, UNREACHABLE);
                    if let Some(run) = &mut self.run {
                        run.stage = Stage::Resurrect;
                    }
                }
                Stage::Resurrect => {
                    let final_list = if run.finalized_any {
                        // handle_resurrected_objects: a second
                        // deduce_unreachable over what is left; the
                        // resurrected go to `old`.
                        // (update_refs rewrites each header's collection
                        // part, so the old flags need no clearing first.)
                        let _ = deduce_unreachable(&mut self.table, graph, UNREACHABLE, SCRATCH);
                        self.table.merge(UNREACHABLE, old);
                        SCRATCH
                    } else {
                        // Deliberate shortcut: only finalizers can
                        // resurrect (weakref callbacks cannot reach the
                        // garbage: it is in no generation list), so with
                        // none run the set is final as it stands.
                        UNREACHABLE
                    };
                    let still = self.table.len(final_list);
                    if let Some(run) = &mut self.run {
                        run.collected += still;
                        run.final_list = final_list;
                        run.stage = Stage::Delete(None);
                    }
                }
                Stage::Delete(last) => {
                    if let Some(node) = self.delete_next(graph, last, old, final_list) {
                        let step = if self.debug.contains(DebugFlags::SAVEALL) {
                            self.garbage.push(node);
                            Step::SaveGarbage(node)
                        } else {
                            Step::Clear(node)
                        };
                        return Ok(Next::Step(step));
                    }
                }
                Stage::Finish => self.finish(graph),
                Stage::Stop => {
                    let (collected, uncollectable) = (run.collected, run.uncollectable);
                    let info = CallbackInfo {
                        generation,
                        collected,
                        uncollectable,
                    };
                    run.outbox.push_back(Step::Stop(info));
                    run.outbox.push_back(Step::Done(Outcome {
                        generation,
                        collected,
                        uncollectable,
                    }));
                    tracing::debug!(generation, collected, uncollectable, "gc collection done");
                    self.run_callbacks(Phase::Stop, &info);
                }
            }
        }
    }

    /// Steps 8-11: `move_legacy_finalizers`,
    /// `move_legacy_finalizer_reachable`, DEBUG_COLLECTABLE, and the
    /// request to handle weak references.
    fn after_detect<G: Graph<Node = N>>(&mut self, graph: &mut G) {
        let t = &mut self.table;
        let detected = self.run.as_mut().and_then(|r| r.detected.take());
        let mut garbage = match detected {
            // The usual case: the detector listed the garbage, none of it
            // with a legacy finalizer.
            Some(nodes) if !nodes.iter().any(|&n| graph.has_legacy_finalizer(n)) => nodes,
            _ => {
                // One walk finds the legacy finalizers and the rest.
                let mut garbage = Vec::with_capacity(t.len(UNREACHABLE));
                let mut cur = t.head(UNREACHABLE);
                while let Some(node) = t.node(cur) {
                    let next = t.next(cur);
                    if graph.has_legacy_finalizer(node) {
                        graph.update_gc_header(node, |h| h.stop_collecting());
                        t.move_to(cur, FINALIZERS);
                    } else {
                        garbage.push(node);
                    }
                    cur = next;
                }
                garbage
            }
        };
        let mut buf = Vec::new();
        let mut cur = t.head(FINALIZERS);
        while let Some(node) = t.node(cur) {
            graph.traverse(node, |r| buf.push(r));
            for r in buf.drain(..) {
                if let Some(ri) = t.lookup(&*graph, r)
                    && graph.update_gc_header(r, |h| {
                        let collecting = h.is_collecting();
                        h.stop_collecting();
                        collecting
                    })
                {
                    t.move_to(ri, FINALIZERS);
                }
            }
            cur = t.next(cur);
        }
        if t.len(FINALIZERS) > 0 {
            garbage = t.nodes(UNREACHABLE);
        }
        let Some(run) = &mut self.run else { return };
        if self.debug.contains(DebugFlags::COLLECTABLE) {
            for &node in &garbage {
                run.outbox
                    .push_back(Step::Debug(debug_line("collectable", graph, node)));
            }
        }
        if !garbage.is_empty() {
            run.garbage.clone_from(&garbage);
            run.outbox.push_back(Step::HandleWeakrefs(garbage));
        }
    }

    /// One iteration of `finalize_garbage`: the next unreachable object
    /// with an unrun finalizer, FINALIZED set before it runs.
    fn next_finalizer<G: Graph<Node = N>>(&mut self, graph: &mut G) -> Option<N> {
        if let Some(run) = self.run.as_mut()
            && !run.finalized_any
            && self.table.len(SCRATCH) == 0
        {
            // First call: skip the walk when nothing has a finalizer to
            // run. The list holds what `garbage` does (weak reference
            // callbacks cannot reach the garbage to change it).
            let garbage = std::mem::take(&mut run.garbage);
            let any = garbage
                .iter()
                .any(|&node| graph.has_finalizer(node) && !graph.gc_header(node).is_finalized());
            if !any {
                return None;
            }
        }
        loop {
            let head = self.table.head(UNREACHABLE);
            let node = self.table.node(head)?;
            self.table.move_to(head, SCRATCH);
            if graph.has_finalizer(node) {
                let header = graph.gc_header(node);
                if !header.is_finalized() {
                    graph.set_gc_header(node, header.with_finalized());
                    return Some(node);
                }
            }
        }
    }

    /// During `delete_garbage`, with nothing else to hand the host first
    /// and DEBUG_SAVEALL off: the next object to clear, as [`Core::advance`]
    /// would return it in a [`Step::Clear`]. `None` when `advance` must run
    /// (another stage, a queued step, SAVEALL, or the end of the garbage).
    /// The fast path of [`Collector::step_clearing`](crate::Collector::step_clearing).
    #[inline]
    pub(crate) fn next_clear<G: Graph<Node = N>>(&mut self, graph: &mut G) -> Option<N> {
        let (last, run) = self.clearing_fast_path()?;
        let (old, list) = (run.old, run.final_list);
        self.delete_next(graph, last, old, list)
    }

    /// The run and the object `delete_garbage` handled last, when the
    /// collector may clear without handing a step back: during
    /// `delete_garbage`, with nothing queued for the host and
    /// DEBUG_SAVEALL off.
    fn clearing_fast_path(&self) -> Option<(Handled<N>, &Run<N>)> {
        let run = self.run.as_ref()?;
        let Stage::Delete(last) = run.stage else {
            return None;
        };
        (run.outbox.is_empty() && !self.debug.contains(DebugFlags::SAVEALL)).then_some((last, run))
    }

    /// Switches `delete_garbage` to batches ([`Host::clear_batch`](crate::Host::clear_batch)
    /// above 1) after the host cleared the object [`Core::next_clear`] (or
    /// a [`Step::Clear`]) handed out: from there one walk of the list hands
    /// out every object to clear ([`Core::next_batched`]), and whether each
    /// survived is settled once, at [`Core::end_batches`]. `false` (nothing
    /// changed) outside the conditions of `next_clear`'s fast path.
    pub(crate) fn begin_batches(&mut self) -> bool {
        let Some((Some((i, _)), _)) = self.clearing_fast_path() else {
            return false;
        };
        let cursor = self.table.next(i);
        let Some(run) = self.run.as_mut() else {
            return false;
        };
        run.cursor = cursor;
        run.stage = Stage::Delete(None);
        true
    }

    /// The next object to clear in batches: the next live entry of the
    /// list, walking past the entries that died meanwhile (DEAD ones stay
    /// linked in the lazy list, so the walk is sound) and those whose
    /// count is zero (the host frees them at `end_clears`, dropping their
    /// references then: CPython would have freed them without a
    /// `tp_clear`). `None` at the end of the list, or if the walk finds
    /// itself outside the list.
    pub(crate) fn next_batched<G: Graph<Node = N>>(&mut self, graph: &G) -> Option<N> {
        let run = self.run.as_mut()?;
        let t = &self.table;
        let mut cur = run.cursor;
        loop {
            let e = t.entry(cur)?;
            if t.list_of(cur) != run.final_list {
                run.cursor = NIL;
                return None;
            }
            let next = e.next_index();
            if t.is_live(cur) && graph.refcount(e.node) != 0 {
                run.cursor = next;
                return Some(e.node);
            }
            cur = next;
        }
    }

    /// The end of `delete_garbage` in batches (after the last
    /// [`Host::end_clears`](crate::Host::end_clears)): one walk of the list
    /// frees the entries of the dead and moves the objects still alive to
    /// `old`, in list order, which is the order they were cleared in (CPython
    /// moves each right after its `tp_clear`: the same end state), their
    /// headers' collection part cleared.
    pub(crate) fn end_batches<G: Graph<Node = N>>(&mut self, graph: &mut G) {
        let Some(run) = self.run.as_ref() else {
            return;
        };
        let (old, list) = (run.old, run.final_list);
        self.table.dissolve_lazy(list, old, |i, node| {
            graph.update_gc_header(node, |h| {
                if h.is_slot(i) {
                    h.stop_collecting();
                }
            });
        });
    }

    /// One iteration of `delete_garbage`: deals with the object handled
    /// last (still at the head: alive, so moved to `old`), then returns
    /// the next one to clear or save, or moves on to [`Stage::Finish`].
    fn delete_next<G: Graph<Node = N>>(
        &mut self,
        graph: &mut G,
        last: Handled<N>,
        old: ListId,
        list: ListId,
    ) -> Option<N> {
        let t = &mut self.table;
        let run = self.run.as_mut()?;
        if let Some((i, node)) = last
            && t.head(list) == i
            && t.is_live(i)
            && t.node(i) == Some(node)
        {
            // Still alive after tp_clear: it may die later. CPython clears
            // COLLECTING here; it stays set until `sweep_survivors`, which
            // nothing before then can tell (`in_garbage_set` reads the list).
            t.move_to(i, old);
            run.survivors.push(i);
        }
        t.set_lazy(Some(list));
        t.reclaim_dead_head(list);
        let head = t.head(list);
        let Some(node) = t.node(head) else {
            let survivors = std::mem::take(&mut run.survivors);
            run.stage = Stage::Finish;
            self.sweep_survivors(graph, &survivors);
            self.table.set_lazy(None);
            return None;
        };
        run.stage = Stage::Delete(Some((head, node)));
        Some(node)
    }

    /// The end of `delete_garbage` for the objects that outlived their own
    /// `tp_clear`: those that died since are unlinked from wherever they
    /// are now (`old`, or wherever a `gc.freeze()` run meanwhile moved
    /// them) and their entries freed; the rest leave the collection
    /// (`gc_clear_collecting`, which CPython does when it moves them).
    /// In the order they were moved, so the walk is sequential.
    fn sweep_survivors<G: Graph<Node = N>>(&mut self, graph: &mut G, survivors: &[u32]) {
        for &i in survivors {
            if !self.table.release_if_dead(i)
                && let Some(node) = self.table.node(i)
            {
                graph.update_gc_header(node, |h| {
                    if h.is_slot(i) {
                        h.stop_collecting();
                    }
                });
            }
        }
    }

    /// Steps 15-18.
    fn finish<G: Graph<Node = N>>(&mut self, graph: &G) {
        let Some(run) = self.run.as_mut() else { return };
        let finalizers = self.table.nodes(FINALIZERS);
        run.uncollectable = finalizers.len();
        if self.debug.contains(DebugFlags::UNCOLLECTABLE) {
            for &node in &finalizers {
                run.outbox
                    .push_back(Step::Debug(debug_line("uncollectable", graph, node)));
            }
        }
        if self.debug.contains(DebugFlags::STATS) {
            let elapsed = run.started.elapsed().as_secs_f64();
            run.outbox.push_back(Step::Debug(format!(
                "gc: done, {} unreachable, {} uncollectable, {elapsed:.4}s elapsed",
                run.collected + run.uncollectable,
                run.uncollectable
            )));
        }
        let saveall = self.debug.contains(DebugFlags::SAVEALL);
        for node in finalizers {
            if saveall || graph.has_legacy_finalizer(node) {
                self.garbage.push(node);
                run.outbox.push_back(Step::SaveGarbage(node));
            }
        }
        self.table.merge(FINALIZERS, run.old);
        if let Some(stats) = self.stats.get_mut(run.generation) {
            stats.collections += 1;
            stats.collected += run.collected;
            stats.uncollectable += run.uncollectable;
        }
        run.stage = Stage::Stop;
    }
}

/// `gc: collectable <TYPE 0xADDR>` (CPython's `debug_cycle`).
fn debug_line<G: Graph>(what: &str, graph: &G, node: G::Node) -> String {
    format!(
        "gc: {what} <{} {:#x}>",
        graph.type_name(node),
        graph.address(node)
    )
}
