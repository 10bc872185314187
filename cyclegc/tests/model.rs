//! Random graphs and random mutation sequences against a reachability
//! oracle, for every collector: no reachable object is ever freed; after
//! a full collection by a complete collector exactly the reachable objects
//! are left; each finalizer runs at most once; resurrected objects and
//! everything they reach survive intact.

mod common;
use common::{Del, Heap, Impl, Kind, collect, has};
use cyclegc::CYCLE_COLLECTION;
use proptest::prelude::*;
use refcount::Handle;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone)]
enum Op {
    /// A new object (finalizer kind 0..3) referencing up to two live ones.
    New(u8, Vec<usize>),
    AddEdge(usize, usize),
    RemoveEdge(usize, usize),
    DropRoot(usize),
    Collect(usize),
    ClearSaved,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u8..4, prop::collection::vec(any::<usize>(), 0..3)).prop_map(|(d, r)| Op::New(d, r)),
        4 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Op::AddEdge(a, b)),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Op::RemoveEdge(a, b)),
        3 => any::<usize>().prop_map(Op::DropRoot),
        2 => (0usize..3).prop_map(Op::Collect),
        1 => Just(Op::ClearSaved),
    ]
}

fn reachable(heap: &Heap, roots: &[Handle]) -> HashSet<Handle> {
    let mut seen = HashSet::new();
    let mut stack: Vec<Handle> = roots
        .iter()
        .chain(&heap.saved)
        .chain(&heap.garbage)
        .copied()
        .collect();
    while let Some(h) = stack.pop() {
        if seen.insert(h) {
            stack.extend(heap.refs(h));
        }
    }
    seen
}

/// `one_lookup`: the host overrides the collector's one-lookup methods
/// (see `Heap::one_lookup`); `step_by_step`: collections are driven
/// through `Collector::step` (see `Heap::step_by_step`); `batched`: the
/// host clears in batches of three (see `Heap::clear_batch`). The oracle
/// must not see a difference.
fn check(
    imp: Impl,
    ops: Vec<Op>,
    one_lookup: bool,
    step_by_step: bool,
    batched: bool,
) -> Result<(), TestCaseError> {
    let mut gc = imp.build();
    let gc = gc.as_mut();
    let complete = has(gc, CYCLE_COLLECTION);
    let mut heap = Heap::new();
    heap.one_lookup = one_lookup;
    heap.step_by_step = step_by_step;
    heap.clear_batch = if batched { 3 } else { 1 };
    let mut roots: Vec<Handle> = vec![];
    let mut edges: HashMap<Handle, Vec<Handle>> = HashMap::new();
    let mut n = 0;
    for op in ops {
        let live: Vec<Handle> = reachable(&heap, &roots).into_iter().collect::<Vec<_>>();
        let mut live = live;
        live.sort();
        let pick = |i: usize| live.get(i % live.len().max(1)).copied();
        let mut full = false;
        match op {
            Op::New(d, refs) => {
                let refs: Vec<Handle> = refs.iter().filter_map(|&i| pick(i)).collect();
                let del = [Del::None, Del::Log, Del::Resurrect, Del::None][usize::from(d)];
                let h = heap.new_obj(gc, &format!("o{n}"), Kind::Instance, &refs, del);
                n += 1;
                edges.insert(h, refs);
                roots.push(h);
            }
            Op::AddEdge(a, b) => {
                if let (Some(a), Some(b)) = (pick(a), pick(b)) {
                    heap.add_ref(gc, a, b);
                    edges.entry(a).or_default().push(b);
                }
            }
            Op::RemoveEdge(a, i) => {
                if let Some(a) = pick(a) {
                    let targets = heap.refs(a);
                    if let Some(&b) = targets.get(i % targets.len().max(1)) {
                        heap.remove_ref(gc, a, b);
                        if let Some(e) = edges.get_mut(&a)
                            && let Some(p) = e.iter().position(|&x| x == b)
                        {
                            e.remove(p);
                        }
                    }
                }
            }
            Op::DropRoot(i) => {
                if !roots.is_empty() {
                    let h = roots.swap_remove(i % roots.len());
                    heap.decref(gc, h);
                }
            }
            Op::Collect(g) => {
                collect(&mut heap, gc, g);
                full = g == 2;
            }
            Op::ClearSaved => heap.clear_saved(gc),
        }
        let reach = reachable(&heap, &roots);
        for &h in &reach {
            prop_assert!(heap.alive(h), "reachable {} freed", heap.name(h));
            prop_assert_eq!(
                heap.refs(h),
                edges.get(&h).cloned().unwrap_or_default(),
                "{} intact",
                heap.name(h)
            );
        }
        prop_assert!(
            heap.del_calls.values().all(|&c| c == 1),
            "a finalizer ran twice"
        );
        if full && complete {
            prop_assert_eq!(
                heap.store.len(),
                reach.len(),
                "garbage left after a full collection"
            );
        }
    }
    // Drop everything: a complete collector leaves nothing.
    for h in roots.drain(..) {
        heap.decref(gc, h);
    }
    // Each round may resurrect the next resurrector down a chain.
    for _ in 0..=n {
        collect(&mut heap, gc, 2);
        if heap.saved.is_empty() {
            break;
        }
        heap.clear_saved(gc);
    }
    if complete {
        let left: Vec<String> = heap
            .store
            .iter()
            .map(|(h, o)| {
                format!(
                    "{} rc={:?} tracked={} fin={}",
                    o.name,
                    heap.store.refcount(h),
                    gc.is_tracked(&heap, h),
                    o.hdr.is_finalized()
                )
            })
            .collect();
        prop_assert_eq!(
            heap.store.len(),
            0,
            "left {:?} saved {:?}",
            left,
            heap.saved.len()
        );
        prop_assert!(gc.get_objects(None).map(|v| v.is_empty()).unwrap_or(false));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]
    #[test]
    fn generational_against_oracle(
        ops in prop::collection::vec(op(), 1..60),
        one_lookup: bool,
        step_by_step: bool,
        batched: bool,
    ) {
        check(Impl::Generational, ops, one_lookup, step_by_step, batched)?;
    }

    #[test]
    fn trial_deletion_against_oracle(
        ops in prop::collection::vec(op(), 1..60),
        one_lookup: bool,
        step_by_step: bool,
        batched: bool,
    ) {
        check(Impl::TrialDeletion, ops, one_lookup, step_by_step, batched)?;
    }

    #[test]
    fn off_against_oracle(
        ops in prop::collection::vec(op(), 1..60),
        one_lookup: bool,
        step_by_step: bool,
        batched: bool,
    ) {
        check(Impl::Off, ops, one_lookup, step_by_step, batched)?;
    }
}
