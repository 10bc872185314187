//! `len`, truth value, `obj[key]` (indexes and slices), `obj[key] = v`,
//! `del obj[key]`.

use crate::object::{Kind, ObjRef};

use super::number::Num;
use super::{PyResult, Vm};

/// Clamp slice bounds as `PySlice_AdjustIndices`: (start, stop, step, length).
pub fn adjust_slice(
    len: i64,
    start: Option<i64>,
    stop: Option<i64>,
    step: i64,
) -> (i64, i64, i64, usize) {
    let (lo, hi) = if step < 0 { (-1, len - 1) } else { (0, len) };
    let fix = |v: Option<i64>, default: i64| -> i64 {
        match v {
            None => default,
            Some(mut v) => {
                if v < 0 {
                    v += len;
                    if v < lo {
                        v = lo;
                    }
                } else if v > hi {
                    v = hi;
                }
                v
            }
        }
    };
    let start = fix(start, if step < 0 { hi } else { lo });
    let stop = fix(stop, if step < 0 { lo } else { hi });
    let n = if step < 0 {
        if stop < start {
            (start - stop - 1) / (-step) + 1
        } else {
            0
        }
    } else if start < stop {
        (stop - start - 1) / step + 1
    } else {
        0
    };
    (start, stop, step, n as usize)
}

impl Vm {
    /// `len(obj)`.
    pub fn len(&mut self, r: ObjRef) -> PyResult<usize> {
        match self.kind(r) {
            Kind::Str(s) => Ok(s.chars),
            Kind::List(l) => Ok(l.items.len()),
            Kind::Tuple(t) => Ok(t.len()),
            Kind::Bytes(b) => Ok(b.len()),
            Kind::Dict(d) => Ok(d.table.len()),
            Kind::Set(s) | Kind::FrozenSet(s) => Ok(s.table.len()),
            Kind::DictViewObj { dict, .. } => Ok(self.dict_len(*dict)),
            Kind::Range { start, stop, step } => {
                let (a, b, c) = (self.num(*start), self.num(*stop), self.num(*step));
                match (a, b, c) {
                    (Some(Num::I(a)), Some(Num::I(b)), Some(Num::I(c))) => {
                        Ok(adjust_slice(i64::MAX, Some(a), Some(b), c)
                            .3
                            .min(range_len(a, b, c)))
                    }
                    _ => Err(self.overflow_error("Python int too large to convert to C ssize_t")),
                }
            }
            Kind::Instance(i) => {
                let cls = i.class;
                let Some(m) = self.lookup_in_mro(cls, self.n.len) else {
                    let msg = format!("object of type '{}' has no len()", self.type_name(r));
                    return Err(self.type_error(msg));
                };
                self.incref(m);
                let v = self.call(m, &[r], &[]);
                self.decref(m);
                let v = v?;
                let n = match self.num(v) {
                    Some(Num::I(i)) if i >= 0 => Ok(i as usize),
                    Some(Num::I(_)) => Err(self.value_error("__len__() should return >= 0")),
                    _ => {
                        let msg = format!(
                            "'{}' object cannot be interpreted as an integer",
                            self.type_name(v)
                        );
                        Err(self.type_error(msg))
                    }
                };
                self.decref(v);
                n
            }
            _ => {
                let msg = format!("object of type '{}' has no len()", self.type_name(r));
                Err(self.type_error(msg))
            }
        }
    }

    /// Truth value (`PyObject_IsTrue`).
    #[inline]
    pub fn truthy(&mut self, r: ObjRef) -> PyResult<bool> {
        match self.kind(r) {
            Kind::Bool(b) => Ok(*b),
            Kind::None => Ok(false),
            Kind::Int(i) => Ok(*i != 0),
            Kind::BigInt(_) => Ok(true),
            Kind::Float(f) => Ok(*f != 0.0),
            Kind::Str(s) => Ok(!s.s.is_empty()),
            Kind::List(l) => Ok(!l.items.is_empty()),
            Kind::Tuple(t) => Ok(!t.is_empty()),
            Kind::Dict(d) => Ok(!d.table.is_empty()),
            Kind::Set(s) | Kind::FrozenSet(s) => Ok(!s.table.is_empty()),
            Kind::Bytes(b) => Ok(!b.is_empty()),
            Kind::Range { .. } | Kind::DictViewObj { .. } => Ok(self.len(r)? > 0),
            Kind::Instance(i) => {
                let cls = i.class;
                if let Some(m) = self.lookup_in_mro(cls, self.n.bool_) {
                    self.incref(m);
                    let v = self.call(m, &[r], &[]);
                    self.decref(m);
                    let v = v?;
                    let b = match self.kind(v) {
                        Kind::Bool(b) => Ok(*b),
                        _ => {
                            let msg = format!(
                                "__bool__ should return bool, returned {}",
                                self.type_name(v)
                            );
                            Err(self.type_error(msg))
                        }
                    };
                    self.decref(v);
                    return b;
                }
                if self.lookup_in_mro(cls, self.n.len).is_some() {
                    return Ok(self.len(r)? > 0);
                }
                Ok(true)
            }
            _ => Ok(true),
        }
    }

    /// An index from an int-like object.
    pub fn index_of(&mut self, k: ObjRef, what: &str) -> PyResult<Option<i64>> {
        match self.num(k) {
            Some(Num::I(i)) => Ok(Some(i)),
            Some(Num::B(_)) => {
                Err(self.index_error("cannot fit 'int' into an index-sized integer"))
            }
            _ => {
                if let Kind::Instance(i) = self.kind(k) {
                    let cls = i.class;
                    if let Some(m) = self.lookup_in_mro(cls, self.n.index) {
                        self.incref(m);
                        let v = self.call(m, &[k], &[]);
                        self.decref(m);
                        let v = v?;
                        let r = self.num(v);
                        self.decref(v);
                        if let Some(Num::I(i)) = r {
                            return Ok(Some(i));
                        }
                    }
                }
                let _ = what;
                Ok(None)
            }
        }
    }

    fn slice_bounds(&mut self, s: ObjRef, len: usize) -> PyResult<(i64, i64, i64, usize)> {
        let Kind::Slice { start, stop, step } = self.kind(s) else {
            return Ok((0, 0, 1, 0));
        };
        let (start, stop, step) = (*start, *stop, *step);
        let get = |vm: &mut Vm, v: ObjRef| -> PyResult<Option<i64>> {
            if vm.is_none(v) {
                return Ok(None);
            }
            match vm.num(v) {
                Some(Num::I(i)) => Ok(Some(i)),
                Some(Num::B(b)) => Ok(Some(if num_traits::Signed::is_negative(&b) {
                    i64::MIN / 2
                } else {
                    i64::MAX / 2
                })),
                _ => match vm.index_of(v, "slice")? {
                    Some(i) => Ok(Some(i)),
                    None => Err(vm.type_error(
                        "slice indices must be integers or None or have an __index__ method",
                    )),
                },
            }
        };
        let a = get(self, start)?;
        let b = get(self, stop)?;
        let c = get(self, step)?.unwrap_or(1);
        if c == 0 {
            return Err(self.value_error("slice step cannot be zero"));
        }
        Ok(adjust_slice(len as i64, a, b, c))
    }

    fn seq_index(&mut self, i: i64, len: usize, what: &str) -> PyResult<usize> {
        let j = if i < 0 { i + len as i64 } else { i };
        if j < 0 || j >= len as i64 {
            return Err(self.index_error(format!("{what} index out of range")));
        }
        Ok(j as usize)
    }

    /// `container[key]`.
    pub fn getitem(&mut self, c: ObjRef, key: ObjRef) -> PyResult<ObjRef> {
        let is_slice = matches!(self.kind(key), Kind::Slice { .. });
        match self.kind(c) {
            Kind::List(_) | Kind::Tuple(_) => {
                let (what, is_list) = if matches!(self.kind(c), Kind::List(_)) {
                    ("list", true)
                } else {
                    ("tuple", false)
                };
                let items = self.seq_items(c);
                if is_slice {
                    let (start, _, step, n) = self.slice_bounds(key, items.len())?;
                    let mut out = Vec::with_capacity(n);
                    let mut i = start;
                    for _ in 0..n {
                        if let Some(v) = items.get(i as usize) {
                            self.incref(*v);
                            out.push(*v);
                        }
                        i += step;
                    }
                    if !is_list && n == items.len() && step == 1 {
                        for v in out {
                            self.decref(v);
                        }
                        self.incref(c);
                        return Ok(c);
                    }
                    return if is_list {
                        self.new_list(out)
                    } else {
                        self.new_tuple(out)
                    };
                }
                let Some(i) = self.index_of(key, what)? else {
                    let msg = format!(
                        "{what} indices must be integers or slices, not {}",
                        self.type_name(key)
                    );
                    return Err(self.type_error(msg));
                };
                let j = self.seq_index(i, items.len(), what)?;
                let v = items[j];
                self.incref(v);
                Ok(v)
            }
            Kind::Str(s) => {
                let ascii = s.ascii;
                let text = s.s.clone();
                let len = s.chars;
                if is_slice {
                    let (start, _, step, n) = self.slice_bounds(key, len)?;
                    if n == len && step == 1 {
                        self.incref(c);
                        return Ok(c);
                    }
                    let out: String = if ascii {
                        let b = text.as_bytes();
                        (0..n)
                            .filter_map(|k| {
                                b.get((start + k as i64 * step) as usize)
                                    .map(|&x| x as char)
                            })
                            .collect()
                    } else {
                        let chars: Vec<char> = text.chars().collect();
                        (0..n)
                            .filter_map(|k| chars.get((start + k as i64 * step) as usize).copied())
                            .collect()
                    };
                    return self.new_string(out);
                }
                let Some(i) = self.index_of(key, "string")? else {
                    let msg = format!(
                        "string indices must be integers, not '{}'",
                        self.type_name(key)
                    );
                    return Err(self.type_error(msg));
                };
                let j = self.seq_index(i, len, "string")?;
                let ch = if ascii {
                    text.as_bytes().get(j).map(|&b| b as char)
                } else {
                    text.chars().nth(j)
                };
                let mut buf = [0u8; 4];
                self.new_str(ch.unwrap_or(' ').encode_utf8(&mut buf))
            }
            Kind::Bytes(b) => {
                let b = b.clone();
                if is_slice {
                    let (start, _, step, n) = self.slice_bounds(key, b.len())?;
                    let out: Vec<u8> = (0..n)
                        .filter_map(|k| b.get((start + k as i64 * step) as usize).copied())
                        .collect();
                    return self.new_bytes(&out);
                }
                let Some(i) = self.index_of(key, "bytes")? else {
                    return Err(self.type_error("byte indices must be integers or slices"));
                };
                let j = self.seq_index(i, b.len(), "index")?;
                self.new_int(i64::from(b[j]))
            }
            Kind::Dict(_) => match self.dict_get(c, key)? {
                Some(v) => Ok(v),
                None => Err(self.key_error(key)),
            },
            Kind::Range { start, stop, step } => {
                let (a, b, st) = (self.num(*start), self.num(*stop), self.num(*step));
                let (Some(Num::I(a)), Some(Num::I(b)), Some(Num::I(st))) = (a, b, st) else {
                    return Err(self.overflow_error("range too large"));
                };
                let len = range_len(a, b, st);
                if is_slice {
                    let (s0, _, s1, n) = self.slice_bounds(key, len)?;
                    let ns = a + s0 * st;
                    let nstep = st * s1;
                    let nstop = ns + n as i64 * nstep;
                    let x = self.new_int(ns)?;
                    let y = self.new_int(nstop)?;
                    let z = self.new_int(nstep)?;
                    return self.alloc(
                        Kind::Range {
                            start: x,
                            stop: y,
                            step: z,
                        },
                        crate::object::sizes::ITER,
                    );
                }
                let Some(i) = self.index_of(key, "range")? else {
                    let msg = format!(
                        "range indices must be integers or slices, not {}",
                        self.type_name(key)
                    );
                    return Err(self.type_error(msg));
                };
                let j = self.seq_index(i, len, "range object")?;
                self.new_int(a + j as i64 * st)
            }
            Kind::Instance(i) => {
                let cls = i.class;
                let Some(m) = self.lookup_in_mro(cls, self.n.getitem) else {
                    let msg = format!("'{}' object is not subscriptable", self.type_name(c));
                    return Err(self.type_error(msg));
                };
                self.incref(m);
                let r = self.call(m, &[c, key], &[]);
                self.decref(m);
                r
            }
            Kind::Class(_) => {
                // list[int] and friends: a generic alias; return the class itself.
                self.incref(c);
                Ok(c)
            }
            _ => {
                let msg = format!("'{}' object is not subscriptable", self.type_name(c));
                Err(self.type_error(msg))
            }
        }
    }

    /// `container[key] = value` (borrowed).
    pub fn setitem(&mut self, c: ObjRef, key: ObjRef, value: ObjRef) -> PyResult<()> {
        match self.kind(c) {
            Kind::List(l) => {
                let len = l.items.len();
                if matches!(self.kind(key), Kind::Slice { .. }) {
                    let (start, stop, step, n) = self.slice_bounds(key, len)?;
                    let newitems = self.collect(value)?;
                    let mut items = self.list_items(c);
                    if step == 1 {
                        for it in &items {
                            self.incref(*it);
                        }
                        let stop = stop.max(start) as usize;
                        let removed: Vec<ObjRef> =
                            items.splice(start as usize..stop, newitems).collect();
                        self.list_set_items(c, items)?;
                        for r in removed {
                            self.decref(r);
                        }
                        return Ok(());
                    }
                    if newitems.len() != n {
                        let m = newitems.len();
                        for it in newitems {
                            self.decref(it);
                        }
                        return Err(self.value_error(format!(
                            "attempt to assign sequence of size {m} to extended slice of size {n}"
                        )));
                    }
                    let mut old = Vec::new();
                    for (k, v) in newitems.into_iter().enumerate() {
                        let idx = (start + k as i64 * step) as usize;
                        if let Some(slot) = items.get_mut(idx) {
                            old.push(std::mem::replace(slot, v));
                        }
                    }
                    if let Some(Kind::List(l)) = self.heap.get_mut(c).map(|o| &mut o.kind) {
                        l.items = items;
                    }
                    for o in old {
                        self.decref(o);
                    }
                    return Ok(());
                }
                let Some(i) = self.index_of(key, "list")? else {
                    let msg = format!(
                        "list indices must be integers or slices, not {}",
                        self.type_name(key)
                    );
                    return Err(self.type_error(msg));
                };
                let j = self.seq_index(i, len, "list assignment")?;
                self.incref(value);
                let old = match self.heap.get_mut(c).map(|o| &mut o.kind) {
                    Some(Kind::List(l)) => l.items.get_mut(j).map(|s| std::mem::replace(s, value)),
                    _ => None,
                };
                self.xdecref(old);
                Ok(())
            }
            Kind::Dict(_) => self.dict_set(c, key, value),
            Kind::Instance(i) => {
                let cls = i.class;
                let Some(m) = self.lookup_in_mro(cls, self.n.setitem) else {
                    let msg = format!(
                        "'{}' object does not support item assignment",
                        self.type_name(c)
                    );
                    return Err(self.type_error(msg));
                };
                self.incref(m);
                let r = self.call(m, &[c, key, value], &[]);
                self.decref(m);
                self.decref(r?);
                Ok(())
            }
            _ => {
                let msg = format!(
                    "'{}' object does not support item assignment",
                    self.type_name(c)
                );
                Err(self.type_error(msg))
            }
        }
    }

    /// `del container[key]`.
    pub fn delitem(&mut self, c: ObjRef, key: ObjRef) -> PyResult<()> {
        match self.kind(c) {
            Kind::List(l) => {
                let len = l.items.len();
                if matches!(self.kind(key), Kind::Slice { .. }) {
                    let (start, _, step, n) = self.slice_bounds(key, len)?;
                    let mut idxs: Vec<usize> =
                        (0..n).map(|k| (start + k as i64 * step) as usize).collect();
                    idxs.sort_unstable();
                    let mut items = self.list_items(c);
                    let mut removed = Vec::new();
                    for i in idxs.into_iter().rev() {
                        if i < items.len() {
                            removed.push(items.remove(i));
                        }
                    }
                    for it in &items {
                        self.incref(*it);
                    }
                    self.list_set_items(c, items)?;
                    return Ok(());
                }
                let Some(i) = self.index_of(key, "list")? else {
                    let msg = format!(
                        "list indices must be integers or slices, not {}",
                        self.type_name(key)
                    );
                    return Err(self.type_error(msg));
                };
                let j = self.seq_index(i, len, "list assignment")?;
                self.list_remove_at(c, j)
            }
            Kind::Dict(_) => {
                if self.dict_del(c, key)? {
                    Ok(())
                } else {
                    Err(self.key_error(key))
                }
            }
            Kind::Instance(i) => {
                let cls = i.class;
                let Some(m) = self.lookup_in_mro(cls, self.n.delitem) else {
                    let msg = format!(
                        "'{}' object does not support item deletion",
                        self.type_name(c)
                    );
                    return Err(self.type_error(msg));
                };
                self.incref(m);
                let r = self.call(m, &[c, key], &[]);
                self.decref(m);
                self.decref(r?);
                Ok(())
            }
            _ => {
                let msg = format!(
                    "'{}' object does not support item deletion",
                    self.type_name(c)
                );
                Err(self.type_error(msg))
            }
        }
    }

    /// Remove item `j` of a list (shrinking as `list_resize` does), releasing it.
    pub fn list_remove_at(&mut self, l: ObjRef, j: usize) -> PyResult<()> {
        let v = self.list_pop_at(l, j)?;
        self.decref(v);
        Ok(())
    }

    /// Remove and return item `j` (owned).
    pub fn list_pop_at(&mut self, l: ObjRef, j: usize) -> PyResult<ObjRef> {
        let (v, n) = match self.heap.get_mut(l).map(|o| &mut o.kind) {
            Some(Kind::List(li)) if j < li.items.len() => {
                let v = li.items.remove(j);
                (v, li.items.len())
            }
            _ => return Err(self.index_error("pop index out of range")),
        };
        // list_resize after shrinking (may reallocate smaller).
        if let Err(e) = self.list_resize(l, n) {
            self.decref(v);
            return Err(e);
        }
        Ok(v)
    }
}

/// Length of `range(a, b, c)`.
pub fn range_len(a: i64, b: i64, c: i64) -> usize {
    if c > 0 && a < b {
        ((b as i128 - a as i128 - 1) / c as i128 + 1) as usize
    } else if c < 0 && a > b {
        ((a as i128 - b as i128 - 1) / (-(c as i128)) + 1) as usize
    } else {
        0
    }
}
