//! Random operation sequences against a plain `HashMap` model, as slotmap
//! tests itself: the same objects live, with the same counts, after every
//! step.

use proptest::prelude::*;
use refcount::{Decref, Handle, RefcountError, Store, Trace};
use std::collections::HashMap;

#[derive(Debug, Clone)]
struct Obj {
    id: usize,
    refs: Vec<Handle>,
}

impl Trace for Obj {
    fn trace(&self, visit: &mut dyn FnMut(Handle)) {
        for &r in &self.refs {
            visit(r);
        }
    }
}

#[derive(Debug, Clone)]
enum Op {
    /// Insert an object referencing up to three existing objects (by index
    /// into the live list; each referent is incref'd for the new owner).
    Insert(Vec<usize>),
    Incref(usize),
    Decref(usize),
    Immortal(usize),
    /// Use the handle of an already freed object.
    Stale(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => prop::collection::vec(any::<usize>(), 0..3).prop_map(Op::Insert),
        2 => any::<usize>().prop_map(Op::Incref),
        3 => any::<usize>().prop_map(Op::Decref),
        1 => any::<usize>().prop_map(Op::Immortal),
        1 => any::<usize>().prop_map(Op::Stale),
    ]
}

/// The model: id -> (count, referent ids, immortal). Freed recursively.
#[derive(Default)]
struct Model {
    objs: HashMap<usize, (usize, Vec<usize>, bool)>,
}

impl Model {
    fn decref(&mut self, id: usize) {
        let mut work = vec![id];
        while let Some(id) = work.pop() {
            let Some(entry) = self.objs.get_mut(&id) else {
                continue;
            };
            if entry.2 {
                continue;
            }
            entry.0 -= 1;
            if entry.0 == 0
                && let Some((_, refs, _)) = self.objs.remove(&id)
            {
                work.extend(refs);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn store_matches_model(ops in prop::collection::vec(op(), 1..120)) {
        let mut store = Store::new();
        let mut model = Model::default();
        let mut handles: HashMap<usize, Handle> = HashMap::new();
        let mut ids: HashMap<Handle, usize> = HashMap::new();
        let mut freed: Vec<Handle> = vec![];
        let mut next_id = 0;
        for op in ops {
            let mut live: Vec<usize> = model.objs.keys().copied().collect();
            live.sort_unstable();
            let pick = |i: usize| live.get(i % live.len().max(1)).copied();
            match op {
                Op::Insert(picks) => {
                    let refs: Vec<usize> = picks.iter().filter_map(|&p| pick(p)).collect();
                    let mut hrefs = vec![];
                    for &r in &refs {
                        let h = handles[&r];
                        store.incref(h).map_err(|e| TestCaseError::fail(e.to_string()))?;
                        if let Some(e) = model.objs.get_mut(&r) && !e.2 { e.0 += 1; }
                        hrefs.push(h);
                    }
                    let h = store.insert(Obj { id: next_id, refs: hrefs });
                    model.objs.insert(next_id, (1, refs, false));
                    handles.insert(next_id, h);
                    ids.insert(h, next_id);
                    next_id += 1;
                }
                Op::Incref(i) => if let Some(id) = pick(i) {
                    store.incref(handles[&id]).map_err(|e| TestCaseError::fail(e.to_string()))?;
                    if let Some(e) = model.objs.get_mut(&id) && !e.2 { e.0 += 1; }
                },
                Op::Decref(i) => if let Some(id) = pick(i) {
                    let r = store.decref(handles[&id]).map_err(|e| TestCaseError::fail(e.to_string()))?;
                    if r == Decref::Zero {
                        while let Some(h) = store.pop_zero() {
                            let v = store.free(h).map_err(|e| TestCaseError::fail(e.to_string()))?;
                            prop_assert_eq!(ids.get(&h).copied(), Some(v.id));
                            freed.push(h);
                        }
                    }
                    model.decref(id);
                },
                Op::Immortal(i) => if let Some(id) = pick(i) {
                    store.make_immortal(handles[&id]).map_err(|e| TestCaseError::fail(e.to_string()))?;
                    if let Some(e) = model.objs.get_mut(&id) { e.2 = true; }
                },
                Op::Stale(i) => if let Some(&h) = freed.get(i % freed.len().max(1)) {
                    prop_assert_eq!(store.incref(h), Err(RefcountError::StaleHandle(h)));
                    prop_assert_eq!(store.decref(h), Err(RefcountError::StaleHandle(h)));
                },
            }
            prop_assert_eq!(store.len(), model.objs.len());
            for (id, (rc, _, immortal)) in &model.objs {
                let h = handles[id];
                let expect = if *immortal { refcount::IMMORTAL_REFCOUNT } else { *rc };
                prop_assert_eq!(store.refcount(h), Ok(expect));
            }
        }
    }
}
