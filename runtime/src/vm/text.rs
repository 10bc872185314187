//! `repr()` and `str()` of every built-in type exactly as CPython prints
//! them (quote selection and escapes, recursive containers as `[...]`,
//! float repr), `format()` with the format-spec mini-language.

use crate::object::{IterKind, Kind, ObjRef};

use super::number::Num;
use super::{PyResult, Vm};

pub use crate::ops::float_repr::float_repr;
pub use crate::ops::str_repr::{bytes_repr, str_repr};

impl Vm {
    /// `repr(obj)` as a Rust string.
    pub fn repr_string(&mut self, r: ObjRef) -> PyResult<String> {
        let addr = self.heap.addr(r);
        let s = match self.kind(r) {
            Kind::None => "None".into(),
            Kind::NotImplemented => "NotImplemented".into(),
            Kind::Ellipsis => "Ellipsis".into(),
            Kind::Bool(b) => if *b { "True" } else { "False" }.into(),
            Kind::Int(i) => i.to_string(),
            Kind::BigInt(b) => {
                if b.bits() > 4300 * 10 / 3 {
                    return Err(self.value_error(
                        "Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit",
                    ));
                }
                b.to_string()
            }
            Kind::Float(f) => float_repr(*f),
            Kind::Str(s) => str_repr(&s.s),
            Kind::Bytes(b) => bytes_repr(b),
            Kind::List(_)
            | Kind::Tuple(_)
            | Kind::Dict(_)
            | Kind::Set(_)
            | Kind::FrozenSet(_)
            | Kind::DictViewObj { .. } => {
                return self.container_repr(r);
            }
            Kind::Range { start, stop, step } => {
                let (a, b, c) = (*start, *stop, *step);
                let a = self.repr_string(a)?;
                let b2 = self.repr_string(b)?;
                if self.num(c).is_some_and(|n| matches!(n, Num::I(1))) {
                    format!("range({a}, {b2})")
                } else {
                    let c = self.repr_string(c)?;
                    format!("range({a}, {b2}, {c})")
                }
            }
            Kind::Slice { start, stop, step } => {
                let (a, b, c) = (*start, *stop, *step);
                let a = self.repr_string(a)?;
                let b = self.repr_string(b)?;
                let c = self.repr_string(c)?;
                format!("slice({a}, {b}, {c})")
            }
            Kind::Function(f) => format!("<function {} at {addr:#x}>", f.qualname),
            Kind::Builtin(b) => match b.receiver {
                Some(recv) if !matches!(self.kind(recv), Kind::Module(_)) => {
                    format!(
                        "<built-in method {} of {} object at {:#x}>",
                        b.name,
                        self.type_name(recv),
                        self.heap.addr(recv)
                    )
                }
                _ => format!("<built-in function {}>", b.name),
            },
            Kind::Method { func, receiver } => {
                let (func, receiver) = (*func, *receiver);
                let fname = match self.kind(func) {
                    Kind::Function(f) => f.qualname.clone(),
                    _ => "?".into(),
                };
                let rr = self.repr_string(receiver)?;
                format!("<bound method {fname} of {rr}>")
            }
            Kind::Class(c) => {
                if c.module == "builtins" {
                    format!("<class '{}'>", c.qualname)
                } else {
                    format!("<class '{}.{}'>", c.module, c.qualname)
                }
            }
            Kind::Instance(i) => {
                let cls = i.class;
                let is_exc = i.exc.is_some();
                if let Some(m) = self.user_method(cls, self.n.repr) {
                    return self.call_str_method(m, r, "__repr__");
                }
                if is_exc {
                    return self.exc_repr(r);
                }
                let (module, qn) = match self.class(cls) {
                    Some(c) => (c.module.clone(), c.qualname.clone()),
                    None => ("?".into(), "?".into()),
                };
                format!("<{module}.{qn} object at {addr:#x}>")
            }
            Kind::Cell(c) => match c {
                Some(v) => format!(
                    "<cell at {addr:#x}: {} object at {:#x}>",
                    self.type_name(*v),
                    self.heap.addr(*v)
                ),
                None => format!("<cell at {addr:#x}: empty>"),
            },
            Kind::Code(c) => format!(
                "<code object {} at {addr:#x}, file \"{}\", line {}>",
                c.co.name, c.co.filename, c.co.first_line
            ),
            Kind::Module(m) => {
                if m.name == "__main__" {
                    "<module '__main__'>".into()
                } else {
                    format!("<module '{}' (built-in)>", m.name)
                }
            }
            Kind::Generator(g) => format!("<generator object {} at {addr:#x}>", g.qualname),
            Kind::Iter(it) => {
                let name = match &**it {
                    IterKind::Seq { seq, .. } => match self.kind(*seq) {
                        Kind::List(_) => "list_iterator",
                        Kind::Tuple(_) => "tuple_iterator",
                        Kind::Str(_) => "str_ascii_iterator",
                        Kind::Bytes(_) => "bytes_iterator",
                        _ => "iterator",
                    },
                    IterKind::StrChars { .. } => "str_iterator",
                    IterKind::Reversed { .. } => "list_reverseiterator",
                    IterKind::Range { .. } | IterKind::BigRange { .. } => "range_iterator",
                    IterKind::Dict { what, .. } => match what {
                        crate::object::DictView::Keys => "dict_keyiterator",
                        crate::object::DictView::Values => "dict_valueiterator",
                        crate::object::DictView::Items => "dict_itemiterator",
                    },
                    IterKind::Set { .. } => "set_iterator",
                    IterKind::Enumerate { .. } => "enumerate",
                    IterKind::Zip { .. } => "zip",
                    IterKind::Map { .. } => "map",
                    IterKind::Filter { .. } => "filter",
                    IterKind::Exhausted => "iterator",
                };
                format!("<{name} object at {addr:#x}>")
            }
            Kind::StaticMethod(_) => format!("<staticmethod object at {addr:#x}>"),
            Kind::ClassMethod(_) => format!("<classmethod object at {addr:#x}>"),
            Kind::Property { .. } => format!("<property object at {addr:#x}>"),
            Kind::Super { class, obj } => {
                let (c, o) = (*class, *obj);
                let cn = self.class_name(c).to_string();
                let tn = self.type_name(o).to_string();
                format!("<super: <class '{cn}'>, <{tn} object>>")
            }
            Kind::Dead => "<freed object>".into(),
        };
        Ok(s)
    }

    /// A method defined by a Python class (not inherited from a built-in).
    pub fn user_method(&self, cls: ObjRef, name: crate::object::NameId) -> Option<ObjRef> {
        let c = self.class(cls)?;
        for k in &c.mro {
            let kc = self.class(*k)?;
            if matches!(kc.layout, crate::object::Layout::Builtin(_)) || kc.base.is_none() {
                continue;
            }
            if self.is_builtin_exception_class(*k) {
                continue;
            }
            if let Some(v) = kc.attrs.get(name) {
                return Some(v);
            }
        }
        None
    }

    fn is_builtin_exception_class(&self, c: ObjRef) -> bool {
        self.class(c).is_some_and(|k| k.module == "builtins")
    }

    fn call_str_method(&mut self, m: ObjRef, r: ObjRef, what: &str) -> PyResult<String> {
        self.incref(m);
        let v = self.call(m, &[r], &[]);
        self.decref(m);
        let v = v?;
        let s = match self.kind(v) {
            Kind::Str(s) => Ok(s.s.to_string()),
            _ => {
                let msg = format!("{what} returned non-string (type {})", self.type_name(v));
                Err(self.type_error(msg))
            }
        };
        self.decref(v);
        s
    }

    fn exc_repr(&mut self, e: ObjRef) -> PyResult<String> {
        let name = self.type_name(e).to_string();
        let args = self.exc_state(e).and_then(|s| s.args);
        let items: Vec<ObjRef> = match args.map(|a| self.kind(a)) {
            Some(Kind::Tuple(t)) => t.to_vec(),
            _ => Vec::new(),
        };
        if items.len() == 1 {
            let a = self.repr_string(items[0])?;
            return Ok(format!("{name}({a})"));
        }
        let mut parts = Vec::new();
        for it in items {
            parts.push(self.repr_string(it)?);
        }
        Ok(format!("{name}({})", parts.join(", ")))
    }

    fn container_repr(&mut self, r: ObjRef) -> PyResult<String> {
        if self.repr_stack.contains(&r) {
            return Ok(match self.kind(r) {
                Kind::List(_) => "[...]",
                Kind::Dict(_) => "{...}",
                Kind::Tuple(_) => "(...)",
                _ => "...",
            }
            .into());
        }
        if self.repr_stack.len() > self.limits.recursion_limit as usize {
            let c = self.t.recursion_error;
            return Err(self.err(
                c,
                "maximum recursion depth exceeded while getting the repr of an object",
            ));
        }
        self.repr_stack.push(r);
        let res = self.container_repr_inner(r);
        self.repr_stack.pop();
        res
    }

    fn container_repr_inner(&mut self, r: ObjRef) -> PyResult<String> {
        let mut out = String::new();
        let join = |vm: &mut Vm, items: &[ObjRef], out: &mut String| -> PyResult<()> {
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                vm.incref(*it);
                let s = vm.repr_string(*it);
                vm.decref(*it);
                out.push_str(&s?);
            }
            Ok(())
        };
        match self.kind(r) {
            Kind::List(l) => {
                let items = l.items.clone();
                out.push('[');
                join(self, &items, &mut out)?;
                out.push(']');
            }
            Kind::Tuple(t) => {
                let items = t.to_vec();
                out.push('(');
                join(self, &items, &mut out)?;
                if items.len() == 1 {
                    out.push(',');
                }
                out.push(')');
            }
            Kind::Dict(_) => {
                let items = self.dict_items(r);
                out.push('{');
                for (i, (k, v)) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.incref(*k);
                    self.incref(*v);
                    let ks = self.repr_string(*k);
                    let vs = ks.and_then(|ks| self.repr_string(*v).map(|vs| (ks, vs)));
                    self.decref(*k);
                    self.decref(*v);
                    let (ks, vs) = vs?;
                    out.push_str(&ks);
                    out.push_str(": ");
                    out.push_str(&vs);
                }
                out.push('}');
            }
            Kind::Set(_) | Kind::FrozenSet(_) => {
                let frozen = matches!(self.kind(r), Kind::FrozenSet(_));
                let items = self.set_keys(r);
                if items.is_empty() {
                    return Ok(if frozen { "frozenset()" } else { "set()" }.into());
                }
                if frozen {
                    out.push_str("frozenset(");
                }
                out.push('{');
                join(self, &items, &mut out)?;
                out.push('}');
                if frozen {
                    out.push(')');
                }
            }
            Kind::DictViewObj { dict, what } => {
                let (d, what) = (*dict, *what);
                let items = self.dict_items(d);
                let name = match what {
                    crate::object::DictView::Keys => "dict_keys",
                    crate::object::DictView::Values => "dict_values",
                    crate::object::DictView::Items => "dict_items",
                };
                out.push_str(name);
                out.push_str("([");
                for (i, (k, v)) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    let s = match what {
                        crate::object::DictView::Keys => self.repr_string(*k)?,
                        crate::object::DictView::Values => self.repr_string(*v)?,
                        crate::object::DictView::Items => {
                            format!("({}, {})", self.repr_string(*k)?, self.repr_string(*v)?)
                        }
                    };
                    out.push_str(&s);
                }
                out.push_str("])");
            }
            _ => {}
        }
        Ok(out)
    }

    /// `str(obj)` as a Rust string.
    pub fn str_string(&mut self, r: ObjRef) -> PyResult<String> {
        match self.kind(r) {
            Kind::Str(s) => Ok(s.s.to_string()),
            Kind::Instance(i) => {
                let cls = i.class;
                let is_exc = i.exc.is_some();
                if let Some(m) = self.user_method(cls, self.n.str) {
                    return self.call_str_method(m, r, "__str__");
                }
                if is_exc {
                    return self.exc_str(r);
                }
                self.repr_string(r)
            }
            _ => self.repr_string(r),
        }
    }

    /// `str(obj)` as an object.
    pub fn to_str(&mut self, r: ObjRef) -> PyResult<ObjRef> {
        if matches!(self.kind(r), Kind::Str(_)) {
            self.incref(r);
            return Ok(r);
        }
        let s = self.str_string(r)?;
        self.new_string(s)
    }

    /// `repr(obj)` as an object.
    pub fn to_repr(&mut self, r: ObjRef) -> PyResult<ObjRef> {
        let s = self.repr_string(r)?;
        self.new_string(s)
    }

    /// `format(value, spec)`.
    pub fn format(&mut self, v: ObjRef, spec: &str) -> PyResult<ObjRef> {
        if let Kind::Instance(i) = self.kind(v) {
            let cls = i.class;
            if let Some(m) = self.user_method(cls, self.n.format) {
                self.incref(m);
                let s = self.new_str(spec)?;
                let r = self.call(m, &[v, s], &[]);
                self.decref(s);
                self.decref(m);
                return r;
            }
            if !spec.is_empty() {
                let msg = format!(
                    "unsupported format string passed to {}.__format__",
                    self.type_name(v)
                );
                return Err(self.type_error(msg));
            }
            return self.to_str(v);
        }
        let s = self.format_string(v, spec)?;
        self.new_string(s)
    }

    /// `format(value, spec)` as a Rust string, for built-in values
    /// (`ops::format_spec`).
    pub fn format_string(&mut self, v: ObjRef, spec: &str) -> PyResult<String> {
        if spec.is_empty() {
            return self.str_string(v);
        }
        let tn = self.type_name(v).to_string();
        let r = match (self.kind(v), self.num(v)) {
            (Kind::Str(s), _) => {
                let s = s.s.to_string();
                crate::ops::format_spec::format_str(&s, spec, &tn)
            }
            (_, Some(Num::F(f))) => crate::ops::format_spec::format_float(f, spec, &tn),
            (_, Some(Num::I(i))) => {
                crate::ops::format_spec::format_int(&num_bigint::BigInt::from(i), spec, &tn)
            }
            (_, Some(Num::B(b))) => crate::ops::format_spec::format_int(&b, spec, &tn),
            _ => {
                let msg = format!("unsupported format string passed to {tn}.__format__");
                return Err(self.type_error(msg));
            }
        };
        r.map_err(|e| self.op_err(e))
    }
}
