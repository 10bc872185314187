//! Weak references during collection (§7.6, §7.18, §8 #23, #25, #31, #36):
//! all weakrefs to garbage are cleared before any callback runs, callbacks
//! run before any `__del__`, callbacks of weakrefs that are themselves
//! garbage never run, weakrefs freed by their own callbacks count.

mod common;
use common::{Del, Heap, Impl, Kind, WrCallback, collect, has};
use cyclegc::{CYCLE_COLLECTION, Collector};
use rstest::rstest;

fn setup(imp: Impl) -> (Box<dyn Collector<Heap>>, Heap) {
    (imp.build(), Heap::new())
}

#[rstest]
fn callbacks_run_before_del_with_referent_cleared(
    #[values(Impl::Generational, Impl::TrialDeletion, Impl::Off)] imp: Impl,
) {
    let (mut gc, mut heap) = setup(imp);
    let gc = gc.as_mut();
    let a = heap.obj_del(gc, "A", Del::Log);
    let b = heap.obj_del(gc, "B", Del::Log);
    heap.add_ref(gc, a, b);
    heap.add_ref(gc, b, a);
    let ref_a = heap.weakref(gc, "ref_a", a, Some(WrCallback::Log));
    let ref_b = heap.weakref(gc, "ref_b", b, None);
    heap.decref(gc, a);
    heap.decref(gc, b);
    let n = collect(&mut heap, gc, 2);
    if !has(gc, CYCLE_COLLECTION) {
        assert_eq!(n, 0);
        assert_eq!(
            heap.wr_referent(ref_a),
            Some(a),
            "cycle leaked; weakref alive"
        );
        return;
    }
    assert_eq!(n, 2);
    assert_eq!(heap.log, ["cb ref_a referent=None", "del A", "del B"]);
    assert_eq!(heap.wr_referent(ref_a), None);
    assert_eq!(heap.wr_referent(ref_b), None);
}

#[rstest]
fn weakref_in_the_garbage_never_calls_back(
    #[values(Impl::Generational, Impl::TrialDeletion)] imp: Impl,
) {
    let (mut gc, mut heap) = setup(imp);
    let gc = gc.as_mut();
    let h1 = heap.obj(gc, "h1");
    let h2 = heap.obj(gc, "h2");
    heap.add_ref(gc, h1, h2);
    heap.add_ref(gc, h2, h1);
    let wr = heap.weakref(gc, "wr", h2, Some(WrCallback::Log));
    heap.add_ref(gc, h1, wr);
    heap.decref(gc, wr);
    heap.decref(gc, h1);
    heap.decref(gc, h2);
    assert_eq!(
        collect(&mut heap, gc, 2),
        3,
        "h1, h2 and the weakref object"
    );
    assert!(heap.log.is_empty(), "SHOULD NOT PRINT");
}

#[rstest]
fn weakref_to_resurrected_object_is_still_cleared(
    #[values(Impl::Generational, Impl::TrialDeletion)] imp: Impl,
) {
    let (mut gc, mut heap) = setup(imp);
    let gc = gc.as_mut();
    let p1 = heap.obj_del(gc, "p1", Del::Resurrect);
    let p2 = heap.obj_del(gc, "p2", Del::Resurrect);
    heap.add_ref(gc, p1, p2);
    heap.add_ref(gc, p2, p1);
    let w = heap.weakref(gc, "w", p1, Some(WrCallback::Log));
    heap.decref(gc, p1);
    heap.decref(gc, p2);
    assert_eq!(collect(&mut heap, gc, 2), 0);
    assert_eq!(heap.log, ["cb w referent=None", "del p1", "del p2"]);
    assert_eq!(heap.wr_referent(w), None);
    assert!(heap.alive(p1));
    heap.clear_saved(gc);
    assert_eq!(collect(&mut heap, gc, 2), 2);
}

#[rstest]
fn callbacks_are_lifo_on_both_paths(#[values(Impl::Generational, Impl::TrialDeletion)] imp: Impl) {
    let (mut gc, mut heap) = setup(imp);
    let gc = gc.as_mut();
    let t = heap.obj(gc, "t");
    let refs: Vec<_> = (0..3)
        .map(|i| heap.weakref(gc, &format!("cb{i}"), t, Some(WrCallback::Log)))
        .collect();
    heap.decref(gc, t);
    assert_eq!(
        heap.log,
        [
            "cb cb2 referent=None",
            "cb cb1 referent=None",
            "cb cb0 referent=None"
        ]
    );
    heap.log.clear();
    let t = heap.obj(gc, "t");
    heap.add_ref(gc, t, t);
    let _refs2: Vec<_> = (0..3)
        .map(|i| heap.weakref(gc, &format!("gc{i}"), t, Some(WrCallback::Log)))
        .collect();
    heap.decref(gc, t);
    assert_eq!(collect(&mut heap, gc, 2), 1);
    assert_eq!(
        heap.log,
        [
            "cb gc2 referent=None",
            "cb gc1 referent=None",
            "cb gc0 referent=None"
        ]
    );
    drop(refs);
}

#[rstest]
fn weakref_freed_by_its_own_callback_counts(
    #[values(Impl::Generational, Impl::TrialDeletion)] imp: Impl,
) {
    let (mut gc, mut heap) = setup(imp);
    let gc = gc.as_mut();
    let d = heap.new_obj(gc, "d", Kind::Dict, &[], Del::None);
    let k1 = heap.obj(gc, "k1");
    heap.add_ref(gc, k1, k1);
    let wr = heap.weakref(gc, "wr", k1, Some(WrCallback::PopFrom(d)));
    heap.add_ref(gc, d, wr);
    heap.decref(gc, wr);
    heap.decref(gc, k1);
    assert_eq!(
        collect(&mut heap, gc, 2),
        2,
        "k1 plus the weakref its callback freed"
    );
    assert!(heap.refs(d).is_empty());
    assert!(!heap.alive(wr));
}

#[rstest]
fn all_weakrefs_cleared_before_any_callback(
    #[values(Impl::Generational, Impl::TrialDeletion)] imp: Impl,
) {
    // bug1055820b: two self-loops, each with a callback that looks at
    // every weakref: all must already be dead.
    let (mut gc, mut heap) = setup(imp);
    let gc = gc.as_mut();
    let c1 = heap.obj(gc, "c1");
    let c2 = heap.obj(gc, "c2");
    heap.add_ref(gc, c1, c1);
    heap.add_ref(gc, c2, c2);
    let w1 = heap.weakref(gc, "w1", c1, Some(WrCallback::Log));
    let w2 = heap.weakref(gc, "w2", c2, Some(WrCallback::Log));
    heap.decref(gc, c1);
    heap.decref(gc, c2);
    assert_eq!(collect(&mut heap, gc, 2), 2);
    assert_eq!(heap.log, ["cb w1 referent=None", "cb w2 referent=None"]);
    assert_eq!((heap.wr_referent(w1), heap.wr_referent(w2)), (None, None));
}

#[rstest]
fn refcount_death_runs_del_before_callbacks(
    #[values(Impl::Generational, Impl::TrialDeletion, Impl::Off)] imp: Impl,
) {
    let (mut gc, mut heap) = setup(imp);
    let gc = gc.as_mut();
    let d = heap.obj_del(gc, "rc", Del::Log);
    let _w = heap.weakref(gc, "w", d, Some(WrCallback::Log));
    heap.decref(gc, d);
    assert_eq!(heap.log, ["del rc", "cb w referent=None"]);
    if has(gc, CYCLE_COLLECTION) {
        heap.log.clear();
        let d = heap.obj_del(gc, "gc", Del::Log);
        heap.add_ref(gc, d, d);
        let _w = heap.weakref(gc, "w2", d, Some(WrCallback::Log));
        heap.decref(gc, d);
        collect(&mut heap, gc, 2);
        assert_eq!(heap.log, ["cb w2 referent=None", "del gc"]);
    }
}
