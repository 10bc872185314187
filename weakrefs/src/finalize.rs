//! `weakref.finalize`: finalizers that run at most once, when their object
//! dies, when called, or at interpreter exit.
//!
//! CPython keeps a class-level `_registry` dict from finalizer to `_Info`
//! (`weakref`, `func`, `args`, `kwargs`, `atexit`, `index`); the
//! finalizer itself is the callback of `info.weakref`. [`Finalizers`] is
//! that registry; the host's function-plus-arguments is the value `F`.

use core::hash::Hash;

use slotmap::SlotMap;

use crate::{NewWeakRef, ReferentKind, Registry, WeakError, WeakRefId, check_weakrefable};

slotmap::new_key_type! {
    /// Identifies one finalizer (one `weakref.finalize` object).
    pub struct FinalizerId;
}

#[derive(Clone, Debug)]
struct Info<F> {
    weakref: WeakRefId,
    func: F,
    atexit: bool,
    index: u64,
}

/// The finalizer registry (`finalize._registry` and its class state).
///
/// ```
/// use weakrefs::{Finalizers, Kind, Registry};
///
/// #[derive(Clone, Copy, Debug, PartialEq)]
/// enum Callback { Finalize(weakrefs::FinalizerId) }
///
/// let mut reg: Registry<u32, (), Callback> = Registry::new();
/// let mut fins: Finalizers<&str> = Finalizers::new();
/// let f = fins.register(&mut reg, 1, &Kind::builtin("Res"), "close file", |f| {
///     (Callback::Finalize(f), ())
/// })?;
/// assert!(fins.alive(f));
/// // Object 1 dies: the registry says which callback is due; the host
/// // routes it to the finalizer, which hands back the function to call.
/// for due in reg.clear_referent(1) {
///     let Callback::Finalize(id) = due.callback;
///     assert_eq!(fins.call(&mut reg, id), Some("close file"));
/// }
/// assert!(!fins.alive(f));
/// assert_eq!(fins.call(&mut reg, f), None); // at most once
/// # Ok::<(), weakrefs::WeakError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Finalizers<F> {
    infos: SlotMap<FinalizerId, Info<F>>,
    next_index: u64,
    dirty: bool,
    shutdown: bool,
    exiting: Option<Vec<FinalizerId>>,
    registered_with_atexit: bool,
}

impl<F> Default for Finalizers<F> {
    fn default() -> Self {
        Self {
            infos: SlotMap::with_key(),
            next_index: 0,
            dirty: false,
            shutdown: false,
            exiting: None,
            registered_with_atexit: false,
        }
    }
}

impl<F> Finalizers<F> {
    /// An empty registry.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// `weakref.finalize(obj, func, *args, **kwargs)`: register `func` to
    /// run when `obj` dies. `make` receives the new finalizer's id and
    /// returns the callback (which must route to [`call`](Self::call)) and
    /// payload of its weak reference. A non-weakrefable `obj` is a
    /// `TypeError`.
    pub fn register<K: Copy + Eq + Hash, W, C>(
        &mut self,
        reg: &mut Registry<K, W, C>,
        obj: K,
        kind: &(impl ReferentKind + ?Sized),
        func: F,
        make: impl FnOnce(FinalizerId) -> (C, W),
    ) -> Result<FinalizerId, WeakError> {
        check_weakrefable(kind)?;
        let index = self.next_index;
        self.next_index += 1;
        let id = self.infos.insert(Info {
            weakref: WeakRefId::default(),
            func,
            atexit: true,
            index,
        });
        let (callback, payload) = make(id);
        let new = NewWeakRef {
            flavor: crate::Flavor::Ref,
            callback: Some(callback),
            subclass: false,
        };
        let weakref = reg.insert(obj, new, payload);
        if let Some(info) = self.infos.get_mut(id) {
            info.weakref = weakref;
        }
        self.dirty = true;
        self.registered_with_atexit = true;
        Ok(id)
    }

    /// `f()` (also what the weak reference callback does): if alive, mark
    /// dead and return the function for the host to call; `None` when dead
    /// or once shutdown has started. The finalizer's weak reference is
    /// discarded with its `_Info`.
    pub fn call<K: Copy + Eq + Hash, W, C>(
        &mut self,
        reg: &mut Registry<K, W, C>,
        id: FinalizerId,
    ) -> Option<F> {
        let info = self.infos.remove(id)?;
        let _ = reg.remove(info.weakref);
        if self.shutdown { None } else { Some(info.func) }
    }

    /// `f.detach()`: if alive and its object too, mark dead and return the
    /// object and function without calling it.
    pub fn detach<K: Copy + Eq + Hash, W, C>(
        &mut self,
        reg: &mut Registry<K, W, C>,
        id: FinalizerId,
    ) -> Option<(K, F)> {
        let obj = reg.resolve(self.infos.get(id)?.weakref)?;
        let info = self.infos.remove(id)?;
        let _ = reg.remove(info.weakref);
        Some((obj, info.func))
    }

    /// `f.peek()`: the object and function while both are alive.
    #[must_use]
    pub fn peek<K: Copy + Eq + Hash, W, C>(
        &self,
        reg: &Registry<K, W, C>,
        id: FinalizerId,
    ) -> Option<(K, &F)> {
        let info = self.infos.get(id)?;
        Some((reg.resolve(info.weakref)?, &info.func))
    }

    /// `f.alive`.
    #[must_use]
    pub fn alive(&self, id: FinalizerId) -> bool {
        self.infos.contains_key(id)
    }

    /// `f.atexit` (False once dead).
    #[must_use]
    pub fn atexit(&self, id: FinalizerId) -> bool {
        self.infos.get(id).is_some_and(|info| info.atexit)
    }

    /// `f.atexit = value` (ignored once dead).
    pub fn set_atexit(&mut self, id: FinalizerId, value: bool) {
        if let Some(info) = self.infos.get_mut(id) {
            info.atexit = value;
        }
    }

    /// Number of live finalizers.
    #[must_use]
    pub fn len(&self) -> usize {
        self.infos.len()
    }

    /// Whether no finalizer is alive.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.infos.is_empty()
    }

    /// Whether any finalizer was ever created (CPython then registered
    /// `finalize._exitfunc` with `atexit`).
    #[must_use]
    pub fn registered_with_atexit(&self) -> bool {
        self.registered_with_atexit
    }

    /// Whether shutdown has started (`finalize._shutdown`).
    #[must_use]
    pub fn is_shutdown(&self) -> bool {
        self.shutdown
    }

    /// One step of `finalize._exitfunc`: the next finalizer to run at exit
    /// (the newest live one with `atexit` set; re-selected whenever a
    /// finalizer was created since the last selection, so one created
    /// during exit runs next). The host calls the function, reports an
    /// exception through `sys.excepthook` and keeps going, with the cycle
    /// collector disabled, until this returns `None`; shutdown has then
    /// started and later calls return `None`.
    pub fn next_at_exit<K: Copy + Eq + Hash, W, C>(
        &mut self,
        reg: &mut Registry<K, W, C>,
    ) -> Option<(FinalizerId, F)> {
        if self.shutdown {
            return None;
        }
        loop {
            if self.exiting.is_none() || self.dirty {
                self.exiting = Some(self.select_for_exit());
                self.dirty = false;
            }
            let next = self.exiting.as_mut().and_then(Vec::pop);
            let Some(id) = next else {
                self.shutdown = true;
                self.exiting = None;
                return None;
            };
            if let Some(func) = self.call(reg, id) {
                return Some((id, func));
            }
        }
    }

    /// `_select_for_exit`: live finalizers with `atexit`, oldest first.
    fn select_for_exit(&self) -> Vec<FinalizerId> {
        let mut chosen: Vec<(u64, FinalizerId)> = self
            .infos
            .iter()
            .filter(|(_, info)| info.atexit)
            .map(|(id, info)| (info.index, id))
            .collect();
        chosen.sort_unstable_by_key(|&(index, _)| index);
        chosen.into_iter().map(|(_, id)| id).collect()
    }
}
