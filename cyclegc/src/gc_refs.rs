//! `deduce_unreachable`: CPython's gc_refs copy and subtraction
//! (`update_refs`, `subtract_refs`, `move_unreachable`), over one list of
//! the node table. Used by the generational collector to find garbage and
//! by the shared finalization protocol to detect resurrection.
//!
//! As in CPython, `gc_refs` and the COLLECTING and UNREACHABLE flags live
//! in the object's header ([`GcHeader`](crate::GcHeader)): following a
//! reference costs one host lookup (read-modify-write of the referent's
//! header through [`Graph::update_gc_header`]); the node table is walked
//! in list order and written only when an object changes list.

use crate::Graph;
use crate::gc_list::{ListId, NodeTable};

/// `update_refs`: `gc_refs = refcount` and COLLECTING for every object of
/// `young`. Differs from CPython in one defensive check: an entry whose
/// node no longer points back to it (the host freed the object without
/// untracking it) is dropped instead of being treated as garbage.
pub(crate) fn update_refs<G: Graph>(table: &mut NodeTable<G::Node>, graph: &mut G, young: ListId) {
    // `f` never asks for the referents: this stays empty.
    let mut no_referents = Vec::new();
    let mut cur = table.head(young);
    while let Some(e) = table.entry(cur) {
        let next = e.next_index();
        let node = e.node;
        let mut current = false;
        graph.scan_object(node, &mut no_referents, |refcount, h| {
            current = h.is_slot(cur);
            if current {
                h.start_collecting(refcount);
            }
            false
        });
        if !current {
            stale(table, node, cur);
        }
        cur = next;
    }
}

/// Drops entry `i`, whose node the host freed without untracking it.
#[cold]
fn stale<N: Copy + Eq + std::fmt::Debug>(table: &mut NodeTable<N>, node: N, i: u32) {
    tracing::warn!(?node, "tracked object freed without untrack; dropped");
    table.release_stale(i);
}

/// `subtract_refs`: for each object of `young`, decrement the `gc_refs` of
/// every referent that is being collected (`visit_decref`). Afterwards
/// `gc_refs > 0` means referenced from outside the set.
pub(crate) fn subtract_refs<G: Graph>(table: &NodeTable<G::Node>, graph: &mut G, young: ListId) {
    let mut scratch = Vec::new();
    let mut cur = table.head(young);
    while let Some(e) = table.entry(cur) {
        graph.scan_and_visit(
            e.node,
            &mut scratch,
            |_, _| true,
            |_, h| {
                if h.is_collecting() {
                    h.decref();
                }
            },
        );
        cur = e.next_index();
    }
}

/// `update_refs` and `subtract_refs` in one pass, for a collection whose
/// `young` holds every tracked object (a full collection with the
/// permanent generation and the collector's other lists empty): then a
/// referent is in the set exactly when its header names an entry, so the
/// subtraction needs no COLLECTING flag and can come before the object's
/// own `gc_refs = refcount`; the header counts the subtractions that come
/// first. Same `gc_refs` as the two passes (CPython's), one walk fewer.
/// Relies on the headers' collection part being zero outside a
/// collection, which the collector maintains.
pub(crate) fn update_and_subtract_refs<G: Graph>(
    table: &mut NodeTable<G::Node>,
    graph: &mut G,
    young: ListId,
) {
    let mut scratch = Vec::new();
    let mut cur = table.head(young);
    while let Some(e) = table.entry(cur) {
        let next = e.next_index();
        let node = e.node;
        let current = graph.scan_and_visit(
            node,
            &mut scratch,
            |refcount, h| {
                let current = h.is_slot(cur);
                if current {
                    h.start_collecting_deferred(refcount);
                }
                current
            },
            |_, h| {
                if h.is_tracked() {
                    h.decref();
                }
            },
        );
        if !current {
            stale(table, node, cur);
        }
        cur = next;
    }
}

/// `move_unreachable`: scans `young` front to back; objects with
/// `gc_refs == 0` move (tentatively) to the tail of `unreachable`, the
/// others are reachable and rescue what they reach (`visit_reachable`:
/// moved back to the tail of `young`, `gc_refs = 1`). Reachable objects
/// lose COLLECTING; the unreachable keep it. The unreachable list is in
/// scan order.
///
/// Returns the unreachable nodes in list order when no tentatively
/// unreachable object was moved back (then the list is exactly the nodes
/// moved, and the finalization protocol need not walk it to list them);
/// `None` otherwise.
pub(crate) fn move_unreachable<G: Graph>(
    table: &mut NodeTable<G::Node>,
    graph: &mut G,
    young: ListId,
    unreachable: ListId,
) -> Option<Vec<G::Node>> {
    let mut scratch = Vec::new();
    let mut exact = table.len(unreachable) == 0;
    // Room for every object of `young` at once: growing it by doubling
    // cost a full collection of garbage about 3% of its instructions
    // (reallocations and their copies); pages never written are not paid.
    let mut moved = Vec::with_capacity(if exact { table.len(young) } else { 0 });
    move_unreachable_head(
        table,
        graph,
        young,
        unreachable,
        exact.then_some(&mut moved),
    );
    let mut cur = table.head(young);
    while let Some(e) = table.entry(cur) {
        let node = e.node;
        // COLLECTING is cleared before the traversal rather than after
        // (CPython): only a self-reference could tell, and rescuing an
        // object already known reachable changes nothing.
        let reachable = graph.scan_and_visit(
            node,
            &mut scratch,
            |_, h| {
                let reachable = h.gc_refs() > 0;
                if reachable {
                    h.stop_collecting();
                } else {
                    h.mark_unreachable();
                }
                reachable
            },
            |r, h| {
                if h.rescue()
                    && let Some(ri) = h.slot()
                    && table.node(ri) == Some(r)
                    && table.list_of(ri) == unreachable
                {
                    table.move_to(ri, young);
                    exact = false;
                }
            },
        );
        if reachable {
            cur = table.next(cur);
        } else {
            let next = table.next(cur);
            table.move_to(cur, unreachable);
            if exact {
                moved.push(node);
            }
            cur = next;
        }
    }
    exact.then_some(moved)
}

/// The first part of [`move_unreachable`]: the objects with `gc_refs == 0`
/// at the head of `young`, up to the first reachable one. Until a
/// reachable object is scanned nothing can be rescued, so these are
/// marked and relabelled in a loop that follows no reference, and move
/// to `unreachable` in one splice: the same lists and flags as moving
/// them one by one. When the whole set is garbage, that is every object.
/// Their nodes are appended to `moved`, if given.
#[inline(never)]
fn move_unreachable_head<G: Graph>(
    table: &mut NodeTable<G::Node>,
    graph: &mut G,
    young: ListId,
    unreachable: ListId,
    mut moved: Option<&mut Vec<G::Node>>,
) {
    let first = table.head(young);
    let (mut last, mut len) = (first, 0);
    let mut cur = first;
    while let Some(e) = table.entry(cur) {
        let (node, next) = (e.node, e.next_index());
        let unreferenced = graph.update_gc_header(node, |h| {
            let unreferenced = h.gc_refs() == 0;
            if unreferenced {
                h.mark_unreachable();
            }
            unreferenced
        });
        if !unreferenced {
            break;
        }
        table.relabel(cur, unreachable);
        if let Some(moved) = moved.as_deref_mut() {
            moved.push(node);
        }
        (last, len) = (cur, len + 1);
        cur = next;
    }
    if len > 0 {
        table.move_run(first, last, len, young, unreachable);
    }
}

/// `deduce_unreachable`: the three passes; afterwards `young` holds the
/// reachable objects (their headers' collection part zeroed) and
/// `unreachable` the rest (COLLECTING and UNREACHABLE set). Returns what
/// [`move_unreachable`] does.
pub(crate) fn deduce_unreachable<G: Graph>(
    table: &mut NodeTable<G::Node>,
    graph: &mut G,
    young: ListId,
    unreachable: ListId,
) -> Option<Vec<G::Node>> {
    if table.holds_all_tracked(young) {
        update_and_subtract_refs(table, graph, young);
    } else {
        update_refs(table, graph, young);
        subtract_refs(table, graph, young);
    }
    if !any_unreferenced(table, graph, young) {
        // Nothing to move: `move_unreachable` would leave every object in
        // place, only clearing COLLECTING; that needs no edge visited.
        clear_collecting(table, graph, young);
        return (table.len(unreachable) == 0).then(Vec::new);
    }
    move_unreachable(table, graph, young, unreachable)
}

/// Whether some object of `young` has `gc_refs == 0` after the
/// subtraction, i.e. whether `move_unreachable` could move anything. A
/// read of each header in list order, stopping at the first such object
/// (usually one of the first: young objects are mostly referenced only by
/// other young objects). Not in CPython: when every object is referenced
/// from outside the set, it saves `move_unreachable`'s visit of every edge.
// Out of line, as `clear_collecting`: inlined, they cost the hot loops of
// `move_unreachable` a few instructions per object (callgrind).
#[inline(never)]
fn any_unreferenced<G: Graph>(table: &NodeTable<G::Node>, graph: &G, young: ListId) -> bool {
    let mut cur = table.head(young);
    while let Some(e) = table.entry(cur) {
        if graph.gc_header(e.node).gc_refs() == 0 {
            return true;
        }
        cur = e.next_index();
    }
    false
}

/// `move_unreachable` over a `young` where every object has `gc_refs > 0`:
/// all of them are reachable and leave the collection (`gc_clear_collecting`).
#[inline(never)]
fn clear_collecting<G: Graph>(table: &NodeTable<G::Node>, graph: &mut G, young: ListId) {
    let mut cur = table.head(young);
    while let Some(e) = table.entry(cur) {
        graph.update_gc_header(e.node, |h| h.stop_collecting());
        cur = e.next_index();
    }
}
