//! `delete_garbage`'s objects that outlive their own `tp_clear` (still
//! referenced by garbage cleared later): CPython moves them to the old
//! generation, where they usually die a few clears later. Whether they die
//! in the same pass or stay alive, the collection must end with every dead
//! one untracked and every live one tracked in `old` with a clean header
//! (the next collection's gc_refs depend on it). Each test runs with the
//! host clearing one object at a time (CPython) and in batches
//! (`Host::clear_batch`), whose survivors are settled at the batch's end.

mod common;
use common::{Del, Heap, Impl, collect, has};
use cyclegc::{CYCLE_COLLECTION, Collector, DebugFlags};
use refcount::Handle;
use rstest::rstest;

/// A collector of `imp` and a host clearing `clear_batch` objects at a
/// time (`Host::clear_batch`).
fn setup(imp: Impl, clear_batch: usize) -> (Box<dyn Collector<Heap>>, Heap) {
    let mut heap = Heap::new();
    heap.clear_batch = clear_batch;
    (imp.build(), heap)
}

/// `a <-> b` and `c -> a`, `c -> c`, tracked a, b, c: clearing `a` frees
/// `b`, but `a` survives its clear (`c` still refers to it) and dies when
/// `c` is cleared.
fn survivor_shape(heap: &mut Heap, gc: &mut dyn Collector<Heap>) -> [Handle; 3] {
    let a = heap.obj(gc, "a");
    let b = heap.obj(gc, "b");
    let c = heap.obj(gc, "c");
    heap.add_ref(gc, a, b);
    heap.add_ref(gc, b, a);
    heap.add_ref(gc, c, a);
    heap.add_ref(gc, c, c);
    for h in [a, b, c] {
        heap.decref(gc, h);
    }
    [a, b, c]
}

#[rstest]
fn a_survivor_of_its_clear_dies_later_in_the_same_pass(
    #[values(Impl::Generational, Impl::TrialDeletion)] imp: Impl,
    #[values(1, 2, 64)] clear_batch: usize,
) {
    let (mut gc, mut heap) = setup(imp, clear_batch);
    let gc = gc.as_mut();
    let nodes = survivor_shape(&mut heap, gc);
    let kept = heap.obj(gc, "kept");
    assert!(has(gc, CYCLE_COLLECTION));
    assert_eq!(collect(&mut heap, gc, 2), 3);
    for h in nodes {
        assert!(!heap.alive(h), "{} freed", heap.name(h));
        assert!(!gc.is_tracked(&heap, h));
    }
    assert_eq!(gc.get_objects(None).expect("objects"), [kept]);
    assert_eq!(collect(&mut heap, gc, 2), 0, "nothing left behind");
    assert_eq!(gc.get_objects(None).expect("objects"), [kept]);
}

#[rstest]
fn survivors_that_stay_alive_are_tracked_with_clean_headers(
    #[values(Impl::Generational, Impl::TrialDeletion)] imp: Impl,
    #[values(1, 2, 64)] clear_batch: usize,
) {
    let (mut gc, mut heap) = setup(imp, clear_batch);
    let gc = gc.as_mut();
    // DEBUG_SAVEALL keeps every garbage object alive through its "clear":
    // each one is a survivor, alive at the end.
    gc.set_debug(DebugFlags::SAVEALL);
    let nodes = survivor_shape(&mut heap, gc);
    assert_eq!(collect(&mut heap, gc, 2), 3);
    for h in nodes {
        assert!(heap.alive(h) && gc.is_tracked(&heap, h));
        assert!(!gc.in_garbage_set(&heap, h));
    }
    assert_eq!(gc.get_objects(None).expect("objects").len(), 3);
    // Released from the garbage list, they are a cycle again: the next
    // collection counts them exactly (their headers were left clean).
    gc.set_debug(DebugFlags::default());
    let _ = gc.take_garbage();
    for h in std::mem::take(&mut heap.garbage) {
        heap.decref(gc, h);
    }
    assert_eq!(collect(&mut heap, gc, 2), 3);
    assert!(nodes.iter().all(|&h| !heap.alive(h)));
    assert!(gc.get_objects(None).expect("objects").is_empty());
}

#[rstest]
fn a_young_collection_promotes_what_stays_alive(
    #[values(Impl::Generational, Impl::TrialDeletion)] imp: Impl,
    #[values(1, 2, 64)] clear_batch: usize,
) {
    let (mut gc, mut heap) = setup(imp, clear_batch);
    let gc = gc.as_mut();
    // A finalizer that resurrects: the object is moved to `old` by the
    // resurrection check, not by delete_garbage; its cycle partner is
    // reachable from it, so both survive, and a later collection (the
    // finalizer does not run twice) frees them once released.
    let r = heap.obj_del(gc, "r", Del::Resurrect);
    let p = heap.obj(gc, "p");
    heap.add_ref(gc, r, p);
    heap.add_ref(gc, p, r);
    heap.decref(gc, r);
    heap.decref(gc, p);
    let _ = survivor_shape(&mut heap, gc);
    assert_eq!(collect(&mut heap, gc, 0), 3, "the survivor shape only");
    assert!(heap.alive(r) && heap.alive(p));
    assert!(gc.is_tracked(&heap, r) && gc.is_tracked(&heap, p));
    for h in std::mem::take(&mut heap.saved) {
        heap.decref(gc, h);
    }
    assert_eq!(collect(&mut heap, gc, 2), 2);
    assert!(gc.get_objects(None).expect("objects").is_empty());
}

/// In batches, the collector walks the garbage once, and after every
/// `clear_batch` clears the host frees what they released (`end_clears`).
/// An object whose count an earlier clear brought to zero is not cleared:
/// the host frees it, as CPython would have without a `tp_clear`.
#[rstest]
fn batches_clear_in_list_order_and_skip_what_they_released(
    #[values(Impl::Generational, Impl::TrialDeletion)] imp: Impl,
) {
    let (mut gc, mut heap) = setup(imp, 2);
    let gc = gc.as_mut();
    // Five 2-cycles a_i <-> b_i, tracked in the order a0 b0 a1 b1 ...:
    // clearing a_i brings b_i to zero.
    let mut all = vec![];
    for i in 0..5 {
        let a = heap.obj(gc, &format!("a{i}"));
        let b = heap.obj(gc, &format!("b{i}"));
        heap.add_ref(gc, a, b);
        heap.add_ref(gc, b, a);
        all.extend([a, b]);
    }
    for &h in &all {
        heap.decref(gc, h);
    }
    assert_eq!(collect(&mut heap, gc, 2), 10);
    assert_eq!(
        heap.clears,
        [
            "clear a0",
            "clear a1",
            "end_clears",
            "clear a2",
            "clear a3",
            "end_clears",
            "clear a4",
            "end_clears",
        ]
    );
    assert!(all.iter().all(|&h| !heap.alive(h)));
    assert!(gc.get_objects(None).expect("objects").is_empty());
    assert_eq!(collect(&mut heap, gc, 2), 0, "nothing left behind");
}

/// A host driving `Collector::step` clears one object at a time whatever
/// its `clear_batch`: batches belong to `step_clearing`.
#[rstest]
fn step_by_step_hosts_are_never_batched(
    #[values(Impl::Generational, Impl::TrialDeletion)] imp: Impl,
) {
    let (mut gc, mut heap) = setup(imp, 8);
    let gc = gc.as_mut();
    heap.step_by_step = true;
    let nodes = survivor_shape(&mut heap, gc);
    assert_eq!(collect(&mut heap, gc, 2), 3);
    assert!(
        heap.clears.iter().all(|c| c != "end_clears"),
        "{:?}",
        heap.clears
    );
    assert!(nodes.iter().all(|&h| !heap.alive(h)));
}

/// Objects whose type has no `tp_clear` (as CPython's tuples) survive the
/// clearing of a cycle made only of them: `delete_garbage` moves them to
/// the old generation with clean headers, one clear at a time or in
/// batches, in the order they were cleared, and the next collection finds
/// them again, exactly.
#[rstest]
fn objects_without_tp_clear_survive_into_old(
    #[values(Impl::Generational, Impl::TrialDeletion)] imp: Impl,
    #[values(1, 2, 64)] clear_batch: usize,
) {
    let (mut gc, mut heap) = setup(imp, clear_batch);
    let gc = gc.as_mut();
    let kept = heap.obj(gc, "kept");
    // t0 -> t1 -> t2 -> t0, with x <-> y (clearable) in between.
    let t: Vec<Handle> = (0..3).map(|i| heap.obj(gc, &format!("t{i}"))).collect();
    let x = heap.obj(gc, "x");
    let y = heap.obj(gc, "y");
    for i in 0..3 {
        heap.add_ref(gc, t[i], t[(i + 1) % 3]);
    }
    heap.add_ref(gc, x, y);
    heap.add_ref(gc, y, x);
    heap.add_ref(gc, x, t[0]);
    heap.no_tp_clear = t.clone();
    for &h in t.iter().chain([&x, &y]) {
        heap.decref(gc, h);
    }
    assert_eq!(collect(&mut heap, gc, 2), 5);
    assert!(!heap.alive(x) && !heap.alive(y));
    assert!(t.iter().all(|&h| heap.alive(h) && gc.is_tracked(&heap, h)));
    assert!(t.iter().all(|&h| !gc.in_garbage_set(&heap, h)));
    let mut expect = vec![kept];
    expect.extend(&t);
    assert_eq!(gc.get_objects(None).expect("objects"), expect);
    // Their headers were left clean: the next collection counts them
    // exactly (and, clearable now, frees them).
    heap.no_tp_clear.clear();
    assert_eq!(collect(&mut heap, gc, 2), 3);
    assert!(t.iter().all(|&h| !heap.alive(h)));
    assert_eq!(gc.get_objects(None).expect("objects"), [kept]);
}
