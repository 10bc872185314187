//! Random operation sequences against a plain model of CPython's weakref
//! lists (as slotmap tests against a `HashMap`): list order, reuse, counts,
//! and which callbacks are due, in which order, on both deaths.

use proptest::prelude::*;
use weakrefs::{Flavor, NewWeakRef, Registry, WeakRefId};

#[derive(Clone, Debug)]
enum Op {
    /// Make a reference to referent `r`; `cb` None means callback-less.
    Make { r: u8, proxy: bool, cb: Option<u8> },
    /// Drop the n-th known reference object.
    Drop(usize),
    /// Referent dies by refcount.
    Kill(u8),
    /// A collection whose garbage is these referents plus these references.
    Collect {
        referents: Vec<u8>,
        trash: Vec<usize>,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u8..4, any::<bool>(), proptest::option::of(0u8..200))
            .prop_map(|(r, proxy, cb)| Op::Make { r, proxy, cb }),
        2 => any::<usize>().prop_map(Op::Drop),
        1 => (0u8..6).prop_map(Op::Kill),
        1 => (proptest::collection::vec(0u8..6, 0..4), proptest::collection::vec(any::<usize>(), 0..3))
            .prop_map(|(referents, trash)| Op::Collect { referents, trash }),
    ]
}

#[derive(Clone, Debug)]
struct MRef {
    id: WeakRefId,
    referent: Option<u8>,
    proxy: bool,
    basic: bool,
    cb: Option<u8>,
    /// Creation order, for "newest first".
    serial: usize,
}

/// CPython's list order for referent `r`.
fn list(model: &[MRef], r: u8) -> Vec<WeakRefId> {
    let of_r = || model.iter().filter(move |m| m.referent == Some(r));
    let mut out: Vec<WeakRefId> = of_r()
        .filter(|m| m.basic && !m.proxy)
        .map(|m| m.id)
        .collect();
    out.extend(of_r().filter(|m| m.basic && m.proxy).map(|m| m.id));
    let mut rest: Vec<&MRef> = of_r().filter(|m| !m.basic).collect();
    rest.sort_by_key(|m| std::cmp::Reverse(m.serial));
    out.extend(rest.into_iter().map(|m| m.id));
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]
    #[test]
    fn registry_agrees_with_the_model(ops in proptest::collection::vec(op(), 1..80)) {
        let mut reg: Registry<u8, usize, u8> = Registry::new();
        let mut model: Vec<MRef> = Vec::new();
        let mut dead: Vec<u8> = Vec::new();
        let mut serial = 0usize;
        for op in ops {
            match op {
                Op::Make { r, proxy, cb } => {
                    if dead.contains(&r) {
                        continue;
                    }
                    let flavor = if proxy { Flavor::Proxy } else { Flavor::Ref };
                    let existing = model.iter().find(|m| m.referent == Some(r) && m.basic && m.proxy == proxy).map(|m| m.id);
                    if cb.is_none() {
                        prop_assert_eq!(reg.reusable(r, flavor).map(|(id, _)| id), existing);
                        if existing.is_some() {
                            continue;
                        }
                    }
                    serial += 1;
                    let id = reg.insert(r, NewWeakRef { flavor, callback: cb, subclass: false }, serial);
                    prop_assert_eq!(reg.payload(id), Some(&serial));
                    model.push(MRef { id, referent: Some(r), proxy, basic: cb.is_none() && existing.is_none(), cb, serial });
                }
                Op::Drop(n) => {
                    if model.is_empty() {
                        continue;
                    }
                    let m = model.remove(n % model.len());
                    let removed = reg.remove(m.id);
                    prop_assert_eq!(removed.map(|r| r.callback), Some(m.cb));
                    prop_assert!(reg.remove(m.id).is_none());
                }
                Op::Kill(r) => {
                    if dead.contains(&r) {
                        continue;
                    }
                    dead.push(r);
                    let order = list(&model, r);
                    let expected: Vec<(WeakRefId, u8)> = order.iter().filter_map(|id| {
                        model.iter().find(|m| m.id == *id).and_then(|m| m.cb.map(|c| (m.id, c)))
                    }).collect();
                    let due: Vec<(WeakRefId, u8)> = reg.clear_referent(r).into_iter().map(|p| (p.id, p.callback)).collect();
                    prop_assert_eq!(due, expected);
                    for m in model.iter_mut().filter(|m| m.referent == Some(r)) {
                        m.referent = None;
                        m.basic = false;
                        m.cb = None;
                    }
                }
                Op::Collect { referents, trash } => {
                    let mut garbage: Vec<u8> = Vec::new();
                    for r in referents {
                        if !dead.contains(&r) && !garbage.contains(&r) {
                            garbage.push(r);
                        }
                    }
                    let trash_ids: Vec<WeakRefId> = if model.is_empty() {
                        Vec::new()
                    } else {
                        trash.iter().map(|n| model[n % model.len()].id).collect()
                    };
                    for m in model.iter_mut().filter(|m| trash_ids.contains(&m.id)) {
                        m.referent = None;
                        m.basic = false;
                    }
                    let mut expected = Vec::new();
                    for &r in &garbage {
                        for id in list(&model, r) {
                            if let Some(m) = model.iter().find(|m| m.id == id)
                                && let Some(c) = m.cb
                            {
                                expected.push((id, c));
                            }
                        }
                    }
                    let due: Vec<(WeakRefId, u8)> = reg
                        .handle_weakrefs(garbage.iter().copied(), trash_ids.iter().copied())
                        .into_iter()
                        .map(|p| (p.id, p.callback))
                        .collect();
                    prop_assert_eq!(due, expected);
                    for m in model.iter_mut().filter(|m| m.referent.is_some_and(|r| garbage.contains(&r))) {
                        m.referent = None;
                        m.basic = false;
                    }
                    dead.extend(garbage);
                }
            }
            for r in 0u8..6 {
                let got: Vec<WeakRefId> = reg.weakrefs(r).map(|(id, _)| id).collect();
                prop_assert_eq!(&got, &list(&model, r));
                prop_assert_eq!(reg.weakref_count(r), got.len());
            }
            for m in &model {
                prop_assert_eq!(reg.resolve(m.id), m.referent);
                prop_assert_eq!(reg.callback(m.id).copied(), m.cb);
            }
            prop_assert_eq!(reg.len(), model.len());
        }
    }
}
