//! Bad input from the host: a traversal reporting stale or foreign
//! handles, a tracked object freed without untrack, finalizers that
//! mutate the graph or trigger collections (also late, in a batched host's
//! `end_clears`), callbacks that fail, calls out
//! of order. Each gets defined behaviour: no panic, nothing reachable
//! freed.

mod common;
use common::{Del, Heap, Impl, Kind, collect, has};
use cyclegc::{CYCLE_COLLECTION, Collector, GcError, Step};
use refcount::{Handle, Store};
use rstest::rstest;

fn setup(imp: Impl) -> (Box<dyn Collector<Heap>>, Heap) {
    (imp.build(), Heap::new())
}

/// A handle that is stale in `heap` and one from another store.
fn bad_handles(heap: &mut Heap, gc: &mut dyn Collector<Heap>) -> [Handle; 2] {
    let gone = heap.obj(gc, "gone");
    heap.decref(gc, gone);
    // A handle of another store whose slot index this heap never used
    // (slotmap keys of different maps can alias when the slots exist).
    let mut other: Store<u64> = Store::new();
    let mut foreign = other.insert(0);
    for i in 0..1000 {
        foreign = other.insert(i);
    }
    [gone, foreign]
}

#[rstest]
fn traversal_reporting_stale_and_foreign_handles(
    #[values(Impl::Generational, Impl::TrialDeletion, Impl::Off)] imp: Impl,
) {
    let (mut gc, mut heap) = setup(imp);
    let gc = gc.as_mut();
    let bad = bad_handles(&mut heap, gc);
    let live = heap.obj(gc, "live");
    let y = heap.obj(gc, "y");
    heap.add_ref(gc, y, y);
    heap.add_ref(gc, live, y);
    for o in [live, y] {
        // Smuggle the bad handles in without references.
        if let Ok(obj) = heap.store.get_mut(o) {
            obj.refs.extend(bad);
        }
    }
    let z = heap.obj(gc, "z");
    heap.add_ref(gc, z, z);
    if let Ok(obj) = heap.store.get_mut(z) {
        obj.refs.extend(bad);
    }
    heap.decref(gc, y);
    heap.decref(gc, z);
    let expected = usize::from(has(gc, CYCLE_COLLECTION));
    assert_eq!(collect(&mut heap, gc, 2), expected, "only z is garbage");
    assert!(heap.alive(live) && heap.alive(y));
    let leaked_z = usize::from(!has(gc, CYCLE_COLLECTION));
    assert_eq!(gc.get_referrers(&heap, &bad).len(), 2 + leaked_z);
    heap.decref(gc, live);
    collect(&mut heap, gc, 2);
    if has(gc, CYCLE_COLLECTION) {
        assert!(!heap.alive(y));
    }
    assert!(
        heap.store.stats().bad_referents > 0,
        "the store ignored them too"
    );
}

#[rstest]
fn tracked_object_freed_without_untrack(
    #[values(Impl::Generational, Impl::TrialDeletion, Impl::Off)] imp: Impl,
) {
    let (mut gc, mut heap) = setup(imp);
    let gc = gc.as_mut();
    let x = heap.obj(gc, "x");
    gc.note_decref(&heap, x);
    // Free x behind the collector's back.
    heap.store.set_refcount(x, 0).expect("live");
    while let Some(h) = heap.store.pop_zero() {
        heap.store.free(h).expect("free");
    }
    assert!(!gc.is_tracked(&heap, x));
    assert_eq!(collect(&mut heap, gc, 2), 0);
    assert_eq!(collect(&mut heap, gc, 0), 0);
    assert!(gc.get_objects(None).expect("all").len() <= 1);
    let y = heap.obj(gc, "y");
    heap.add_ref(gc, y, y);
    heap.decref(gc, y);
    assert_eq!(
        collect(&mut heap, gc, 2),
        usize::from(has(gc, CYCLE_COLLECTION))
    );
    let leaked = if has(gc, CYCLE_COLLECTION) {
        vec![]
    } else {
        vec![y]
    };
    assert_eq!(
        gc.get_objects(None).expect("all"),
        leaked,
        "the stale entry is dropped"
    );
}

#[rstest]
fn finalizer_that_mutates_the_graph(#[values(Impl::Generational, Impl::TrialDeletion)] imp: Impl) {
    let (mut gc, mut heap) = setup(imp);
    let gc = gc.as_mut();
    let m = heap.obj_del(gc, "M", Del::Mutate);
    let other = heap.obj(gc, "other");
    heap.add_ref(gc, m, other);
    heap.add_ref(gc, other, m);
    heap.add_ref(gc, m, m);
    heap.decref(gc, m);
    heap.decref(gc, other);
    // __del__ allocates `spawn` (kept in `saved`) holding M, and drops
    // M's references: M is resurrected, `other` dies.
    assert_eq!(collect(&mut heap, gc, 2), 0);
    assert!(heap.alive(m));
    let spawn = heap.saved[0];
    assert_eq!(heap.refs(spawn), vec![m]);
    assert!(heap.refs(m).is_empty());
    assert!(!heap.alive(other));
    assert!(gc.is_tracked(&heap, spawn));
    heap.clear_saved(gc);
    assert!(
        !heap.alive(m) && !heap.alive(spawn),
        "acyclic now: refcount frees them"
    );
    assert_eq!(heap.del_calls.get("M"), Some(&1));
}

#[rstest]
fn finalizers_allocating_under_threshold_one(
    #[values(Impl::Generational, Impl::TrialDeletion)] imp: Impl,
) {
    // GC::test_del: with threshold 1 every allocation may trigger, including
    // those inside __del__ during a collection; the guard keeps it sane.
    let (mut gc, mut heap) = setup(imp);
    let gc = gc.as_mut();
    heap.manual = false;
    gc.set_threshold(&[1]).expect("threshold");
    for i in 0..50 {
        let a = heap.obj_del(gc, &format!("a{i}"), Del::Mutate);
        heap.add_ref(gc, a, a);
        heap.decref(gc, a);
    }
    assert!(!heap.auto.is_empty(), "automatic collections ran");
    heap.manual = true;
    gc.set_threshold(&[700]).expect("threshold");
    collect(&mut heap, gc, 2);
    heap.clear_saved(gc);
    collect(&mut heap, gc, 2);
    assert!(heap.del_calls.values().all(|&c| c == 1));
    assert_eq!(heap.del_calls.len(), 50);
    assert!(
        gc.get_objects(None).expect("all").is_empty(),
        "everything reclaimed"
    );
}

#[rstest]
fn failing_callback_does_not_stop_the_collection(
    #[values(Impl::Generational, Impl::TrialDeletion, Impl::Off)] imp: Impl,
) {
    let (mut gc, mut heap) = setup(imp);
    let gc = gc.as_mut();
    gc.add_callback(Box::new(|_, _| {
        Err("ZeroDivisionError: division by zero".into())
    }));
    let b = heap.obj(gc, "b");
    heap.add_ref(gc, b, b);
    heap.decref(gc, b);
    assert_eq!(
        collect(&mut heap, gc, 2),
        usize::from(has(gc, CYCLE_COLLECTION))
    );
    assert_eq!(gc.callback_errors(), 2, "start and stop both reported");
}

#[rstest]
fn calls_out_of_order(#[values(Impl::Generational, Impl::TrialDeletion, Impl::Off)] imp: Impl) {
    let (mut gc, mut heap) = setup(imp);
    let gc = gc.as_mut();
    assert_eq!(gc.step(&mut heap), Err(GcError::NotCollecting));
    assert_eq!(
        gc.start_collection(&mut heap, 7),
        Err(GcError::InvalidGeneration(7))
    );
    assert_eq!(
        gc.start_collection(&mut heap, usize::MAX),
        Err(GcError::InvalidGeneration(usize::MAX))
    );
    assert_eq!(
        gc.get_objects(Some(usize::MAX)),
        Err(GcError::GenerationOutOfRange(usize::MAX))
    );
    assert!(gc.start_collection(&mut heap, 1).expect("start"));
    assert!(gc.is_collecting());
    assert!(
        !gc.start_collection(&mut heap, 2).expect("nested"),
        "re-entrant start does nothing"
    );
    assert_eq!(
        gc.note_allocation(),
        None,
        "no automatic collection while collecting"
    );
    loop {
        if let Step::Done(o) = gc.step(&mut heap).expect("step") {
            assert_eq!(o.total(), 0);
            break;
        }
    }
    assert!(!gc.is_collecting());
    assert_eq!(gc.step(&mut heap), Err(GcError::NotCollecting));
    // Untracking what is not tracked, tracking twice: no effect.
    let a = heap.new_obj(gc, "a", Kind::Atom, &[], Del::None);
    gc.untrack(&mut heap, a);
    let l = heap.obj(gc, "l");
    gc.track(&mut heap, l).expect("twice");
    assert_eq!(gc.get_objects(None).expect("all"), [l]);
}

/// `untrack_header` given a header that is not the object's: another
/// object's, a default (untracked) one, or one whose entry has been
/// vacated and reused. Nothing is untracked but what the header and the
/// node both name; the object's own header then untracks it.
#[rstest]
fn untrack_header_with_a_wrong_header(
    #[values(Impl::Generational, Impl::TrialDeletion, Impl::Off)] imp: Impl,
) {
    let (mut gc, mut heap) = setup(imp);
    let gc = gc.as_mut();
    let a = heap.obj(gc, "a");
    let b = heap.obj(gc, "b");
    let header = |heap: &Heap, h| heap.store.get(h).map(|o| o.hdr).expect("live");
    // b's header offered for a: the entry it names is b's, not a's.
    let mut b_hdr = header(&heap, b);
    gc.untrack_header(a, &mut b_hdr);
    assert!(gc.is_tracked(&heap, a) && gc.is_tracked(&heap, b));
    assert_eq!(b_hdr, header(&heap, b), "a refused header is left alone");
    // An untracked header: nothing to do.
    let mut blank = cyclegc::GcHeader::default();
    gc.untrack_header(a, &mut blank);
    assert_eq!(gc.get_objects(None).expect("all"), [a, b]);
    // a's stale copy after a is untracked and its entry reused by c.
    let mut old_a = header(&heap, a);
    gc.untrack(&mut heap, a);
    let c = heap.obj(gc, "c");
    gc.untrack_header(a, &mut old_a);
    assert!(gc.is_tracked(&heap, c), "c keeps the reused entry");
    // The object's own header untracks it, and clears its slot.
    let mut c_hdr = header(&heap, c);
    gc.untrack_header(c, &mut c_hdr);
    if let Ok(o) = heap.store.get_mut(c) {
        o.hdr = c_hdr;
    }
    assert!(!gc.is_tracked(&heap, c));
    assert_eq!(gc.get_objects(None).expect("all"), [b]);
}

/// A host that clears in batches runs finalizers late, in `end_clears`:
/// there a `__del__` of an older object the garbage held may collect
/// (nothing: a collection is running), allocate, track and resurrect. The
/// collection still ends with the garbage freed and the newcomers tracked.
#[rstest]
fn finalizers_running_in_end_clears(#[values(1, 2, 64)] clear_batch: usize) {
    let (mut gc, mut heap) = setup(Impl::Generational);
    let gc = gc.as_mut();
    heap.clear_batch = clear_batch;
    // X and Y survive a young collection (held), then only garbage holds
    // them.
    let x = heap.obj_del(gc, "X", Del::Mutate);
    let y = heap.obj_del(gc, "Y", Del::NestedCollect);
    assert_eq!(collect(&mut heap, gc, 0), 0);
    let a = heap.obj(gc, "a");
    let b = heap.obj(gc, "b");
    heap.add_ref(gc, a, b);
    heap.add_ref(gc, b, a);
    heap.add_ref(gc, a, x);
    heap.add_ref(gc, b, y);
    for h in [x, y, a, b] {
        heap.decref(gc, h);
    }
    assert_eq!(collect(&mut heap, gc, 0), 2, "a and b");
    assert_eq!(
        heap.clears.iter().any(|c| c == "end_clears"),
        clear_batch > 1,
        "the finalizers ran in end_clears when batched"
    );
    assert!(!heap.alive(a) && !heap.alive(b) && !heap.alive(y));
    assert!(
        heap.log.iter().any(|l| l == "nested -> 0"),
        "{:?}",
        heap.log
    );
    // X's __del__ made `spawn`, which holds X: both alive and tracked.
    let spawn = heap.saved[0];
    assert!(heap.alive(x) && gc.is_tracked(&heap, spawn));
    assert_eq!(heap.refs(spawn), vec![x]);
    assert_eq!(heap.del_calls.get("X"), Some(&1));
    assert_eq!(heap.del_calls.get("Y"), Some(&1));
    heap.clear_saved(gc);
    assert!(!heap.alive(x) && !heap.alive(spawn));
    assert_eq!(collect(&mut heap, gc, 2), 0, "nothing left behind");
    assert!(gc.get_objects(None).expect("all").is_empty());
}
