//! The weak containers and `finalize` (reference §4.5–§4.6, experiment
//! 7.20, §8 scenario 38), driven by a host whose callbacks are routes to
//! the container that made the reference.

use weakrefs::{
    Cursor, FinalizerId, Finalizers, Kind, Registry, WeakError, WeakKeyDictionary, WeakSet,
    WeakValueDictionary,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Route {
    Wvd,
    Wkd,
    Set,
    Fin(FinalizerId),
}

/// What a finalizer does when run.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Func {
    Append(&'static str),
    /// `error()` of test_atexit: registers `g1` on the class, then raises.
    ErrorMakingG1,
}

struct World {
    reg: Registry<u32, (), Route>,
    wvd: WeakValueDictionary<&'static str, u32>,
    wkd: WeakKeyDictionary<u32, &'static str>,
    set: WeakSet<u32>,
    fins: Finalizers<Func>,
    res: Vec<String>,
    /// Ids of objects alive (the host's heap).
    alive: Vec<u32>,
    next: u32,
}

const C: Kind<'static> = Kind {
    type_name: "C",
    weakrefable: true,
};
const INT: Kind<'static> = Kind {
    type_name: "int",
    weakrefable: false,
};

impl World {
    fn new() -> Self {
        Self {
            reg: Registry::new(),
            wvd: WeakValueDictionary::new(),
            wkd: WeakKeyDictionary::new(),
            set: WeakSet::new(),
            fins: Finalizers::new(),
            res: Vec::new(),
            alive: Vec::new(),
            next: 1,
        }
    }

    fn obj(&mut self) -> u32 {
        let id = self.next;
        self.next += 1;
        self.alive.push(id);
        id
    }

    /// The object dies by refcount: clear, then route each callback.
    fn kill(&mut self, o: u32) {
        self.alive.retain(|&a| a != o);
        for due in self.reg.clear_referent(o) {
            match due.callback {
                Route::Wvd => self.wvd.remove_dead(&mut self.reg, due.id),
                Route::Wkd => self.wkd.remove_dead(&mut self.reg, due.id),
                Route::Set => self.set.remove_dead(&mut self.reg, due.id),
                Route::Fin(f) => {
                    if let Some(func) = self.fins.call(&mut self.reg, f) {
                        self.run(func);
                    }
                }
            }
        }
    }

    fn run(&mut self, func: Func) -> bool {
        match func {
            Func::Append(text) => {
                self.res.push(text.to_owned());
                true
            }
            Func::ErrorMakingG1 => {
                let cls = self.alive.first().copied().unwrap_or(0);
                let _ = self.finalize(cls, Func::Append("g1"));
                self.res.push("f3 error".to_owned());
                false // raised ZeroDivisionError
            }
        }
    }

    fn finalize(&mut self, o: u32, func: Func) -> Result<FinalizerId, WeakError> {
        self.fins
            .register(&mut self.reg, o, &C, func, |f| (Route::Fin(f), ()))
    }

    fn wvd_set(&mut self, k: &'static str, v: u32) -> Result<(), WeakError> {
        self.wvd.insert(&mut self.reg, k, v, &C, Route::Wvd, ())
    }

    fn wkd_set(&mut self, k: u32, v: &'static str) -> Result<Option<&'static str>, WeakError> {
        self.wkd.insert(&mut self.reg, k, &C, v, Route::Wkd, ())
    }

    fn set_add(&mut self, k: u32) -> Result<bool, WeakError> {
        self.set.add(&mut self.reg, k, &C, Route::Set, ())
    }

    fn wvd_rest(&mut self, cursor: &mut Cursor) -> Result<Vec<&'static str>, WeakError> {
        let mut keys = Vec::new();
        while let Some((k, _)) = self.wvd.iter_next(&mut self.reg, cursor)? {
            keys.push(k);
        }
        Ok(keys)
    }

    fn wkd_rest(&mut self, cursor: &mut Cursor) -> Result<Vec<&'static str>, WeakError> {
        let mut values = Vec::new();
        while let Some((_, v)) = self.wkd.iter_next(&mut self.reg, cursor)? {
            values.push(*v);
        }
        Ok(values)
    }
}

/// Experiment 7.20, WeakValueDictionary section.
#[test]
fn weak_value_dictionary_basics() -> Result<(), WeakError> {
    let mut w = World::new();
    let (a, b) = (w.obj(), w.obj());
    w.wvd_set("a", a)?;
    w.wvd_set("b", b)?;
    assert_eq!(w.wvd.len(&mut w.reg), 2);
    w.kill(a);
    assert_eq!(w.wvd.len(&mut w.reg), 1);
    assert!(!w.wvd.contains(&mut w.reg, &"a"));
    assert_eq!(w.wvd.get_item(&mut w.reg, &"a"), Err(WeakError::KeyMissing));
    assert_eq!(w.wvd.get(&mut w.reg, &"a"), None);
    assert_eq!(w.wvd.get_item(&mut w.reg, &"b"), Ok(b));
    assert_eq!(w.reg.len(), 1, "the dead KeyedRef was discarded");
    Ok(())
}

#[test]
fn weak_value_dictionary_replace_pop_popitem_setdefault_clear() -> Result<(), WeakError> {
    let mut w = World::new();
    let (a, b, c) = (w.obj(), w.obj(), w.obj());
    w.wvd_set("x", a)?;
    w.wvd_set("y", b)?;
    w.wvd_set("x", c)?; // replaces in place; the old KeyedRef is gone
    assert_eq!(w.reg.weakref_count(a), 0);
    w.kill(a);
    assert_eq!(w.wvd.len(&mut w.reg), 2);
    let mut cur = w.wvd.iter_begin(&mut w.reg);
    assert_eq!(w.wvd_rest(&mut cur)?, ["x", "y"], "position kept");
    assert_eq!(w.wvd.popitem(&mut w.reg), Ok(("y", b)));
    assert_eq!(w.wvd.pop(&mut w.reg, &"x"), Ok(c));
    assert_eq!(w.wvd.pop(&mut w.reg, &"x"), Err(WeakError::KeyMissing));
    assert_eq!(w.wvd.popitem(&mut w.reg), Err(WeakError::EmptyPopitem));
    assert_eq!(
        WeakError::EmptyPopitem.to_string(),
        "'popitem(): dictionary is empty'"
    );
    let d = w.obj();
    assert_eq!(
        w.wvd.setdefault(&mut w.reg, "k", d, &C, Route::Wvd, ()),
        Ok(d)
    );
    let e = w.obj();
    assert_eq!(
        w.wvd.setdefault(&mut w.reg, "k", e, &C, Route::Wvd, ()),
        Ok(d)
    );
    assert_eq!(w.wvd.valuerefs(&mut w.reg).len(), 1);
    // A dead value: pop reports KeyError and deletes the entry.
    w.wvd_set("dead", e)?;
    w.wvd.iter_begin(&mut w.reg); // a guard held forever keeps the entry pending
    w.kill(e);
    assert_eq!(
        w.wvd.remove(&mut w.reg, &"missing"),
        Err(WeakError::KeyMissing)
    );
    w.wvd.clear(&mut w.reg);
    assert!(w.wvd.is_empty(&mut w.reg));
    Ok(())
}

/// Bad input: a value that cannot be weakly referenced.
#[test]
fn non_weakrefable_values_keys_and_members_are_type_errors() {
    let mut w = World::new();
    let err = w.wvd.insert(&mut w.reg, "a", 1, &INT, Route::Wvd, ()).err();
    assert_eq!(
        err.map(|e| e.to_string()).as_deref(),
        Some("cannot create weak reference to 'int' object")
    );
    let err = w.wkd.insert(&mut w.reg, 1, &INT, "x", Route::Wkd, ()).err();
    assert_eq!(err.map(|e| e.python_exception()), Some("TypeError"));
    assert!(w.set.add(&mut w.reg, 1, &INT, Route::Set, ()).is_err());
    assert!(
        w.fins
            .register(&mut w.reg, 1, &INT, Func::Append("x"), |f| (
                Route::Fin(f),
                ()
            ))
            .is_err()
    );
    assert!(w.reg.is_empty());
    assert!(w.wvd.is_empty(&mut w.reg));
    assert!(w.wkd.is_empty());
    assert!(w.set.is_empty());
    assert!(w.fins.is_empty());
}

/// Scenario 38 (check_weak_destroy_while_iterating) for values: a value
/// dying mid-iteration is skipped and removed once the iteration ends.
#[test]
fn weak_values_destroyed_while_iterating() -> Result<(), WeakError> {
    let mut w = World::new();
    let objs: Vec<u32> = (0..5).map(|_| w.obj()).collect();
    for (k, &o) in ["a", "b", "c", "d", "e"].iter().zip(&objs) {
        w.wvd_set(k, o)?;
    }
    let mut cur = w.wvd.iter_begin(&mut w.reg);
    assert_eq!(w.wvd.iter_next(&mut w.reg, &mut cur)?, Some(("a", objs[0])));
    w.kill(objs[4]);
    assert!(w.wvd.iterating());
    assert_eq!(w.wvd_rest(&mut cur)?, ["b", "c", "d"]);
    assert!(!w.wvd.iterating());
    assert_eq!(w.wvd.len(&mut w.reg), 4);
    Ok(())
}

/// 3.11: `len()` of a WeakValueDictionary commits pending removals even
/// mid-iteration, so the live iterator then fails (experiment w3).
#[test]
fn weak_values_len_mid_iteration_breaks_the_iterator() -> Result<(), WeakError> {
    let mut w = World::new();
    let objs: Vec<u32> = (0..4).map(|_| w.obj()).collect();
    for (k, &o) in ["0", "1", "2", "3"].iter().zip(&objs) {
        w.wvd_set(k, o)?;
    }
    let mut cur = w.wvd.iter_begin(&mut w.reg);
    w.wvd.iter_next(&mut w.reg, &mut cur)?;
    w.kill(objs[2]);
    assert_eq!(w.wvd.len(&mut w.reg), 3);
    let err = w.wvd.iter_next(&mut w.reg, &mut cur).err();
    assert_eq!(
        err.as_ref().map(ToString::to_string).as_deref(),
        Some("dictionary changed size during iteration")
    );
    assert_eq!(err.map(|e| e.python_exception()), Some("RuntimeError"));
    assert!(cur.is_finished());
    assert_eq!(
        w.wvd.iter_next(&mut w.reg, &mut cur)?,
        None,
        "then exhausted"
    );
    assert!(!w.wvd.iterating());
    Ok(())
}

/// Bad input: a container mutated during iteration (insertion).
#[test]
fn insertion_during_iteration_fails_the_iterator() -> Result<(), WeakError> {
    let mut w = World::new();
    let (a, b) = (w.obj(), w.obj());
    w.wvd_set("a", a)?;
    let mut cur = w.wvd.iter_begin(&mut w.reg);
    w.wvd.iter_next(&mut w.reg, &mut cur)?;
    w.wvd_set("b", b)?;
    assert!(matches!(
        w.wvd.iter_next(&mut w.reg, &mut cur),
        Err(WeakError::ChangedSize { .. })
    ));
    // Replacing an existing key does not change the size.
    let mut cur = w.wvd.iter_begin(&mut w.reg);
    w.wvd.iter_next(&mut w.reg, &mut cur)?;
    w.wvd_set("a", b)?;
    assert_eq!(w.wvd.iter_next(&mut w.reg, &mut cur)?, Some(("b", b)));
    w.wvd.iter_end(&mut w.reg, &mut cur);
    w.wvd.iter_end(&mut w.reg, &mut cur); // idempotent
    assert!(!w.wvd.iterating());

    let (s1, s2) = (w.obj(), w.obj());
    w.set_add(s1)?;
    let mut cur = w.set.iter_begin();
    w.set.iter_next(&mut w.reg, &mut cur)?;
    w.set_add(s2)?;
    let err = w.set.iter_next(&mut w.reg, &mut cur).err();
    assert_eq!(
        err.map(|e| e.to_string()).as_deref(),
        Some("Set changed size during iteration")
    );
    Ok(())
}

/// Bad input: a cursor used on another container is treated as finished
/// and does not disturb that container's guard.
#[test]
fn foreign_cursors_are_finished() -> Result<(), WeakError> {
    let mut w = World::new();
    let a = w.obj();
    w.set_add(a)?;
    let mut other: WeakSet<u32> = WeakSet::new();
    let mut foreign = other.iter_begin();
    assert_eq!(w.set.iter_next(&mut w.reg, &mut foreign)?, None);
    assert!(foreign.is_finished());
    let mut mine = w.set.iter_begin();
    w.set.iter_end(&mut w.reg, &mut foreign);
    assert_eq!(w.set.iter_next(&mut w.reg, &mut mine)?, Some(a));
    w.set.iter_end(&mut w.reg, &mut mine);
    w.kill(a);
    assert!(w.set.is_empty());
    Ok(())
}

/// Experiment 7.20, WeakKeyDictionary section.
#[test]
fn weak_key_dictionary_basics() -> Result<(), WeakError> {
    let mut w = World::new();
    let (k1, k2) = (w.obj(), w.obj());
    w.wkd_set(k1, "one")?;
    w.wkd_set(k2, "two")?;
    assert_eq!(w.wkd.len(), 2);
    w.kill(k1);
    assert_eq!(w.wkd.len(), 1);
    let mut cur = w.wkd.iter_begin();
    assert_eq!(w.wkd_rest(&mut cur)?, ["two"]);
    // Setting an existing key keeps its reference and updates the value.
    assert_eq!(w.wkd_set(k2, "deux")?, Some("two"));
    assert_eq!(w.reg.weakref_count(k2), 1);
    assert_eq!(w.wkd.get(&k2), Some(&"deux"));
    if let Some(v) = w.wkd.get_mut(&k2) {
        *v = "zwei";
    }
    assert!(w.wkd.contains(&k2));
    assert!(!w.wkd.contains(&k1));
    assert_eq!(w.wkd.keyrefs().len(), 1);
    assert_eq!(w.wkd.remove(&mut w.reg, &k2), Ok("zwei"));
    assert_eq!(w.wkd.remove(&mut w.reg, &k2), Err(WeakError::KeyMissing));
    assert_eq!(w.wkd.popitem(&mut w.reg), Err(WeakError::EmptyPopitem));
    assert!(w.reg.is_empty());
    Ok(())
}

/// Scenario 38 (test_weak_keys_destroy_while_iterating and
/// check_weak_del_and_len_while_iterating): `len` excludes pending
/// removals; explicit deletions while iterating keep `len` right; the
/// removal is committed when the iteration ends.
#[test]
fn weak_keys_destroyed_and_deleted_while_iterating() -> Result<(), WeakError> {
    let mut w = World::new();
    let names = ["a", "b", "c", "d", "e", "f", "g", "h"];
    let objs: Vec<u32> = (0..names.len()).map(|_| w.obj()).collect();
    for (&o, &n) in objs.iter().zip(&names) {
        w.wkd_set(o, n)?;
    }
    let n = w.wkd.len();
    let mut cur = w.wkd.iter_begin();
    w.wkd.iter_next(&mut w.reg, &mut cur)?;
    w.kill(objs[7]);
    assert_eq!(w.wkd.len(), n - 1);
    let rest = w.wkd_rest(&mut cur)?;
    assert!([n - 2, n - 1].contains(&rest.len()), "{rest:?}");
    assert_eq!(w.wkd.len(), n - 1);

    // del and len while iterating (each round schedules one removal).
    let mut cur = w.wkd.iter_begin();
    w.wkd.iter_next(&mut w.reg, &mut cur)?;
    w.kill(objs[6]);
    assert_eq!(w.wkd.len(), n - 2);
    w.wkd.remove(&mut w.reg, &objs[0])?;
    assert_eq!(w.wkd.len(), n - 3);
    let o = w.obj();
    w.wkd_set(o, "o")?;
    assert_eq!(w.wkd.len(), n - 2);
    w.wkd.popitem(&mut w.reg)?; // pops (o, "o"), the last live entry
    assert_eq!(w.wkd.len(), n - 3);
    w.wkd.iter_end(&mut w.reg, &mut cur);
    assert_eq!(w.wkd.len(), n - 3);
    assert_eq!(
        w.reg.len(),
        n - 3,
        "dead and deleted keys left the registry"
    );

    // popitem while a dead key is pending skips it.
    let mut cur = w.wkd.iter_begin();
    w.kill(objs[5]);
    let (k, v) = w.wkd.popitem(&mut w.reg)?;
    assert_eq!((k, v), (objs[4], "e"));
    assert_eq!(w.wkd.len(), n - 5);
    w.wkd.clear(&mut w.reg);
    assert_eq!(w.wkd.len(), 0);
    w.wkd.iter_end(&mut w.reg, &mut cur);
    assert!(w.reg.is_empty());
    Ok(())
}

/// check_len_cycles: every key dies while an iterator is alive; `len` is
/// 0 at once (n1 ∈ {0, 1} in CPython, where the iterator may hold one),
/// and 0 after the iterator is gone.
#[test]
fn len_while_everything_dies_mid_iteration() -> Result<(), WeakError> {
    let mut w = World::new();
    let objs: Vec<u32> = (0..20).map(|_| w.obj()).collect();
    for &o in &objs {
        w.wkd_set(o, "v")?;
        w.set_add(o)?;
    }
    let mut it = w.wkd.iter_begin();
    let mut sit = w.set.iter_begin();
    w.wkd.iter_next(&mut w.reg, &mut it)?;
    w.set.iter_next(&mut w.reg, &mut sit)?;
    for &o in &objs {
        w.kill(o);
    }
    assert!(w.wkd.len() <= 1);
    assert!(w.set.len() <= 1);
    w.wkd.iter_end(&mut w.reg, &mut it);
    w.set.iter_end(&mut w.reg, &mut sit);
    assert_eq!((w.wkd.len(), w.set.len()), (0, 0));
    assert!(w.reg.is_empty());
    Ok(())
}

/// Experiment 7.20, WeakSet section, plus pop/remove/discard/clear.
#[test]
fn weak_set_basics() -> Result<(), WeakError> {
    let mut w = World::new();
    let (s1, s2, s3) = (w.obj(), w.obj(), w.obj());
    assert!(w.set_add(s1)?);
    assert!(w.set_add(s2)?);
    assert!(!w.set_add(s2)?);
    assert_eq!(w.set.len(), 2);
    w.kill(s1);
    assert_eq!(w.set.len(), 1);
    let mut cur = w.set.iter_begin();
    let mut items = Vec::new();
    while let Some(x) = w.set.iter_next(&mut w.reg, &mut cur)? {
        items.push(x);
    }
    assert_eq!(items, [s2]);
    assert!(w.set.contains(&s2));
    w.set_add(s3)?;
    assert!(w.set.discard(&mut w.reg, &s3));
    assert!(!w.set.discard(&mut w.reg, &s3));
    assert_eq!(w.set.remove(&mut w.reg, &s3), Err(WeakError::KeyMissing));
    assert_eq!(w.set.pop(&mut w.reg), Ok(s2));
    let err = w.set.pop(&mut w.reg).err();
    assert_eq!(
        err.map(|e| e.to_string()).as_deref(),
        Some("'pop from empty WeakSet'")
    );
    w.set_add(s3)?;
    w.set.clear(&mut w.reg);
    assert!(w.set.is_empty());
    assert!(w.reg.is_empty());
    Ok(())
}

/// FinalizeTestCase::test_order.
#[test]
fn finalize_order() -> Result<(), WeakError> {
    let mut w = World::new();
    let a = w.obj();
    let f: Vec<FinalizerId> = ["f1", "f2", "f3", "f4", "f5"]
        .into_iter()
        .map(|t| w.finalize(a, Func::Append(t)))
        .collect::<Result<_, _>>()?;
    assert!(f.iter().all(|&id| w.fins.alive(id)));
    assert_eq!(w.fins.detach(&mut w.reg, f[4]).map(|(o, _)| o), Some(a));
    assert!(!w.fins.alive(f[4]));
    assert_eq!(w.fins.call(&mut w.reg, f[4]), None);
    w.res.push("A".into());
    if let Some(func) = w.fins.call(&mut w.reg, f[2]) {
        w.run(func);
    }
    assert!(!w.fins.alive(f[2]));
    w.res.push("B".into());
    assert_eq!(w.fins.call(&mut w.reg, f[2]), None);
    w.res.push("C".into());
    w.kill(a);
    assert!(!w.fins.alive(f[1]));
    w.res.push("D".into());
    assert_eq!(w.fins.call(&mut w.reg, f[1]), None);
    assert_eq!(w.res, ["A", "f3", "B", "C", "f4", "f2", "f1", "D"]);
    Ok(())
}

/// Experiment 7.20, finalize section: alive, atexit, peek, death, explicit
/// call (result once, then None), detach.
#[test]
fn finalize_api() -> Result<(), WeakError> {
    let mut w = World::new();
    let res = w.obj();
    let f = w.finalize(res, Func::Append("finalizer called 123"))?;
    assert!(w.fins.alive(f) && w.fins.atexit(f));
    assert_eq!(
        w.fins.peek(&w.reg, f),
        Some((res, &Func::Append("finalizer called 123")))
    );
    assert_eq!(w.reg.weakref_count(res), 1);
    w.kill(res);
    assert!(!w.fins.alive(f));
    assert!(!w.fins.atexit(f));
    assert_eq!(w.fins.peek(&w.reg, f), None);
    assert_eq!(w.res, ["finalizer called 123"]);

    let res2 = w.obj();
    let f2 = w.finalize(res2, Func::Append("rv"))?;
    assert_eq!(w.fins.call(&mut w.reg, f2), Some(Func::Append("rv")));
    assert_eq!(w.fins.call(&mut w.reg, f2), None);
    assert_eq!(
        w.reg.weakref_count(res2),
        0,
        "the _Info's weakref went with it"
    );
    w.kill(res2);

    let res3 = w.obj();
    let f3 = w.finalize(res3, Func::Append("f3 should not run"))?;
    assert_eq!(
        w.fins.detach(&mut w.reg, f3),
        Some((res3, Func::Append("f3 should not run")))
    );
    assert!(!w.fins.alive(f3));
    assert_eq!(w.fins.detach(&mut w.reg, f3), None);
    w.fins.set_atexit(f3, true); // ignored once dead
    assert!(!w.fins.atexit(f3));
    w.kill(res3);
    assert_eq!(w.res, ["finalizer called 123"]);
    Ok(())
}

/// FinalizeTestCase::test_atexit: newest first at exit, atexit=False
/// skipped, a finalizer created during exit runs next, an exception does
/// not stop the others; then shutdown.
#[test]
fn finalize_at_exit() -> Result<(), WeakError> {
    let mut w = World::new();
    let cls = w.obj();
    w.finalize(cls, Func::Append("f1 foobar"))?;
    let f2 = w.finalize(cls, Func::Append("f2 foobar"))?;
    w.finalize(cls, Func::ErrorMakingG1)?;
    w.finalize(cls, Func::Append("f4 foobar"))?;
    w.fins.set_atexit(f2, false);
    assert!(w.fins.registered_with_atexit());
    let mut raised = 0;
    while let Some((_, func)) = w.fins.next_at_exit(&mut w.reg) {
        if !w.run(func) {
            raised += 1;
        }
    }
    assert_eq!(w.res, ["f4 foobar", "f3 error", "g1", "f1 foobar"]);
    assert_eq!(raised, 1);
    assert!(w.fins.is_shutdown());
    assert!(w.fins.alive(f2), "atexit=False never runs");
    // After shutdown started, a finalizer never runs, even on death.
    w.kill(cls);
    assert_eq!(w.res.len(), 4);
    assert!(!w.fins.alive(f2));
    assert!(w.fins.next_at_exit(&mut w.reg).is_none());
    Ok(())
}

/// Experiment n (7.20 end): f5 then f4 at exit; f6 (atexit=False) never.
#[test]
fn finalize_exit_order_experiment_n() -> Result<(), WeakError> {
    let mut w = World::new();
    let (r4, r5, r6) = (w.obj(), w.obj(), w.obj());
    w.finalize(r4, Func::Append("f4 runs at exit (created first)"))?;
    w.finalize(r5, Func::Append("f5 runs at exit (created second)"))?;
    let f6 = w.finalize(r6, Func::Append("f6 never runs (atexit=False)"))?;
    w.fins.set_atexit(f6, false);
    while let Some((_, func)) = w.fins.next_at_exit(&mut w.reg) {
        w.run(func);
    }
    assert_eq!(
        w.res,
        [
            "f5 runs at exit (created second)",
            "f4 runs at exit (created first)"
        ]
    );
    Ok(())
}

/// Finalizers and weak containers on the cycle-collection path: the
/// callbacks `handle_weakrefs` reports route the same way; a finalizer
/// whose weakref is itself garbage never runs.
#[test]
fn gc_path_routes_to_finalizers_and_containers() -> Result<(), WeakError> {
    let mut w = World::new();
    let a = w.obj();
    let b = w.obj();
    let fa = w.finalize(a, Func::Append("fa"))?;
    let fb = w.finalize(b, Func::Append("fb (trash weakref)"))?;
    w.wvd_set("a", a)?;
    let fb_ref = w.reg.weakrefs(b).map(|(id, _)| id).next();
    let due = w.reg.handle_weakrefs([a, b], fb_ref);
    for p in due {
        match p.callback {
            Route::Fin(f) => {
                if let Some(func) = w.fins.call(&mut w.reg, f) {
                    w.run(func);
                }
            }
            Route::Wvd => w.wvd.remove_dead(&mut w.reg, p.id),
            Route::Wkd | Route::Set => {}
        }
    }
    assert_eq!(w.res, ["fa"]);
    assert!(!w.fins.alive(fa));
    assert!(w.fins.alive(fb), "its weakref was garbage: never called");
    assert_eq!(w.fins.peek(&w.reg, fb), None, "but its object is gone");
    assert_eq!(w.fins.detach(&mut w.reg, fb), None);
    assert_eq!(w.wvd.len(&mut w.reg), 0);
    Ok(())
}
