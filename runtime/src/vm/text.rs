//! `repr()` and `str()` of every built-in type exactly as CPython prints
//! them (quote selection and escapes, recursive containers as `[...]`,
//! float repr), `format()` with the format-spec mini-language.

use crate::object::{IterKind, Kind, ObjRef};

use super::number::Num;
use super::{PyResult, Vm};

/// Python's `repr(float)`: shortest round-trip digits, exponent form
/// outside `1e-4 <= |x| < 1e16` (`1e+16`, `1.5e-07`), `inf`, `nan`.
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    let e = format!("{f:e}");
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let sign = if neg { "-" } else { "" };
    if (-4..16).contains(&exp) {
        let n = digits.len() as i32;
        let s = if exp >= 0 {
            if n > exp + 1 {
                let (a, b) = digits.split_at((exp + 1) as usize);
                format!("{a}.{b}")
            } else {
                format!("{}{}.0", digits, "0".repeat((exp + 1 - n) as usize))
            }
        } else {
            format!("0.{}{}", "0".repeat((-exp - 1) as usize), digits)
        };
        format!("{sign}{s}")
    } else {
        let (a, b) = digits.split_at(1);
        let m = if b.is_empty() {
            a.to_string()
        } else {
            format!("{a}.{b}")
        };
        let es = if exp < 0 { "-" } else { "+" };
        format!("{sign}{m}e{es}{:02}", exp.abs())
    }
}

fn is_printable(c: char) -> bool {
    let u = c as u32;
    if u < 0x20 || u == 0x7f {
        return false;
    }
    if (0x80..=0xa0).contains(&u) || u == 0xad {
        return false;
    }
    if (0xd800..=0xdfff).contains(&u)
        || matches!(u, 0x2028 | 0x2029 | 0x200b..=0x200f | 0x202a..=0x202e | 0x2060..=0x2064 | 0xfeff)
    {
        return false;
    }
    !(0xe000..=0xf8ff).contains(&u) && u != 0x3000 && u != 0x1680 && !(0x2000..=0x200a).contains(&u)
}

/// `repr(str)`: CPython's quote choice and escapes.
pub fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable(c) => out.push(c),
            c => {
                let u = c as u32;
                if u < 0x100 {
                    out.push_str(&format!("\\x{u:02x}"));
                } else if u < 0x10000 {
                    out.push_str(&format!("\\u{u:04x}"));
                } else {
                    out.push_str(&format!("\\U{u:08x}"));
                }
            }
        }
    }
    out.push(quote);
    out
}

/// `repr(bytes)`.
pub fn bytes_repr(b: &[u8]) -> String {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from("b");
    out.push(quote);
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            c if c as char == quote => {
                out.push('\\');
                out.push(quote);
            }
            0x20..=0x7e => out.push(c as char),
            c => out.push_str(&format!("\\x{c:02x}")),
        }
    }
    out.push(quote);
    out
}

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

    /// `format(value, spec)` as a Rust string, for built-in values.
    pub fn format_string(&mut self, v: ObjRef, spec: &str) -> PyResult<String> {
        if spec.is_empty() {
            return self.str_string(v);
        }
        let Some(fs) = super::format::FormatSpec::parse(spec) else {
            return Err(self.value_error("Invalid format specifier"));
        };
        match (self.kind(v), self.num(v)) {
            (Kind::Str(s), _) => {
                let s = s.s.to_string();
                fs.format_str(&s).map_err(|m| self.value_error(m))
            }
            (_, Some(n)) => {
                let is_bool = matches!(self.kind(v), Kind::Bool(_));
                if is_bool && fs.ty.is_none() {
                    let s = self.str_string(v)?;
                    return fs.format_str(&s).map_err(|m| self.value_error(m));
                }
                fs.format_num(&n, self.type_name(v))
                    .map_err(|m| self.value_error(m))
            }
            _ => {
                let msg = format!(
                    "unsupported format string passed to {}.__format__",
                    self.type_name(v)
                );
                Err(self.type_error(msg))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_reprs_match_python() {
        assert_eq!(float_repr(1e16), "1e+16");
        assert_eq!(float_repr(1.5e-7), "1.5e-07");
        assert_eq!(float_repr(0.1), "0.1");
        assert_eq!(float_repr(100.0), "100.0");
        assert_eq!(float_repr(1e15), "1000000000000000.0");
        assert_eq!(float_repr(0.0001), "0.0001");
        assert_eq!(float_repr(-2.5), "-2.5");
        assert_eq!(float_repr(1.0 / 3.0), "0.3333333333333333");
    }

    #[test]
    fn str_reprs_match_python() {
        assert_eq!(str_repr("it's"), "\"it's\"");
        assert_eq!(str_repr("a\nb"), "'a\\nb'");
        assert_eq!(str_repr("\"'"), "'\"\\''");
        assert_eq!(str_repr("é\u{0}"), "'é\\x00'");
    }
}
