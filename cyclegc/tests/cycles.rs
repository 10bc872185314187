//! §8 #1-4 and §7.4: what `gc.collect()` returns for cycles of each shape,
//! and that a second collection finds nothing. Off leaks every cycle.

mod common;
use common::{Del, Heap, Impl, Kind, collect, has};
use cyclegc::CYCLE_COLLECTION;
use rstest::rstest;

/// Builds a shape, drops the external references, collects twice.
fn run(
    imp: Impl,
    build: fn(&mut Heap, &mut dyn cyclegc::Collector<Heap>) -> Vec<refcount::Handle>,
    expected: usize,
) {
    let mut gc = imp.build();
    let mut heap = Heap::new();
    let gc = gc.as_mut();
    assert_eq!(collect(&mut heap, gc, 2), 0, "clean slate");
    let roots = build(&mut heap, gc);
    for r in roots {
        heap.decref(gc, r);
    }
    let before = heap.store.len();
    if has(gc, CYCLE_COLLECTION) {
        assert_eq!(collect(&mut heap, gc, 2), expected);
        assert_eq!(heap.store.len(), before - expected);
    } else {
        assert_eq!(collect(&mut heap, gc, 2), 0, "Off collects nothing");
        assert_eq!(heap.store.len(), before, "cycles leak");
    }
    assert_eq!(collect(&mut heap, gc, 2), 0, "second collect");
}

fn self_list(h: &mut Heap, gc: &mut dyn cyclegc::Collector<Heap>) -> Vec<refcount::Handle> {
    let l = h.new_obj(gc, "list", Kind::List, &[], Del::None);
    h.add_ref(gc, l, l);
    vec![l]
}

fn self_dict(h: &mut Heap, gc: &mut dyn cyclegc::Collector<Heap>) -> Vec<refcount::Handle> {
    let d = h.new_obj(gc, "dict", Kind::Dict, &[], Del::None);
    assert!(!gc.is_tracked(h, d), "an empty dict is untracked");
    h.add_ref(gc, d, d);
    assert!(gc.is_tracked(h, d), "inserting a GC object tracks the dict");
    vec![d]
}

fn list_tuple(h: &mut Heap, gc: &mut dyn cyclegc::Collector<Heap>) -> Vec<refcount::Handle> {
    let l = h.new_obj(gc, "list", Kind::List, &[], Del::None);
    let t = h.new_obj(gc, "tuple", Kind::Tuple, &[l], Del::None);
    h.add_ref(gc, l, t);
    vec![l, t]
}

fn two_instances(h: &mut Heap, gc: &mut dyn cyclegc::Collector<Heap>) -> Vec<refcount::Handle> {
    let a = h.obj(gc, "A");
    let b = h.obj(gc, "B");
    h.add_ref(gc, a, b);
    h.add_ref(gc, b, a);
    vec![a, b]
}

fn cycle_with_payload(
    h: &mut Heap,
    gc: &mut dyn cyclegc::Collector<Heap>,
) -> Vec<refcount::Handle> {
    let a = h.obj(gc, "A");
    let b = h.obj(gc, "B");
    h.add_ref(gc, a, b);
    h.add_ref(gc, b, a);
    let one = h.new_obj(gc, "1", Kind::Atom, &[], Del::None);
    let payload = h.new_obj(gc, "payload", Kind::List, &[one], Del::None);
    h.add_ref(gc, a, payload);
    h.decref(gc, payload);
    // `one` stays referenced by the test, like a cached small int.
    vec![a, b]
}

fn function_cell_closure(
    h: &mut Heap,
    gc: &mut dyn cyclegc::Collector<Heap>,
) -> Vec<refcount::Handle> {
    // f -> closure tuple -> cell -> f
    let cell = h.obj(gc, "cell");
    let closure = h.new_obj(gc, "closure", Kind::Tuple, &[cell], Del::None);
    let f = h.new_obj(gc, "function", Kind::Instance, &[closure], Del::None);
    h.add_ref(gc, cell, f);
    h.decref(gc, closure);
    h.decref(gc, cell);
    vec![f]
}

fn acyclic(h: &mut Heap, gc: &mut dyn cyclegc::Collector<Heap>) -> Vec<refcount::Handle> {
    // Freed by reference counting alone: nothing left for the collector.
    let a = h.obj(gc, "A");
    let b = h.new_obj(gc, "B", Kind::List, &[a], Del::None);
    vec![a, b]
}

fn long_ring(h: &mut Heap, gc: &mut dyn cyclegc::Collector<Heap>) -> Vec<refcount::Handle> {
    let first = h.obj(gc, "0");
    let mut prev = first;
    for i in 1..100 {
        let n = h.new_obj(gc, &i.to_string(), Kind::Instance, &[prev], Del::None);
        h.decref(gc, prev);
        prev = n;
    }
    h.add_ref(gc, first, prev);
    vec![prev]
}

#[rstest]
#[case::list_containing_itself(self_list, 1)]
#[case::dict_containing_itself(self_dict, 1)]
#[case::list_tuple_cycle(list_tuple, 2)]
#[case::two_instance_cycle(two_instances, 2)]
#[case::cycle_plus_list_attribute(cycle_with_payload, 3)]
#[case::function_cell_closure(function_cell_closure, 3)]
#[case::acyclic_freed_by_refcount(acyclic, 0)]
#[case::ring_of_100(long_ring, 100)]
fn collect_returns_cycle_size(
    #[values(Impl::Generational, Impl::TrialDeletion, Impl::Off)] imp: Impl,
    #[case] build: fn(&mut Heap, &mut dyn cyclegc::Collector<Heap>) -> Vec<refcount::Handle>,
    #[case] expected: usize,
) {
    run(imp, build, expected);
}

#[rstest]
fn live_cycles_survive(#[values(Impl::Generational, Impl::TrialDeletion, Impl::Off)] imp: Impl) {
    let mut gc = imp.build();
    let gc = gc.as_mut();
    let mut heap = Heap::new();
    let a = heap.obj(gc, "A");
    let b = heap.obj(gc, "B");
    heap.add_ref(gc, a, b);
    heap.add_ref(gc, b, a);
    heap.decref(gc, b); // b is held by a only; a by the test
    for g in [0, 1, 2, 2] {
        assert_eq!(collect(&mut heap, gc, g), 0);
    }
    assert!(heap.alive(a) && heap.alive(b));
    assert_eq!(heap.refs(a), vec![b]);
    assert_eq!(heap.refs(b), vec![a]);
}

/// Every object referenced from outside the collected set: nothing has
/// `gc_refs == 0`, so detection skips `move_unreachable` (see
/// `gc_refs::any_unreferenced`). Nothing is collected, the generation keeps
/// its order, and the headers leave the collection clean: once the outside
/// references go, the next collection (full, or young with older objects
/// around, the other gc_refs path) finds the whole cycle.
#[rstest]
fn all_referenced_from_outside(#[values(0, 2)] generation: usize) {
    let mut gc = Impl::Generational.build();
    let gc = gc.as_mut();
    let mut heap = Heap::new();
    let old = heap.obj(gc, "old");
    assert_eq!(collect(&mut heap, gc, 0), 0);
    assert_eq!(gc.get_objects(Some(1)).ok(), Some(vec![old]));
    let ring: Vec<_> = (0..5).map(|i| heap.obj(gc, &format!("n{i}"))).collect();
    for (i, &n) in ring.iter().enumerate() {
        heap.add_ref(gc, n, ring[(i + 1) % ring.len()]);
    }
    let young_before = gc.get_objects(Some(0)).ok();
    assert_eq!(young_before.as_deref(), Some(&ring[..]));
    assert_eq!(collect(&mut heap, gc, generation), 0);
    let survivors = if generation == 0 {
        gc.get_objects(Some(1)).ok()
    } else {
        gc.get_objects(Some(2)).ok()
    };
    // gen 0 survivors follow gen 1's objects; a full collection merges
    // gen 0, then gen 1, onto gen 2 (`gc_list_merge` appends).
    let expected = if generation == 0 {
        [&[old][..], &ring].concat()
    } else {
        [&ring[..], &[old]].concat()
    };
    assert_eq!(survivors, Some(expected), "every object kept, in order");
    for &n in &ring {
        heap.decref(gc, n);
    }
    let again = if generation == 0 { 1 } else { 2 };
    assert_eq!(collect(&mut heap, gc, again), ring.len());
    assert!(ring.iter().all(|&n| !heap.alive(n)));
    assert!(heap.alive(old));
}
