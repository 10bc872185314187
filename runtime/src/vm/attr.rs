//! Attribute access (`PyObject_GenericGetAttr` and friends), method
//! loading without bound-method objects, calling classes, and creating
//! classes from a class body's namespace.

use crate::object::{Attrs, Kind, Layout, NameId, ObjRef, sizes};

use super::{PyErr, PyResult, Vm};

impl Vm {
    /// `getattr(obj, name)`: a new reference.
    pub fn getattr(&mut self, obj: ObjRef, name: NameId) -> PyResult<ObjRef> {
        match self.getattr_opt(obj, name)? {
            Some(v) => Ok(v),
            None => {
                // __getattr__ fallback.
                if let Kind::Instance(i) = self.kind(obj) {
                    let cls = i.class;
                    if self.class(cls).is_some_and(|c| c.slots.has_getattr)
                        && let Some(m) = self.lookup_in_mro(cls, self.n.getattr)
                    {
                        self.incref(m);
                        let n = self.name_obj(name);
                        let r = self.call(m, &[obj, n], &[]);
                        self.decref(m);
                        return r;
                    }
                }
                Err(self.no_attribute(obj, name))
            }
        }
    }

    /// The AttributeError for `obj.name`.
    pub fn no_attribute(&mut self, obj: ObjRef, name: NameId) -> PyErr {
        let n = self.name_str(name).to_string();
        let msg = match self.kind(obj) {
            Kind::Class(c) => format!("type object '{}' has no attribute '{n}'", c.name),
            Kind::Module(m) => format!("module '{}' has no attribute '{n}'", m.name),
            _ => format!("'{}' object has no attribute '{n}'", self.type_name(obj)),
        };
        self.attribute_error(msg)
    }

    /// Attribute lookup without `__getattr__`; `None` when absent.
    pub fn getattr_opt(&mut self, obj: ObjRef, name: NameId) -> PyResult<Option<ObjRef>> {
        let cls = self.type_of(obj);
        let descr = self.lookup_in_mro(cls, name);
        // Data descriptors (property) take precedence over the instance dict.
        if let Some(d) = descr
            && let Kind::Property { fget, .. } = self.kind(d)
        {
            let Some(g) = *fget else {
                let msg = format!(
                    "property '{}' of '{}' object has no getter",
                    self.name_str(name),
                    self.type_name(obj)
                );
                return Err(self.attribute_error(msg));
            };
            return self.call(g, &[obj], &[]).map(Some);
        }
        match self.kind(obj) {
            Kind::Instance(i) => {
                if let Some(v) = i.attrs.get(name) {
                    self.incref(v);
                    return Ok(Some(v));
                }
                if i.exc.is_some()
                    && let Some(v) = self.exception_attr(obj, name)?
                {
                    return Ok(Some(v));
                }
            }
            Kind::Class(_) => return self.class_getattr(obj, name),
            Kind::Module(m) => {
                let d = m.dict;
                let key = self.name_obj(name);
                if let Some(v) = self.dict_get(d, key)? {
                    return Ok(Some(v));
                }
                if name == self.n.dict {
                    self.incref(d);
                    return Ok(Some(d));
                }
            }
            Kind::Function(f) => {
                if let Some(v) = f.attrs.get(name) {
                    self.incref(v);
                    return Ok(Some(v));
                }
                let n = &self.n;
                let s = if name == n.name {
                    Some(f.name.clone())
                } else if name == n.qualname {
                    Some(f.qualname.clone())
                } else {
                    None
                };
                if let Some(s) = s {
                    return self.new_string(s).map(Some);
                }
                if name == self.n.defaults {
                    let d = f.defaults.clone();
                    if d.is_empty() {
                        return Ok(Some(self.none()));
                    }
                    for x in &d {
                        self.incref(*x);
                    }
                    return self.new_tuple(d).map(Some);
                }
            }
            Kind::Method { func, receiver } => {
                let (func, receiver) = (*func, *receiver);
                if name == self.n.self_ {
                    self.incref(receiver);
                    return Ok(Some(receiver));
                }
                if name == self.n.func {
                    self.incref(func);
                    return Ok(Some(func));
                }
                if descr.is_none() {
                    return self.getattr_opt(func, name);
                }
            }
            Kind::Builtin(b) => {
                if name == self.n.name || name == self.n.qualname {
                    let s = b.name;
                    return self.new_str(s).map(Some);
                }
                if name == self.n.self_ {
                    let r = b.receiver.unwrap_or(self.none_ref());
                    self.incref(r);
                    return Ok(Some(r));
                }
            }
            Kind::Super { class, obj: sobj } => {
                let (start, sobj) = (*class, *sobj);
                return self.super_getattr(start, sobj, name);
            }
            Kind::Generator(g) => {
                if name == self.n.name {
                    let s = g.name.clone();
                    return self.new_str(&s).map(Some);
                }
                if name == self.n.qualname {
                    let s = g.qualname.clone();
                    return self.new_str(&s).map(Some);
                }
            }
            Kind::Cell(c) if self.name_str(name) == "cell_contents" => {
                if let Some(v) = *c {
                    self.incref(v);
                    return Ok(Some(v));
                }
                return Err(self.value_error("Cell is empty"));
            }
            Kind::Property { fget, .. } if self.name_str(name) == "fget" => {
                let v = fget.unwrap_or(self.none_ref());
                self.incref(v);
                return Ok(Some(v));
            }
            Kind::StaticMethod(f) | Kind::ClassMethod(f) if name == self.n.func => {
                let f = *f;
                self.incref(f);
                return Ok(Some(f));
            }
            Kind::Int(_) | Kind::Bool(_) | Kind::BigInt(_) | Kind::Float(_) => {
                let n = self.name_str(name);
                if n == "real" || n == "numerator" {
                    if matches!(self.kind(obj), Kind::Bool(_)) {
                        let v = self.num(obj).map(|n| match n {
                            super::number::Num::I(i) => i,
                            _ => 0,
                        });
                        return self.new_int(v.unwrap_or(0)).map(Some);
                    }
                    self.incref(obj);
                    return Ok(Some(obj));
                }
                if n == "imag" {
                    return self.new_int(0).map(Some);
                }
                if n == "denominator" {
                    return self.new_int(1).map(Some);
                }
            }
            Kind::Range { start, stop, step } => {
                let n = self.name_str(name);
                let v = match n {
                    "start" => Some(*start),
                    "stop" => Some(*stop),
                    "step" => Some(*step),
                    _ => None,
                };
                if let Some(v) = v {
                    self.incref(v);
                    return Ok(Some(v));
                }
            }
            Kind::Slice { start, stop, step } => {
                let n = self.name_str(name);
                let v = match n {
                    "start" => Some(*start),
                    "stop" => Some(*stop),
                    "step" => Some(*step),
                    _ => None,
                };
                if let Some(v) = v {
                    self.incref(v);
                    return Ok(Some(v));
                }
            }
            _ => {}
        }
        if name == self.n.class {
            self.incref(cls);
            return Ok(Some(cls));
        }
        if name == self.n.dict
            && let Kind::Instance(_) = self.kind(obj)
        {
            return self.instance_dict(obj).map(Some);
        }
        match descr {
            Some(d) => self.bind(d, obj, cls).map(Some),
            None => Ok(None),
        }
    }

    /// Bind a class attribute found on `type(obj)` to `obj`.
    fn bind(&mut self, d: ObjRef, obj: ObjRef, cls: ObjRef) -> PyResult<ObjRef> {
        match self.kind(d) {
            Kind::Function(_) => {
                self.incref(d);
                self.incref(obj);
                self.alloc(
                    Kind::Method {
                        func: d,
                        receiver: obj,
                    },
                    sizes::METHOD,
                )
            }
            Kind::Builtin(b) if b.receiver.is_none() => {
                let (name, func) = (b.name, b.func);
                self.incref(obj);
                self.alloc(
                    Kind::Builtin(crate::object::Builtin {
                        name,
                        func,
                        receiver: Some(obj),
                    }),
                    sizes::BUILTIN,
                )
            }
            Kind::StaticMethod(f) => {
                let f = *f;
                self.incref(f);
                Ok(f)
            }
            Kind::ClassMethod(f) => {
                let f = *f;
                self.incref(f);
                self.incref(cls);
                self.alloc(
                    Kind::Method {
                        func: f,
                        receiver: cls,
                    },
                    sizes::METHOD,
                )
            }
            _ => {
                self.incref(d);
                Ok(d)
            }
        }
    }

    fn class_getattr(&mut self, cls: ObjRef, name: NameId) -> PyResult<Option<ObjRef>> {
        if let Some(v) = self.lookup_in_mro(cls, name) {
            return match self.kind(v) {
                Kind::StaticMethod(f) => {
                    let f = *f;
                    self.incref(f);
                    Ok(Some(f))
                }
                Kind::ClassMethod(f) => {
                    let f = *f;
                    self.incref(f);
                    self.incref(cls);
                    self.alloc(
                        Kind::Method {
                            func: f,
                            receiver: cls,
                        },
                        sizes::METHOD,
                    )
                    .map(Some)
                }
                _ => {
                    self.incref(v);
                    Ok(Some(v))
                }
            };
        }
        let n = self.n;
        let Some(c) = self.class(cls) else {
            return Ok(None);
        };
        if name == n.name {
            let s = c.name.clone();
            return self.new_string(s).map(Some);
        }
        if name == n.qualname {
            let s = c.qualname.clone();
            return self.new_string(s).map(Some);
        }
        if name == n.module {
            let s = c.module.clone();
            return self.new_string(s).map(Some);
        }
        if name == n.mro {
            let m = c.mro.clone();
            for x in &m {
                self.incref(*x);
            }
            return self.new_tuple(m).map(Some);
        }
        if name == n.base {
            let b = c.base.unwrap_or(self.none_ref());
            self.incref(b);
            return Ok(Some(b));
        }
        if name == n.bases {
            let b: Vec<ObjRef> = c.base.into_iter().collect();
            for x in &b {
                self.incref(*x);
            }
            return self.new_tuple(b).map(Some);
        }
        if name == n.class {
            let t = self.t.type_;
            return Ok(Some(t));
        }
        if name == n.dict {
            let items = c.attrs.items.clone();
            let d = self.new_dict()?;
            for (k, v) in items {
                let key = self.name_obj(k);
                self.dict_set(d, key, v)?;
            }
            return Ok(Some(d));
        }
        if name == n.doc {
            return Ok(Some(self.none()));
        }
        Ok(None)
    }

    fn super_getattr(
        &mut self,
        start: ObjRef,
        obj: ObjRef,
        name: NameId,
    ) -> PyResult<Option<ObjRef>> {
        let objtype = if matches!(self.kind(obj), Kind::Class(_)) {
            obj
        } else {
            self.type_of(obj)
        };
        let mro = self
            .class(objtype)
            .map(|c| c.mro.clone())
            .unwrap_or_default();
        let pos = mro
            .iter()
            .position(|c| *c == start)
            .map_or(mro.len(), |p| p + 1);
        for c in mro.iter().skip(pos) {
            let v = self.class(*c).and_then(|k| k.attrs.get(name));
            if let Some(v) = v {
                if matches!(self.kind(obj), Kind::Class(_)) {
                    return match self.kind(v) {
                        Kind::ClassMethod(f) => {
                            let f = *f;
                            self.incref(f);
                            self.incref(obj);
                            self.alloc(
                                Kind::Method {
                                    func: f,
                                    receiver: obj,
                                },
                                sizes::METHOD,
                            )
                            .map(Some)
                        }
                        _ => {
                            self.incref(v);
                            Ok(Some(v))
                        }
                    };
                }
                return self.bind(v, obj, objtype).map(Some);
            }
        }
        Ok(None)
    }

    fn exception_attr(&mut self, e: ObjRef, name: NameId) -> PyResult<Option<ObjRef>> {
        let n = self.n;
        let Some(st) = self.exc_state(e) else {
            return Ok(None);
        };
        let v = if name == n.args {
            st.args
        } else if name == n.cause {
            Some(st.cause.unwrap_or(self.none_ref()))
        } else if name == n.context {
            Some(st.context.unwrap_or(self.none_ref()))
        } else if name == n.suppress_context {
            let b = st.suppress_context;
            return Ok(Some(self.bool_obj(b)));
        } else if name == n.traceback {
            Some(self.none_ref())
        } else if name == n.value && self.is_instance(e, self.t.stop_iteration) {
            let args = st.args;
            let first = args.and_then(|a| match self.kind(a) {
                Kind::Tuple(t) => t.first().copied(),
                _ => None,
            });
            Some(first.unwrap_or(self.none_ref()))
        } else {
            None
        };
        if let Some(v) = v {
            self.incref(v);
        }
        Ok(v)
    }

    fn instance_dict(&mut self, obj: ObjRef) -> PyResult<ObjRef> {
        let items = match self.kind(obj) {
            Kind::Instance(i) => i.attrs.items.clone(),
            _ => Vec::new(),
        };
        let d = self.new_dict()?;
        for (k, v) in items {
            let key = self.name_obj(k);
            if let Err(e) = self.dict_set(d, key, v) {
                self.decref(d);
                return Err(e);
            }
        }
        Ok(d)
    }

    /// `obj.name = value` (borrowed value).
    pub fn setattr(&mut self, obj: ObjRef, name: NameId, value: ObjRef) -> PyResult<()> {
        let cls = self.type_of(obj);
        if let Some(d) = self.lookup_in_mro(cls, name)
            && let Kind::Property { fset, .. } = self.kind(d)
        {
            let Some(s) = *fset else {
                let msg = format!("can't set attribute '{}'", self.name_str(name));
                return Err(self.attribute_error(msg));
            };
            let r = self.call(s, &[obj, value], &[])?;
            self.decref(r);
            return Ok(());
        }
        if let Kind::Instance(i) = self.kind(obj) {
            let c = i.class;
            if self.class(c).is_some_and(|k| k.slots.has_setattr)
                && let Some(m) = self.lookup_in_mro(c, self.n.setattr)
                && matches!(self.kind(m), Kind::Function(_))
            {
                self.incref(m);
                let n = self.name_obj(name);
                let r = self.call(m, &[obj, n, value], &[]);
                self.decref(m);
                self.decref(r?);
                return Ok(());
            }
        }
        self.generic_setattr(obj, name, value)
    }

    /// `object.__setattr__`.
    pub fn generic_setattr(&mut self, obj: ObjRef, name: NameId, value: ObjRef) -> PyResult<()> {
        let n = self.n;
        let is_exc_field = matches!(self.kind(obj), Kind::Instance(i) if i.exc.is_some())
            && (name == n.cause
                || name == n.context
                || name == n.args
                || name == n.suppress_context);
        if is_exc_field {
            return self.set_exception_field(obj, name, value);
        }
        self.incref(value);
        let mut grew: Option<(ObjRef, usize)> = None;
        let old = match self.heap.get_mut(obj).map(|o| &mut o.kind) {
            Some(Kind::Instance(i)) => {
                let old = i.attrs.set(name, value);
                if old.is_none() {
                    grew = Some((i.class, i.attrs.items.len()));
                }
                Ok(old)
            }
            Some(Kind::Function(f)) => Ok(f.attrs.set(name, value)),
            Some(Kind::Class(c)) => Ok(c.attrs.set(name, value)),
            Some(Kind::Module(m)) => Err(Some(m.dict)),
            _ => Err(None),
        };
        if let Some((cls, n)) = grew
            && let Some(crate::object::Obj {
                kind: Kind::Class(c),
                ..
            }) = self.heap.get_mut(cls)
            && c.shared_names < n
        {
            c.shared_names = n;
        }
        match old {
            Ok(old) => {
                if matches!(self.kind(obj), Kind::Class(_)) {
                    self.refresh_slots(obj);
                }
                self.xdecref(old);
                Ok(())
            }
            Err(Some(d)) => {
                self.decref(value);
                let key = self.name_obj(name);
                self.dict_set(d, key, value)
            }
            Err(None) => {
                self.decref(value);
                let msg = if self.lookup_in_mro(self.type_of(obj), name).is_some() {
                    format!(
                        "'{}' object attribute '{}' is read-only",
                        self.type_name(obj),
                        self.name_str(name)
                    )
                } else {
                    format!(
                        "'{}' object has no attribute '{}'",
                        self.type_name(obj),
                        self.name_str(name)
                    )
                };
                Err(self.attribute_error(msg))
            }
        }
    }

    fn set_exception_field(&mut self, obj: ObjRef, name: NameId, value: ObjRef) -> PyResult<()> {
        let n = self.n;
        let none = self.is_none(value);
        if name == n.suppress_context {
            let b = self.truthy(value)?;
            if let Some(st) = self.exc_state_mut(obj) {
                st.suppress_context = b;
            }
            return Ok(());
        }
        self.incref(value);
        let v = if none && name != n.args {
            None
        } else {
            Some(value)
        };
        let old = match self.exc_state_mut(obj) {
            Some(st) => {
                if name == n.cause {
                    st.suppress_context = true;
                    std::mem::replace(&mut st.cause, v)
                } else if name == n.context {
                    std::mem::replace(&mut st.context, v)
                } else {
                    std::mem::replace(&mut st.args, v)
                }
            }
            None => v,
        };
        if none && name != n.args {
            self.decref(value);
        }
        self.xdecref(old);
        Ok(())
    }

    /// `del obj.name`.
    pub fn delattr(&mut self, obj: ObjRef, name: NameId) -> PyResult<()> {
        let cls = self.type_of(obj);
        if let Some(d) = self.lookup_in_mro(cls, name)
            && let Kind::Property { fdel: Some(fd), .. } = self.kind(d)
        {
            let fd = *fd;
            let r = self.call(fd, &[obj], &[])?;
            self.decref(r);
            return Ok(());
        }
        let old = match self.heap.get_mut(obj).map(|o| &mut o.kind) {
            Some(Kind::Instance(i)) => i.attrs.remove(name),
            Some(Kind::Function(f)) => f.attrs.remove(name),
            Some(Kind::Class(c)) => c.attrs.remove(name),
            Some(Kind::Module(m)) => {
                let d = m.dict;
                let key = self.name_obj(name);
                if self.dict_del(d, key)? {
                    return Ok(());
                }
                None
            }
            _ => None,
        };
        match old {
            Some(v) => {
                if matches!(self.kind(obj), Kind::Class(_)) {
                    self.refresh_slots(obj);
                }
                self.decref(v);
                Ok(())
            }
            None => Err(self.no_attribute(obj, name)),
        }
    }

    /// `LOAD_METHOD`: the unbound function when `obj.name` would be a bound
    /// method of `type(obj)` (new reference), `None` otherwise.
    pub fn load_method(&mut self, obj: ObjRef, name: NameId) -> PyResult<Option<ObjRef>> {
        let cls = self.type_of(obj);
        let Some(d) = self.lookup_in_mro(cls, name) else {
            return Ok(None);
        };
        let plain = match self.kind(d) {
            Kind::Function(_) => true,
            Kind::Builtin(b) => b.receiver.is_none(),
            _ => false,
        };
        if !plain {
            return Ok(None);
        }
        if let Kind::Instance(i) = self.kind(obj)
            && i.attrs.get(name).is_some()
        {
            return Ok(None);
        }
        if matches!(
            self.kind(obj),
            Kind::Class(_) | Kind::Module(_) | Kind::Super { .. }
        ) {
            return Ok(None);
        }
        self.incref(d);
        Ok(Some(d))
    }

    /// `obj.name(*args)`.
    pub fn call_method(&mut self, obj: ObjRef, name: NameId, args: &[ObjRef]) -> PyResult<ObjRef> {
        if let Some(m) = self.load_method(obj, name)? {
            let mut v = Vec::with_capacity(args.len() + 1);
            v.push(obj);
            v.extend_from_slice(args);
            let r = self.call(m, &v, &[]);
            self.decref(m);
            return r;
        }
        let m = self.getattr(obj, name)?;
        let r = self.call(m, args, &[]);
        self.decref(m);
        r
    }

    /// Call a class: built-in constructors, or instance creation plus `__init__`.
    pub fn call_class(
        &mut self,
        cls: ObjRef,
        args: &[ObjRef],
        kwargs: &[(NameId, ObjRef)],
    ) -> PyResult<ObjRef> {
        let Some(c) = self.class(cls) else {
            return Err(self.type_error("not a class"));
        };
        let layout = c.layout;
        // The built-in type this class derives its construction from.
        let mut ctor = None;
        let mro = c.mro.clone();
        for k in &mro {
            if let Some(kc) = self.class(*k)
                && let Some(f) = kc.ctor
            {
                ctor = Some(f);
                break;
            }
        }
        if let Layout::Builtin(_) = layout {
            if let Some(f) = ctor {
                return f(self, Some(cls), args, kwargs);
            }
            let msg = format!("cannot create '{}' instances", self.class_name(cls));
            return Err(self.type_error(msg));
        }
        if cls == self.t.object && (!args.is_empty() || !kwargs.is_empty()) {
            return Err(self.type_error("object() takes no arguments"));
        }
        // User __new__.
        let user_new = self
            .lookup_in_mro(cls, self.n.new)
            .filter(|m| matches!(self.kind(*m), Kind::Function(_) | Kind::StaticMethod(_)));
        let inst = if let Some(nw) = user_new {
            let f = match self.kind(nw) {
                Kind::StaticMethod(f) => *f,
                _ => nw,
            };
            self.incref(f);
            let mut v = vec![cls];
            v.extend_from_slice(args);
            let r = self.call(f, &v, kwargs);
            self.decref(f);
            let r = r?;
            if !self.is_instance(r, cls) {
                return Ok(r);
            }
            r
        } else if layout == Layout::Exception {
            let a: Vec<ObjRef> = args.to_vec();
            for x in &a {
                self.incref(*x);
            }
            self.new_exception_obj(cls, a)?
        } else {
            self.new_instance(cls)?
        };
        match self.lookup_in_mro(cls, self.n.init) {
            Some(init) if matches!(self.kind(init), Kind::Function(_)) => {
                self.incref(init);
                let mut v = Vec::with_capacity(args.len() + 1);
                v.push(inst);
                v.extend_from_slice(args);
                let r = self.call(init, &v, kwargs);
                self.decref(init);
                match r {
                    Ok(ret) => {
                        let bad = !self.is_none(ret);
                        self.decref(ret);
                        if bad {
                            self.decref(inst);
                            let msg = format!("__init__() should return None, not '{}'", "object");
                            return Err(self.type_error(msg));
                        }
                    }
                    Err(e) => {
                        self.decref(inst);
                        return Err(e);
                    }
                }
            }
            _ => {
                if layout == Layout::Object
                    && user_new.is_none()
                    && (!args.is_empty() || !kwargs.is_empty())
                {
                    self.decref(inst);
                    let msg = format!("{}() takes no arguments", self.class_name(cls));
                    return Err(self.type_error(msg));
                }
            }
        }
        Ok(inst)
    }

    /// `type(name, (base,), ns)`: a class from a namespace dict.
    pub fn new_class_from_ns(
        &mut self,
        name: &str,
        base: Option<ObjRef>,
        ns: ObjRef,
    ) -> PyResult<ObjRef> {
        let base = base.unwrap_or(self.t.object);
        let Some(bc) = self.class(base) else {
            return Err(self.type_error("bases must be types"));
        };
        let layout = match bc.layout {
            Layout::Builtin(_) if bc.ctor.is_some() && base != self.t.object => {
                let msg = format!(
                    "pymm does not support subclassing the built-in type '{}'",
                    bc.name
                );
                return Err(self.type_error(msg));
            }
            Layout::Builtin(_) => {
                let msg = format!("type '{}' is not an acceptable base type", bc.name);
                return Err(self.type_error(msg));
            }
            l => l,
        };
        let mut attrs = Attrs::default();
        let mut qualname = name.to_string();
        let mut module = String::from("__main__");
        for (k, v) in self.dict_items(ns) {
            let Some(id) = self.name_of_str(k) else {
                continue;
            };
            if id == self.n.qualname {
                if let Kind::Str(s) = self.kind(v) {
                    qualname = s.s.to_string();
                }
                continue;
            }
            if id == self.n.module
                && let Kind::Str(s) = self.kind(v)
            {
                module = s.s.to_string();
            }
            if id == self.n.classcell {
                continue;
            }
            self.incref(v);
            if let Some(old) = attrs.set(id, v) {
                self.decref(old);
            }
        }
        let r = match self.make_class(name, Some(base), layout, attrs) {
            Ok(r) => r,
            Err(_) => return Err(self.memory_error()),
        };
        if let Some(crate::object::Obj {
            kind: Kind::Class(c),
            ..
        }) = self.heap.get_mut(r)
        {
            c.qualname = qualname;
            c.module = module;
        }
        Ok(r)
    }
}
