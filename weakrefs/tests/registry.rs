//! The registry's rules (reference §4.1–§4.4) and §8 scenarios 23, 25,
//! 29, 31 and 34–37, driven through the small host in `common`.

mod common;

use common::{Cb, Del, Host};
use weakrefs::{Comparison, Flavor, NewWeakRef, WeakError, WeakHash};

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| (*x).to_owned()).collect()
}

/// Scenario 34 (test_basic_ref / test_basic_callback / test_multiple_callbacks).
#[test]
fn dead_refs_resolve_to_none_and_each_callback_runs_once() -> Result<(), WeakError> {
    let mut h = Host::new();
    let o = h.new_obj("C");
    let plain = h.weakref(o, None)?;
    let a = h.weakref(o, Some(Cb::Log("a")))?;
    let b = h.weakref(o, Some(Cb::Log("b")))?;
    assert_eq!(h.call_ref(plain), Some(o));
    h.decref(o);
    assert_eq!(h.call_ref(plain), None);
    assert_eq!(h.call_ref(a), None);
    assert_eq!(h.take_log(), s(&["cb b dead=true", "cb a dead=true"]));
    let _ = b;
    Ok(())
}

/// Experiment 7.6: several callbacks on one object run newest first.
#[test]
fn callbacks_run_newest_first() -> Result<(), WeakError> {
    let mut h = Host::new();
    let t = h.new_obj("T");
    for name in ["cb 0", "cb 1", "cb 2"] {
        h.weakref(t, Some(Cb::Log(name)))?;
    }
    h.decref(t);
    assert_eq!(
        h.take_log(),
        s(&[
            "cb cb 2 dead=true",
            "cb cb 1 dead=true",
            "cb cb 0 dead=true"
        ])
    );
    Ok(())
}

/// Scenario 35 (test_ref_reuse / test_proxy_reuse): callback-less refs and
/// proxies are reused even with other refs created in between; refs with
/// callbacks and subclass instances are always new.
#[test]
fn callbackless_refs_and_proxies_are_reused() -> Result<(), WeakError> {
    let mut h = Host::new();
    let o = h.new_obj("C");
    let r1 = h.weakref(o, None)?;
    let p1 = h.proxy(o)?;
    let with_cb = h.weakref(o, Some(Cb::Log("x")))?;
    let r2 = h.weakref(o, None)?;
    let p2 = h.proxy(o)?;
    assert_eq!(r1, r2);
    assert_eq!(p1, p2);
    assert_ne!(with_cb, r1);
    let sub = h.make_weak(
        o,
        NewWeakRef {
            flavor: Flavor::Ref,
            callback: None,
            subclass: true,
        },
    )?;
    assert_ne!(sub, r1);
    // getweakrefs: basic ref, basic proxy, then newest first.
    let order: Vec<u32> = h.reg.weakrefs(o).map(|(_, &w)| w).collect();
    assert_eq!(order, [r1, p1, sub, with_cb]);
    Ok(())
}

/// Scenario 35 (test_getweakrefcount / test_getweakrefs): counts 2, 4, 0.
#[test]
fn getweakrefcount_and_getweakrefs() -> Result<(), WeakError> {
    let mut h = Host::new();
    let o = h.new_obj("C");
    let r1 = h.weakref(o, Some(Cb::Log("1")))?;
    let r2 = h.weakref(o, Some(Cb::Log("2")))?;
    assert_eq!(h.reg.weakref_count(o), 2);
    let p1 = h.proxy(o)?;
    let p2 = h.weakref(o, None)?;
    assert_eq!(h.reg.weakref_count(o), 4);
    for w in [r1, r2, p1, p2] {
        h.decref(w);
    }
    assert_eq!(h.reg.weakref_count(o), 0);
    assert_eq!(h.reg.weakrefs(o).count(), 0);
    // Deleting one ref leaves only live ref objects listed.
    let a = h.weakref(o, Some(Cb::Log("a")))?;
    let b = h.weakref(o, Some(Cb::Log("b")))?;
    h.decref(a);
    let left: Vec<u32> = h.reg.weakrefs(o).map(|(_, &w)| w).collect();
    assert_eq!(left, [b]);
    // Objects that cannot be weakly referenced report 0 and [].
    let i = h.new_int();
    assert_eq!(h.reg.weakref_count(i), 0);
    assert_eq!(h.reg.weakrefs(i).count(), 0);
    Ok(())
}

#[test]
fn a_reference_that_dies_first_never_calls_back() -> Result<(), WeakError> {
    let mut h = Host::new();
    let o = h.new_obj("C");
    let w = h.weakref(o, Some(Cb::Log("SHOULD NOT PRINT")))?;
    h.decref(w);
    h.decref(o);
    assert!(h.take_log().is_empty());
    assert!(h.reg.is_empty());
    Ok(())
}

/// Bad input: weak reference to a kind that does not allow it.
#[test]
fn non_weakrefable_kinds_are_refused_with_cpythons_text() {
    let mut h = Host::new();
    let i = h.new_int();
    let err = h.weakref(i, None).err();
    assert_eq!(
        err.as_ref().map(ToString::to_string).as_deref(),
        Some("cannot create weak reference to 'int' object")
    );
    assert_eq!(err.map(|e| e.python_exception()), Some("TypeError"));
    assert!(h.reg.is_empty());
}

/// All of a referent's references are cleared before any callback runs
/// (refcount path; `PyObject_ClearWeakRefs`).
#[test]
fn all_cleared_before_any_callback() -> Result<(), WeakError> {
    let mut h = Host::new();
    let o = h.new_obj("C");
    let plain = h.weakref(o, None)?;
    let first = h.weakref(o, None)?;
    let _ = first;
    let later = h.weakref(o, Some(Cb::Log("later")))?;
    h.weakref(o, Some(Cb::ReadAll("reader", vec![plain, later])))?;
    h.decref(o);
    assert_eq!(
        h.take_log(),
        s(&["cb reader sees [None, None]", "cb later dead=true"])
    );
    Ok(())
}

/// Bad input: a callback that drops another pending reference; CPython's
/// tuple keeps it alive, so its callback still runs, once.
#[test]
fn callback_dropping_a_pending_reference_does_not_cancel_it() -> Result<(), WeakError> {
    let mut h = Host::new();
    let o = h.new_obj("C");
    let old = h.weakref(o, Some(Cb::Log("old")))?;
    h.weakref(o, Some(Cb::Drop("new", old)))?;
    h.decref(o);
    assert_eq!(
        h.take_log(),
        s(&[&format!("cb new drops {old}"), "cb old dead=true"])
    );
    assert!(
        !h.alive(old),
        "the dropped reference is freed after its callback"
    );
    Ok(())
}

/// Bad input: a callback that creates more weak references (to another
/// object) while the registry is mid-death; the registry is not borrowed.
#[test]
fn callback_creating_references_is_fine() -> Result<(), WeakError> {
    let mut h = Host::new();
    let o = h.new_obj("C");
    let other = h.new_obj("D");
    h.weakref(o, Some(Cb::MakeRef("maker", other)))?;
    h.decref(o);
    assert_eq!(h.take_log(), s(&["cb maker made ref: true"]));
    assert_eq!(h.reg.weakref_count(other), 1);
    h.decref(other);
    assert_eq!(h.take_log(), s(&["cb made in callback dead=true"]));
    // A callback creating a reference to a kind that refuses them gets the
    // TypeError, and nothing is registered.
    let o2 = h.new_obj("C");
    let int = h.new_int();
    h.weakref(o2, Some(Cb::MakeRef("int maker", int)))?;
    h.decref(o2);
    assert_eq!(h.take_log(), s(&["cb int maker made ref: false"]));
    Ok(())
}

/// Scenario 29: on a refcount death `__del__` runs first and the weak
/// reference still resolves inside it; a resurrecting `__del__` keeps it
/// alive.
#[test]
fn refcount_death_runs_finalizer_before_clearing() -> Result<(), WeakError> {
    let mut h = Host::new();
    let o = h.new_obj("C");
    let w = h.weakref(o, Some(Cb::Log("after del")))?;
    if let Some(obj) = h.objects.get_mut(&o) {
        obj.del = Some(Del::Log("C", vec![w]));
    }
    h.decref(o);
    assert_eq!(
        h.take_log(),
        s(&[
            &format!("__del__ C refs=[Some({o})]"),
            "cb after del dead=true"
        ])
    );

    let p = h.new_obj_with_del("Phoenix", Del::Resurrect("P"));
    let wp = h.weakref(p, Some(Cb::Log("phoenix")))?;
    h.decref(p);
    assert_eq!(h.take_log(), s(&["__del__ P resurrects"]));
    assert_eq!(h.call_ref(wp), Some(p), "refcount path: still alive");
    h.globals.retain(|&g| g != p);
    h.decref(p);
    assert_eq!(
        h.take_log(),
        s(&["cb phoenix dead=true"]),
        "__del__ not called twice"
    );
    Ok(())
}

/// `wr.__callback__`: None after a refcount death; still attached after a
/// collection (experiment w4, CPython 3.11.7).
#[test]
fn callback_attribute_after_death() -> Result<(), WeakError> {
    let mut h = Host::new();
    let o = h.new_obj("C");
    let w = h.weakref(o, Some(Cb::Log("x")))?;
    let id = h.wr_id(w).ok_or(WeakError::KeyMissing)?;
    assert_eq!(h.reg.callback(id), Some(&Cb::Log("x")));
    h.decref(o);
    assert_eq!(h.reg.callback(id), None);

    let c = h.new_obj("C");
    h.link(c, c);
    h.decref(c);
    let w = h.weakref(c, Some(Cb::Log("gc")))?;
    let id = h.wr_id(w).ok_or(WeakError::KeyMissing)?;
    h.collect(&[c]);
    assert_eq!(h.reg.callback(id), Some(&Cb::Log("gc")));
    Ok(())
}

/// Scenario 37 (test_equality / test_hashing).
#[test]
fn equality_and_hashing() -> Result<(), WeakError> {
    let mut h = Host::new();
    let o = h.new_obj("C");
    let r1 = h.weakref(o, None)?;
    let r3 = h.weakref(o, Some(Cb::Log("r3")))?;
    let (i1, i3) = (
        h.wr_id(r1).ok_or(WeakError::KeyMissing)?,
        h.wr_id(r3).ok_or(WeakError::KeyMissing)?,
    );
    assert_eq!(h.reg.compare(i1, i3)?, Comparison::Referents(o, o));
    assert_eq!(h.reg.hash(i1)?, WeakHash::Compute(o));
    h.reg.set_hash(i1, 12345)?;
    assert_eq!(h.reg.hash(i1)?, WeakHash::Cached(12345));
    let x = h.new_obj("C");
    let rx = h.weakref(x, None)?;
    let ix = h.wr_id(rx).ok_or(WeakError::KeyMissing)?;
    h.decref(o);
    h.decref(x);
    // Dead refs compare by identity; the cached hash survives death.
    assert_eq!(h.reg.compare(i1, i3)?, Comparison::Identity(false));
    assert_eq!(h.reg.compare(i1, i1)?, Comparison::Identity(true));
    assert_eq!(h.reg.hash(i1)?, WeakHash::Cached(12345));
    let err = h.reg.hash(ix).err();
    assert_eq!(
        err.as_ref().map(ToString::to_string).as_deref(),
        Some("weak object has gone away")
    );
    Ok(())
}

/// Bad input: use of a dead proxy is a ReferenceError; proxies are
/// unhashable.
#[test]
fn proxies() -> Result<(), WeakError> {
    let mut h = Host::new();
    let o = h.new_obj("C");
    let p = h.proxy(o)?;
    let id = h.wr_id(p).ok_or(WeakError::KeyMissing)?;
    assert_eq!(h.reg.proxy_referent(id)?, o);
    assert_eq!(
        h.reg.hash(id).err().map(|e| e.to_string()).as_deref(),
        Some("unhashable type: 'weakref.ProxyType'")
    );
    let f = h.new_obj("function");
    let cp = h.make_weak(f, NewWeakRef::proxy(true, None))?;
    let cid = h.wr_id(cp).ok_or(WeakError::KeyMissing)?;
    assert_eq!(
        h.reg.hash(cid).err().map(|e| e.to_string()).as_deref(),
        Some("unhashable type: 'weakref.CallableProxyType'")
    );
    h.decref(o);
    let err = h.reg.proxy_referent(id).err();
    assert_eq!(err, Some(WeakError::DeadProxy));
    assert_eq!(
        err.as_ref().map(WeakError::python_exception),
        Some("ReferenceError")
    );
    assert_eq!(
        err.map(|e| e.to_string()).as_deref(),
        Some("weakly-referenced object no longer exists")
    );
    Ok(())
}

/// Removed ids are refused, never confused with newer references.
#[test]
fn stale_ids_are_refused() -> Result<(), WeakError> {
    let mut h = Host::new();
    let o = h.new_obj("C");
    let w = h.weakref(o, Some(Cb::Log("x")))?;
    let id = h.wr_id(w).ok_or(WeakError::KeyMissing)?;
    h.decref(w);
    assert_eq!(h.reg.resolve(id), None);
    assert!(h.reg.remove(id).is_none());
    assert_eq!(h.reg.hash(id), Err(WeakError::UnknownWeakRef(id)));
    assert_eq!(h.reg.proxy_referent(id), Err(WeakError::UnknownWeakRef(id)));
    assert!(h.reg.compare(id, id).is_err());
    assert!(h.reg.set_hash(id, 1).is_err());
    assert!(h.reg.clear_referent(12345).is_empty());
    Ok(())
}

/// Scenario 23 (test_bug1055820b): two self-loops with callbacks that read
/// all weakrefs: every weakref is cleared before any callback runs.
#[test]
fn gc_clears_all_weakrefs_before_any_callback() -> Result<(), WeakError> {
    let mut h = Host::new();
    let c1 = h.new_obj("C");
    let c2 = h.new_obj("C");
    h.link(c1, c1);
    h.link(c2, c2);
    let w1 = h.weakref(c1, None)?;
    let w2 = h.weakref(c2, None)?;
    let all = vec![w1, w2];
    h.weakref(c1, Some(Cb::ReadAll("1", all.clone())))?;
    h.weakref(c2, Some(Cb::ReadAll("2", all)))?;
    h.decref(c1);
    h.decref(c2);
    assert_eq!(h.collect(&[c1, c2]), 2);
    assert_eq!(
        h.take_log(),
        s(&["cb 1 sees [None, None]", "cb 2 sees [None, None]"])
    );
    Ok(())
}

/// Scenario 25 (test_trash_weakref_clear, bpo-38006): a weakref that is
/// itself garbage is cleared even though its referent is not in the
/// garbage, and its callback never runs, not even when the referent dies
/// later.
#[test]
fn trash_weakref_is_cleared_and_never_calls_back() -> Result<(), WeakError> {
    let mut h = Host::new();
    let hidden = h.new_obj("C"); // kept alive by a container the collector cannot see
    let a = h.new_obj("A");
    h.link(a, a);
    let wr = h.weakref(hidden, Some(Cb::Log("SHOULD NOT PRINT")))?;
    h.link(a, wr);
    h.decref(wr);
    h.decref(a);
    h.collect(&[a, wr]);
    assert_eq!(h.call_ref(wr), None);
    h.decref(hidden);
    assert!(h.take_log().is_empty());
    Ok(())
}

/// Experiment 7.6 part 2: a weakref inside the garbage (h1.wr → h2) never
/// calls back.
#[test]
fn weakref_in_the_same_trash_never_calls_back() -> Result<(), WeakError> {
    let mut h = Host::new();
    let h1 = h.new_obj("Holder");
    let h2 = h.new_obj("Holder");
    h.link(h1, h2);
    h.link(h2, h1);
    let wr = h.weakref(h2, Some(Cb::Log("SHOULD NOT PRINT")))?;
    h.link(h1, wr);
    h.decref(wr);
    h.decref(h1);
    h.decref(h2);
    assert_eq!(h.collect(&[h1, h2, wr]), 3);
    assert!(h.take_log().is_empty());
    assert!(h.reg.is_empty());
    Ok(())
}

/// Experiment 7.6 part 1 and scenario 31: on the GC path callbacks run
/// before `__del__`, with `wr()` already None; a referent resurrected by
/// `__del__` stays cleared.
#[test]
fn gc_path_callbacks_before_finalizers_and_resurrection_stays_cleared() -> Result<(), WeakError> {
    let mut h = Host::new();
    let a = h.new_obj("Node");
    let b = h.new_obj("Node");
    h.link(a, b);
    h.link(b, a);
    let ref_a = h.weakref(a, Some(Cb::Log("ref_a")))?;
    let ref_b_plain = h.weakref(b, None)?;
    for (o, name) in [(a, "A"), (b, "B")] {
        if let Some(obj) = h.objects.get_mut(&o) {
            obj.del = Some(Del::Log(name, vec![]));
        }
    }
    h.decref(a);
    h.decref(b);
    assert_eq!(h.collect(&[a, b]), 2);
    assert_eq!(
        h.take_log(),
        s(&[
            "cb ref_a dead=true",
            "__del__ A refs=[]",
            "__del__ B refs=[]"
        ])
    );
    assert_eq!((h.call_ref(ref_a), h.call_ref(ref_b_plain)), (None, None));

    let p1 = h.new_obj_with_del("Phoenix", Del::Resurrect("p1"));
    let p2 = h.new_obj("Phoenix");
    h.link(p1, p2);
    h.link(p2, p1);
    let w = h.weakref(p1, Some(Cb::Log("resurrected p1")))?;
    h.decref(p1);
    h.decref(p2);
    assert_eq!(h.collect(&[p1, p2]), 0);
    assert_eq!(
        h.take_log(),
        s(&["cb resurrected p1 dead=true", "__del__ p1 resurrects"])
    );
    assert_eq!(
        h.call_ref(w),
        None,
        "GC path: cleared before __del__, so None"
    );
    Ok(())
}

/// Scenario 36 (test_callback_in_cycle_resurrection /
/// test_callbacks_on_callback): only the callback of the reference outside
/// the trash fires.
#[test]
fn only_the_external_callback_fires() -> Result<(), WeakError> {
    let mut h = Host::new();
    let c = h.new_obj("C");
    let inner = h.new_obj("C");
    h.link(c, inner);
    h.link(inner, c);
    let w_inner = h.weakref(inner, Some(Cb::Log("SHOULD NOT PRINT")))?;
    h.link(c, w_inner);
    h.decref(w_inner);
    let external = h.weakref(c, Some(Cb::Log("C went away")))?;
    h.decref(c);
    h.decref(inner);
    h.collect(&[c, inner, w_inner]);
    assert_eq!(h.take_log(), s(&["cb C went away dead=true"]));
    let _ = external;
    Ok(())
}

/// Experiment 7.6 parts 4–5: GC-path callbacks newest first within an
/// object; a callback that frees its own weakref (GC path) is fine.
#[test]
fn gc_callbacks_newest_first_and_self_freeing_callback() -> Result<(), WeakError> {
    let mut h = Host::new();
    let t = h.new_obj("T");
    h.link(t, t);
    for name in ["gc 0", "gc 1", "gc 2"] {
        h.weakref(t, Some(Cb::Log(name)))?;
    }
    h.decref(t);
    assert_eq!(h.collect(&[t]), 1);
    assert_eq!(
        h.take_log(),
        s(&[
            "cb gc 2 dead=true",
            "cb gc 1 dead=true",
            "cb gc 0 dead=true"
        ])
    );

    // d['x'] = ref(k1, lambda r: d.pop('x')): the callback drops the only
    // reference to its own weakref object, which is then freed.
    let k = h.new_obj("K");
    h.link(k, k);
    let wx = h.weakref(k, Some(Cb::DropSelf("pops itself")))?;
    h.decref(k);
    assert_eq!(h.collect(&[k]), 1);
    assert_eq!(h.take_log(), s(&["cb pops itself dead=true"]));
    assert!(!h.alive(wx));
    assert_eq!(h.reg.weakref_count(k), 0);
    Ok(())
}

/// Bad input: a callback that resurrects the referent (the host made it
/// reachable again) and makes new references to it. Old references stay
/// dead; new ones form a fresh list, cleared by the next death only.
#[test]
fn resurrection_by_a_callback_starts_a_fresh_list() {
    let mut reg: weakrefs::Registry<u32, &str, &str> = weakrefs::Registry::new();
    let old = reg.insert(1, NewWeakRef::ref_with_callback("old cb"), "old");
    let plain_old = reg.insert(1, NewWeakRef::plain_ref(), "plain old");
    let due = reg.clear_referent(1);
    assert_eq!(due.len(), 1);
    // Inside the callback: the host resurrects object 1 and refers to it
    // weakly again; the basic reference is a new one.
    assert_eq!(reg.reusable(1, Flavor::Ref), None);
    let fresh = reg.insert(1, NewWeakRef::ref_with_callback("fresh cb"), "fresh");
    let plain_fresh = reg.insert(1, NewWeakRef::plain_ref(), "plain fresh");
    assert_ne!(plain_fresh, plain_old);
    assert_eq!(reg.resolve(old), None);
    assert_eq!(reg.resolve(plain_old), None);
    assert_eq!(reg.resolve(fresh), Some(1));
    assert_eq!(reg.weakref_count(1), 2);
    let again: Vec<&str> = reg
        .clear_referent(1)
        .into_iter()
        .map(|p| p.callback)
        .collect();
    assert_eq!(again, ["fresh cb"]);
    // Clearing a referent with no references, twice, is harmless.
    assert!(reg.clear_referent(1).is_empty());
    assert!(reg.handle_weakrefs([1, 1], [old, old]).is_empty());
}
