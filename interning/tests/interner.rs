//! The interner: lookups, release, stale symbols, compaction, and a model
//! test against a `HashMap`.

use std::collections::HashMap;

use interning::{InternError, Interner, StringInterner, Symbol};
use proptest::prelude::*;

#[test]
fn intern_is_idempotent_and_resolves() -> Result<(), InternError> {
    let mut t = StringInterner::new();
    let a = t.intern("alpha")?;
    let b = t.intern("beta")?;
    assert_ne!(a, b);
    assert_eq!(t.intern("alpha")?, a);
    assert_eq!(t.resolve(a), Some("alpha"));
    assert_eq!(t.resolve(b), Some("beta"));
    assert_eq!(t.len(), 2);
    Ok(())
}

#[test]
fn get_never_inserts() -> Result<(), InternError> {
    let mut t = StringInterner::new();
    assert_eq!(t.get("missing"), None);
    assert!(t.is_empty());
    let s = t.intern("present")?;
    assert_eq!(t.get("present"), Some(s));
    assert!(t.contains("present"));
    assert!(!t.contains("missing"));
    assert_eq!(t.len(), 1);
    Ok(())
}

#[test]
fn host_value_made_once() -> Result<(), InternError> {
    let mut t: Interner<String> = Interner::new();
    let mut calls = 0;
    let s = t.intern_with("x", |sym| {
        calls += 1;
        format!("object for slot {}", sym.index())
    })?;
    let again = t.intern_with("x", |_| {
        calls += 1;
        String::new()
    })?;
    assert_eq!(s, again);
    assert_eq!(calls, 1);
    assert_eq!(t.value(s).map(String::as_str), Some("object for slot 0"));
    if let Some(v) = t.value_mut(s) {
        v.push('!');
    }
    assert_eq!(
        t.get_value("x").map(|(_, v)| v.as_str()),
        Some("object for slot 0!")
    );
    Ok(())
}

/// Experiment 7.10: a released (dead) interned string leaves the table, and
/// re-interning equal text makes a new canonical entry.
#[test]
fn released_text_is_interned_afresh() -> Result<(), InternError> {
    let mut t: Interner<u32> = Interner::new();
    let first = t.intern_with("zz_unique_token_123", |_| 1)?;
    assert_eq!(t.release(first)?, 1);
    assert_eq!(t.get("zz_unique_token_123"), None);
    let second = t.intern_with("zz_unique_token_123", |_| 2)?;
    assert_ne!(first, second, "the slot is reused under a new generation");
    assert_eq!(first.index(), second.index());
    assert_eq!(t.get_value("zz_unique_token_123"), Some((second, &2)));
    Ok(())
}

#[test]
fn stale_symbols_are_refused() -> Result<(), InternError> {
    let mut t = StringInterner::new();
    let a = t.intern("a")?;
    t.release(a)?;
    assert_eq!(t.resolve(a), None);
    assert_eq!(t.value(a), None);
    assert_eq!(t.release(a), Err(InternError::StaleSymbol(a)));
    let b = t.intern("b")?;
    assert_eq!(
        t.resolve(a),
        None,
        "a stale symbol never resolves to new text"
    );
    assert_eq!(t.resolve(b), Some("b"));
    // A symbol from another interner with an index out of range.
    let mut big = StringInterner::new();
    let mut last = big.intern("0")?;
    for i in 1..10 {
        last = big.intern(&i.to_string())?;
    }
    assert_eq!(t.resolve(last), None);
    let err = t.release(last).err().map(|e| e.to_string());
    assert_eq!(
        err.as_deref(),
        Some("stale interned symbol (slot 9, generation 1)")
    );
    Ok(())
}

#[test]
fn remove_by_text_and_clear() -> Result<(), InternError> {
    let mut t: Interner<i32> = Interner::new();
    let a = t.intern_with("a", |_| 1)?;
    t.intern_with("b", |_| 2)?;
    assert_eq!(t.remove("a"), Some((a, 1)));
    assert_eq!(t.remove("a"), None);
    t.clear();
    assert!(t.is_empty());
    assert_eq!(t.get("b"), None);
    assert_eq!(t.iter().count(), 0);
    Ok(())
}

#[test]
fn compaction_keeps_symbols_and_reclaims_text() -> Result<(), InternError> {
    let mut t = StringInterner::new();
    let syms: Vec<(Symbol, String)> = (0..2000)
        .map(|i| {
            let s = format!("identifier_number_{i}");
            t.intern(&s).map(|sym| (sym, s))
        })
        .collect::<Result<_, _>>()?;
    let full = t.text_bytes();
    for (sym, _) in syms.iter().filter(|(sym, _)| sym.index() % 4 != 0) {
        t.release(*sym)?;
    }
    assert!(
        t.text_bytes() < full / 2,
        "{} !< {}",
        t.text_bytes(),
        full / 2
    );
    for (sym, text) in &syms {
        if sym.index() % 4 == 0 {
            assert_eq!(t.resolve(*sym), Some(text.as_str()));
            assert_eq!(t.get(text), Some(*sym));
        } else {
            assert_eq!(t.resolve(*sym), None);
            assert_eq!(t.get(text), None);
        }
    }
    Ok(())
}

#[test]
fn empty_and_unicode_text() -> Result<(), InternError> {
    let mut t = StringInterner::new();
    let e = t.intern("")?;
    let c = t.intern("café")?;
    assert_eq!(t.resolve(e), Some(""));
    assert_eq!(t.resolve(c), Some("café"));
    assert_eq!(t.intern("")?, e);
    Ok(())
}

#[derive(Clone, Debug)]
enum Op {
    Intern(u8),
    Release(u8),
    Get(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        any::<u8>().prop_map(Op::Intern),
        any::<u8>().prop_map(Op::Release),
        any::<u8>().prop_map(Op::Get),
    ]
}

fn text(k: u8) -> String {
    // Long enough that compaction triggers within a run.
    format!("{k}_{}", "x".repeat(usize::from(k) % 64))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Random intern/release/get sequences agree with a `HashMap` model, and
    /// every symbol ever released stays stale.
    #[test]
    fn agrees_with_a_hashmap(ops in proptest::collection::vec(op(), 1..600)) {
        let mut t: Interner<u8> = Interner::new();
        let mut model: HashMap<String, Symbol> = HashMap::new();
        let mut stale: Vec<Symbol> = Vec::new();
        for op in ops {
            match op {
                Op::Intern(k) => {
                    let s = text(k);
                    let sym = t.intern_with(&s, |_| k).map_err(|e| TestCaseError::fail(e.to_string()))?;
                    if let Some(old) = model.get(&s) {
                        prop_assert_eq!(*old, sym);
                    }
                    model.insert(s, sym);
                }
                Op::Release(k) => {
                    let s = text(k);
                    match model.remove(&s) {
                        Some(sym) => {
                            prop_assert_eq!(t.release(sym), Ok(k));
                            stale.push(sym);
                        }
                        None => prop_assert_eq!(t.get(&s), None),
                    }
                }
                Op::Get(k) => {
                    let s = text(k);
                    prop_assert_eq!(t.get(&s), model.get(&s).copied());
                }
            }
            prop_assert_eq!(t.len(), model.len());
        }
        for (s, sym) in &model {
            prop_assert_eq!(t.resolve(*sym), Some(s.as_str()));
        }
        for sym in stale {
            if !model.values().any(|live| *live == sym) {
                prop_assert_eq!(t.resolve(sym), None);
            }
        }
    }
}

/// A slot reused until its generation is used up is retired: symbols never
/// alias, however often one slot is recycled.
#[test]
fn recycled_slots_retire_before_generations_wrap() -> Result<(), InternError> {
    let mut t = StringInterner::new();
    let first = t.intern("churn")?;
    let mut last = first;
    let mut seen_slots = std::collections::BTreeSet::new();
    for _ in 0..40_000 {
        t.release(last)?;
        last = t.intern("churn")?;
        seen_slots.insert(last.index());
    }
    assert_eq!(
        seen_slots.len(),
        2,
        "slot 0 retired once, then slot 1 is used"
    );
    assert_eq!(t.resolve(first), None);
    assert_eq!(t.resolve(last), Some("churn"));
    assert_eq!(t.len(), 1);
    Ok(())
}

/// Texts of 64 KiB and more keep their length aside; everything still works.
#[test]
fn long_texts() -> Result<(), InternError> {
    let mut t: Interner<usize> = Interner::new();
    let long = "x".repeat(70_000);
    let longer = "y".repeat(200_000);
    let edge = "z".repeat(usize::from(u16::MAX));
    let a = t.intern_with(&long, |_| 1)?;
    let b = t.intern_with(&longer, |_| 2)?;
    let c = t.intern_with(&edge, |_| 3)?;
    let short = t.intern_with("short", |_| 4)?;
    assert_eq!(t.intern_with(&long, |_| 9)?, a);
    assert_eq!(t.get(&edge), Some(c));
    assert_eq!(t.get(&long[..69_999]), None);
    assert_eq!(t.resolve(b).map(str::len), Some(200_000));
    assert_eq!(t.resolve(c), Some(edge.as_str()));
    // Releasing the long ones compacts the buffer; the rest still resolve.
    assert_eq!(t.release(a)?, 1);
    assert_eq!(t.release(b)?, 2);
    assert!(t.text_bytes() < 70_000);
    assert_eq!(t.resolve(c), Some(edge.as_str()));
    assert_eq!(t.resolve(short), Some("short"));
    assert_eq!(t.get(&longer), None);
    Ok(())
}
