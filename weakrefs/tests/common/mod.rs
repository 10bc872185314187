//! A tiny host for the tests: objects with refcounts, weak reference
//! objects that are themselves objects, `__del__` actions, callbacks as
//! data, and a cycle collection driven by a given garbage set (the host's
//! collector decided what is unreachable).
#![allow(dead_code, unreachable_pub)]

use std::collections::HashMap;

use weakrefs::{
    Kind, NewWeakRef, PendingCallback, Registry, WeakError, WeakRefId, check_weakrefable,
};

/// An object id.
pub type Obj = u32;

/// What a callback does when called (callbacks are host values).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cb {
    /// Log the text, and whether `wr()` is dead.
    Log(&'static str),
    /// Log what each of these weak reference objects resolves to
    /// (scenario 23: "callbacks read all weakrefs").
    ReadAll(&'static str, Vec<Obj>),
    /// Drop one reference to an object (e.g. another weakref object).
    Drop(&'static str, Obj),
    /// Drop the reference the host holds to the weakref object itself.
    DropSelf(&'static str),
    /// Create a new weak reference with a `Log` callback to the object.
    MakeRef(&'static str, Obj),
}

/// What `__del__` does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Del {
    /// Log, and log whether the given weakref objects still resolve.
    Log(&'static str, Vec<Obj>),
    /// Store `self` in a global (resurrect).
    Resurrect(&'static str),
}

#[derive(Debug)]
pub struct Object {
    pub refcnt: usize,
    pub name: &'static str,
    pub del: Option<Del>,
    pub finalized: bool,
    /// Strong references this object holds (decref'd when it is freed).
    pub children: Vec<Obj>,
    /// Set for weakref objects.
    pub weakref: Option<WeakRefId>,
    pub weakrefable: bool,
}

pub struct Host {
    pub reg: Registry<Obj, Obj, Cb>,
    pub objects: HashMap<Obj, Object>,
    pub globals: Vec<Obj>,
    pub log: Vec<String>,
    next: Obj,
}

impl Host {
    pub fn new() -> Self {
        Self {
            reg: Registry::new(),
            objects: HashMap::new(),
            globals: Vec::new(),
            log: Vec::new(),
            next: 1,
        }
    }

    pub fn new_obj(&mut self, name: &'static str) -> Obj {
        self.alloc(name, None, true)
    }

    pub fn new_obj_with_del(&mut self, name: &'static str, del: Del) -> Obj {
        self.alloc(name, Some(del), true)
    }

    /// An object of a kind that refuses weak references (an int).
    pub fn new_int(&mut self) -> Obj {
        self.alloc("int", None, false)
    }

    fn alloc(&mut self, name: &'static str, del: Option<Del>, weakrefable: bool) -> Obj {
        let id = self.next;
        self.next += 1;
        self.objects.insert(
            id,
            Object {
                refcnt: 1,
                name,
                del,
                finalized: false,
                children: Vec::new(),
                weakref: None,
                weakrefable,
            },
        );
        id
    }

    pub fn alive(&self, o: Obj) -> bool {
        self.objects.contains_key(&o)
    }

    /// `a.attr = b`: a holds a strong reference to b.
    pub fn link(&mut self, a: Obj, b: Obj) {
        self.incref(b);
        if let Some(o) = self.objects.get_mut(&a) {
            o.children.push(b);
        }
    }

    pub fn incref(&mut self, o: Obj) {
        if let Some(obj) = self.objects.get_mut(&o) {
            obj.refcnt += 1;
        }
    }

    /// `weakref.ref(target[, cb])` → a new reference to a weakref object.
    pub fn weakref(&mut self, target: Obj, cb: Option<Cb>) -> Result<Obj, WeakError> {
        self.make_weak(
            target,
            NewWeakRef {
                flavor: weakrefs::Flavor::Ref,
                callback: cb,
                subclass: false,
            },
        )
    }

    /// `weakref.proxy(target)`.
    pub fn proxy(&mut self, target: Obj) -> Result<Obj, WeakError> {
        self.make_weak(target, NewWeakRef::proxy(false, None))
    }

    pub fn make_weak(&mut self, target: Obj, new: NewWeakRef<Cb>) -> Result<Obj, WeakError> {
        let obj = self.objects.get(&target).ok_or(WeakError::KeyMissing)?;
        check_weakrefable(&Kind {
            type_name: obj.name,
            weakrefable: obj.weakrefable,
        })?;
        if new.is_basic()
            && let Some((_, &w)) = self.reg.reusable(target, new.flavor)
        {
            self.incref(w);
            return Ok(w);
        }
        let w = self.alloc("weakref", None, false);
        let id = self.reg.insert(target, new, w);
        if let Some(o) = self.objects.get_mut(&w) {
            o.weakref = Some(id);
        }
        Ok(w)
    }

    pub fn wr_id(&self, w: Obj) -> Option<WeakRefId> {
        self.objects.get(&w).and_then(|o| o.weakref)
    }

    /// `wr()`.
    pub fn call_ref(&self, w: Obj) -> Option<Obj> {
        self.wr_id(w).and_then(|id| self.reg.resolve(id))
    }

    pub fn decref(&mut self, o: Obj) {
        let Some(obj) = self.objects.get_mut(&o) else {
            return;
        };
        obj.refcnt = obj.refcnt.saturating_sub(1);
        if obj.refcnt == 0 {
            self.dealloc(o);
        }
    }

    /// `subtype_dealloc`: `__del__` first (weak references still resolve),
    /// then `PyObject_ClearWeakRefs`, then the object's own references.
    fn dealloc(&mut self, o: Obj) {
        let del = self
            .objects
            .get(&o)
            .and_then(|ob| if ob.finalized { None } else { ob.del.clone() });
        if let Some(del) = del {
            // Temporarily revived while __del__ runs.
            if let Some(ob) = self.objects.get_mut(&o) {
                ob.refcnt = 1;
                ob.finalized = true;
            }
            self.run_del(o, &del);
            let Some(ob) = self.objects.get_mut(&o) else {
                return;
            };
            ob.refcnt -= 1;
            if ob.refcnt > 0 {
                return; // resurrected
            }
        }
        let due = self.reg.clear_referent(o);
        self.run_callbacks(due);
        self.free(o);
    }

    fn free(&mut self, o: Obj) {
        let Some(obj) = self.objects.remove(&o) else {
            return;
        };
        if let Some(id) = obj.weakref {
            // The weakref object died: unlink; its callback is released.
            let _ = self.reg.remove(id);
        }
        for child in obj.children {
            self.decref(child);
        }
    }

    fn run_del(&mut self, o: Obj, del: &Del) {
        match del {
            Del::Log(text, refs) => {
                let seen: Vec<Option<Obj>> = refs.iter().map(|&w| self.call_ref(w)).collect();
                self.log.push(format!("__del__ {text} refs={seen:?}"));
            }
            Del::Resurrect(text) => {
                self.log.push(format!("__del__ {text} resurrects"));
                self.incref(o);
                self.globals.push(o);
            }
        }
    }

    /// Calls each due callback as `callback(wr)`, keeping `wr` alive
    /// across the call as CPython's tuple / `wrcb_to_call` list does.
    pub fn run_callbacks(&mut self, due: Vec<PendingCallback<Obj, Cb>>) {
        for p in &due {
            self.incref(p.weakref);
        }
        for p in due {
            let dead = self.call_ref(p.weakref).is_none();
            match p.callback {
                Cb::Log(text) => self.log.push(format!("cb {text} dead={dead}")),
                Cb::ReadAll(text, refs) => {
                    let seen: Vec<Option<Obj>> = refs.iter().map(|&w| self.call_ref(w)).collect();
                    self.log.push(format!("cb {text} sees {seen:?}"));
                }
                Cb::Drop(text, victim) => {
                    self.log.push(format!("cb {text} drops {victim}"));
                    self.decref(victim);
                }
                Cb::DropSelf(text) => {
                    self.log.push(format!("cb {text} dead={dead}"));
                    self.decref(p.weakref);
                }
                Cb::MakeRef(text, target) => {
                    let made = self.weakref(target, Some(Cb::Log("made in callback")));
                    self.log
                        .push(format!("cb {text} made ref: {}", made.is_ok()));
                    if let Ok(w) = made {
                        self.globals.push(w);
                    }
                }
            }
            self.decref(p.weakref);
        }
    }

    /// One cycle collection whose unreachable set (in list order) is
    /// `garbage`: `handle_weakrefs`, then `finalize_garbage` (`__del__`),
    /// then, unless resurrected, `delete_garbage`. Returns the number of
    /// objects freed.
    pub fn collect(&mut self, garbage: &[Obj]) -> usize {
        let trash: Vec<WeakRefId> = garbage.iter().filter_map(|&o| self.wr_id(o)).collect();
        let due = self.reg.handle_weakrefs(garbage.iter().copied(), trash);
        self.run_callbacks(due);
        for &o in garbage {
            let del = self
                .objects
                .get(&o)
                .and_then(|ob| if ob.finalized { None } else { ob.del.clone() });
            if let Some(del) = del {
                if let Some(ob) = self.objects.get_mut(&o) {
                    ob.finalized = true;
                }
                self.run_del(o, &del);
            }
        }
        if garbage.iter().any(|o| self.globals.contains(o)) {
            return 0; // resurrected: the whole set survives this time
        }
        // delete_garbage: break the cycles; the refcount path frees them.
        let mut freed = 0;
        for &o in garbage {
            if self.objects.contains_key(&o) {
                freed += 1;
            }
        }
        for &o in garbage {
            if let Some(ob) = self.objects.get_mut(&o) {
                let children = std::mem::take(&mut ob.children);
                for c in children {
                    self.decref(c);
                }
            }
        }
        freed
    }

    pub fn take_log(&mut self) -> Vec<String> {
        std::mem::take(&mut self.log)
    }
}
