//! Random operation sequences on the weak containers, including deaths
//! and mutations while iterations are in progress, against a plain model:
//! never a panic; `len` and the contents always equal the live entries
//! (minus what explicit deletions removed); nothing leaks in the registry
//! once every iteration ended.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use weakrefs::{
    Cursor, Kind, Registry, WeakError, WeakKeyDictionary, WeakSet, WeakValueDictionary,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Route {
    Wvd,
    Wkd,
    Set,
}

#[derive(Clone, Debug)]
enum Op {
    /// wvd[key] = obj; wkd[obj] = key; set.add(obj)
    Put {
        key: u8,
        obj: u8,
    },
    /// Object dies.
    Kill(u8),
    /// Explicit deletions.
    DelKey(u8),
    DelObj(u8),
    /// Start an iteration over all three.
    Begin,
    /// Advance every open iteration.
    Step,
    /// End the oldest open iteration.
    End,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u8..6, 0u8..8).prop_map(|(key, obj)| Op::Put { key, obj }),
        2 => (0u8..8).prop_map(Op::Kill),
        1 => (0u8..6).prop_map(Op::DelKey),
        1 => (0u8..8).prop_map(Op::DelObj),
        1 => Just(Op::Begin),
        2 => Just(Op::Step),
        1 => Just(Op::End),
    ]
}

const C: Kind<'static> = Kind {
    type_name: "C",
    weakrefable: true,
};

struct Iters {
    wvd: Cursor,
    wkd: Cursor,
    set: Cursor,
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]
    #[test]
    fn containers_agree_with_the_model(ops in proptest::collection::vec(op(), 1..120)) {
        let mut reg: Registry<u32, (), Route> = Registry::new();
        let mut wvd: WeakValueDictionary<u8, u32> = WeakValueDictionary::new();
        let mut wkd: WeakKeyDictionary<u32, u8> = WeakKeyDictionary::new();
        let mut set: WeakSet<u32> = WeakSet::new();
        // Model: live entries only.
        let mut m_wvd: BTreeMap<u8, u32> = BTreeMap::new();
        let mut m_wkd: BTreeMap<u32, u8> = BTreeMap::new();
        let mut m_set: BTreeSet<u32> = BTreeSet::new();
        // Objects are versioned so a killed id is never reused.
        let mut generation = [0u32; 8];
        let id_of = |obj: u8, generation: &[u32; 8]| u32::from(obj) * 1000 + generation[usize::from(obj)];
        let mut open: Vec<Iters> = Vec::new();
        for op in ops {
            match op {
                Op::Put { key, obj } => {
                    let id = id_of(obj, &generation);
                    wvd.insert(&mut reg, key, id, &C, Route::Wvd, ()).map_err(|e| TestCaseError::fail(e.to_string()))?;
                    wkd.insert(&mut reg, id, &C, key, Route::Wkd, ()).map_err(|e| TestCaseError::fail(e.to_string()))?;
                    set.add(&mut reg, id, &C, Route::Set, ()).map_err(|e| TestCaseError::fail(e.to_string()))?;
                    m_wvd.insert(key, id);
                    m_wkd.insert(id, key);
                    m_set.insert(id);
                }
                Op::Kill(obj) => {
                    let id = id_of(obj, &generation);
                    generation[usize::from(obj)] += 1;
                    for due in reg.clear_referent(id) {
                        match due.callback {
                            Route::Wvd => wvd.remove_dead(&mut reg, due.id),
                            Route::Wkd => wkd.remove_dead(&mut reg, due.id),
                            Route::Set => set.remove_dead(&mut reg, due.id),
                        }
                    }
                    m_wvd.retain(|_, v| *v != id);
                    m_wkd.remove(&id);
                    m_set.remove(&id);
                }
                Op::DelKey(key) => {
                    let had = m_wvd.remove(&key).is_some();
                    let popped = wvd.pop(&mut reg, &key);
                    prop_assert_eq!(popped.is_ok(), had);
                }
                Op::DelObj(obj) => {
                    let id = id_of(obj, &generation);
                    prop_assert_eq!(wkd.remove(&mut reg, &id).ok(), m_wkd.remove(&id));
                    prop_assert_eq!(set.discard(&mut reg, &id), m_set.remove(&id));
                }
                Op::Begin => open.push(Iters {
                    wvd: wvd.iter_begin(&mut reg),
                    wkd: wkd.iter_begin(),
                    set: set.iter_begin(),
                }),
                Op::Step => {
                    for it in &mut open {
                        match wvd.iter_next(&mut reg, &mut it.wvd) {
                            Ok(Some((k, v))) => prop_assert!(reg.weakref_count(v) > 0 && m_wvd.contains_key(&k)),
                            Ok(None) | Err(WeakError::ChangedSize { .. }) => {}
                            Err(e) => return Err(TestCaseError::fail(e.to_string())),
                        }
                        match wkd.iter_next(&mut reg, &mut it.wkd) {
                            Ok(Some((k, _))) => prop_assert!(m_wkd.contains_key(&k)),
                            Ok(None) | Err(WeakError::ChangedSize { .. }) => {}
                            Err(e) => return Err(TestCaseError::fail(e.to_string())),
                        }
                        match set.iter_next(&mut reg, &mut it.set) {
                            Ok(Some(k)) => prop_assert!(m_set.contains(&k)),
                            Ok(None) | Err(WeakError::ChangedSize { .. }) => {}
                            Err(e) => return Err(TestCaseError::fail(e.to_string())),
                        }
                    }
                }
                Op::End => {
                    if !open.is_empty() {
                        let mut it = open.remove(0);
                        wvd.iter_end(&mut reg, &mut it.wvd);
                        wkd.iter_end(&mut reg, &mut it.wkd);
                        set.iter_end(&mut reg, &mut it.set);
                    }
                }
            }
            prop_assert_eq!(wkd.len(), m_wkd.len());
            prop_assert_eq!(set.len(), m_set.len());
            for (k, v) in &m_wkd {
                prop_assert_eq!(wkd.get(k), Some(v));
            }
            for k in &m_set {
                prop_assert!(set.contains(k));
            }
        }
        for mut it in open {
            wvd.iter_end(&mut reg, &mut it.wvd);
            wkd.iter_end(&mut reg, &mut it.wkd);
            set.iter_end(&mut reg, &mut it.set);
        }
        prop_assert_eq!(wvd.len(&mut reg), m_wvd.len());
        for (k, v) in &m_wvd {
            prop_assert_eq!(wvd.get(&mut reg, k), Some(*v));
        }
        prop_assert_eq!(reg.len(), m_wvd.len() + m_wkd.len() + m_set.len());
    }
}
