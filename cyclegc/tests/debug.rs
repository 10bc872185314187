//! Debug flags: DEBUG_STATS, DEBUG_COLLECTABLE, DEBUG_UNCOLLECTABLE text
//! exactly as CPython prints it, and at the moment it prints it;
//! DEBUG_SAVEALL and the garbage list (§1.5, §7.15, §7.16, §7.19; §8 #9).

mod common;
use common::{Del, Heap, Impl, Kind, WrCallback, collect, has};
use cyclegc::{CYCLE_COLLECTION, Collector, DebugFlags};
use rstest::rstest;

fn setup(imp: Impl) -> (Box<dyn Collector<Heap>>, Heap) {
    (imp.build(), Heap::new())
}

#[test]
fn flag_values_are_cpythons() {
    let f = [
        DebugFlags::STATS,
        DebugFlags::COLLECTABLE,
        DebugFlags::UNCOLLECTABLE,
        DebugFlags::SAVEALL,
        DebugFlags::LEAK,
    ];
    assert_eq!(f.map(|d| d.0), [1, 2, 4, 32, 38]);
    assert!(DebugFlags::LEAK.contains(DebugFlags::SAVEALL));
    assert!(!DebugFlags::LEAK.contains(DebugFlags::STATS));
}

#[rstest]
fn debug_stats_lines(#[values(Impl::Generational, Impl::TrialDeletion, Impl::Off)] imp: Impl) {
    let (mut gc, mut heap) = setup(imp);
    let gc = gc.as_mut();
    let keep = heap.obj(gc, "keep");
    collect(&mut heap, gc, 2);
    let a = heap.obj(gc, "N");
    heap.add_ref(gc, a, a);
    heap.decref(gc, a);
    gc.set_debug(DebugFlags::STATS);
    let n = collect(&mut heap, gc, 2);
    gc.set_debug(DebugFlags::default());
    let lines = &heap.debug;
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0], "gc: collecting generation 2...");
    let counts = if has(gc, cyclegc::GENERATIONS) {
        "1 0 1"
    } else {
        "2 0 0"
    };
    assert_eq!(
        lines[1],
        format!("gc: objects in each generation: {counts}")
    );
    assert_eq!(lines[2], "gc: objects in permanent generation: 0");
    let done = lines[3]
        .strip_prefix(&format!("gc: done, {n} unreachable, 0 uncollectable, "))
        .expect("done line");
    let secs = done.strip_suffix("s elapsed").expect("elapsed");
    assert_eq!(secs.len(), 6, "%.4f: {secs}");
    assert!(secs.parse::<f64>().is_ok());
    assert!(heap.alive(keep));
}

#[rstest]
fn debug_collectable_comes_before_callbacks_and_del(
    #[values(Impl::Generational, Impl::TrialDeletion)] imp: Impl,
) {
    let (mut gc, mut heap) = setup(imp);
    let gc = gc.as_mut();
    let q = heap.obj_del(gc, "Node", Del::Log);
    heap.add_ref(gc, q, q);
    let _w = heap.weakref(gc, "w", q, Some(WrCallback::Log));
    heap.decref(gc, q);
    gc.set_debug(DebugFlags::COLLECTABLE);
    assert_eq!(collect(&mut heap, gc, 2), 1);
    assert_eq!(
        heap.log,
        [
            "gc: collectable <Node 0xadd>",
            "cb w referent=None",
            "del Node"
        ]
    );
}

#[rstest]
fn debug_uncollectable_and_garbage(#[values(Impl::Generational, Impl::TrialDeletion)] imp: Impl) {
    let (mut gc, mut heap) = setup(imp);
    let gc = gc.as_mut();
    gc.set_debug(DebugFlags::UNCOLLECTABLE);
    let c = heap.obj(gc, "Legacy");
    heap.set_legacy(c);
    heap.add_ref(gc, c, c);
    heap.decref(gc, c);
    assert_eq!(collect(&mut heap, gc, 2), 1);
    assert_eq!(heap.debug, ["gc: uncollectable <Legacy 0xadd>"]);
    assert_eq!(gc.garbage(), &[c]);
    let s = gc.stats()[2];
    assert_eq!((s.collected, s.uncollectable), (0, 1));
}

#[rstest]
fn saveall_keeps_garbage_intact_in_order(
    #[values(Impl::Generational, Impl::TrialDeletion, Impl::Off)] imp: Impl,
) {
    let (mut gc, mut heap) = setup(imp);
    let gc = gc.as_mut();
    gc.set_debug(DebugFlags::SAVEALL);
    assert_eq!(gc.debug(), DebugFlags::SAVEALL);
    let a = heap.obj(gc, "A");
    let b = heap.obj(gc, "B");
    heap.add_ref(gc, a, b);
    heap.add_ref(gc, b, a);
    let l = heap.new_obj(gc, "list", Kind::List, &[], Del::None);
    heap.add_ref(gc, l, l);
    for h in [a, b, l] {
        heap.decref(gc, h);
    }
    if !has(gc, CYCLE_COLLECTION) {
        assert_eq!(collect(&mut heap, gc, 2), 0);
        assert!(gc.garbage().is_empty());
        return;
    }
    assert_eq!(collect(&mut heap, gc, 2), 3);
    assert_eq!(gc.garbage(), &[a, b, l]);
    assert_eq!(heap.refs(a), vec![b], "not cleared");
    assert_eq!(collect(&mut heap, gc, 2), 0);
    assert_eq!(gc.garbage().len(), 3);
    gc.set_debug(DebugFlags::default());
    heap.clear_garbage(gc);
    assert_eq!(collect(&mut heap, gc, 2), 3);
    assert!(!heap.alive(a) && !heap.alive(l));
}
