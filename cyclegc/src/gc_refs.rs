//! `deduce_unreachable`: CPython's gc_refs copy and subtraction
//! (`update_refs`, `subtract_refs`, `move_unreachable`), over one list of
//! the node table. Used by the generational collector to find garbage and
//! by the shared finalization protocol to detect resurrection.

use crate::Graph;
use crate::gc_list::{COLLECTING, ListId, NodeTable};

/// `update_refs`: `gc_refs = refcount` and COLLECTING for every object of
/// `young`. Differs from CPython in one defensive check: an entry whose
/// node no longer points back to it (the host freed the object without
/// untracking it) is dropped instead of being treated as garbage.
pub(crate) fn update_refs<G: Graph>(table: &mut NodeTable<G::Node>, graph: &G, young: ListId) {
    let mut cur = table.head(young);
    while let Some(e) = table.entry(cur) {
        let next = e.next_index();
        let node = e.node;
        let (refcount, header) = graph.refcount_and_header(node);
        if header.slot() != Some(cur) {
            tracing::warn!(?node, "tracked object freed without untrack; dropped");
            table.release_stale(cur);
        } else if let Some(e) = table.entry_mut(cur) {
            // A refcount beyond isize::MAX cannot come from a real heap.
            e.gc_refs = isize::try_from(refcount).unwrap_or(isize::MAX);
            e.flags |= COLLECTING;
        }
        cur = next;
    }
}

/// `subtract_refs`: for each object of `young`, decrement the `gc_refs` of
/// every referent that is being collected. Afterwards `gc_refs > 0` means
/// referenced from outside the set.
pub(crate) fn subtract_refs<G: Graph>(table: &mut NodeTable<G::Node>, graph: &G, young: ListId) {
    let mut cur = table.head(young);
    while let Some(node) = table.node(cur) {
        graph.traverse(node, |r| {
            if let Some(ri) = table.lookup(graph, r)
                && let Some(re) = table.entry_mut(ri)
                && re.flags & COLLECTING != 0
            {
                re.gc_refs -= 1;
            }
        });
        cur = table.next(cur);
    }
}

/// `move_unreachable`: scans `young` front to back; objects with
/// `gc_refs == 0` move (tentatively) to the tail of `unreachable`, the
/// others are reachable and rescue what they reach (moved back to the tail
/// of `young`, `gc_refs = 1`). Reachable objects lose COLLECTING; the
/// unreachable keep it. The unreachable list is in scan order.
pub(crate) fn move_unreachable<G: Graph>(
    table: &mut NodeTable<G::Node>,
    graph: &G,
    young: ListId,
    unreachable: ListId,
) {
    let mut cur = table.head(young);
    while let Some(e) = table.entry(cur) {
        let node = e.node;
        if e.gc_refs > 0 {
            graph.traverse(node, |r| {
                let Some(ri) = table.lookup(graph, r) else {
                    return;
                };
                if table.flags(ri) & COLLECTING == 0 {
                    return;
                }
                if table.list_of(ri) == unreachable {
                    table.move_to(ri, young);
                }
                if let Some(re) = table.entry_mut(ri)
                    && re.gc_refs <= 0
                {
                    re.gc_refs = 1;
                }
            });
            if let Some(e) = table.entry_mut(cur) {
                e.flags &= !COLLECTING;
            }
            cur = table.next(cur);
        } else {
            let next = table.next(cur);
            table.move_to(cur, unreachable);
            cur = next;
        }
    }
}

/// `deduce_unreachable`: the three passes; afterwards `young` holds the
/// reachable objects and `unreachable` the rest (COLLECTING set).
pub(crate) fn deduce_unreachable<G: Graph>(
    table: &mut NodeTable<G::Node>,
    graph: &G,
    young: ListId,
    unreachable: ListId,
) {
    update_refs(table, graph, young);
    subtract_refs(table, graph, young);
    move_unreachable(table, graph, young, unreachable);
}
