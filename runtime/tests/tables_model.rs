//! The dict and set tables against simple models (random operation
//! sequences, as slotmap tests itself against a HashMap): dicts keep
//! insertion order and find every live key; sets hold exactly the model's
//! keys; neither loses or duplicates an entry across resizes and dummies.

use proptest::prelude::*;
use runtime::object::{Dict, ObjRef, SetTable};

#[derive(Clone, Debug)]
enum Op {
    Insert(u8),
    Remove(u8),
    Clear,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => any::<u8>().prop_map(Op::Insert),
        3 => any::<u8>().prop_map(Op::Remove),
        1 => Just(Op::Clear),
    ]
}

fn key(k: u8) -> ObjRef {
    ObjRef::from_raw(u32::from(k), 1)
}

/// Colliding hashes on purpose: many keys share low bits.
fn hash(k: u8) -> i64 {
    i64::from(k % 37) * 1024 + i64::from(k / 37)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn dict_matches_an_ordered_model(ops in proptest::collection::vec(op(), 0..300)) {
        let mut d = Dict::new();
        let mut model: Vec<u8> = Vec::new();
        for op in ops {
            match op {
                Op::Insert(k) => {
                    if d.find_identity(key(k), hash(k)).is_none() {
                        d.insert_new(key(k), hash(k), key(k), false);
                        model.push(k);
                    }
                }
                Op::Remove(k) => {
                    if let Some(ix) = d.find_identity(key(k), hash(k)) {
                        prop_assert!(d.remove_at(ix).is_some());
                        model.retain(|m| *m != k);
                    } else {
                        prop_assert!(!model.contains(&k));
                    }
                }
                Op::Clear => {
                    d.take_all();
                    model.clear();
                }
            }
            prop_assert_eq!(d.len(), model.len());
        }
        let order: Vec<ObjRef> = d.iter().map(|(_, k, _)| k).collect();
        let want: Vec<ObjRef> = model.iter().map(|k| key(*k)).collect();
        prop_assert_eq!(order, want);
        for k in &model {
            prop_assert!(d.find_identity(key(*k), hash(*k)).is_some());
        }
    }

    #[test]
    fn set_matches_a_model(ops in proptest::collection::vec(op(), 0..300)) {
        let mut s = SetTable::new();
        let mut model = std::collections::BTreeSet::new();
        for op in ops {
            match op {
                Op::Insert(k) => {
                    if s.find_identity(key(k), hash(k)).is_none() {
                        s.insert_new(key(k), hash(k));
                    }
                    model.insert(k);
                }
                Op::Remove(k) => {
                    match s.find_identity(key(k), hash(k)) {
                        Some(slot) => prop_assert!(s.remove_slot(slot).is_some()),
                        None => prop_assert!(!model.contains(&k)),
                    }
                    model.remove(&k);
                }
                Op::Clear => {
                    s.take_all();
                    model.clear();
                }
            }
            prop_assert_eq!(s.len(), model.len());
        }
        let mut keys: Vec<ObjRef> = s.iter().map(|(k, _)| k).collect();
        keys.sort();
        let mut want: Vec<ObjRef> = model.iter().map(|k| key(*k)).collect();
        want.sort();
        prop_assert_eq!(keys, want);
    }
}
