//! The registry: every referent's weak reference list, and the two orders
//! in which CPython clears them.
//!
//! CPython threads a doubly linked list of `PyWeakReference` through each
//! referent (`tp_weaklistoffset`). Here the host owns the objects; the
//! registry keeps, per referent id `K`, the list of weak references in
//! CPython's order:
//!
//! 1. the *basic ref* (exact `weakref.ref`, no callback), if any;
//! 2. the *basic proxy* (proxy, no callback), if any;
//! 3. every other reference, **newest first**.
//!
//! Each weak reference carries the host's payload `W` (the runtime's handle
//! of the `weakref` object, handed back so that callbacks can be called as
//! `callback(wr)`) and optionally a callback `C` (a host value; the registry
//! never calls it). Whenever callbacks are due, the registry clears what
//! must be cleared first and then returns a list of [`PendingCallback`]s
//! for the host to invoke, in order, after the registry is no longer
//! borrowed: callbacks may create and drop weak references, or touch
//! the registry in any way, without ever seeing it half-updated.

use core::hash::Hash;

use hashbrown::{HashMap, HashSet};
use slotmap::SlotMap;

use crate::WeakError;

slotmap::new_key_type! {
    /// Identifies one weak reference (one `weakref.ref` or proxy object).
    /// Generational: an id of a removed reference is refused, never
    /// confused with a newer one.
    pub struct WeakRefId;
}

/// What kind of weak reference object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Flavor {
    /// `weakref.ref` (or, with `subclass`, an instance of a subclass).
    Ref,
    /// `weakref.proxy` of a non-callable referent (`weakref.ProxyType`).
    Proxy,
    /// `weakref.proxy` of a callable referent
    /// (`weakref.CallableProxyType`).
    CallableProxy,
}

impl Flavor {
    /// Whether this is a proxy.
    #[must_use]
    pub fn is_proxy(self) -> bool {
        !matches!(self, Self::Ref)
    }

    /// CPython's type name (`weakref.ReferenceType`, `weakref.ProxyType`,
    /// `weakref.CallableProxyType`).
    #[must_use]
    pub fn type_name(self) -> &'static str {
        match self {
            Self::Ref => "weakref.ReferenceType",
            Self::Proxy => "weakref.ProxyType",
            Self::CallableProxy => "weakref.CallableProxyType",
        }
    }
}

/// How to make a new weak reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewWeakRef<C> {
    /// Reference or proxy.
    pub flavor: Flavor,
    /// The callback, if any (`callback=None` is `None`).
    pub callback: Option<C>,
    /// An instance of a `weakref.ref` subclass: never reused, never basic.
    pub subclass: bool,
}

impl<C> NewWeakRef<C> {
    /// `weakref.ref(o)`.
    #[must_use]
    pub fn plain_ref() -> Self {
        Self {
            flavor: Flavor::Ref,
            callback: None,
            subclass: false,
        }
    }

    /// `weakref.ref(o, callback)`.
    #[must_use]
    pub fn ref_with_callback(callback: C) -> Self {
        Self {
            flavor: Flavor::Ref,
            callback: Some(callback),
            subclass: false,
        }
    }

    /// `weakref.proxy(o[, callback])`; `callable` says whether `o` is.
    #[must_use]
    pub fn proxy(callable: bool, callback: Option<C>) -> Self {
        Self {
            flavor: if callable {
                Flavor::CallableProxy
            } else {
                Flavor::Proxy
            },
            callback,
            subclass: false,
        }
    }

    /// Whether this reference would be the referent's basic (reusable) one.
    #[must_use]
    pub fn is_basic(&self) -> bool {
        self.callback.is_none() && !self.subclass
    }
}

/// A callback that is due: the host calls `callback(weakref)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingCallback<W, C> {
    /// The weak reference whose referent died (already cleared).
    pub id: WeakRefId,
    /// Its payload (the host's weakref object).
    pub weakref: W,
    /// The callback to call with it.
    pub callback: C,
}

/// What [`Registry::remove`] hands back: the payload and, if it never ran,
/// the callback, for the host to release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Removed<W, C> {
    /// The payload given at creation.
    pub weakref: W,
    /// The callback, unless it was taken to be called.
    pub callback: Option<C>,
}

/// The two ways `hash(wr)` can go on; see [`Registry::hash`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeakHash<K> {
    /// The hash was computed before and cached.
    Cached(i64),
    /// The host must hash this live referent, then call
    /// [`Registry::set_hash`].
    Compute(K),
}

/// How `wr1 == wr2` is decided; see [`Registry::compare`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparison<K> {
    /// Both alive: compare the referents (`a == b` on the host side).
    Referents(K, K),
    /// At least one dead: the answer is identity.
    Identity(bool),
}

#[derive(Clone, Debug)]
struct Entry<K, W, C> {
    referent: Option<K>,
    flavor: Flavor,
    basic: bool,
    callback: Option<C>,
    hash: Option<i64>,
    payload: W,
}

/// One referent's list. `others` is kept oldest first; the list order
/// (newest first) is its reverse.
#[derive(Clone, Debug)]
struct WeakList {
    basic_ref: Option<WeakRefId>,
    basic_proxy: Option<WeakRefId>,
    others: Vec<WeakRefId>,
}

impl WeakList {
    fn new() -> Self {
        Self {
            basic_ref: None,
            basic_proxy: None,
            others: Vec::new(),
        }
    }

    fn len(&self) -> usize {
        usize::from(self.basic_ref.is_some())
            + usize::from(self.basic_proxy.is_some())
            + self.others.len()
    }

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// CPython's list order: basic ref, basic proxy, then newest first.
    fn in_order(&self) -> impl Iterator<Item = WeakRefId> + '_ {
        self.basic_ref
            .into_iter()
            .chain(self.basic_proxy)
            .chain(self.others.iter().rev().copied())
    }

    fn unlink(&mut self, id: WeakRefId) {
        if self.basic_ref == Some(id) {
            self.basic_ref = None;
        } else if self.basic_proxy == Some(id) {
            self.basic_proxy = None;
        } else if let Some(pos) = self.others.iter().position(|&o| o == id) {
            self.others.remove(pos);
        }
    }
}

/// Every weak reference of a host, grouped per referent.
///
/// `K` is the host's referent id, `W` the host's payload for each weak
/// reference object, `C` the host's callback value.
///
/// ```
/// use weakrefs::{NewWeakRef, Registry};
///
/// let mut reg: Registry<u32, &str, &str> = Registry::new();
/// let a = reg.insert(7, NewWeakRef::ref_with_callback("cb a"), "wr a");
/// let b = reg.insert(7, NewWeakRef::ref_with_callback("cb b"), "wr b");
/// assert_eq!(reg.resolve(a), Some(7));
/// // Object 7 dies by refcount: everything is cleared, then the callbacks
/// // are due newest first.
/// let due = reg.clear_referent(7);
/// assert_eq!(reg.resolve(a), None);
/// let order: Vec<_> = due.iter().map(|p| p.callback).collect();
/// assert_eq!(order, ["cb b", "cb a"]);
/// # let _ = b;
/// ```
#[derive(Clone, Debug)]
pub struct Registry<K, W, C> {
    refs: SlotMap<WeakRefId, Entry<K, W, C>>,
    lists: HashMap<K, WeakList>,
}

impl<K, W, C> Default for Registry<K, W, C> {
    fn default() -> Self {
        Self {
            refs: SlotMap::with_key(),
            lists: HashMap::new(),
        }
    }
}

impl<K: Copy + Eq + Hash, W, C> Registry<K, W, C> {
    /// An empty registry.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of weak reference objects known (alive or cleared, until
    /// [`remove`](Self::remove)d).
    #[must_use]
    pub fn len(&self) -> usize {
        self.refs.len()
    }

    /// Whether no weak reference is known.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.refs.is_empty()
    }

    /// The basic reference (or proxy, for a proxy flavor) of `referent`
    /// that `weakref.ref(o)` / `weakref.proxy(o)` without a callback must
    /// return instead of a new object (`get_basic_refs` in
    /// `Objects/weakrefobject.c`).
    #[must_use]
    pub fn reusable(&self, referent: K, flavor: Flavor) -> Option<(WeakRefId, &W)> {
        let list = self.lists.get(&referent)?;
        let id = if flavor.is_proxy() {
            list.basic_proxy?
        } else {
            list.basic_ref?
        };
        self.refs.get(id).map(|e| (id, &e.payload))
    }

    /// Register a new weak reference to `referent` and return its id.
    ///
    /// The host checks the referent's kind first
    /// ([`check_weakrefable`](crate::check_weakrefable)) and, for a
    /// callback-less non-subclass reference, looks for a
    /// [`reusable`](Self::reusable) one. A basic reference is placed at the
    /// head of the list (an existing basic of the same flavor stays basic
    /// and the new one goes with the others); any other goes right after
    /// the basic ones, so the rest of the list is newest first.
    pub fn insert(&mut self, referent: K, new: NewWeakRef<C>, payload: W) -> WeakRefId {
        self.insert_with(referent, new, |_| payload)
    }

    /// [`insert`](Self::insert), with the payload made from the new id.
    pub fn insert_with(
        &mut self,
        referent: K,
        new: NewWeakRef<C>,
        payload: impl FnOnce(WeakRefId) -> W,
    ) -> WeakRefId {
        let list = self.lists.entry(referent).or_insert_with(WeakList::new);
        let wants_basic = new.is_basic();
        let slot = if new.flavor.is_proxy() {
            &mut list.basic_proxy
        } else {
            &mut list.basic_ref
        };
        let basic = wants_basic && slot.is_none();
        let id = self.refs.insert_with_key(|id| Entry {
            referent: Some(referent),
            flavor: new.flavor,
            basic,
            callback: new.callback,
            hash: None,
            payload: payload(id),
        });
        if basic {
            *slot = Some(id);
        } else {
            list.others.push(id);
        }
        tracing::trace!(?id, basic, "weak reference created");
        id
    }

    /// `wr()`: the referent, or `None` once it is dead (or the id unknown).
    #[must_use]
    pub fn resolve(&self, id: WeakRefId) -> Option<K> {
        self.refs.get(id)?.referent
    }

    /// Whether the reference still has a referent.
    #[must_use]
    pub fn is_alive(&self, id: WeakRefId) -> bool {
        self.resolve(id).is_some()
    }

    /// Whether the registry knows `id` (it was not removed).
    #[must_use]
    pub fn contains(&self, id: WeakRefId) -> bool {
        self.refs.contains_key(id)
    }

    /// The flavor of the reference.
    #[must_use]
    pub fn flavor(&self, id: WeakRefId) -> Option<Flavor> {
        self.refs.get(id).map(|e| e.flavor)
    }

    /// The payload given at creation.
    #[must_use]
    pub fn payload(&self, id: WeakRefId) -> Option<&W> {
        self.refs.get(id).map(|e| &e.payload)
    }

    /// `wr.__callback__`: the callback, or `None` when there is none or
    /// it was taken when the referent died by refcount.
    #[must_use]
    pub fn callback(&self, id: WeakRefId) -> Option<&C> {
        self.refs.get(id)?.callback.as_ref()
    }

    /// A proxy's referent, or `ReferenceError` once it is dead
    /// (`proxy_checkref`). Works for refs too.
    pub fn proxy_referent(&self, id: WeakRefId) -> Result<K, WeakError> {
        let entry = self.refs.get(id).ok_or(WeakError::UnknownWeakRef(id))?;
        entry.referent.ok_or(WeakError::DeadProxy)
    }

    /// `hash(wr)` (`weakref_hash`): the cached hash; or, for a live
    /// reference never hashed, the referent to hash (then call
    /// [`set_hash`](Self::set_hash)); `TypeError: weak object has gone
    /// away` for a dead one never hashed; proxies are unhashable.
    pub fn hash(&self, id: WeakRefId) -> Result<WeakHash<K>, WeakError> {
        let entry = self.refs.get(id).ok_or(WeakError::UnknownWeakRef(id))?;
        if entry.flavor.is_proxy() {
            return Err(WeakError::Unhashable {
                type_name: entry.flavor.type_name(),
            });
        }
        match (entry.hash, entry.referent) {
            (Some(h), _) => Ok(WeakHash::Cached(h)),
            (None, Some(k)) => Ok(WeakHash::Compute(k)),
            (None, None) => Err(WeakError::GoneAway),
        }
    }

    /// Cache `hash` as the hash of `id` (the host computed it from the
    /// referent after [`hash`](Self::hash) asked).
    pub fn set_hash(&mut self, id: WeakRefId, hash: i64) -> Result<(), WeakError> {
        let entry = self.refs.get_mut(id).ok_or(WeakError::UnknownWeakRef(id))?;
        entry.hash = Some(hash);
        Ok(())
    }

    /// `a == b` for two references (`weakref_richcompare`): while both are
    /// alive the referents are compared, otherwise identity decides.
    pub fn compare(&self, a: WeakRefId, b: WeakRefId) -> Result<Comparison<K>, WeakError> {
        let ra = self.refs.get(a).ok_or(WeakError::UnknownWeakRef(a))?;
        let rb = self.refs.get(b).ok_or(WeakError::UnknownWeakRef(b))?;
        Ok(match (ra.referent, rb.referent) {
            (Some(x), Some(y)) => Comparison::Referents(x, y),
            _ => Comparison::Identity(a == b),
        })
    }

    /// `weakref.getweakrefcount(o)`: 0 for objects with no list, including
    /// kinds that cannot be weakly referenced.
    #[must_use]
    pub fn weakref_count(&self, referent: K) -> usize {
        self.lists.get(&referent).map_or(0, WeakList::len)
    }

    /// `weakref.getweakrefs(o)`: ids and payloads in list order (basic ref,
    /// basic proxy, then newest first).
    pub fn weakrefs(&self, referent: K) -> impl Iterator<Item = (WeakRefId, &W)> + '_ {
        self.lists
            .get(&referent)
            .into_iter()
            .flat_map(WeakList::in_order)
            .filter_map(|id| self.refs.get(id).map(|e| (id, &e.payload)))
    }

    /// The weak reference object itself died (`weakref_dealloc` →
    /// `clear_weakref`): unlink it and hand back its payload and callback.
    /// Its callback will never be called. Removing an unknown id is
    /// harmless and returns `None`.
    pub fn remove(&mut self, id: WeakRefId) -> Option<Removed<W, C>> {
        let entry = self.refs.remove(id)?;
        if let Some(k) = entry.referent
            && let Some(list) = self.lists.get_mut(&k)
        {
            list.unlink(id);
            if list.is_empty() {
                self.lists.remove(&k);
            }
        }
        tracing::trace!(?id, "weak reference removed");
        Some(Removed {
            weakref: entry.payload,
            callback: entry.callback,
        })
    }
}

impl<K: Copy + Eq + Hash, W: Clone, C> Registry<K, W, C> {
    /// The referent died by refcount (`PyObject_ClearWeakRefs`, called by
    /// `subtype_dealloc` *after* `__del__` ran and did not resurrect it):
    /// clear every reference to it, then return the callbacks due, in list
    /// order (newest first).
    ///
    /// The callbacks are taken out (`wr.__callback__` is `None`
    /// afterwards). The host must keep each pending weak reference object
    /// alive (one extra reference, as CPython's tuple does) until its
    /// callback has been called, so that a callback that drops another
    /// pending reference does not cancel it.
    pub fn clear_referent(&mut self, referent: K) -> Vec<PendingCallback<W, C>> {
        let Some(list) = self.lists.remove(&referent) else {
            return Vec::new();
        };
        let mut due = Vec::new();
        for id in list.in_order() {
            if let Some(entry) = self.refs.get_mut(id) {
                entry.referent = None;
                entry.basic = false;
                if let Some(callback) = entry.callback.take() {
                    due.push(PendingCallback {
                        id,
                        weakref: entry.payload.clone(),
                        callback,
                    });
                }
            }
        }
        tracing::trace!(
            cleared = list.len(),
            callbacks = due.len(),
            "weak references cleared"
        );
        due
    }
}

impl<K: Copy + Eq + Hash, W: Clone, C: Clone> Registry<K, W, C> {
    /// The cycle collector's step (`handle_weakrefs` in
    /// `Modules/gcmodule.c`), run before any finalizer of the garbage:
    ///
    /// 1. every weak reference that is itself garbage (`trash_weakrefs`) is
    ///    cleared, whatever its referent (bpo-38006): its callback never
    ///    runs;
    /// 2. every reference to each garbage referent (`unreachable`, in the
    ///    collector's list order) is cleared;
    /// 3. the callbacks of references that are not themselves garbage are
    ///    returned, in that order (per referent, list order: newest first).
    ///
    /// Unlike [`clear_referent`](Self::clear_referent), callbacks stay
    /// attached (`wr.__callback__` still shows them, as in CPython); the
    /// returned copies are for calling. The host keeps each pending weak
    /// reference alive until its callback ran. Ids in `unreachable` that
    /// have no weak references are ignored.
    pub fn handle_weakrefs(
        &mut self,
        unreachable: impl IntoIterator<Item = K>,
        trash_weakrefs: impl IntoIterator<Item = WeakRefId>,
    ) -> Vec<PendingCallback<W, C>> {
        let trash: HashSet<WeakRefId> = trash_weakrefs.into_iter().collect();
        for &id in &trash {
            if let Some(entry) = self.refs.get_mut(id)
                && let Some(k) = entry.referent.take()
            {
                entry.basic = false;
                if let Some(list) = self.lists.get_mut(&k) {
                    list.unlink(id);
                    if list.is_empty() {
                        self.lists.remove(&k);
                    }
                }
            }
        }
        let mut due = Vec::new();
        let mut cleared = 0usize;
        for referent in unreachable {
            let Some(list) = self.lists.remove(&referent) else {
                continue;
            };
            for id in list.in_order() {
                let Some(entry) = self.refs.get_mut(id) else {
                    continue;
                };
                entry.referent = None;
                entry.basic = false;
                cleared += 1;
                if trash.contains(&id) {
                    continue;
                }
                if let Some(callback) = &entry.callback {
                    due.push(PendingCallback {
                        id,
                        weakref: entry.payload.clone(),
                        callback: callback.clone(),
                    });
                }
            }
        }
        tracing::debug!(
            cleared,
            trash = trash.len(),
            callbacks = due.len(),
            "handle_weakrefs"
        );
        due
    }
}
