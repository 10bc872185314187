//! Glue between [`crate::ops`] (Python's pure value semantics over plain
//! Rust values) and the object model: [`OpError`] becomes a Python
//! exception, and the `str.format` / `%` hosts give `ops` access to objects.

use num_bigint::BigInt;

use crate::object::{Kind, NameId, ObjRef};
use crate::ops::OpError;
use crate::ops::percent_format::{PercentHost, PercentNumber};
use crate::ops::str_format::{Conversion, FormatHost};

use super::number::Num;
use super::{PyErr, PyResult, Vm};

/// An error inside an `ops` host: an `OpError` not yet turned into an
/// exception, or a Python exception raised by a callback.
#[derive(Debug)]
pub enum HostErr {
    /// From `ops`.
    Op(OpError),
    /// From Python code or the object model.
    Py(PyErr),
}

impl From<OpError> for HostErr {
    fn from(e: OpError) -> Self {
        HostErr::Op(e)
    }
}

impl From<PyErr> for HostErr {
    fn from(e: PyErr) -> Self {
        HostErr::Py(e)
    }
}

impl Vm {
    /// The exception an [`OpError`] names.
    pub fn op_err(&mut self, e: OpError) -> PyErr {
        let t = self.t;
        match e {
            OpError::ZeroDivision(m) => self.err(t.zero_division_error, m),
            OpError::Overflow(m) => self.err(t.overflow_error, m),
            OpError::Value(m) => self.err(t.value_error, m),
            OpError::Type(m) => self.err(t.type_error, m),
            OpError::Index(m) => self.err(t.index_error, m),
            OpError::Key(repr) => {
                let inner = repr
                    .strip_prefix('\'')
                    .and_then(|r| r.strip_suffix('\''))
                    .unwrap_or(&repr)
                    .to_string();
                match self.new_string(inner) {
                    Ok(k) => self.err_with(t.key_error, k),
                    Err(e) => e,
                }
            }
            OpError::Memory => self.memory_error(),
        }
    }

    /// Resolve a host error into a Python exception.
    pub fn host_err(&mut self, e: HostErr) -> PyErr {
        match e {
            HostErr::Op(o) => self.op_err(o),
            HostErr::Py(p) => p,
        }
    }

    /// `str.format(*args, **kwargs)` through `ops::str_format`.
    pub fn str_format(
        &mut self,
        fmt: &str,
        args: &[ObjRef],
        kwargs: &[(NameId, ObjRef)],
    ) -> PyResult<String> {
        let mut host = FormatCall {
            vm: self,
            args,
            kwargs,
        };
        let r = crate::ops::str_format::str_format(fmt, &mut host);
        r.map_err(|e| self.host_err(e))
    }

    /// `fmt % args` through `ops::percent_format`.
    pub fn percent_format(&mut self, fmt: &str, args: ObjRef) -> PyResult<String> {
        let tuple_len = match self.kind(args) {
            Kind::Tuple(t) => Some(t.len()),
            _ => None,
        };
        let is_mapping = match self.kind(args) {
            Kind::Dict(_) | Kind::List(_) => true,
            Kind::Instance(i) => self.lookup_in_mro(i.class, self.n.getitem).is_some(),
            _ => false,
        };
        let mut host = PercentCall {
            vm: self,
            args,
            tuple_len,
            is_mapping,
        };
        let r = crate::ops::percent_format::percent_format(fmt, &mut host);
        r.map_err(|e| self.host_err(e))
    }

    fn convert_obj(&mut self, v: ObjRef, c: Conversion) -> PyResult<String> {
        match c {
            Conversion::Str => self.str_string(v),
            Conversion::Repr => self.repr_string(v),
            Conversion::Ascii => {
                let r = self.repr_string(v)?;
                Ok(crate::ops::str_repr::ascii_escape(&r))
            }
        }
    }
}

struct FormatCall<'a> {
    vm: &'a mut Vm,
    args: &'a [ObjRef],
    kwargs: &'a [(NameId, ObjRef)],
}

impl FormatHost for FormatCall<'_> {
    type Value = ObjRef;
    type Error = HostErr;

    fn positional(&mut self, index: usize) -> Result<ObjRef, HostErr> {
        match self.args.get(index) {
            Some(v) => {
                self.vm.incref(*v);
                Ok(*v)
            }
            None => Err(HostErr::Op(
                crate::ops::str_format::replacement_index_error(index),
            )),
        }
    }

    fn keyword(&mut self, name: &str) -> Result<ObjRef, HostErr> {
        let id = self.vm.intern_name(name);
        match self.kwargs.iter().find(|(k, _)| *k == id) {
            Some((_, v)) => {
                self.vm.incref(*v);
                Ok(*v)
            }
            None => {
                let k = self.vm.new_str(name)?;
                let e = self.vm.key_error(k);
                self.vm.decref(k);
                Err(HostErr::Py(e))
            }
        }
    }

    fn attribute(&mut self, obj: ObjRef, name: &str) -> Result<ObjRef, HostErr> {
        let id = self.vm.intern_name(name);
        let r = self.vm.getattr(obj, id);
        self.vm.decref(obj);
        Ok(r?)
    }

    fn item_index(&mut self, obj: ObjRef, index: usize) -> Result<ObjRef, HostErr> {
        let k = self.vm.new_int(index as i64)?;
        let r = self.vm.getitem(obj, k);
        self.vm.decref(k);
        self.vm.decref(obj);
        Ok(r?)
    }

    fn item_key(&mut self, obj: ObjRef, key: &str) -> Result<ObjRef, HostErr> {
        let k = self.vm.new_str(key)?;
        let r = self.vm.getitem(obj, k);
        self.vm.decref(k);
        self.vm.decref(obj);
        Ok(r?)
    }

    fn convert(&mut self, obj: ObjRef, conversion: Conversion) -> Result<ObjRef, HostErr> {
        let s = self.vm.convert_obj(obj, conversion);
        self.vm.decref(obj);
        Ok(self.vm.new_string(s?)?)
    }

    fn format(&mut self, obj: ObjRef, spec: &str, out: &mut String) -> Result<(), HostErr> {
        let r = self.vm.format(obj, spec);
        self.vm.decref(obj);
        let f = r?;
        let s = self.vm.str_string(f);
        self.vm.decref(f);
        out.push_str(&s?);
        Ok(())
    }
}

struct PercentCall<'a> {
    vm: &'a mut Vm,
    args: ObjRef,
    tuple_len: Option<usize>,
    is_mapping: bool,
}

impl PercentHost for PercentCall<'_> {
    type Value = ObjRef;
    type Error = HostErr;

    fn tuple_len(&self) -> Option<usize> {
        self.tuple_len
    }

    fn is_mapping(&self) -> bool {
        self.is_mapping
    }

    fn whole(&mut self) -> ObjRef {
        self.vm.incref(self.args);
        self.args
    }

    fn item(&mut self, i: usize) -> ObjRef {
        let v = match self.vm.kind(self.args) {
            Kind::Tuple(t) => t.get(i).copied(),
            _ => None,
        };
        let v = v.unwrap_or(self.vm.none_ref());
        self.vm.incref(v);
        v
    }

    fn key(&mut self, key: &str) -> Result<ObjRef, HostErr> {
        let k = self.vm.new_str(key)?;
        let r = self.vm.getitem(self.args, k);
        self.vm.decref(k);
        Ok(r?)
    }

    fn number(&mut self, v: ObjRef) -> Result<PercentNumber, HostErr> {
        let n = match (self.vm.num(v), self.vm.kind(v)) {
            (Some(Num::I(i)), _) => PercentNumber::Int(BigInt::from(i)),
            (Some(Num::B(b)), _) => PercentNumber::Int(b),
            (Some(Num::F(f)), _) => PercentNumber::Float(f),
            (None, Kind::Str(s)) => PercentNumber::Str(s.s.to_string()),
            _ => PercentNumber::Other(self.vm.type_name(v).to_string()),
        };
        self.vm.decref(v);
        Ok(n)
    }

    fn text(&mut self, v: ObjRef, conversion: Conversion) -> Result<String, HostErr> {
        let s = self.vm.convert_obj(v, conversion);
        self.vm.decref(v);
        Ok(s?)
    }
}
