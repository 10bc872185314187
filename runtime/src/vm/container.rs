//! Containers: dict/list/set operations over the object model's tables
//! (buffers grown through the allocator with CPython's policies),
//! subscripts and slices, iteration, `in`, unpacking.

use crate::object::dict::{Probe, ProbeState};
use crate::object::set::{SetProbe, SetProbeState};
use crate::object::{DictObj, DictView, IterKind, Kind, ObjRef, SetObj, sizes};

use super::number::Num;
use super::{PyResult, Vm};

impl Vm {
    // ---- buffers --------------------------------------------------------

    /// Bring a container's buffer block to the size its table needs.
    fn sync_buf(&mut self, r: ObjRef) -> PyResult<()> {
        let (want, buf, realloc) = match self.heap.get_mut(r).map(|o| &mut o.kind) {
            Some(Kind::List(l)) => {
                let want = 8 * l.allocated;
                if l.buf.as_ref().map_or(0, |b| b.size()) == want {
                    return Ok(());
                }
                (want, l.buf.take(), true)
            }
            Some(Kind::Dict(d)) => {
                let want = d.table.keys_bytes();
                if d.buf.as_ref().map_or(0, |b| b.size()) == want {
                    return Ok(());
                }
                (want, d.buf.take(), false)
            }
            Some(Kind::Set(s) | Kind::FrozenSet(s)) => {
                let want = s.table.table_bytes();
                if s.buf.as_ref().map_or(0, |b| b.size()) == want {
                    return Ok(());
                }
                (want, s.buf.take(), false)
            }
            _ => return Ok(()),
        };
        let newbuf = if realloc {
            self.heap.realloc_block(buf, want)
        } else {
            // dictresize/set_table_resize allocate the new table, then free the old.
            let nb = if want == 0 {
                Ok(None)
            } else {
                self.heap.alloc_block(want).map(Some)
            };
            if let Some(b) = buf {
                self.heap.free_block(b);
            }
            nb
        };
        let newbuf = match newbuf {
            Ok(b) => b,
            Err(_) => return Err(self.memory_error()),
        };
        match self.heap.get_mut(r).map(|o| &mut o.kind) {
            Some(Kind::List(l)) => l.buf = newbuf,
            Some(Kind::Dict(d)) => d.buf = newbuf,
            Some(Kind::Set(s) | Kind::FrozenSet(s)) => s.buf = newbuf,
            _ => {
                if let Some(b) = newbuf {
                    self.heap.free_block(b);
                }
            }
        }
        Ok(())
    }

    /// Bytes the memory ceiling still allows (for early MemoryError on huge requests).
    pub fn heap_remaining(&self) -> u64 {
        // Without a configured ceiling, no single request may exceed 1 TiB
        // (what CPython's malloc would refuse on this machine anyway).
        self.heap.remaining().min(1 << 40)
    }

    // ---- dict -----------------------------------------------------------

    /// A dict presized for `n` items (`_PyDict_NewPresized`).
    pub fn new_dict_presized(&mut self, n: usize) -> PyResult<ObjRef> {
        let d = self.alloc(
            Kind::Dict(Box::new(DictObj {
                table: crate::object::Dict::with_capacity(n),
                buf: None,
            })),
            sizes::DICT,
        )?;
        if let Err(e) = self.sync_buf(d) {
            self.decref(d);
            return Err(e);
        }
        Ok(d)
    }

    fn dict_table(&self, d: ObjRef) -> Option<&crate::object::Dict> {
        match self.kind(d) {
            Kind::Dict(dd) => Some(&dd.table),
            _ => None,
        }
    }

    /// Fast equality for common key types, `None` when Python code may be needed.
    #[inline]
    fn fast_key_eq(&self, a: ObjRef, b: ObjRef) -> Option<bool> {
        match (self.kind(a), self.kind(b)) {
            (Kind::Str(x), Kind::Str(y)) => Some(x.s == y.s),
            (Kind::Int(x), Kind::Int(y)) => Some(x == y),
            (Kind::Str(_), Kind::Int(_)) | (Kind::Int(_), Kind::Str(_)) => Some(false),
            _ => None,
        }
    }

    fn dict_find(&mut self, d: ObjRef, key: ObjRef, hash: i64) -> PyResult<Option<usize>> {
        let mut st = ProbeState::new(hash);
        loop {
            let step = match self.dict_table(d) {
                Some(t) => t.probe(&mut st),
                None => return Ok(None),
            };
            match step {
                Probe::Absent => return Ok(None),
                Probe::Candidate { entry, key: k } => {
                    if k == key {
                        return Ok(Some(entry));
                    }
                    match self.fast_key_eq(k, key) {
                        Some(true) => return Ok(Some(entry)),
                        Some(false) => {}
                        None => {
                            self.incref(k);
                            let e = self.eq(k, key);
                            self.decref(k);
                            if e? {
                                return Ok(Some(entry));
                            }
                        }
                    }
                }
            }
        }
    }

    /// `d.get(key)`: a new reference, or `None` when absent.
    pub fn dict_get(&mut self, d: ObjRef, key: ObjRef) -> PyResult<Option<ObjRef>> {
        let hash = self.hash(key)?;
        // Fast path: identical key on the first probes (interned names).
        if let Some(t) = self.dict_table(d)
            && let Some(ix) = t.find_identity(key, hash)
        {
            let v = t.value_at(ix);
            if let Some(v) = v {
                self.incref(v);
            }
            return Ok(v);
        }
        let ix = self.dict_find(d, key, hash)?;
        let v = ix.and_then(|ix| self.dict_table(d).and_then(|t| t.value_at(ix)));
        if let Some(v) = v {
            self.incref(v);
        }
        Ok(v)
    }

    /// `d[key] = value` (borrowed arguments).
    pub fn dict_set(&mut self, d: ObjRef, key: ObjRef, value: ObjRef) -> PyResult<()> {
        let hash = self.hash(key)?;
        self.dict_maintain_tracking(d, key, value);
        let ix = match self.dict_table(d).and_then(|t| t.find_identity(key, hash)) {
            Some(ix) => Some(ix),
            None => self.dict_find(d, key, hash)?,
        };
        self.incref(value);
        match ix {
            Some(ix) => {
                let old = match self.heap.get_mut(d).map(|o| &mut o.kind) {
                    Some(Kind::Dict(dd)) => dd.table.replace_value(ix, value),
                    _ => None,
                };
                self.xdecref(old);
            }
            None => {
                let is_str = matches!(self.kind(key), Kind::Str(_));
                self.incref(key);
                let resized = match self.heap.get_mut(d).map(|o| &mut o.kind) {
                    Some(Kind::Dict(dd)) => dd.table.insert_new(key, hash, value, is_str),
                    _ => false,
                };
                if resized {
                    self.sync_buf(d)?;
                }
            }
        }
        Ok(())
    }

    /// `del d[key]`: whether the key was present.
    pub fn dict_del(&mut self, d: ObjRef, key: ObjRef) -> PyResult<bool> {
        match self.dict_pop(d, key)? {
            Some(v) => {
                self.decref(v);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Remove `key`, returning its value (owned).
    pub fn dict_pop(&mut self, d: ObjRef, key: ObjRef) -> PyResult<Option<ObjRef>> {
        let hash = self.hash(key)?;
        let Some(ix) = self.dict_find(d, key, hash)? else {
            return Ok(None);
        };
        let removed = match self.heap.get_mut(d).map(|o| &mut o.kind) {
            Some(Kind::Dict(dd)) => dd.table.remove_at(ix),
            _ => None,
        };
        match removed {
            Some((k, v)) => {
                self.decref(k);
                Ok(Some(v))
            }
            None => Ok(None),
        }
    }

    /// Live (key, value) pairs (borrowed handles).
    pub fn dict_items(&self, d: ObjRef) -> Vec<(ObjRef, ObjRef)> {
        match self.kind(d) {
            Kind::Dict(dd) => dd.table.iter().map(|(_, k, v)| (k, v)).collect(),
            _ => Vec::new(),
        }
    }

    /// Number of items.
    pub fn dict_len(&self, d: ObjRef) -> usize {
        self.dict_table(d).map_or(0, |t| t.len())
    }

    /// `d.update(m)` for a dict or an iterable of pairs.
    pub fn dict_update(&mut self, d: ObjRef, m: ObjRef) -> PyResult<()> {
        if matches!(self.kind(m), Kind::Dict(_)) {
            let items = self.dict_items(m);
            for (k, _) in &items {
                self.incref(*k);
            }
            for (_, v) in &items {
                self.incref(*v);
            }
            let mut res = Ok(());
            for (k, v) in &items {
                if res.is_ok() {
                    res = self.dict_set(d, *k, *v);
                }
            }
            for (k, v) in items {
                self.decref(k);
                self.decref(v);
            }
            return res;
        }
        if let Kind::Instance(_) = self.kind(m) {
            // A mapping with keys() and __getitem__.
            let keys_name = self.intern_name("keys");
            let keys = self.call_method(m, keys_name, &[])?;
            let ks = self.collect(keys);
            self.decref(keys);
            for k in ks? {
                let v = self.getitem(m, k);
                let r = v.and_then(|v| {
                    let r = self.dict_set(d, k, v);
                    self.decref(v);
                    r
                });
                self.decref(k);
                r?;
            }
            return Ok(());
        }
        let items = self.collect(m)?;
        let mut res = Ok(());
        for (n, it) in items.iter().enumerate() {
            if res.is_ok() {
                res = match self.collect(*it) {
                    Ok(pair) => {
                        let r = if let [k, v] = pair[..] {
                            self.dict_set(d, k, v)
                        } else {
                            Err(self.value_error(format!(
                                "dictionary update sequence element #{n} has length {}; 2 is required",
                                pair.len()
                            )))
                        };
                        for p in pair {
                            self.decref(p);
                        }
                        r
                    }
                    Err(e) => {
                        self.drop_err(e);
                        let msg = format!(
                            "cannot convert dictionary update sequence element #{n} to a sequence"
                        );
                        Err(self.type_error(msg))
                    }
                };
            }
        }
        for it in items {
            self.decref(it);
        }
        res
    }

    /// A shallow copy.
    pub fn dict_copy(&mut self, d: ObjRef) -> PyResult<ObjRef> {
        let n = self.dict_len(d);
        let c = self.new_dict_presized(n)?;
        if let Err(e) = self.dict_update(c, d) {
            self.decref(c);
            return Err(e);
        }
        Ok(c)
    }

    /// Remove every item.
    pub fn dict_clear(&mut self, d: ObjRef) -> PyResult<()> {
        let refs = match self.heap.get_mut(d).map(|o| &mut o.kind) {
            Some(Kind::Dict(dd)) => dd.table.take_all(),
            _ => Vec::new(),
        };
        self.sync_buf(d)?;
        for r in refs {
            self.decref(r);
        }
        Ok(())
    }

    pub(crate) fn dict_eq(&mut self, a: ObjRef, b: ObjRef) -> PyResult<bool> {
        if self.dict_len(a) != self.dict_len(b) {
            return Ok(false);
        }
        for (k, v) in self.dict_items(a) {
            self.incref(k);
            self.incref(v);
            let other = self.dict_get(b, k);
            let r = match other {
                Ok(Some(o)) => {
                    let e = self.eq(v, o);
                    self.decref(o);
                    e
                }
                Ok(None) => Ok(false),
                Err(e) => Err(e),
            };
            self.decref(k);
            self.decref(v);
            if !r? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    // ---- list -----------------------------------------------------------

    /// Items of a list (borrowed handles).
    pub fn list_items(&self, l: ObjRef) -> Vec<ObjRef> {
        match self.kind(l) {
            Kind::List(li) => li.items.clone(),
            _ => Vec::new(),
        }
    }

    /// Items of a list or tuple (borrowed handles).
    pub fn seq_items(&self, s: ObjRef) -> Vec<ObjRef> {
        match self.kind(s) {
            Kind::List(li) => li.items.clone(),
            Kind::Tuple(t) => t.to_vec(),
            _ => Vec::new(),
        }
    }

    /// `len` of a str/list/tuple (chars for str).
    pub fn seq_len(&self, s: ObjRef) -> usize {
        match self.kind(s) {
            Kind::List(li) => li.items.len(),
            Kind::Tuple(t) => t.len(),
            Kind::Str(so) => so.chars,
            Kind::Bytes(b) => b.len(),
            _ => 0,
        }
    }

    /// `list_resize`: make room for `newsize` items.
    pub fn list_resize(&mut self, l: ObjRef, newsize: usize) -> PyResult<()> {
        let changed = match self.heap.get_mut(l).map(|o| &mut o.kind) {
            Some(Kind::List(li)) => {
                let cap =
                    crate::ops::list_growth::list_resize(li.items.len(), li.allocated, newsize);
                let changed = cap != li.allocated;
                li.allocated = cap;
                changed
            }
            _ => false,
        };
        if changed {
            self.sync_buf(l)?;
        }
        Ok(())
    }

    /// `list.append(v)` (borrowed `v`).
    pub fn list_append(&mut self, l: ObjRef, v: ObjRef) -> PyResult<()> {
        let n = match self.kind(l) {
            Kind::List(li) => li.items.len(),
            _ => return Err(self.type_error("list expected")),
        };
        self.list_resize(l, n + 1)?;
        self.incref(v);
        if let Some(Kind::List(li)) = self.heap.get_mut(l).map(|o| &mut o.kind) {
            li.items.push(v);
        }
        Ok(())
    }

    /// `list.extend(iterable)` (growing as `list_extend` does: an empty
    /// list is preallocated from the length hint, rounded up to even, as
    /// `list_preallocate_exact`; otherwise `list_resize` per batch or item).
    pub fn list_extend(&mut self, l: ObjRef, it: ObjRef) -> PyResult<()> {
        let empty_buf = matches!(self.kind(l), Kind::List(li) if li.buf.is_none());
        if matches!(self.kind(it), Kind::List(_) | Kind::Tuple(_)) {
            let v = self.seq_items(it);
            if v.is_empty() {
                return Ok(());
            }
            for i in &v {
                self.incref(*i);
            }
            let n = self.seq_len(l);
            let r = if empty_buf {
                self.list_preallocate(l, v.len())
            } else {
                self.list_resize(l, n + v.len())
            };
            if let Err(e) = r {
                for i in v {
                    self.decref(i);
                }
                return Err(e);
            }
            if let Some(Kind::List(li)) = self.heap.get_mut(l).map(|o| &mut o.kind) {
                li.items.extend(v);
            }
            return Ok(());
        }
        let hint = self.length_hint(it);
        let iter = self.get_iter(it)?;
        if empty_buf {
            let h = hint.unwrap_or(8);
            if h > 0
                && let Err(e) = self.list_preallocate(l, h)
            {
                self.decref(iter);
                return Err(e);
            }
        }
        loop {
            match self.iter_next(iter) {
                Ok(Some(x)) => {
                    let n = self.seq_len(l);
                    let full =
                        matches!(self.kind(l), Kind::List(li) if li.items.len() >= li.allocated);
                    if full && let Err(e) = self.list_resize(l, n + 1) {
                        self.decref(x);
                        self.decref(iter);
                        return Err(e);
                    }
                    if let Some(Kind::List(li)) = self.heap.get_mut(l).map(|o| &mut o.kind) {
                        li.items.push(x);
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    self.decref(iter);
                    return Err(e);
                }
            }
        }
        self.decref(iter);
        // Shrink the over-estimate, as list_extend's final list_resize does.
        let (n, alloc) = match self.kind(l) {
            Kind::List(li) => (li.items.len(), li.allocated),
            _ => (0, 0),
        };
        if n < alloc {
            self.list_resize(l, n)?;
        }
        Ok(())
    }

    /// Set a list's allocation to `n` slots (at least its length): a list
    /// whose growth history is known, such as `str.split`'s.
    pub fn list_set_allocated(&mut self, l: ObjRef, n: usize) -> PyResult<()> {
        if let Some(Kind::List(li)) = self.heap.get_mut(l).map(|o| &mut o.kind) {
            li.allocated = n.max(li.items.len());
        }
        self.sync_buf(l)
    }

    /// `list_preallocate_exact`: room for `n` items, rounded up to even.
    fn list_preallocate(&mut self, l: ObjRef, n: usize) -> PyResult<()> {
        if let Some(Kind::List(li)) = self.heap.get_mut(l).map(|o| &mut o.kind) {
            li.allocated = crate::ops::list_growth::list_preallocate_exact(n);
        }
        self.sync_buf(l)
    }

    /// `PyObject_LengthHint`: the length of sized iterables and of the
    /// built-in iterators over them; `None` when unknown.
    pub fn length_hint(&mut self, it: ObjRef) -> Option<usize> {
        match self.kind(it) {
            Kind::List(_)
            | Kind::Tuple(_)
            | Kind::Str(_)
            | Kind::Dict(_)
            | Kind::Set(_)
            | Kind::FrozenSet(_)
            | Kind::Range { .. }
            | Kind::DictViewObj { .. }
            | Kind::Bytes(_) => match self.len(it) {
                Ok(n) => Some(n),
                Err(e) => {
                    self.drop_err(e);
                    None
                }
            },
            Kind::Iter(k) => match &**k {
                IterKind::Range { cur, stop, step } => {
                    Some(super::subscript::range_len(*cur, *stop, *step))
                }
                IterKind::Seq { seq, idx } => {
                    let (seq, idx) = (*seq, *idx);
                    if matches!(self.kind(seq), Kind::Instance(_)) {
                        return None;
                    }
                    Some(self.seq_len(seq).saturating_sub(idx))
                }
                IterKind::Dict { dict, len, .. } => {
                    let _ = dict;
                    Some(*len)
                }
                IterKind::Set { len, .. } => Some(*len),
                _ => None,
            },
            _ => None,
        }
    }

    /// Replace a list's items wholesale (owned items), resizing as CPython would.
    pub fn list_set_items(&mut self, l: ObjRef, items: Vec<ObjRef>) -> PyResult<()> {
        let n = items.len();
        let old = match self.heap.get_mut(l).map(|o| &mut o.kind) {
            Some(Kind::List(li)) => std::mem::replace(&mut li.items, items),
            _ => items,
        };
        self.list_resize(l, n)?;
        for o in old {
            self.decref(o);
        }
        Ok(())
    }

    // ---- set ------------------------------------------------------------

    fn set_table(&self, s: ObjRef) -> Option<&crate::object::SetTable> {
        match self.kind(s) {
            Kind::Set(so) | Kind::FrozenSet(so) => Some(&so.table),
            _ => None,
        }
    }

    fn set_find(&mut self, s: ObjRef, key: ObjRef, hash: i64) -> PyResult<Option<usize>> {
        let mut st = SetProbeState::new(hash);
        loop {
            let step = match self.set_table(s) {
                Some(t) => t.probe(&mut st),
                None => return Ok(None),
            };
            match step {
                SetProbe::Absent => return Ok(None),
                SetProbe::Candidate { slot, key: k } => {
                    if k == key {
                        return Ok(Some(slot));
                    }
                    match self.fast_key_eq(k, key) {
                        Some(true) => return Ok(Some(slot)),
                        Some(false) => {}
                        None => {
                            self.incref(k);
                            let e = self.eq(k, key);
                            self.decref(k);
                            if e? {
                                return Ok(Some(slot));
                            }
                        }
                    }
                }
            }
        }
    }

    /// `key in s`.
    pub fn set_contains(&mut self, s: ObjRef, key: ObjRef) -> PyResult<bool> {
        let hash = self.hash(key)?;
        Ok(self.set_find(s, key, hash)?.is_some())
    }

    /// `s.add(key)` (borrowed).
    pub fn set_add(&mut self, s: ObjRef, key: ObjRef) -> PyResult<()> {
        let hash = self.hash(key)?;
        if self.set_find(s, key, hash)?.is_some() {
            return Ok(());
        }
        self.incref(key);
        let resized = match self.heap.get_mut(s).map(|o| &mut o.kind) {
            Some(Kind::Set(so) | Kind::FrozenSet(so)) => so.table.insert_new(key, hash),
            _ => false,
        };
        if resized {
            self.sync_buf(s)?;
        }
        Ok(())
    }

    /// `s.discard(key)`: whether it was present.
    pub fn set_discard(&mut self, s: ObjRef, key: ObjRef) -> PyResult<bool> {
        let hash = self.hash(key)?;
        let Some(slot) = self.set_find(s, key, hash)? else {
            return Ok(false);
        };
        let k = match self.heap.get_mut(s).map(|o| &mut o.kind) {
            Some(Kind::Set(so)) => so.table.remove_slot(slot),
            _ => None,
        };
        self.xdecref(k);
        Ok(true)
    }

    /// `s.update(iterable)`.
    pub fn set_update(&mut self, s: ObjRef, it: ObjRef) -> PyResult<()> {
        let items = match self.kind(it) {
            Kind::Set(so) | Kind::FrozenSet(so) => {
                let v: Vec<ObjRef> = so.table.iter().map(|(k, _)| k).collect();
                for k in &v {
                    self.incref(*k);
                }
                v
            }
            Kind::Dict(_) => {
                let v: Vec<ObjRef> = self.dict_items(it).into_iter().map(|(k, _)| k).collect();
                for k in &v {
                    self.incref(*k);
                }
                v
            }
            _ => self.collect(it)?,
        };
        let mut res = Ok(());
        for k in &items {
            if res.is_ok() {
                res = self.set_add(s, *k);
            }
        }
        for k in items {
            self.decref(k);
        }
        res
    }

    /// Keys of a set (borrowed).
    pub fn set_keys(&self, s: ObjRef) -> Vec<ObjRef> {
        self.set_table(s)
            .map(|t| t.iter().map(|(k, _)| k).collect())
            .unwrap_or_default()
    }

    /// Remove every element.
    pub fn set_clear(&mut self, s: ObjRef) -> PyResult<()> {
        let keys = match self.heap.get_mut(s).map(|o| &mut o.kind) {
            Some(Kind::Set(so)) => so.table.take_all(),
            _ => Vec::new(),
        };
        self.sync_buf(s)?;
        for k in keys {
            self.decref(k);
        }
        Ok(())
    }

    /// A new set (or frozenset, like `like`) from an iterable.
    pub fn set_from(&mut self, it: Option<ObjRef>, frozen: bool) -> PyResult<ObjRef> {
        let s = self.new_set(frozen)?;
        if let Some(it) = it
            && let Err(e) = self.set_update(s, it)
        {
            self.decref(s);
            return Err(e);
        }
        Ok(s)
    }

    pub(crate) fn set_binop(
        &mut self,
        op: crate::compile::code::BinaryOperator,
        a: ObjRef,
        b: ObjRef,
    ) -> PyResult<ObjRef> {
        use crate::compile::code::BinaryOperator as B;
        let frozen = matches!(self.kind(a), Kind::FrozenSet(_));
        let r = self.new_set(frozen)?;
        let ka = self.set_keys(a);
        let kb = self.set_keys(b);
        let res = (|| -> PyResult<()> {
            match op {
                B::Or => {
                    for k in ka.iter().chain(kb.iter()) {
                        self.set_add(r, *k)?;
                    }
                }
                B::And => {
                    for k in &ka {
                        if self.set_contains(b, *k)? {
                            self.set_add(r, *k)?;
                        }
                    }
                }
                B::Sub => {
                    for k in &ka {
                        if !self.set_contains(b, *k)? {
                            self.set_add(r, *k)?;
                        }
                    }
                }
                _ => {
                    for k in &ka {
                        if !self.set_contains(b, *k)? {
                            self.set_add(r, *k)?;
                        }
                    }
                    for k in &kb {
                        if !self.set_contains(a, *k)? {
                            self.set_add(r, *k)?;
                        }
                    }
                }
            }
            Ok(())
        })();
        match res {
            Ok(()) => Ok(r),
            Err(e) => {
                self.decref(r);
                Err(e)
            }
        }
    }

    pub(crate) fn set_compare(
        &mut self,
        op: crate::compile::code::ComparisonOperator,
        a: ObjRef,
        b: ObjRef,
    ) -> PyResult<bool> {
        use crate::compile::code::ComparisonOperator as C;
        let la = self.set_table(a).map_or(0, |t| t.len());
        let lb = self.set_table(b).map_or(0, |t| t.len());
        let subset = |vm: &mut Vm, x: ObjRef, y: ObjRef| -> PyResult<bool> {
            for k in vm.set_keys(x) {
                if !vm.set_contains(y, k)? {
                    return Ok(false);
                }
            }
            Ok(true)
        };
        Ok(match op {
            C::Eq => la == lb && subset(self, a, b)?,
            C::Ne => !(la == lb && subset(self, a, b)?),
            C::Le => la <= lb && subset(self, a, b)?,
            C::Lt => la < lb && subset(self, a, b)?,
            C::Ge => lb <= la && subset(self, b, a)?,
            C::Gt => lb < la && subset(self, b, a)?,
        })
    }

    // ---- iteration ------------------------------------------------------

    /// `iter(obj)`.
    pub fn get_iter(&mut self, v: ObjRef) -> PyResult<ObjRef> {
        let it = match self.kind(v) {
            Kind::List(_) | Kind::Tuple(_) | Kind::Bytes(_) => IterKind::Seq { seq: v, idx: 0 },
            Kind::Str(s) => {
                if s.ascii {
                    IterKind::Seq { seq: v, idx: 0 }
                } else {
                    IterKind::StrChars { s: v, byte: 0 }
                }
            }
            Kind::Dict(d) => IterKind::Dict {
                dict: v,
                idx: 0,
                what: DictView::Keys,
                len: d.table.len(),
            },
            Kind::DictViewObj { dict, what } => {
                let (dict, what) = (*dict, *what);
                self.incref(dict);
                let len = self.dict_len(dict);
                return self.alloc(
                    Kind::Iter(Box::new(IterKind::Dict {
                        dict,
                        idx: 0,
                        what,
                        len,
                    })),
                    sizes::ITER,
                );
            }
            Kind::Set(s) | Kind::FrozenSet(s) => IterKind::Set {
                set: v,
                slot: 0,
                len: s.table.len(),
            },
            Kind::Range { start, stop, step } => {
                let (a, b, c) = (self.num(*start), self.num(*stop), self.num(*step));
                let it = match (a, b, c) {
                    (Some(Num::I(a)), Some(Num::I(b)), Some(Num::I(c))) => IterKind::Range {
                        cur: a,
                        stop: b,
                        step: c,
                    },
                    (Some(a), Some(b), Some(c)) => IterKind::BigRange {
                        cur: num_big(&a),
                        stop: num_big(&b),
                        step: num_big(&c),
                    },
                    _ => IterKind::Exhausted,
                };
                return self.alloc(Kind::Iter(Box::new(it)), sizes::ITER);
            }
            Kind::Iter(_) | Kind::Generator(_) => {
                self.incref(v);
                return Ok(v);
            }
            Kind::Instance(i) => {
                let cls = i.class;
                if let Some(m) = self.lookup_in_mro(cls, self.n.iter) {
                    self.incref(m);
                    let r = self.call(m, &[v], &[]);
                    self.decref(m);
                    return r;
                }
                if self.lookup_in_mro(cls, self.n.getitem).is_some() {
                    // The old sequence protocol: index until IndexError.
                    self.incref(v);
                    return self.alloc(
                        Kind::Iter(Box::new(IterKind::Seq { seq: v, idx: 0 })),
                        sizes::ITER,
                    );
                }
                let msg = format!("'{}' object is not iterable", self.type_name(v));
                return Err(self.type_error(msg));
            }
            _ => {
                let msg = format!("'{}' object is not iterable", self.type_name(v));
                return Err(self.type_error(msg));
            }
        };
        self.incref(v);
        self.alloc(Kind::Iter(Box::new(it)), sizes::ITER)
    }

    /// `next(it)`: `Ok(None)` when exhausted.
    pub fn iter_next(&mut self, it: ObjRef) -> PyResult<Option<ObjRef>> {
        enum Step {
            Yield(ObjRef),
            Int(i64),
            Char(char),
            Done,
            Pair(ObjRef, ObjRef),
            Python,
            Gen,
            Changed(&'static str),
        }
        enum Snap {
            Seq(ObjRef, usize),
            StrChars(ObjRef, usize),
            Dict(ObjRef, usize, DictView, usize),
            Set(ObjRef, usize, usize),
            Other,
        }
        // Ranges advance in place; everything else is read, then advanced.
        let snap = match self.heap.get_mut(it).map(|o| &mut o.kind) {
            Some(Kind::Iter(k)) => match &mut **k {
                IterKind::Range { cur, stop, step } => {
                    if (*step > 0 && *cur < *stop) || (*step < 0 && *cur > *stop) {
                        let v = *cur;
                        *cur = cur.checked_add(*step).unwrap_or(*stop);
                        return self.new_int(v).map(Some);
                    }
                    return Ok(None);
                }
                IterKind::Seq { seq, idx } => {
                    let s = Snap::Seq(*seq, *idx);
                    *idx += 1;
                    s
                }
                IterKind::StrChars { s, byte } => Snap::StrChars(*s, *byte),
                IterKind::Dict {
                    dict,
                    idx,
                    what,
                    len,
                } => Snap::Dict(*dict, *idx, *what, *len),
                IterKind::Set { set, slot, len } => Snap::Set(*set, *slot, *len),
                IterKind::Exhausted => return Ok(None),
                _ => Snap::Other,
            },
            _ => Snap::Other,
        };
        let step = match snap {
            Snap::Seq(seq, i) => match self.heap.kind(seq) {
                Kind::List(l) => l.items.get(i).map_or(Step::Done, |v| Step::Yield(*v)),
                Kind::Tuple(t) => t.get(i).map_or(Step::Done, |v| Step::Yield(*v)),
                Kind::Str(s) => {
                    s.s.as_bytes()
                        .get(i)
                        .map_or(Step::Done, |b| Step::Char(*b as char))
                }
                Kind::Bytes(b) => b.get(i).map_or(Step::Done, |b| Step::Int(i64::from(*b))),
                Kind::Instance(_) => Step::Python,
                _ => Step::Done,
            },
            Snap::StrChars(s, b) => {
                let c = match self.heap.kind(s) {
                    Kind::Str(so) => so.s.get(b..).and_then(|t| t.chars().next()),
                    _ => None,
                };
                match c {
                    Some(c) => {
                        if let Some(Kind::Iter(k)) = self.heap.get_mut(it).map(|o| &mut o.kind)
                            && let IterKind::StrChars { byte, .. } = &mut **k
                        {
                            *byte += c.len_utf8();
                        }
                        Step::Char(c)
                    }
                    None => Step::Done,
                }
            }
            Snap::Dict(d, mut i, what, len) => {
                let res = match self.heap.kind(d) {
                    Kind::Dict(dd) if dd.table.len() != len => Step::Changed("dictionary"),
                    Kind::Dict(dd) => {
                        let mut found = Step::Done;
                        while let Some(e) = dd.table.entries.get(i) {
                            i += 1;
                            if let (Some(k), Some(v)) = (e.key, e.value) {
                                found = match what {
                                    DictView::Keys => Step::Yield(k),
                                    DictView::Values => Step::Yield(v),
                                    DictView::Items => Step::Pair(k, v),
                                };
                                break;
                            }
                        }
                        found
                    }
                    _ => Step::Done,
                };
                if let Some(Kind::Iter(k)) = self.heap.get_mut(it).map(|o| &mut o.kind)
                    && let IterKind::Dict { idx, .. } = &mut **k
                {
                    *idx = i;
                }
                res
            }
            Snap::Set(s, sl, len) => {
                let (res, next) = match self.heap.kind(s) {
                    Kind::Set(so) | Kind::FrozenSet(so) if so.table.len() != len => {
                        (Step::Changed("set"), sl)
                    }
                    Kind::Set(so) | Kind::FrozenSet(so) => match so.table.next_from(sl) {
                        Some((slot, k)) => (Step::Yield(k), slot + 1),
                        None => (Step::Done, sl),
                    },
                    _ => (Step::Done, sl),
                };
                if let Some(Kind::Iter(k)) = self.heap.get_mut(it).map(|o| &mut o.kind)
                    && let IterKind::Set { slot, .. } = &mut **k
                {
                    *slot = next;
                }
                res
            }
            Snap::Other => match self.kind(it) {
                Kind::Generator(_) => Step::Gen,
                _ => Step::Python,
            },
        };
        match step {
            Step::Yield(v) => {
                self.incref(v);
                Ok(Some(v))
            }
            Step::Int(i) => self.new_int(i).map(Some),
            Step::Char(c) => {
                let mut b = [0u8; 4];
                self.new_str(c.encode_utf8(&mut b)).map(Some)
            }
            Step::Pair(k, v) => {
                self.incref(k);
                self.incref(v);
                self.new_tuple(vec![k, v]).map(Some)
            }
            Step::Done => {
                self.exhaust(it);
                Ok(None)
            }
            Step::Changed(what) => {
                Err(self.runtime_error(format!("{what} changed size during iteration")))
            }
            Step::Gen => match self.gen_resume(it, None, None)? {
                crate::builtins::GenStep::Yielded(v) => Ok(Some(v)),
                crate::builtins::GenStep::Returned(v) => {
                    self.xdecref(v);
                    Ok(None)
                }
            },
            Step::Python => self.iter_next_slow(it),
        }
    }

    fn exhaust(&mut self, it: ObjRef) {
        let old = match self.heap.get_mut(it).map(|o| &mut o.kind) {
            Some(Kind::Iter(k)) => {
                if matches!(**k, IterKind::Range { .. } | IterKind::Exhausted) {
                    return;
                }
                Some(std::mem::replace(&mut **k, IterKind::Exhausted))
            }
            _ => None,
        };
        if let Some(old) = old {
            let mut refs = Vec::new();
            Kind::Iter(Box::new(old)).referents(&mut refs);
            for r in refs {
                self.decref(r);
            }
        }
    }

    fn iter_next_slow(&mut self, it: ObjRef) -> PyResult<Option<ObjRef>> {
        // Built-in iterator adaptors and Python iterators.
        let (kind_tag, parts): (u8, Vec<ObjRef>) = match self.kind(it) {
            Kind::Iter(k) => match &**k {
                IterKind::Seq { seq, idx } => {
                    let (seq, idx) = (*seq, *idx);
                    // Instance with __getitem__: the old sequence protocol.
                    let i = self.new_int(idx as i64 - 1)?;
                    let r = self.getitem(seq, i);
                    self.decref(i);
                    return match r {
                        Ok(v) => Ok(Some(v)),
                        Err(e)
                            if self.err_matches(&e, self.t.index_error)
                                || self.err_matches(&e, self.t.stop_iteration) =>
                        {
                            self.drop_err(e);
                            self.exhaust(it);
                            Ok(None)
                        }
                        Err(e) => Err(e),
                    };
                }
                IterKind::Enumerate { it: inner, .. } => (1, vec![*inner]),
                IterKind::Zip { its } => (2, its.clone()),
                IterKind::Map { func, its } => {
                    let mut v = vec![*func];
                    v.extend(its.iter());
                    (3, v)
                }
                IterKind::Filter { func, it: inner } => (4, vec![*func, *inner]),
                IterKind::Reversed { seq, idx } => {
                    let (seq, idx) = (*seq, *idx);
                    let Some(i) = idx else {
                        return Ok(None);
                    };
                    let next = i.checked_sub(1);
                    if let Some(Kind::Iter(k)) = self.heap.get_mut(it).map(|o| &mut o.kind)
                        && let IterKind::Reversed { idx, .. } = &mut **k
                    {
                        *idx = next;
                    }
                    if i >= self.len_of_seq_like(seq)? {
                        self.exhaust(it);
                        return Ok(None);
                    }
                    let iv = self.new_int(i as i64)?;
                    let r = self.getitem(seq, iv);
                    self.decref(iv);
                    return r.map(Some);
                }
                IterKind::BigRange { cur, stop, step } => {
                    use num_traits::Signed;
                    let more = if step.is_positive() {
                        cur < stop
                    } else {
                        cur > stop
                    };
                    if !more {
                        return Ok(None);
                    }
                    let v = cur.clone();
                    if let Some(Kind::Iter(k)) = self.heap.get_mut(it).map(|o| &mut o.kind)
                        && let IterKind::BigRange { cur, step, .. } = &mut **k
                    {
                        *cur += step.clone();
                    }
                    return self.new_bigint(v).map(Some);
                }
                _ => return Ok(None),
            },
            Kind::Instance(i) => {
                let cls = i.class;
                let Some(m) = self.lookup_in_mro(cls, self.n.next) else {
                    let msg = format!("'{}' object is not an iterator", self.type_name(it));
                    return Err(self.type_error(msg));
                };
                self.incref(m);
                let r = self.call(m, &[it], &[]);
                self.decref(m);
                return match r {
                    Ok(v) => Ok(Some(v)),
                    Err(e) if self.err_matches(&e, self.t.stop_iteration) => {
                        self.drop_err(e);
                        Ok(None)
                    }
                    Err(e) => Err(e),
                };
            }
            _ => {
                let msg = format!("'{}' object is not an iterator", self.type_name(it));
                return Err(self.type_error(msg));
            }
        };
        match kind_tag {
            1 => {
                let Some(v) = self.iter_next(parts[0])? else {
                    return Ok(None);
                };
                let mut count = 0;
                if let Some(Kind::Iter(k)) = self.heap.get_mut(it).map(|o| &mut o.kind)
                    && let IterKind::Enumerate { count: c, .. } = &mut **k
                {
                    count = *c;
                    *c += 1;
                }
                let i = match self.new_int(count) {
                    Ok(i) => i,
                    Err(e) => {
                        self.decref(v);
                        return Err(e);
                    }
                };
                self.new_tuple(vec![i, v]).map(Some)
            }
            2 => {
                if parts.is_empty() {
                    return Ok(None);
                }
                let mut vals = Vec::with_capacity(parts.len());
                for p in &parts {
                    match self.iter_next(*p) {
                        Ok(Some(v)) => vals.push(v),
                        other => {
                            for v in vals {
                                self.decref(v);
                            }
                            return other.map(|_| None);
                        }
                    }
                }
                self.new_tuple(vals).map(Some)
            }
            3 => {
                let func = parts[0];
                let mut vals = Vec::with_capacity(parts.len() - 1);
                for p in &parts[1..] {
                    match self.iter_next(*p) {
                        Ok(Some(v)) => vals.push(v),
                        other => {
                            for v in vals {
                                self.decref(v);
                            }
                            return other.map(|_| None);
                        }
                    }
                }
                let r = self.call(func, &vals, &[]);
                for v in vals {
                    self.decref(v);
                }
                r.map(Some)
            }
            _ => {
                let (func, inner) = (parts[0], parts[1]);
                loop {
                    let Some(v) = self.iter_next(inner)? else {
                        return Ok(None);
                    };
                    let keep = if self.is_none(func) {
                        self.truthy(v)
                    } else {
                        match self.call(func, &[v], &[]) {
                            Ok(r) => {
                                let t = self.truthy(r);
                                self.decref(r);
                                t
                            }
                            Err(e) => Err(e),
                        }
                    };
                    match keep {
                        Ok(true) => return Ok(Some(v)),
                        Ok(false) => self.decref(v),
                        Err(e) => {
                            self.decref(v);
                            return Err(e);
                        }
                    }
                }
            }
        }
    }

    fn len_of_seq_like(&mut self, seq: ObjRef) -> PyResult<usize> {
        match self.kind(seq) {
            Kind::List(_) | Kind::Tuple(_) | Kind::Str(_) | Kind::Bytes(_) => Ok(self.seq_len(seq)),
            _ => self.len(seq),
        }
    }

    /// Every item of an iterable (owned references).
    pub fn collect(&mut self, v: ObjRef) -> PyResult<Vec<ObjRef>> {
        if matches!(self.kind(v), Kind::List(_) | Kind::Tuple(_)) {
            let items = self.seq_items(v);
            for i in &items {
                self.incref(*i);
            }
            return Ok(items);
        }
        let it = self.get_iter(v)?;
        let mut out = Vec::new();
        loop {
            match self.iter_next(it) {
                Ok(Some(x)) => out.push(x),
                Ok(None) => break,
                Err(e) => {
                    self.decref(it);
                    for x in out {
                        self.decref(x);
                    }
                    return Err(e);
                }
            }
        }
        self.decref(it);
        Ok(out)
    }

    /// Unpack `seq` into exactly `n` items, or with a star target
    /// (`before = n`, `after = Some(k)`): first items, a list, last items.
    pub fn unpack(&mut self, seq: ObjRef, n: usize, after: Option<usize>) -> PyResult<Vec<ObjRef>> {
        let items = match self.kind(seq) {
            Kind::List(_)
            | Kind::Tuple(_)
            | Kind::Str(_)
            | Kind::Dict(_)
            | Kind::Set(_)
            | Kind::FrozenSet(_)
            | Kind::Range { .. }
            | Kind::Iter(_)
            | Kind::Generator(_)
            | Kind::Instance(_)
            | Kind::DictViewObj { .. }
            | Kind::Bytes(_) => self.collect(seq)?,
            _ => {
                let msg = format!("cannot unpack non-iterable {} object", self.type_name(seq));
                return Err(self.type_error(msg));
            }
        };
        match after {
            None => {
                if items.len() != n {
                    let got = items.len();
                    for i in items {
                        self.decref(i);
                    }
                    return Err(if got > n {
                        self.value_error(format!("too many values to unpack (expected {n})"))
                    } else {
                        self.value_error(format!(
                            "not enough values to unpack (expected {n}, got {got})"
                        ))
                    });
                }
                Ok(items)
            }
            Some(k) => {
                if items.len() < n + k {
                    let got = items.len();
                    for i in items {
                        self.decref(i);
                    }
                    return Err(self.value_error(format!(
                        "not enough values to unpack (expected at least {}, got {got})",
                        n + k
                    )));
                }
                let mut items = items;
                let tail: Vec<ObjRef> = items.split_off(items.len() - k);
                let middle: Vec<ObjRef> = items.split_off(n);
                let l = self.new_list(middle)?;
                items.push(l);
                items.extend(tail);
                Ok(items)
            }
        }
    }

    /// `item in container`.
    pub fn contains(&mut self, container: ObjRef, item: ObjRef) -> PyResult<bool> {
        match self.kind(container) {
            Kind::Dict(_) => {
                let v = self.dict_get(container, item)?;
                self.xdecref(v);
                Ok(v.is_some())
            }
            Kind::DictViewObj {
                dict,
                what: DictView::Keys,
            } => {
                let d = *dict;
                let v = self.dict_get(d, item)?;
                self.xdecref(v);
                Ok(v.is_some())
            }
            Kind::Set(_) | Kind::FrozenSet(_) => {
                if matches!(self.kind(item), Kind::Set(_)) {
                    let f = self.set_from(Some(item), true)?;
                    let r = self.set_contains(container, f);
                    self.decref(f);
                    return r;
                }
                self.set_contains(container, item)
            }
            Kind::Str(s) => match self.kind(item) {
                Kind::Str(sub) => Ok(s.s.contains(&*sub.s)),
                _ => {
                    let msg = format!(
                        "'in <string>' requires string as left operand, not {}",
                        self.type_name(item)
                    );
                    Err(self.type_error(msg))
                }
            },
            Kind::List(_) | Kind::Tuple(_) => {
                let items = self.seq_items(container);
                for x in items {
                    if x == item {
                        return Ok(true);
                    }
                    self.incref(x);
                    let e = self.eq(x, item);
                    self.decref(x);
                    if e? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Kind::Range { start, stop, step } => {
                let (a, b, c) = (self.num(*start), self.num(*stop), self.num(*step));
                match (a, b, c, self.num(item)) {
                    (Some(Num::I(a)), Some(Num::I(b)), Some(Num::I(c)), Some(Num::I(x))) => {
                        let inside = if c > 0 {
                            a <= x && x < b
                        } else {
                            b < x && x <= a
                        };
                        Ok(inside && (x - a) % c == 0)
                    }
                    _ => self.contains_by_iter(container, item),
                }
            }
            Kind::Instance(i) => {
                let cls = i.class;
                if let Some(m) = self.lookup_in_mro(cls, self.n.contains) {
                    self.incref(m);
                    let r = self.call(m, &[container, item], &[]);
                    self.decref(m);
                    let r = r?;
                    let t = self.truthy(r);
                    self.decref(r);
                    return t;
                }
                self.contains_by_iter(container, item)
            }
            _ => self.contains_by_iter(container, item),
        }
    }

    fn contains_by_iter(&mut self, container: ObjRef, item: ObjRef) -> PyResult<bool> {
        let it = match self.get_iter(container) {
            Ok(it) => it,
            Err(e) => {
                self.drop_err(e);
                let msg = format!(
                    "argument of type '{}' is not iterable",
                    self.type_name(container)
                );
                return Err(self.type_error(msg));
            }
        };
        loop {
            match self.iter_next(it) {
                Ok(Some(x)) => {
                    let e = self.eq(x, item);
                    self.decref(x);
                    match e {
                        Ok(true) => {
                            self.decref(it);
                            return Ok(true);
                        }
                        Ok(false) => {}
                        Err(e) => {
                            self.decref(it);
                            return Err(e);
                        }
                    }
                }
                Ok(None) => {
                    self.decref(it);
                    return Ok(false);
                }
                Err(e) => {
                    self.decref(it);
                    return Err(e);
                }
            }
        }
    }
}

fn num_big(n: &Num) -> num_bigint::BigInt {
    match n {
        Num::I(i) => (*i).into(),
        Num::B(b) => b.clone(),
        Num::F(f) => num_bigint::BigInt::from(*f as i64),
    }
}

/// Keep `SetObj` in scope for docs.
#[allow(dead_code)]
type _SetObj = SetObj;
