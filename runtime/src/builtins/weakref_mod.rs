//! The `weakref` module (CPython's `Objects/weakrefobject.c`,
//! `Modules/_weakref.c` and the Python side of `Lib/weakref.py` /
//! `Lib/_weakrefset.py`), over the `weakrefs` crate's [`Registry`].
//!
//! Reference objects (`ref`, its subclasses, `ProxyType`,
//! `CallableProxyType`) are ordinary instances of classes this module
//! defines; their Rust state is one [`Registry`] entry, found through the
//! object's handle. Each keeps its callback as the instance attribute
//! `__callback__`, so the cycle collector sees the reference-to-callback
//! edge, and holds no reference to its referent.
//!
//! Deaths reach the registry through the VM's [`WeakrefHooks`]:
//! - refcount death (`clear_on_dealloc`, after `__del__`, CPython's
//!   `PyObject_ClearWeakRefs`): every reference is cleared, then the
//!   callbacks run newest first; a dying reference object is unregistered
//!   (its callback never runs);
//! - cycle collection (`handle_gc`, CPython's `handle_weakrefs`, before any
//!   finalizer): references to the garbage are cleared, references that
//!   are garbage themselves are cleared without callbacks, the others'
//!   callbacks run.
//!
//! The weak containers (`WeakValueDictionary`, `WeakKeyDictionary`,
//! `WeakSet`), `KeyedRef`, `WeakMethod` and `finalize` are written in
//! Python ([`PYTHON_SIDE`]), as CPython's are, on top of `ref`: their
//! strong references (keys, values, finalizer arguments) then live in
//! ordinary dicts and sets that the collector traverses and the teardown
//! leak check counts. They are our own code, following the behaviour of
//! `Lib/weakref.py` (iteration guards, pending removals, finalizer exit
//! order), not a copy of it. Deliberate difference from CPython: a proxy's
//! `__class__` and `__dict__` are the proxy's own, not the referent's.

use std::any::Any;
use std::collections::HashMap;

use weakrefs::{Comparison, Flavor, NewWeakRef, PendingCallback, Registry, WeakHash, WeakRefId};

use crate::object::{Kind, Layout, NameId, ObjRef, flags};
use crate::vm::{PyErr, PyResult, Vm, WeakrefHooks};

type Kw<'a> = &'a [(NameId, ObjRef)];

/// The module's Rust state, kept in [`Vm::weakref_state`].
#[derive(Debug, Default)]
struct WeakState {
    /// Referent → its references; payload = the reference object, callback
    /// = the callback object (borrowed: the reference object owns it as
    /// its `__callback__` attribute).
    reg: Registry<ObjRef, ObjRef, ObjRef>,
    /// Reference object → its registry id.
    ids: HashMap<ObjRef, WeakRefId>,
    /// `weakref.ReferenceType` (borrowed; the module owns it).
    ref_type: ObjRef,
    /// `weakref.ProxyType`.
    proxy_type: ObjRef,
    /// `weakref.CallableProxyType`.
    callable_proxy_type: ObjRef,
    /// Functions `atexit`-registered by `finalize` (borrowed: module-level
    /// functions, alive until the module is torn down after atexit).
    exit_funcs: Vec<ObjRef>,
}

fn state(vm: &Vm) -> Option<&WeakState> {
    vm.weakref_state
        .as_ref()
        .and_then(|s| s.downcast_ref::<WeakState>())
}

fn state_mut(vm: &mut Vm) -> Option<&mut WeakState> {
    vm.weakref_state
        .as_mut()
        .and_then(|s| s.downcast_mut::<WeakState>())
}

/// The Python half: containers, `KeyedRef`, `WeakMethod`, `finalize`.
/// Runs in the module namespace after the natives are installed.
pub(super) const PYTHON_SIDE: &str = r#"
class ReferenceType:
    def __new__(cls, *args, **kwargs):
        return _ref_new(cls, args)
    def __init__(self, *args, **kwargs):
        if kwargs and type(self) is ReferenceType:
            raise TypeError("ref() takes no keyword arguments")
    def __call__(self, *args, **kwargs):
        return _ref_call(self, args, kwargs)
    def __hash__(self):
        return _ref_hash(self)
    def __eq__(self, other):
        return _ref_eq(self, other, False)
    def __ne__(self, other):
        return _ref_eq(self, other, True)
    def __repr__(self):
        return _ref_repr(self)
    def __setattr__(self, name, value):
        if name == "__callback__":
            raise AttributeError("readonly attribute")
        if type(self) is ReferenceType:
            raise AttributeError("'weakref.ReferenceType' object has no attribute '" + name + "'")
        object.__setattr__(self, name, value)

ref = ReferenceType

def _unwrap(o):
    if _is_proxy(o):
        return _proxy_get(o)
    return o

class ProxyType:
    def __getattr__(self, name):
        return getattr(_proxy_get(self), name)
    def __setattr__(self, name, value):
        setattr(_proxy_get(self), name, value)
    def __delattr__(self, name):
        delattr(_proxy_get(self), name)
    def __repr__(self):
        return _proxy_repr(self)
    def __str__(self):
        return str(_proxy_get(self))
    def __hash__(self):
        raise TypeError("unhashable type: 'weakref." + type(self).__name__ + "'")
    def __eq__(self, other):
        return _proxy_get(self) == _unwrap(other)
    def __ne__(self, other):
        return _proxy_get(self) != _unwrap(other)
    def __lt__(self, other):
        return _proxy_get(self) < _unwrap(other)
    def __le__(self, other):
        return _proxy_get(self) <= _unwrap(other)
    def __gt__(self, other):
        return _proxy_get(self) > _unwrap(other)
    def __ge__(self, other):
        return _proxy_get(self) >= _unwrap(other)
    def __bool__(self):
        return bool(_proxy_get(self))
    def __len__(self):
        return len(_proxy_get(self))
    def __iter__(self):
        return iter(_proxy_get(self))
    def __next__(self):
        return next(_proxy_get(self))
    def __contains__(self, item):
        return item in _proxy_get(self)
    def __getitem__(self, key):
        return _proxy_get(self)[key]
    def __setitem__(self, key, value):
        _proxy_get(self)[key] = value
    def __delitem__(self, key):
        del _proxy_get(self)[key]
    def __add__(self, o):
        return _proxy_get(self) + _unwrap(o)
    def __radd__(self, o):
        return _unwrap(o) + _proxy_get(self)
    def __sub__(self, o):
        return _proxy_get(self) - _unwrap(o)
    def __rsub__(self, o):
        return _unwrap(o) - _proxy_get(self)
    def __mul__(self, o):
        return _proxy_get(self) * _unwrap(o)
    def __rmul__(self, o):
        return _unwrap(o) * _proxy_get(self)
    def __truediv__(self, o):
        return _proxy_get(self) / _unwrap(o)
    def __rtruediv__(self, o):
        return _unwrap(o) / _proxy_get(self)
    def __floordiv__(self, o):
        return _proxy_get(self) // _unwrap(o)
    def __rfloordiv__(self, o):
        return _unwrap(o) // _proxy_get(self)
    def __mod__(self, o):
        return _proxy_get(self) % _unwrap(o)
    def __rmod__(self, o):
        return _unwrap(o) % _proxy_get(self)
    def __pow__(self, o):
        return _proxy_get(self) ** _unwrap(o)
    def __rpow__(self, o):
        return _unwrap(o) ** _proxy_get(self)
    def __and__(self, o):
        return _proxy_get(self) & _unwrap(o)
    def __rand__(self, o):
        return _unwrap(o) & _proxy_get(self)
    def __or__(self, o):
        return _proxy_get(self) | _unwrap(o)
    def __ror__(self, o):
        return _unwrap(o) | _proxy_get(self)
    def __xor__(self, o):
        return _proxy_get(self) ^ _unwrap(o)
    def __rxor__(self, o):
        return _unwrap(o) ^ _proxy_get(self)
    def __lshift__(self, o):
        return _proxy_get(self) << _unwrap(o)
    def __rlshift__(self, o):
        return _unwrap(o) << _proxy_get(self)
    def __rshift__(self, o):
        return _proxy_get(self) >> _unwrap(o)
    def __rrshift__(self, o):
        return _unwrap(o) >> _proxy_get(self)
    def __neg__(self):
        return -_proxy_get(self)
    def __pos__(self):
        return +_proxy_get(self)
    def __abs__(self):
        return abs(_proxy_get(self))
    def __invert__(self):
        return ~_proxy_get(self)
    def __int__(self):
        return int(_proxy_get(self))
    def __float__(self):
        return float(_proxy_get(self))
    def __index__(self):
        return _proxy_get(self).__index__()

class CallableProxyType(ProxyType):
    def __call__(self, *args, **kwargs):
        return _proxy_get(self)(*args, **kwargs)

ProxyTypes = (ProxyType, CallableProxyType)

class KeyedRef(ref):
    def __new__(type, ob, callback, key):
        self = ref.__new__(type, ob, callback)
        self.key = key
        return self
    def __init__(self, ob, callback, key):
        pass

class _IterationGuard:
    def __init__(self, weakcontainer):
        self.weakcontainer = ref(weakcontainer)
    def __enter__(self):
        w = self.weakcontainer()
        if w is not None:
            w._iterating.add(self)
        return self
    def __exit__(self, e, t, b):
        w = self.weakcontainer()
        if w is not None:
            s = w._iterating
            s.remove(self)
            if not s:
                w._commit_removals()

def _remove_dead_weakref(d, key):
    wr = d.get(key)
    if wr is not None and wr() is None:
        del d[key]

def _make_value_remover(selfref):
    def remove(wr):
        self = selfref()
        if self is not None:
            if self._iterating:
                self._pending_removals.append(wr.key)
            else:
                _remove_dead_weakref(self.data, wr.key)
    return remove

class WeakValueDictionary:
    def __init__(self, *args, **kw):
        if len(args) > 1:
            raise TypeError("expected at most 1 arguments, got %d" % len(args))
        self._remove = _make_value_remover(ref(self))
        self._pending_removals = []
        self._iterating = set()
        self.data = {}
        if args:
            self.update(args[0], **kw)
        elif kw:
            self.update(**kw)
    def _commit_removals(self):
        pop = self._pending_removals.pop
        d = self.data
        while True:
            try:
                key = pop()
            except IndexError:
                return
            _remove_dead_weakref(d, key)
    def __getitem__(self, key):
        if self._pending_removals:
            self._commit_removals()
        o = self.data[key]()
        if o is None:
            raise KeyError(key)
        return o
    def __delitem__(self, key):
        if self._pending_removals:
            self._commit_removals()
        del self.data[key]
    def __len__(self):
        if self._pending_removals:
            self._commit_removals()
        return len(self.data)
    def __contains__(self, key):
        if self._pending_removals:
            self._commit_removals()
        try:
            o = self.data[key]()
        except KeyError:
            return False
        return o is not None
    def __repr__(self):
        return "<%s at %#x>" % (type(self).__name__, id(self))
    def __setitem__(self, key, value):
        if self._pending_removals:
            self._commit_removals()
        self.data[key] = KeyedRef(value, self._remove, key)
    def copy(self):
        if self._pending_removals:
            self._commit_removals()
        new = WeakValueDictionary()
        with _IterationGuard(self):
            for key, wr in self.data.items():
                o = wr()
                if o is not None:
                    new[key] = o
        return new
    __copy__ = copy
    def get(self, key, default=None):
        if self._pending_removals:
            self._commit_removals()
        try:
            wr = self.data[key]
        except KeyError:
            return default
        o = wr()
        if o is None:
            return default
        return o
    def items(self):
        if self._pending_removals:
            self._commit_removals()
        with _IterationGuard(self):
            for k, wr in self.data.items():
                v = wr()
                if v is not None:
                    yield k, v
    def keys(self):
        if self._pending_removals:
            self._commit_removals()
        with _IterationGuard(self):
            for k, wr in self.data.items():
                if wr() is not None:
                    yield k
    __iter__ = keys
    def itervaluerefs(self):
        if self._pending_removals:
            self._commit_removals()
        with _IterationGuard(self):
            for wr in self.data.values():
                yield wr
    def values(self):
        if self._pending_removals:
            self._commit_removals()
        with _IterationGuard(self):
            for wr in self.data.values():
                obj = wr()
                if obj is not None:
                    yield obj
    def popitem(self):
        if self._pending_removals:
            self._commit_removals()
        while True:
            key, wr = self.data.popitem()
            o = wr()
            if o is not None:
                return key, o
    def pop(self, key, *args):
        if self._pending_removals:
            self._commit_removals()
        try:
            o = self.data.pop(key)()
        except KeyError:
            o = None
        if o is None:
            if args:
                return args[0]
            raise KeyError(key)
        return o
    def setdefault(self, key, default=None):
        try:
            o = self.data[key]()
        except KeyError:
            o = None
        if o is None:
            if self._pending_removals:
                self._commit_removals()
            self.data[key] = KeyedRef(default, self._remove, key)
            return default
        return o
    def update(self, *args, **kwargs):
        if self._pending_removals:
            self._commit_removals()
        d = self.data
        if args:
            other = args[0]
            if not hasattr(other, "items"):
                other = dict(other)
            for key, o in other.items():
                d[key] = KeyedRef(o, self._remove, key)
        for key, o in kwargs.items():
            d[key] = KeyedRef(o, self._remove, key)
    def valuerefs(self):
        if self._pending_removals:
            self._commit_removals()
        return list(self.data.values())
    def clear(self):
        if self._pending_removals:
            self._commit_removals()
        self.data.clear()
    def __or__(self, other):
        c = self.copy()
        c.update(other)
        return c
    def __ior__(self, other):
        self.update(other)
        return self

def _make_key_remover(selfref):
    def remove(k):
        self = selfref()
        if self is not None:
            if self._iterating:
                self._pending_removals.append(k)
            else:
                try:
                    del self.data[k]
                except KeyError:
                    pass
    return remove

class WeakKeyDictionary:
    def __init__(self, dict=None):
        self.data = {}
        self._remove = _make_key_remover(ref(self))
        self._pending_removals = []
        self._iterating = set()
        self._dirty_len = False
        if dict is not None:
            self.update(dict)
    def _commit_removals(self):
        pop = self._pending_removals.pop
        d = self.data
        while True:
            try:
                key = pop()
            except IndexError:
                return
            try:
                del d[key]
            except KeyError:
                pass
    def _scrub_removals(self):
        d = self.data
        self._pending_removals = [k for k in self._pending_removals if k in d]
        self._dirty_len = False
    def __delitem__(self, key):
        self._dirty_len = True
        del self.data[ref(key)]
    def __getitem__(self, key):
        return self.data[ref(key)]
    def __len__(self):
        if self._dirty_len and self._pending_removals:
            self._scrub_removals()
        return len(self.data) - len(self._pending_removals)
    def __repr__(self):
        return "<%s at %#x>" % (type(self).__name__, id(self))
    def __setitem__(self, key, value):
        self.data[ref(key, self._remove)] = value
    def copy(self):
        new = WeakKeyDictionary()
        with _IterationGuard(self):
            for key, value in self.data.items():
                o = key()
                if o is not None:
                    new[o] = value
        return new
    __copy__ = copy
    def get(self, key, default=None):
        return self.data.get(ref(key), default)
    def __contains__(self, key):
        try:
            wr = ref(key)
        except TypeError:
            return False
        return wr in self.data
    def items(self):
        with _IterationGuard(self):
            for wr, value in self.data.items():
                key = wr()
                if key is not None:
                    yield key, value
    def keys(self):
        with _IterationGuard(self):
            for wr in self.data:
                obj = wr()
                if obj is not None:
                    yield obj
    __iter__ = keys
    def values(self):
        with _IterationGuard(self):
            for wr, value in self.data.items():
                if wr() is not None:
                    yield value
    def keyrefs(self):
        return list(self.data)
    def popitem(self):
        self._dirty_len = True
        while True:
            key, value = self.data.popitem()
            o = key()
            if o is not None:
                return o, value
    def pop(self, key, *args):
        self._dirty_len = True
        return self.data.pop(ref(key), *args)
    def setdefault(self, key, default=None):
        return self.data.setdefault(ref(key, self._remove), default)
    def update(self, dict=None, **kwargs):
        d = self.data
        if dict is not None:
            if not hasattr(dict, "items"):
                dict = type({})(dict)
            for key, value in dict.items():
                d[ref(key, self._remove)] = value
        if len(kwargs):
            self.update(kwargs)
    def clear(self):
        self.data.clear()
    def __or__(self, other):
        c = self.copy()
        c.update(other)
        return c
    def __ior__(self, other):
        self.update(other)
        return self

def _make_set_remover(selfref):
    def remove(item):
        self = selfref()
        if self is not None:
            if self._iterating:
                self._pending_removals.append(item)
            else:
                self.data.discard(item)
    return remove

class WeakSet:
    def __init__(self, data=None):
        self.data = set()
        self._remove = _make_set_remover(ref(self))
        self._pending_removals = []
        self._iterating = set()
        if data is not None:
            self.update(data)
    def _commit_removals(self):
        pop = self._pending_removals.pop
        discard = self.data.discard
        while True:
            try:
                item = pop()
            except IndexError:
                return
            discard(item)
    def __iter__(self):
        with _IterationGuard(self):
            for itemref in self.data:
                item = itemref()
                if item is not None:
                    yield item
    def __len__(self):
        return len(self.data) - len(self._pending_removals)
    def __contains__(self, item):
        try:
            wr = ref(item)
        except TypeError:
            return False
        return wr in self.data
    def __repr__(self):
        return repr(self.data)
    def add(self, item):
        if self._pending_removals:
            self._commit_removals()
        self.data.add(ref(item, self._remove))
    def clear(self):
        if self._pending_removals:
            self._commit_removals()
        self.data.clear()
    def copy(self):
        return WeakSet(self)
    def pop(self):
        if self._pending_removals:
            self._commit_removals()
        while True:
            try:
                itemref = self.data.pop()
            except KeyError:
                raise KeyError("pop from empty WeakSet") from None
            item = itemref()
            if item is not None:
                return item
    def remove(self, item):
        if self._pending_removals:
            self._commit_removals()
        self.data.remove(ref(item))
    def discard(self, item):
        if self._pending_removals:
            self._commit_removals()
        self.data.discard(ref(item))
    def update(self, other):
        if self._pending_removals:
            self._commit_removals()
        for element in other:
            self.add(element)
    def __ior__(self, other):
        self.update(other)
        return self
    def difference(self, other):
        new = self.copy()
        new.difference_update(other)
        return new
    __sub__ = difference
    def difference_update(self, other):
        if self._pending_removals:
            self._commit_removals()
        if self is other:
            self.data.clear()
        else:
            for item in other:
                self.discard(item)
    def intersection(self, other):
        return WeakSet([item for item in other if item in self])
    __and__ = intersection
    def union(self, other):
        new = self.copy()
        new.update(other)
        return new
    __or__ = union
    def issubset(self, other):
        return all(item in other for item in self)
    def issuperset(self, other):
        return all(item in self for item in other)
    def __eq__(self, other):
        if not isinstance(other, WeakSet):
            return NotImplemented
        return self.data == other.data

class WeakMethod(ref):
    def __new__(cls, meth, callback=None):
        try:
            obj = meth.__self__
            func = meth.__func__
        except AttributeError:
            raise TypeError("argument should be a bound method, not " + repr(type(meth))) from None
        cell = []
        def _cb(arg):
            self = cell[0]()
            if self is not None and self._alive:
                self._alive = False
                if callback is not None:
                    callback(self)
        self = ref.__new__(cls, obj, _cb)
        self._func_ref = ref(func, _cb)
        self._alive = True
        cell.append(ref(self))
        return self
    def __init__(self, meth, callback=None):
        pass
    def __call__(self):
        obj = _ref_call(self, (), {})
        func = self._func_ref()
        if obj is None or func is None:
            return None
        return _bind(func, obj)
    def __eq__(self, other):
        if isinstance(other, WeakMethod):
            if not self._alive or not other._alive:
                return self is other
            return _ref_eq(self, other, False) and self._func_ref == other._func_ref
        return NotImplemented
    def __ne__(self, other):
        r = self.__eq__(other)
        if r is NotImplemented:
            return r
        return not r
    def __hash__(self):
        return _ref_hash(self)

class _FinalizeInfo:
    pass

_finalize_counter = [0]

class finalize:
    _registry = {}
    _shutdown = False
    _dirty = False
    _registered_with_atexit = False

    def __init__(self, obj, func, *args, **kwargs):
        if not finalize._registered_with_atexit:
            _register_atexit(_finalize_exitfunc)
            finalize._registered_with_atexit = True
        info = _FinalizeInfo()
        info.weakref = ref(obj, self)
        info.func = func
        info.args = args
        info.kwargs = kwargs or None
        info.atexit = True
        info.index = _finalize_counter[0]
        _finalize_counter[0] += 1
        finalize._registry[self] = info
        finalize._dirty = True

    def __call__(self, _=None):
        info = finalize._registry.pop(self, None)
        if info and not finalize._shutdown:
            return info.func(*info.args, **(info.kwargs or {}))

    def detach(self):
        info = finalize._registry.get(self)
        obj = info and info.weakref()
        if obj is not None and finalize._registry.pop(self, None):
            return (obj, info.func, info.args, info.kwargs or {})

    def peek(self):
        info = finalize._registry.get(self)
        obj = info and info.weakref()
        if obj is not None:
            return (obj, info.func, info.args, info.kwargs or {})

    def _get_alive(self):
        return self in finalize._registry
    alive = property(_get_alive)

    def _get_atexit(self):
        info = finalize._registry.get(self)
        return bool(info) and info.atexit
    def _set_atexit(self, value):
        info = finalize._registry.get(self)
        if info:
            info.atexit = bool(value)
    atexit = property(_get_atexit, _set_atexit)

    def __repr__(self):
        info = finalize._registry.get(self)
        obj = info and info.weakref()
        if obj is None:
            return "<%s object at %#x; dead>" % (type(self).__name__, id(self))
        return "<%s object at %#x; for %r at %#x>" % (type(self).__name__, id(self), type(obj).__name__, id(obj))

def _finalize_select_for_exit():
    pending = [(i.index, f) for (f, i) in finalize._registry.items() if i.atexit]
    pending.sort()
    return [f for (_, f) in pending]

def _finalize_exitfunc():
    reenable_gc = False
    try:
        if finalize._registry:
            import gc
            if gc.isenabled():
                reenable_gc = True
                gc.disable()
            pending = None
            while True:
                if pending is None or finalize._dirty:
                    pending = _finalize_select_for_exit()
                    finalize._dirty = False
                if not pending:
                    break
                f = pending.pop()
                try:
                    f()
                except Exception:
                    _print_exc()
    finally:
        finalize._shutdown = True
        if reenable_gc:
            gc.enable()
"#;

impl Vm {
    /// `import weakref`: the natives, then the Python half, then the hooks.
    pub(crate) fn make_weakref_module(&mut self) -> PyResult<ObjRef> {
        let m = self.new_module("weakref")?;
        let Some(d) = self.module_dict(m) else {
            return Ok(m);
        };
        let r = (|| -> PyResult<()> {
            let fns: &[(&'static str, crate::object::NativeFn)] = &[
                ("getweakrefcount", getweakrefcount),
                ("getweakrefs", getweakrefs),
                ("proxy", proxy),
                ("_ref_new", ref_new),
                ("_ref_call", ref_call),
                ("_ref_hash", ref_hash),
                ("_ref_eq", ref_eq),
                ("_ref_repr", ref_repr),
                ("_proxy_get", proxy_get),
                ("_proxy_repr", proxy_repr),
                ("_is_proxy", is_proxy),
                ("_bind", bind_method),
                ("_register_atexit", register_atexit),
                ("_print_exc", print_exc),
            ];
            for (name, f) in fns {
                self.add_function(d, name, *f)?;
            }
            let code = crate::compile::compile_module(PYTHON_SIDE.as_bytes(), "weakref.py")
                .map_err(|e| self.runtime_error(format!("weakref: {e}")))?;
            let code_obj = self.materialize(&code)?;
            let r = self.run_module_code(code_obj, d);
            self.decref(code_obj);
            self.decref(r?);
            let mut st = WeakState::default();
            for (field, name) in [
                (&mut st.ref_type, "ReferenceType"),
                (&mut st.proxy_type, "ProxyType"),
                (&mut st.callable_proxy_type, "CallableProxyType"),
            ] {
                let id = self.intern_name(name);
                let key = self.name_obj(id);
                if let Some(v) = self.dict_get(d, key)? {
                    *field = v;
                    self.decref(v);
                }
            }
            self.weakref_state = Some(Box::new(st) as Box<dyn Any>);
            self.weakref_hooks = Some(WeakrefHooks {
                clear_on_dealloc,
                handle_gc,
            });
            Ok(())
        })();
        if let Err(e) = r {
            self.decref(m);
            return Err(e);
        }
        Ok(m)
    }

    /// Whether `obj` may be weakly referenced (CPython's
    /// `tp_weaklistoffset != 0`), with CPython's `TypeError` when not.
    fn check_weakrefable(&mut self, obj: ObjRef) -> PyResult<()> {
        let ok = match self.kind(obj) {
            Kind::Instance(i) => {
                let cls = i.class;
                if cls == self.t.object {
                    false
                } else {
                    self.class_allows_weakrefs(cls)
                }
            }
            Kind::Class(_)
            | Kind::Function(_)
            | Kind::Builtin(_)
            | Kind::Method { .. }
            | Kind::Set(_)
            | Kind::FrozenSet(_)
            | Kind::Generator(_)
            | Kind::Module(_)
            | Kind::Code(_) => true,
            _ => false,
        };
        if ok {
            return Ok(());
        }
        let msg = format!(
            "cannot create weak reference to '{}' object",
            self.type_name(obj)
        );
        Err(self.type_error(msg))
    }

    /// A user class allows weak references unless it (or a base) declares
    /// `__slots__` without `'__weakref__'`, or its built-in base does not
    /// (an exception class defined in Python does, the built-in ones not).
    fn class_allows_weakrefs(&mut self, cls: ObjRef) -> bool {
        let Some(c) = self.class(cls) else {
            return false;
        };
        if let Layout::Builtin(_) = c.layout {
            return false;
        }
        if c.module == "builtins" {
            // A built-in exception class instance (`Exception()`).
            return false;
        }
        let mro = c.mro.clone();
        let slots_id = self.n.slots;
        let mut saw_slots = false;
        for k in mro {
            let Some(kc) = self.class(k) else { continue };
            if kc.module == "builtins" {
                continue;
            }
            let Some(s) = kc.attrs.get(slots_id) else {
                // A class without __slots__ in the chain has a dict and a
                // weakref list.
                return true;
            };
            saw_slots = true;
            let names: Vec<String> = match self.kind(s) {
                Kind::Str(so) => vec![so.s.to_string()],
                Kind::Tuple(_) | Kind::List(_) => self
                    .seq_items(s)
                    .into_iter()
                    .filter_map(|x| match self.kind(x) {
                        Kind::Str(so) => Some(so.s.to_string()),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            if names.iter().any(|n| n == "__weakref__" || n == "__dict__") {
                return true;
            }
        }
        !saw_slots
    }

    fn weakref_id(&self, wr: ObjRef) -> Option<WeakRefId> {
        state(self).and_then(|s| s.ids.get(&wr).copied())
    }

    /// Register a new reference object `inst` to `obj`.
    fn register_weakref(&mut self, obj: ObjRef, inst: ObjRef, new: NewWeakRef<ObjRef>) {
        if let Some(st) = state_mut(self) {
            let id = st.reg.insert(obj, new, inst);
            st.ids.insert(inst, id);
        }
        for r in [obj, inst] {
            if let Some(o) = self.heap.get_mut(r) {
                o.flags |= flags::WEAKLY_REFERENCED;
            }
        }
    }

    /// Create an instance of `cls` holding `callback` as `__callback__`.
    fn new_weakref_object(&mut self, cls: ObjRef, callback: Option<ObjRef>) -> PyResult<ObjRef> {
        let inst = self.new_instance(cls)?;
        let cb = callback.unwrap_or(self.none_ref());
        let name = self.intern_name("__callback__");
        if let Err(e) = self.generic_setattr(inst, name, cb) {
            self.decref(inst);
            return Err(e);
        }
        Ok(inst)
    }

    /// Call the due callbacks: each as `callback(weakref)`, the reference
    /// kept alive around its call; an exception is reported as
    /// unraisable. `take`: the refcount path, where the callback leaves the
    /// reference (`__callback__` becomes None). Returns how many reference
    /// objects died when the temporary reference was dropped.
    fn run_weakref_callbacks(
        &mut self,
        due: Vec<PendingCallback<ObjRef, ObjRef>>,
        take: bool,
    ) -> usize {
        let mut freed = 0;
        for p in &due {
            self.incref(p.weakref);
        }
        let cb_name = self.intern_name("__callback__");
        for p in due {
            let wr = p.weakref;
            let cb = if take {
                let none = self.none_ref();
                match self.heap.get_mut(wr).map(|o| &mut o.kind) {
                    Some(Kind::Instance(i)) => i.attrs.set(cb_name, none),
                    _ => None,
                }
            } else {
                self.incref(p.callback);
                Some(p.callback)
            };
            if let Some(cb) = cb {
                if !self.is_none(cb) {
                    let saved = self.exc_info.take();
                    let res = self.call(cb, &[wr], &[]);
                    self.exc_info = saved;
                    match res {
                        Ok(v) => self.decref(v),
                        Err(PyErr::Exc(e)) => {
                            let what = self.repr_string(cb).unwrap_or_else(|_| "callback".into());
                            self.write_err(&format!("Exception ignored in: {what}\n"));
                            self.print_exception(e);
                            self.decref(e);
                        }
                        Err(PyErr::Abort(a)) => self.abort = Some(a),
                    }
                }
                self.decref(cb);
            }
            self.decref(wr);
            if !self.heap.is_live(wr) {
                freed += 1;
            }
        }
        freed
    }
}

/// [`WeakrefHooks::clear_on_dealloc`]: `r` is being deallocated by
/// reference counting (after its `__del__`).
fn clear_on_dealloc(vm: &mut Vm, r: ObjRef) {
    let Some(st) = state_mut(vm) else {
        return;
    };
    // A reference object dying first: its callback never runs.
    if let Some(id) = st.ids.remove(&r) {
        st.reg.remove(id);
    }
    let due = st.reg.clear_referent(r);
    if !due.is_empty() {
        vm.run_weakref_callbacks(due, true);
    }
}

/// [`WeakrefHooks::handle_gc`]: the collector found `garbage` unreachable.
fn handle_gc(vm: &mut Vm, garbage: &[ObjRef]) -> usize {
    let Some(st) = state_mut(vm) else {
        return 0;
    };
    let trash: Vec<WeakRefId> = garbage
        .iter()
        .filter_map(|g| st.ids.get(g).copied())
        .collect();
    let due = st.reg.handle_weakrefs(garbage.iter().copied(), trash);
    if due.is_empty() {
        return 0;
    }
    vm.run_weakref_callbacks(due, false)
}

fn new_tuple_arg(vm: &Vm, t: ObjRef) -> Vec<ObjRef> {
    match vm.kind(t) {
        Kind::Tuple(items) => items.to_vec(),
        _ => Vec::new(),
    }
}

/// `ReferenceType.__new__(cls, ob, callback=None)` (`weakref___new__`).
fn ref_new(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("_ref_new", args, 2, 2)?;
    let cls = args[0];
    let a = new_tuple_arg(vm, args[1]);
    match a.len() {
        0 => return Err(vm.type_error("__new__ expected at least 1 argument, got 0")),
        1 | 2 => {}
        n => {
            return Err(vm.type_error(format!("__new__ expected at most 2 arguments, got {n}")));
        }
    }
    let ob = a[0];
    let callback = a.get(1).copied().filter(|c| !vm.is_none(*c));
    vm.check_weakrefable(ob)?;
    let Some(ref_type) = state(vm).map(|s| s.ref_type) else {
        return Err(vm.runtime_error("weakref module is not initialised"));
    };
    let subclass = cls != ref_type;
    if callback.is_none()
        && !subclass
        && let Some(w) = state(vm).and_then(|s| s.reg.reusable(ob, Flavor::Ref).map(|(_, w)| *w))
    {
        vm.incref(w);
        return Ok(w);
    }
    let inst = vm.new_weakref_object(cls, callback)?;
    vm.register_weakref(
        ob,
        inst,
        NewWeakRef {
            flavor: Flavor::Ref,
            callback,
            subclass,
        },
    );
    Ok(inst)
}

fn wr_id(vm: &mut Vm, wr: ObjRef) -> PyResult<WeakRefId> {
    match vm.weakref_id(wr) {
        Some(id) => Ok(id),
        None => {
            let msg = format!(
                "descriptor requires a 'weakref.ReferenceType' object but received a '{}'",
                vm.type_name(wr)
            );
            Err(vm.type_error(msg))
        }
    }
}

/// `wr()`: the referent or None.
fn ref_call(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("_ref_call", args, 3, 3)?;
    let n = new_tuple_arg(vm, args[1]).len();
    if n != 0 {
        return Err(vm.type_error(format!("weakref expected 0 arguments, got {n}")));
    }
    if vm.dict_len(args[2]) != 0 {
        return Err(vm.type_error("weakref() takes no keyword arguments"));
    }
    let id = wr_id(vm, args[0])?;
    match state(vm).and_then(|s| s.reg.resolve(id)) {
        Some(k) => {
            vm.incref(k);
            Ok(k)
        }
        None => Ok(vm.none()),
    }
}

/// `hash(wr)`: the referent's hash, cached; a dead, never-hashed
/// reference is a TypeError.
fn ref_hash(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("_ref_hash", args, 1, 1)?;
    let id = wr_id(vm, args[0])?;
    let h = match state(vm).map(|s| s.reg.hash(id)) {
        Some(Ok(WeakHash::Cached(h))) => h,
        Some(Ok(WeakHash::Compute(k))) => {
            let h = vm.hash(k)?;
            if let Some(st) = state_mut(vm) {
                let _ = st.reg.set_hash(id, h);
            }
            h
        }
        Some(Err(e)) => return Err(vm.type_error(e.to_string())),
        None => return Err(vm.type_error("weak object has gone away")),
    };
    vm.new_int(h)
}

/// `wr == other` / `wr != other`.
fn ref_eq(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("_ref_eq", args, 3, 3)?;
    let ne = vm.truthy(args[2])?;
    let (Some(a), Some(b)) = (vm.weakref_id(args[0]), vm.weakref_id(args[1])) else {
        return Ok(vm.not_implemented());
    };
    let cmp = match state(vm).map(|s| s.reg.compare(a, b)) {
        Some(Ok(c)) => c,
        _ => Comparison::Identity(args[0] == args[1]),
    };
    let eq = match cmp {
        Comparison::Identity(same) => same,
        Comparison::Referents(x, y) => {
            vm.incref(x);
            vm.incref(y);
            let r = vm.eq(x, y);
            vm.decref(x);
            vm.decref(y);
            r?
        }
    };
    Ok(vm.bool_obj(eq != ne))
}

/// `to 'C' at 0x... (name)` for a live referent.
fn referent_text(vm: &mut Vm, k: ObjRef) -> String {
    let tn = match vm.kind(k) {
        Kind::Instance(_) => vm.type_name(k).to_string(),
        other => crate::object::kind_type_name(other).to_string(),
    };
    let mut s = format!("to '{tn}' at {:#x}", vm.heap.addr(k));
    let name = vm.n.name;
    vm.incref(k);
    match vm.getattr_opt(k, name) {
        Ok(Some(n)) => {
            if let Kind::Str(so) = vm.kind(n) {
                s.push_str(&format!(" ({})", so.s));
            }
            vm.decref(n);
        }
        Ok(None) => {}
        Err(e) => vm.drop_err(e),
    }
    vm.decref(k);
    s
}

/// `repr(wr)`: `<weakref at 0x...; to 'C' at 0x...>` or `; dead>`.
fn ref_repr(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("_ref_repr", args, 1, 1)?;
    let wr = args[0];
    let id = wr_id(vm, wr)?;
    let addr = vm.heap.addr(wr);
    let s = match state(vm).and_then(|s| s.reg.resolve(id)) {
        Some(k) => format!("<weakref at {addr:#x}; {}>", referent_text(vm, k)),
        None => format!("<weakref at {addr:#x}; dead>"),
    };
    vm.new_string(s)
}

/// `weakref.proxy(object[, callback])`.
fn proxy(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.no_kwargs("proxy", kw)?;
    vm.check_args("proxy", args, 1, 2)?;
    let ob = args[0];
    let callback = args.get(1).copied().filter(|c| !vm.is_none(*c));
    vm.check_weakrefable(ob)?;
    let callable = match vm.kind(ob) {
        Kind::Function(_) | Kind::Builtin(_) | Kind::Method { .. } | Kind::Class(_) => true,
        Kind::Instance(i) => vm.lookup_in_mro(i.class, vm.n.call).is_some(),
        _ => false,
    };
    let flavor = if callable {
        Flavor::CallableProxy
    } else {
        Flavor::Proxy
    };
    if callback.is_none()
        && let Some(w) = state(vm).and_then(|s| s.reg.reusable(ob, flavor).map(|(_, w)| *w))
    {
        vm.incref(w);
        return Ok(w);
    }
    let Some(cls) = state(vm).map(|s| {
        if callable {
            s.callable_proxy_type
        } else {
            s.proxy_type
        }
    }) else {
        return Err(vm.runtime_error("weakref module is not initialised"));
    };
    let inst = vm.new_weakref_object(cls, callback)?;
    vm.register_weakref(ob, inst, NewWeakRef::proxy(callable, callback));
    Ok(inst)
}

/// The referent of a proxy, or `ReferenceError`.
fn proxy_get(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("_proxy_get", args, 1, 1)?;
    let id = wr_id(vm, args[0])?;
    let res = state(vm).map(|s| s.reg.proxy_referent(id));
    match res {
        Some(Ok(k)) => {
            vm.incref(k);
            Ok(k)
        }
        Some(Err(e)) => {
            let c = vm.t.reference_error;
            Err(vm.err(c, e.to_string()))
        }
        None => {
            let c = vm.t.reference_error;
            Err(vm.err(c, "weakly-referenced object no longer exists"))
        }
    }
}

/// Whether an object is one of our proxies.
fn is_proxy(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("_is_proxy", args, 1, 1)?;
    let yes = match vm.weakref_id(args[0]) {
        Some(id) => state(vm)
            .and_then(|s| s.reg.flavor(id))
            .is_some_and(Flavor::is_proxy),
        None => false,
    };
    Ok(vm.bool_obj(yes))
}

/// `repr(proxy)`: `<weakproxy at 0x...; to 'C' at 0x...>`.
fn proxy_repr(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("_proxy_repr", args, 1, 1)?;
    let wr = args[0];
    let id = wr_id(vm, wr)?;
    let addr = vm.heap.addr(wr);
    let s = match state(vm).and_then(|s| s.reg.resolve(id)) {
        Some(k) => format!("<weakproxy at {addr:#x}; {}>", referent_text(vm, k)),
        None => {
            // proxy_repr shows the cleared referent, None.
            let none = vm.none_ref();
            format!(
                "<weakproxy at {addr:#x}; to 'NoneType' at {:#x}>",
                vm.heap.addr(none)
            )
        }
    };
    vm.new_string(s)
}

/// `weakref.getweakrefcount(object)`.
fn getweakrefcount(
    vm: &mut Vm,
    _r: Option<ObjRef>,
    args: &[ObjRef],
    kw: Kw<'_>,
) -> PyResult<ObjRef> {
    vm.no_kwargs("_weakref.getweakrefcount", kw)?;
    vm.check_args("_weakref.getweakrefcount", args, 1, 1)?;
    let n = state(vm).map_or(0, |s| s.reg.weakref_count(args[0]));
    vm.new_int(n as i64)
}

/// `weakref.getweakrefs(object)`: the references in CPython's list order.
fn getweakrefs(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.no_kwargs("_weakref.getweakrefs", kw)?;
    vm.check_args("_weakref.getweakrefs", args, 1, 1)?;
    let items: Vec<ObjRef> = state(vm)
        .map(|s| s.reg.weakrefs(args[0]).map(|(_, w)| *w).collect())
        .unwrap_or_default();
    for w in &items {
        vm.incref(*w);
    }
    vm.new_list(items)
}

/// A bound method `func.__get__(obj)` (for `WeakMethod.__call__`).
fn bind_method(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("_bind", args, 2, 2)?;
    let (func, obj) = (args[0], args[1]);
    vm.incref(func);
    vm.incref(obj);
    vm.alloc(
        Kind::Method {
            func,
            receiver: obj,
        },
        crate::object::sizes::METHOD,
    )
}

/// `atexit.register(func)` for `finalize`'s exit function.
fn register_atexit(
    vm: &mut Vm,
    _r: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    vm.check_args("_register_atexit", args, 1, 1)?;
    let f = args[0];
    let first = match state_mut(vm) {
        Some(st) => {
            st.exit_funcs.push(f);
            st.exit_funcs.len() == 1
        }
        None => false,
    };
    if first {
        vm.atexit_hooks.push(run_exit_funcs);
    }
    Ok(vm.none())
}

/// The atexit hook: call the registered exit functions, newest first.
fn run_exit_funcs(vm: &mut Vm) {
    let funcs = match state_mut(vm) {
        Some(st) => std::mem::take(&mut st.exit_funcs),
        None => return,
    };
    for f in funcs.into_iter().rev() {
        if !vm.heap.is_live(f) {
            continue;
        }
        vm.incref(f);
        match vm.call(f, &[], &[]) {
            Ok(v) => vm.decref(v),
            Err(PyErr::Exc(e)) => {
                vm.print_exception(e);
                vm.decref(e);
            }
            Err(PyErr::Abort(a)) => vm.abort = Some(a),
        }
        vm.decref(f);
    }
}

/// `sys.excepthook(*sys.exc_info())` for an exception a finalizer raised
/// at exit.
fn print_exc(vm: &mut Vm, _r: Option<ObjRef>, _args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    if let Some(e) = vm.exc_info {
        vm.incref(e);
        vm.print_exception(e);
        vm.decref(e);
    }
    Ok(vm.none())
}
