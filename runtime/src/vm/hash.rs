//! `hash()` over the object model. The algorithms are `ops::number`'s
//! (CPython 3.11's numeric hash modulo 2**61 - 1, so `hash(1) == hash(1.0)
//! == hash(True)`; the xxHash tuple hash; pointer hashes) and
//! `ops::text::str_hash` (deterministic: CPython's SipHash is randomized
//! per process, so no script can depend on its values).

use crate::object::{Kind, ObjRef};
use crate::ops::number::{
    hash_float, hash_frozenset, hash_i64, hash_int, hash_pointer, hash_tuple,
};
use crate::ops::text::str_hash;

use super::{PyResult, Vm};

impl Vm {
    /// `hash(obj)`.
    pub fn hash(&mut self, r: ObjRef) -> PyResult<i64> {
        match self.kind(r) {
            Kind::Str(s) => {
                let c = s.hash.get();
                if c != -1 {
                    return Ok(c);
                }
                let h = str_hash(&s.s);
                s.hash.set(h);
                Ok(h)
            }
            Kind::Int(i) => Ok(hash_i64(*i)),
            Kind::Bool(b) => Ok(i64::from(*b)),
            Kind::BigInt(b) => Ok(hash_int(b)),
            Kind::Float(f) => Ok(hash_float(*f).unwrap_or_else(|| hash_pointer(self.heap.addr(r)))),
            Kind::Tuple(items) => {
                let items = items.to_vec();
                let mut hs = Vec::with_capacity(items.len());
                for it in &items {
                    hs.push(self.hash(*it)?);
                }
                Ok(hash_tuple(hs))
            }
            Kind::FrozenSet(s) => {
                let hs: Vec<i64> = s.table.iter().map(|(_, h)| h).collect();
                Ok(hash_frozenset(hs))
            }
            Kind::List(_)
            | Kind::Dict(_)
            | Kind::Set(_)
            | Kind::DictViewObj { .. }
            | Kind::Slice { .. } => {
                let msg = format!("unhashable type: '{}'", self.type_name(r));
                Err(self.type_error(msg))
            }
            Kind::Instance(i) => {
                let cls = i.class;
                let slots = self.class(cls).map(|c| c.slots).unwrap_or_default();
                if slots.unhashable {
                    let msg = format!("unhashable type: '{}'", self.type_name(r));
                    return Err(self.type_error(msg));
                }
                if slots.has_hash
                    && let Some(m) = self.lookup_in_mro(cls, self.n.hash)
                {
                    self.incref(m);
                    let v = self.call(m, &[r], &[]);
                    self.decref(m);
                    let v = v?;
                    let h = match self.num(v) {
                        Some(super::number::Num::I(i)) => Ok(hash_i64(i)),
                        Some(super::number::Num::B(b)) => Ok(hash_int(&b)),
                        _ => Err(self.type_error("__hash__ method should return an integer")),
                    };
                    self.decref(v);
                    return h;
                }
                Ok(hash_pointer(self.heap.addr(r)))
            }
            _ => Ok(hash_pointer(self.heap.addr(r))),
        }
    }
}
