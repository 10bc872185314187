//! PEP 442 finalization through the shared protocol: `__del__` order,
//! finalize-once, resurrection (transitive), suicide, legacy finalizers,
//! SAVEALL with finalizers, nested collection (§7.2-§7.5, §7.15-§7.18,
//! §8 #8, #10, #19-#22, #31-#33).

mod common;
use common::{Del, Heap, Impl, Kind, collect, has};
use cyclegc::{CYCLE_COLLECTION, Collector, DebugFlags};
use refcount::Handle;
use rstest::rstest;

fn pair(
    heap: &mut Heap,
    gc: &mut dyn Collector<Heap>,
    a: &str,
    b: &str,
    da: Del,
    db: Del,
) -> (Handle, Handle) {
    let x = heap.obj_del(gc, a, da);
    let y = heap.obj_del(gc, b, db);
    heap.add_ref(gc, x, y);
    heap.add_ref(gc, y, x);
    (x, y)
}

fn setup(imp: Impl) -> (Box<dyn Collector<Heap>>, Heap) {
    (imp.build(), Heap::new())
}

#[rstest]
fn del_order_follows_creation(
    #[values(Impl::Generational, Impl::TrialDeletion, Impl::Off)] imp: Impl,
) {
    let (mut gc, mut heap) = setup(imp);
    let gc = gc.as_mut();
    let (a, b) = pair(&mut heap, gc, "A", "B", Del::Log, Del::Log);
    heap.decref(gc, a);
    heap.decref(gc, b);
    let n = collect(&mut heap, gc, 2);
    if !has(gc, CYCLE_COLLECTION) {
        assert_eq!((n, heap.log.len()), (0, 0));
        return;
    }
    assert_eq!(heap.log, ["del A", "del B"]);
    assert_eq!(n, 2);
    assert!(gc.garbage().is_empty());
    assert_eq!(collect(&mut heap, gc, 2), 0);
    // Reverse creation order: B first (§7.3).
    heap.log.clear();
    let b = heap.obj_del(gc, "B", Del::Log);
    let a = heap.obj_del(gc, "A", Del::Log);
    heap.add_ref(gc, a, b);
    heap.add_ref(gc, b, a);
    heap.decref(gc, a);
    heap.decref(gc, b);
    assert_eq!(collect(&mut heap, gc, 2), 2);
    assert_eq!(heap.log, ["del B", "del A"]);
}

#[rstest]
fn is_finalized_inside_del_gc_path_vs_refcount_path(
    #[values(Impl::Generational, Impl::TrialDeletion)] imp: Impl,
) {
    let (mut gc, mut heap) = setup(imp);
    let gc = gc.as_mut();
    let x = heap.obj_del(gc, "x", Del::Log);
    let y = heap.obj_del(gc, "y", Del::Log);
    let z = heap.obj_del(gc, "z", Del::Log);
    heap.add_ref(gc, x, y);
    heap.add_ref(gc, y, z);
    heap.add_ref(gc, z, x);
    for h in [x, y, z] {
        heap.decref(gc, h);
    }
    assert_eq!(collect(&mut heap, gc, 2), 3);
    assert_eq!(heap.log, ["del x", "del y", "del z"]);
    assert_eq!(heap.finalized_inside, [true, true, true]);
    let w = heap.obj_del(gc, "w", Del::Log);
    assert!(!gc.is_finalized(&heap, w));
    heap.decref(gc, w);
    assert_eq!(
        heap.finalized_inside.last(),
        Some(&false),
        "refcount path sets it after"
    );
}

#[rstest]
fn resurrection_keeps_everything_reachable_and_del_runs_once(
    #[values(Impl::Generational, Impl::TrialDeletion)] imp: Impl,
) {
    let (mut gc, mut heap) = setup(imp);
    let gc = gc.as_mut();
    let (a, b) = pair(&mut heap, gc, "A", "B", Del::Resurrect, Del::Resurrect);
    heap.decref(gc, a);
    heap.decref(gc, b);
    assert_eq!(
        collect(&mut heap, gc, 2),
        0,
        "resurrected objects are not counted"
    );
    assert_eq!(heap.log, ["del A", "del B"]);
    assert!(heap.alive(a) && heap.alive(b));
    assert_eq!(heap.refs(a), vec![b], "intact");
    assert_eq!(heap.refs(b), vec![a], "intact");
    assert!(gc.is_finalized(&heap, b) && gc.is_tracked(&heap, b));
    assert!(gc.garbage().is_empty());
    heap.clear_saved(gc);
    assert_eq!(collect(&mut heap, gc, 2), 2);
    assert_eq!(heap.log.len(), 2, "__del__ never runs twice");
    assert!(!heap.alive(a) && !heap.alive(b));
    assert_eq!(collect(&mut heap, gc, 2), 0);
}

#[rstest]
fn resurrecting_one_member_saves_its_cycle(
    #[values(Impl::Generational, Impl::TrialDeletion)] imp: Impl,
) {
    let (mut gc, mut heap) = setup(imp);
    let gc = gc.as_mut();
    let (x, y) = pair(&mut heap, gc, "X", "Y", Del::Resurrect, Del::Log);
    heap.decref(gc, x);
    heap.decref(gc, y);
    assert_eq!(collect(&mut heap, gc, 2), 0);
    assert_eq!(heap.log, ["del X", "del Y"]);
    assert_eq!(heap.saved, vec![x]);
    assert_eq!(heap.refs(x), vec![y]);
    assert_eq!(heap.refs(y), vec![x]);
    heap.clear_saved(gc);
    assert_eq!(collect(&mut heap, gc, 2), 2);
    assert_eq!(heap.log.len(), 2);
}

#[rstest]
fn resurrection_does_not_block_cleanup_of_others(
    #[values(Impl::Generational, Impl::TrialDeletion)] imp: Impl,
) {
    let (mut gc, mut heap) = setup(imp);
    let gc = gc.as_mut();
    for i in 0..100 {
        let a = heap.obj(gc, &format!("A{i}"));
        heap.add_ref(gc, a, a);
        heap.decref(gc, a);
    }
    let z = heap.obj_del(gc, "Z", Del::Resurrect);
    heap.add_ref(gc, z, z);
    heap.decref(gc, z);
    let before = gc.stats()[2];
    assert_eq!(collect(&mut heap, gc, 2), 100);
    assert_eq!(gc.stats()[2].collected - before.collected, 100);
    assert_eq!(gc.stats()[2].uncollectable, 0);
    assert!(heap.alive(z));
    heap.clear_saved(gc);
    assert_eq!(collect(&mut heap, gc, 2), 1);
    assert_eq!(heap.del_calls.get("Z"), Some(&1));
}

#[rstest]
fn suicidal_ring_is_freed_cleanly(#[values(Impl::Generational, Impl::TrialDeletion)] imp: Impl) {
    let (mut gc, mut heap) = setup(imp);
    let gc = gc.as_mut();
    let nodes: Vec<Handle> = (0..5)
        .map(|i| heap.obj_del(gc, &format!("S{i}"), Del::Suicide))
        .collect();
    for i in 0..5 {
        heap.add_ref(gc, nodes[i], nodes[(i + 1) % 5]);
    }
    for &n in &nodes {
        heap.decref(gc, n);
    }
    collect(&mut heap, gc, 2);
    assert!(nodes.iter().all(|&n| !heap.alive(n)));
    assert!(heap.del_calls.values().all(|&c| c == 1));
    assert_eq!(heap.del_calls.len(), 5);
    assert_eq!(collect(&mut heap, gc, 2), 0);
}

#[rstest]
fn mixed_ring_survivors_are_exactly_the_resurrected(
    #[values(Impl::Generational, Impl::TrialDeletion)] imp: Impl,
) {
    // CycleChainFinalizationTest, heterogenous: plain, suicidal and
    // resurrecting members in one ring of six.
    let (mut gc, mut heap) = setup(imp);
    let gc = gc.as_mut();
    let kinds = [
        Del::Log,
        Del::Suicide,
        Del::Resurrect,
        Del::Log,
        Del::Suicide,
        Del::Log,
    ];
    let nodes: Vec<Handle> = kinds
        .iter()
        .enumerate()
        .map(|(i, &d)| heap.obj_del(gc, &format!("N{i}"), d))
        .collect();
    for i in 0..6 {
        heap.add_ref(gc, nodes[i], nodes[(i + 1) % 6]);
    }
    for &n in &nodes {
        heap.decref(gc, n);
    }
    collect(&mut heap, gc, 2);
    assert_eq!(heap.del_calls.len(), 6, "every __del__ ran");
    assert!(heap.del_calls.values().all(|&c| c == 1));
    // N2 resurrected; it reaches N3 and N4 (N4's suicide cut the ring).
    assert!(heap.alive(nodes[2]) && heap.alive(nodes[3]) && heap.alive(nodes[4]));
    assert_eq!(heap.refs(nodes[2]), vec![nodes[3]]);
    assert!(!heap.alive(nodes[0]) && !heap.alive(nodes[5]));
    heap.clear_saved(gc);
    collect(&mut heap, gc, 2);
    assert!(nodes.iter().all(|&n| !heap.alive(n)));
    assert!(
        heap.del_calls.values().all(|&c| c == 1),
        "no second __del__"
    );
}

#[rstest]
fn legacy_finalizers_are_uncollectable(
    #[values(Impl::Generational, Impl::TrialDeletion, Impl::Off)] imp: Impl,
) {
    let (mut gc, mut heap) = setup(imp);
    let gc = gc.as_mut();
    let (a, b) = pair(&mut heap, gc, "A", "B", Del::None, Del::None);
    heap.set_legacy(a);
    heap.set_legacy(b);
    let p = heap.obj(gc, "Plain");
    heap.add_ref(gc, a, p);
    for h in [a, b, p] {
        heap.decref(gc, h);
    }
    let n = collect(&mut heap, gc, 2);
    if !has(gc, CYCLE_COLLECTION) {
        assert_eq!(n, 0);
        return;
    }
    assert_eq!(n, 3);
    assert_eq!(gc.garbage(), &[a, b], "Plain is counted but not listed");
    assert_eq!(heap.garbage, vec![a, b]);
    assert_eq!(gc.stats()[2].uncollectable, 3);
    assert!(heap.log.is_empty(), "tp_del is not called by the collector");
    assert_eq!(
        collect(&mut heap, gc, 2),
        0,
        "reachable from gc.garbage now"
    );
    // Break the cycle by hand: the refcount path calls tp_del.
    heap.remove_ref(gc, a, b);
    heap.clear_garbage(gc);
    assert_eq!(
        heap.log,
        ["tp_del B", "tp_del A"],
        "B dies first, then A through it"
    );
    assert!(!heap.alive(p));
    assert_eq!(collect(&mut heap, gc, 2), 0);
}

#[rstest]
fn saveall_runs_finalizers_then_saves(
    #[values(Impl::Generational, Impl::TrialDeletion)] imp: Impl,
) {
    let (mut gc, mut heap) = setup(imp);
    let gc = gc.as_mut();
    gc.set_debug(DebugFlags::SAVEALL);
    let (x, y) = pair(&mut heap, gc, "D1", "D2", Del::Log, Del::Log);
    let l = heap.new_obj(gc, "list", Kind::List, &[], Del::None);
    heap.add_ref(gc, l, l);
    for h in [x, y, l] {
        heap.decref(gc, h);
    }
    assert_eq!(collect(&mut heap, gc, 2), 3);
    assert_eq!(heap.log, ["del D1", "del D2"]);
    assert_eq!(gc.garbage(), &[x, y, l]);
    assert_eq!(heap.refs(x), vec![y], "saved objects are intact");
    assert_eq!(collect(&mut heap, gc, 2), 0);
    assert_eq!(gc.garbage().len(), 3);
    gc.set_debug(DebugFlags::default());
    heap.clear_garbage(gc);
    assert_eq!(collect(&mut heap, gc, 2), 3);
    assert_eq!(heap.log.len(), 2, "__del__ not called again");
}

#[rstest]
fn nested_collect_from_del_returns_zero(
    #[values(Impl::Generational, Impl::TrialDeletion)] imp: Impl,
) {
    let (mut gc, mut heap) = setup(imp);
    let gc = gc.as_mut();
    let r = heap.obj_del(gc, "Re", Del::NestedCollect);
    heap.add_ref(gc, r, r);
    heap.decref(gc, r);
    assert_eq!(collect(&mut heap, gc, 2), 1);
    assert_eq!(heap.log, ["del Re", "nested -> 0"]);
}

#[test]
fn del_order_follows_generation_merge_order() {
    let (mut gc, mut heap) = setup(Impl::Generational);
    let gc = gc.as_mut();
    collect(&mut heap, gc, 2);
    let a = heap.obj_del(gc, "A", Del::Log);
    collect(&mut heap, gc, 0); // A -> gen1
    let b = heap.obj_del(gc, "B", Del::Log);
    heap.add_ref(gc, a, b);
    heap.add_ref(gc, b, a);
    heap.decref(gc, a);
    heap.decref(gc, b);
    assert_eq!(collect(&mut heap, gc, 2), 2);
    assert_eq!(heap.log, ["del B", "del A"]);
    heap.log.clear();
    let a = heap.obj_del(gc, "A", Del::Log);
    collect(&mut heap, gc, 2); // gen2
    let b = heap.obj_del(gc, "B", Del::Log);
    collect(&mut heap, gc, 0); // gen1
    let c = heap.obj_del(gc, "C", Del::Log);
    heap.add_ref(gc, a, b);
    heap.add_ref(gc, b, c);
    heap.add_ref(gc, c, a);
    for h in [a, b, c] {
        heap.decref(gc, h);
    }
    assert_eq!(collect(&mut heap, gc, 2), 3);
    assert_eq!(heap.log, ["del A", "del C", "del B"]);
}

#[test]
fn young_collection_does_not_see_older_garbage() {
    let (mut gc, mut heap) = setup(Impl::Generational);
    let gc = gc.as_mut();
    collect(&mut heap, gc, 2);
    let old = heap.obj_del(gc, "old", Del::Log);
    heap.add_ref(gc, old, old);
    collect(&mut heap, gc, 0);
    heap.decref(gc, old);
    assert_eq!(collect(&mut heap, gc, 0), 0);
    assert_eq!(collect(&mut heap, gc, 1), 1);
    assert_eq!(heap.log, ["del old"]);
}

#[rstest]
fn stop_callback_counts_collected_and_uncollectable(
    #[values(Impl::Generational, Impl::TrialDeletion)] imp: Impl,
) {
    // GCCallbackTests::test_collect_garbage: two uncollectable (legacy)
    // pairs plus one collectable self-loop.
    let (mut gc, mut heap) = setup(imp);
    let gc = gc.as_mut();
    for i in 0..2 {
        let (a, b) = pair(
            &mut heap,
            gc,
            &format!("U{i}a"),
            &format!("U{i}b"),
            Del::None,
            Del::None,
        );
        heap.set_legacy(a);
        heap.set_legacy(b);
        heap.decref(gc, a);
        heap.decref(gc, b);
    }
    let c = heap.obj(gc, "C1055820");
    heap.add_ref(gc, c, c);
    heap.decref(gc, c);
    assert_eq!(collect(&mut heap, gc, 2), 5);
    let stop = heap
        .callbacks
        .last()
        .map(|&(_, info)| info)
        .unwrap_or_default();
    assert_eq!(
        (stop.generation, stop.collected, stop.uncollectable),
        (2, 1, 4)
    );
    assert_eq!(gc.garbage().len(), 4);
    // A callback-side cleanup: break the pairs, empty the garbage list.
    for g in gc.garbage().to_vec() {
        heap.drop_refs(gc, g);
    }
    heap.clear_garbage(gc);
    assert!(gc.garbage().is_empty());
    assert_eq!(collect(&mut heap, gc, 2), 0);
}
