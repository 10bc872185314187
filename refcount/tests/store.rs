//! The store's protocol: counts, the zero queue, freeing, immortals and
//! every kind of bad input.

use refcount::{Decref, Handle, IMMORTAL_REFCOUNT, Recorder, RefcountError, Store, Trace};
use rstest::rstest;

/// A test object: a name and the handles it owns.
#[derive(Debug, Clone, PartialEq)]
struct Obj {
    name: u32,
    refs: Vec<Handle>,
}

impl Trace for Obj {
    fn trace(&self, visit: &mut dyn FnMut(Handle)) {
        for &r in &self.refs {
            visit(r);
        }
    }
}

fn leaf(name: u32) -> Obj {
    Obj { name, refs: vec![] }
}

/// Drains the queue, returning the names in free order.
fn drain(store: &mut Store<Obj>) -> Vec<u32> {
    let mut order = vec![];
    while let Some(h) = store.pop_zero() {
        order.push(store.free(h).map(|o| o.name).unwrap_or(u32::MAX));
    }
    order
}

#[test]
fn insert_incref_decref_counts() -> Result<(), RefcountError> {
    let mut s = Store::new();
    let h = s.insert(leaf(1));
    assert_eq!(s.refcount(h)?, 1);
    assert_eq!(s.incref(h)?, 2);
    assert_eq!(s.decref(h)?, Decref::Alive(1));
    assert_eq!(s.decref(h)?, Decref::Zero);
    assert_eq!(s.refcount(h)?, 0);
    assert_eq!(s.get(h)?.name, 1, "value stays until freed");
    assert_eq!(drain(&mut s), vec![1]);
    assert!(s.is_empty());
    Ok(())
}

#[rstest]
#[case::get(|s: &mut Store<Obj>, h| s.get(h).map(|_| ()))]
#[case::get_mut(|s: &mut Store<Obj>, h| s.get_mut(h).map(|_| ()))]
#[case::incref(|s: &mut Store<Obj>, h| s.incref(h).map(|_| ()))]
#[case::decref(|s: &mut Store<Obj>, h| s.decref(h).map(|_| ()))]
#[case::refcount(|s: &mut Store<Obj>, h| s.refcount(h).map(|_| ()))]
#[case::refcount_and_get_mut(|s: &mut Store<Obj>, h| s.refcount_and_get_mut(h).map(|_| ()))]
#[case::free(|s: &mut Store<Obj>, h| s.free(h).map(|_| ()))]
#[case::make_immortal(|s: &mut Store<Obj>, h| s.make_immortal(h))]
#[case::release(|s: &mut Store<Obj>, h| s.release(h).map(|_| ()))]
fn stale_handle_is_an_error(#[case] op: fn(&mut Store<Obj>, Handle) -> Result<(), RefcountError>) {
    let mut s = Store::new();
    let h = s.insert(leaf(1));
    assert_eq!(s.release(h), Ok(1));
    // Reuse the slot: the old handle must still be stale.
    let h2 = s.insert(leaf(2));
    assert_eq!(op(&mut s, h), Err(RefcountError::StaleHandle(h)));
    assert_eq!(s.get(h2).map(|o| o.name), Ok(2));
    // A handle from another store is foreign.
    let mut other: Store<Obj> = Store::new();
    let _ = other.insert(leaf(3));
    let foreign = other.insert(leaf(4));
    assert_eq!(
        op(&mut s, foreign),
        Err(RefcountError::StaleHandle(foreign))
    );
}

#[test]
fn underflow_and_still_referenced_are_errors() -> Result<(), RefcountError> {
    let mut s = Store::new();
    let h = s.insert(leaf(1));
    s.incref(h)?;
    assert_eq!(
        s.free(h),
        Err(RefcountError::StillReferenced {
            handle: h,
            refcount: 2
        })
    );
    s.decref(h)?;
    s.decref(h)?;
    assert_eq!(s.decref(h), Err(RefcountError::Underflow(h)));
    assert_eq!(drain(&mut s), vec![1]);
    Ok(())
}

#[test]
fn immortals_never_change_and_never_free() -> Result<(), RefcountError> {
    let mut s = Store::new();
    let none = s.insert_immortal(leaf(0));
    assert_eq!(s.incref(none)?, IMMORTAL_REFCOUNT);
    for _ in 0..10 {
        assert_eq!(s.decref(none)?, Decref::Immortal);
    }
    assert_eq!(s.refcount(none)?, IMMORTAL_REFCOUNT);
    assert_eq!(s.free(none), Err(RefcountError::Immortal(none)));
    // An object holding the immortal does not free it.
    let holder = s.insert(Obj {
        name: 1,
        refs: vec![none],
    });
    assert_eq!(s.release(holder)?, 1);
    assert!(s.is_immortal(none)?);
    // make_immortal on a queued object cancels its freeing.
    let h = s.insert(leaf(2));
    s.decref(h)?;
    s.make_immortal(h)?;
    assert_eq!(drain(&mut s), Vec::<u32>::new());
    assert_eq!(s.remove_immortal(h)?.name, 2);
    let mortal = s.insert(leaf(3));
    assert_eq!(
        s.remove_immortal(mortal),
        Err(RefcountError::NotImmortal(mortal))
    );
    Ok(())
}

#[test]
fn resurrection_during_drain_keeps_the_object() -> Result<(), RefcountError> {
    let mut s = Store::new();
    let child = s.insert(leaf(2));
    let parent = s.insert(Obj {
        name: 1,
        refs: vec![child],
    });
    s.decref(parent)?;
    let mut saved = None;
    while let Some(h) = s.pop_zero() {
        if s.get(h)?.name == 1 && saved.is_none() {
            // The "finalizer" stores the object somewhere: resurrection.
            s.incref(h)?;
            saved = Some(h);
            continue;
        }
        s.free(h)?;
    }
    assert_eq!(s.refcount(parent)?, 1);
    assert_eq!(
        s.refcount(child)?,
        1,
        "resurrected object's referents intact"
    );
    // A finalizer that resurrects then drops again queues it once more.
    s.decref(parent)?;
    s.incref(parent)?;
    s.decref(parent)?;
    assert_eq!(s.pending_zeros(), 1, "no duplicate queue entries");
    assert_eq!(drain(&mut s), vec![1, 2]);
    Ok(())
}

#[test]
fn free_order_is_cpython_recursive_order() -> Result<(), RefcountError> {
    // root -> [a -> [a1, a2], b -> [b1]]: recursive tp_dealloc frees
    // root, a, a1, a2, b, b1 (decrefs in reference order, depth first).
    let mut s = Store::new();
    let a1 = s.insert(leaf(11));
    let a2 = s.insert(leaf(12));
    let b1 = s.insert(leaf(21));
    let a = s.insert(Obj {
        name: 10,
        refs: vec![a1, a2],
    });
    let b = s.insert(Obj {
        name: 20,
        refs: vec![b1],
    });
    let root = s.insert(Obj {
        name: 0,
        refs: vec![a, b],
    });
    s.decref(root)?;
    assert_eq!(drain(&mut s), vec![0, 10, 11, 12, 20, 21]);
    Ok(())
}

#[test]
fn free_and_drop_frees_like_free() -> Result<(), RefcountError> {
    // A smaller tree of the same kind as above, freed without taking the
    // values back: the recursive order (seen through the dealloc hook),
    // every referent released.
    let mut s = Store::with_hooks(Recorder::default());
    let a1 = s.insert(leaf(11));
    let a2 = s.insert(leaf(12));
    let a = s.insert(Obj {
        name: 10,
        refs: vec![a1, a2],
    });
    let root = s.insert(Obj {
        name: 0,
        refs: vec![a],
    });
    s.decref(root)?;
    let mut order = vec![];
    while let Some(h) = s.pop_zero() {
        order.push(h);
        s.free_and_drop(h)?;
    }
    assert_eq!(order, vec![root, a, a1, a2]);
    assert_eq!(s.hooks().deallocated, order);
    assert!(s.is_empty());
    assert_eq!(s.stats().freed, 4);
    assert_eq!(s.free_and_drop(root), Err(RefcountError::StaleHandle(root)));
    let live = s.insert(leaf(1));
    assert_eq!(
        s.free_and_drop(live),
        Err(RefcountError::StillReferenced {
            handle: live,
            refcount: 1
        })
    );
    Ok(())
}

#[test]
fn nested_drain_with_marks() -> Result<(), RefcountError> {
    let mut s = Store::new();
    let outer = s.insert(leaf(1));
    let inner = s.insert(leaf(2));
    s.decref(outer)?;
    let popped = s.pop_zero();
    assert_eq!(popped, Some(outer));
    // The finalizer of `outer` drops `inner`; a nested drain sees only it.
    let mark = s.zero_mark();
    s.decref(inner)?;
    assert_eq!(s.pop_zero_above(mark), Some(inner));
    s.free(inner)?;
    assert_eq!(s.pop_zero_above(mark), None);
    s.free(outer)?;
    assert!(s.is_empty());
    Ok(())
}

#[test]
fn bad_referents_are_ignored_and_counted() -> Result<(), RefcountError> {
    let mut s = Store::new();
    let gone = s.insert(leaf(9));
    s.release(gone)?;
    let mut other: Store<Obj> = Store::new();
    let foreign = other.insert(leaf(8));
    let zero = s.insert(leaf(7));
    s.decref(zero)?; // at zero, queued
    let bad = s.insert(Obj {
        name: 1,
        refs: vec![gone, foreign, zero],
    });
    s.decref(bad)?;
    assert_eq!(drain(&mut s), vec![1, 7]);
    assert_eq!(s.stats().bad_referents, 3);
    Ok(())
}

#[test]
fn hooks_see_alloc_dealloc_and_nonzero_decrements() -> Result<(), RefcountError> {
    let mut s: Store<Obj, Recorder> = Store::with_hooks(Recorder::default());
    let a = s.insert(leaf(1));
    let b = s.insert(Obj {
        name: 2,
        refs: vec![a],
    });
    s.incref(a)?;
    s.decref(a)?; // 2 -> 1... a was 1, incref -> 2, decref -> 1: nonzero
    s.release(b)?; // b freed; a: 1 -> 0, freed
    assert_eq!(s.hooks().allocated, vec![a, b]);
    assert_eq!(s.hooks().decremented, vec![a]);
    assert_eq!(s.hooks().deallocated, vec![b, a]);
    s.hooks_mut().clear();
    assert!(s.hooks().allocated.is_empty());
    Ok(())
}

#[test]
fn overflow_is_an_error() -> Result<(), RefcountError> {
    let mut s = Store::new();
    let h = s.insert(leaf(1));
    s.set_refcount(h, refcount::MAX_REFCOUNT)?;
    assert_eq!(s.incref(h), Err(RefcountError::Overflow(h)));
    assert_eq!(s.refcount(h)?, refcount::MAX_REFCOUNT);
    assert_eq!(
        s.set_refcount(h, IMMORTAL_REFCOUNT),
        Err(RefcountError::Overflow(h))
    );
    assert_eq!(
        s.set_refcount(h, refcount::MAX_REFCOUNT + 1),
        Err(RefcountError::Overflow(h))
    );
    assert_eq!(s.refcount(h)?, refcount::MAX_REFCOUNT);
    s.set_refcount(h, 0)?;
    assert_eq!(drain(&mut s), vec![1]);
    Ok(())
}

#[test]
fn refcount_and_get_mut_is_one_lookup_of_both() -> Result<(), RefcountError> {
    let mut s = Store::new();
    let h = s.insert(leaf(1));
    s.incref(h)?;
    let (count, obj) = s.refcount_and_get_mut(h)?;
    assert_eq!(count, 2);
    obj.name = 7;
    assert_eq!(s.get(h)?.name, 7);
    s.make_immortal(h)?;
    assert_eq!(s.refcount_and_get_mut(h)?.0, IMMORTAL_REFCOUNT);
    Ok(())
}
