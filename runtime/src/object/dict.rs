//! `dict`'s table, laid out as CPython 3.11's `PyDictKeysObject`: a sparse
//! index array (1/2/4/8-byte slots by table size) over a dense, insertion-
//! ordered entry array. Growth (`GROWTH_RATE = used * 3`), the usable
//! fraction (2/3) and the entry size (16 bytes when every key is a str,
//! 24 otherwise) follow `Objects/dictobject.c`, so `sys.getsizeof` matches.
//!
//! The table only stores handles and hashes; key comparison that may run
//! Python code (`__eq__`) is done by the caller through [`Dict::probe`].

use super::ObjRef;

const DKIX_EMPTY: i32 = -1;
const DKIX_DUMMY: i32 = -2;
/// `PyDict_LOG_MINSIZE`.
const LOG_MINSIZE: u32 = 3;
/// `sizeof(PyDictKeysObject)` on 64-bit.
const KEYS_HEADER: usize = 32;

/// One entry of the dense array (`PyDictKeyEntry`); a deleted entry keeps
/// its slot with `key == None`.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    /// The key's hash.
    pub hash: i64,
    /// The key, `None` once deleted.
    pub key: Option<ObjRef>,
    /// The value.
    pub value: Option<ObjRef>,
}

/// A dict's keys table.
#[derive(Clone, Debug)]
pub struct Dict {
    indices: Vec<i32>,
    /// Dense entries in insertion order (deleted ones have `key == None`).
    pub entries: Vec<Entry>,
    used: usize,
    usable: usize,
    all_str: bool,
}

/// The result of one step of a probe sequence.
#[derive(Clone, Copy, Debug)]
pub enum Probe {
    /// The key is absent.
    Absent,
    /// A candidate entry whose hash equals the hash looked up.
    Candidate {
        /// Index into `entries`.
        entry: usize,
        /// The candidate key.
        key: ObjRef,
    },
}

/// Where a probe sequence stands (`i` and `perturb` of `lookdict`).
#[derive(Clone, Copy, Debug)]
pub struct ProbeState {
    i: usize,
    perturb: u64,
    hash: i64,
    started: bool,
}

impl ProbeState {
    /// Start probing for `hash`.
    pub fn new(hash: i64) -> Self {
        ProbeState {
            i: 0,
            perturb: hash as u64,
            hash,
            started: false,
        }
    }
}

fn log2_keysize(minsize: usize) -> u32 {
    let mut log2 = LOG_MINSIZE;
    while (1usize << log2) < minsize {
        log2 += 1;
    }
    log2
}

fn usable_fraction(size: usize) -> usize {
    (size << 1) / 3
}

impl Default for Dict {
    fn default() -> Self {
        Dict::new()
    }
}

impl Dict {
    /// An empty dict (CPython's shared `Py_EMPTY_KEYS`: no table).
    pub fn new() -> Self {
        Dict {
            indices: Vec::new(),
            entries: Vec::new(),
            used: 0,
            usable: 0,
            all_str: true,
        }
    }

    /// A dict presized for `n` items (`_PyDict_NewPresized`).
    pub fn with_capacity(n: usize) -> Self {
        let mut d = Dict::new();
        if n > usable_fraction(1 << LOG_MINSIZE) {
            d.resize_to(log2_keysize((n * 3).div_ceil(2)));
        }
        d
    }

    /// Whether every key is a str (CPython's unicode-keys table).
    pub fn is_str_keyed(&self) -> bool {
        self.all_str
    }

    /// Number of live items.
    pub fn len(&self) -> usize {
        self.used
    }

    /// Whether there are no live items.
    pub fn is_empty(&self) -> bool {
        self.used == 0
    }

    /// Bytes of the keys table as CPython allocates it (0 for the shared empty keys).
    pub fn keys_bytes(&self) -> usize {
        let size = self.indices.len();
        if size == 0 {
            return 0;
        }
        let ix = if size <= 0xff {
            1
        } else if size <= 0xffff {
            2
        } else if size <= 0xffff_ffff {
            4
        } else {
            8
        };
        let entry = if self.all_str { 16 } else { 24 };
        KEYS_HEADER + size * ix + usable_fraction(size) * entry
    }

    /// Take one step of the probe sequence for `st.hash`.
    pub fn probe(&self, st: &mut ProbeState) -> Probe {
        let mask = self.indices.len().wrapping_sub(1);
        if self.indices.is_empty() {
            return Probe::Absent;
        }
        loop {
            if st.started {
                st.perturb >>= 5;
                st.i = (st
                    .i
                    .wrapping_mul(5)
                    .wrapping_add(st.perturb as usize)
                    .wrapping_add(1))
                    & mask;
            } else {
                st.started = true;
                st.i = (st.hash as u64 as usize) & mask;
            }
            let ix = self.indices.get(st.i).copied().unwrap_or(DKIX_EMPTY);
            if ix == DKIX_EMPTY {
                return Probe::Absent;
            }
            if ix >= 0
                && let Some(e) = self.entries.get(ix as usize)
                && e.hash == st.hash
                && let Some(key) = e.key
            {
                return Probe::Candidate {
                    entry: ix as usize,
                    key,
                };
            }
        }
    }

    /// Find the entry holding exactly `key` (identity), a fast path.
    pub fn find_identity(&self, key: ObjRef, hash: i64) -> Option<usize> {
        let mut st = ProbeState::new(hash);
        loop {
            match self.probe(&mut st) {
                Probe::Absent => return None,
                Probe::Candidate { entry, key: k } if k == key => return Some(entry),
                Probe::Candidate { .. } => {}
            }
        }
    }

    /// Value of entry `ix`.
    pub fn value_at(&self, ix: usize) -> Option<ObjRef> {
        self.entries.get(ix).and_then(|e| e.value)
    }

    /// Replace the value of entry `ix`, returning the old one.
    pub fn replace_value(&mut self, ix: usize, value: ObjRef) -> Option<ObjRef> {
        self.entries
            .get_mut(ix)
            .and_then(|e| e.value.replace(value))
    }

    /// Append a new key (known to be absent). `key_is_str` keeps the
    /// unicode-keys table layout while every key is a str. Returns whether
    /// the table was reallocated.
    pub fn insert_new(&mut self, key: ObjRef, hash: i64, value: ObjRef, key_is_str: bool) -> bool {
        let mut resized = false;
        if !key_is_str && self.all_str {
            self.all_str = false;
            if !self.indices.is_empty() {
                resized = true;
            }
        }
        if self.usable == 0 {
            self.resize_to(log2_keysize(self.used * 3));
            resized = true;
        }
        let ix = self.entries.len();
        self.entries.push(Entry {
            hash,
            key: Some(key),
            value: Some(value),
        });
        self.place(hash, ix as i32);
        self.used += 1;
        self.usable -= 1;
        resized
    }

    fn place(&mut self, hash: i64, ix: i32) {
        let mask = self.indices.len() - 1;
        let mut perturb = hash as u64;
        let mut i = (hash as u64 as usize) & mask;
        loop {
            if let Some(slot) = self.indices.get_mut(i)
                && *slot < 0
            {
                *slot = ix;
                return;
            }
            perturb >>= 5;
            i = (i
                .wrapping_mul(5)
                .wrapping_add(perturb as usize)
                .wrapping_add(1))
                & mask;
        }
    }

    fn resize_to(&mut self, log2: u32) {
        let size = 1usize << log2;
        let live: Vec<Entry> = self.entries.drain(..).filter(|e| e.key.is_some()).collect();
        self.indices = vec![DKIX_EMPTY; size];
        self.usable = usable_fraction(size) - live.len();
        for (n, e) in live.iter().enumerate() {
            self.place(e.hash, n as i32);
        }
        self.entries = live;
    }

    /// Remove entry `ix` (found by a probe), returning its key and value.
    pub fn remove_at(&mut self, ix: usize) -> Option<(ObjRef, ObjRef)> {
        let e = self.entries.get_mut(ix)?;
        let key = e.key.take()?;
        let value = e.value.take()?;
        let hash = e.hash;
        let mask = self.indices.len() - 1;
        let mut perturb = hash as u64;
        let mut i = (hash as u64 as usize) & mask;
        loop {
            match self.indices.get(i).copied() {
                Some(v) if v == ix as i32 => {
                    if let Some(s) = self.indices.get_mut(i) {
                        *s = DKIX_DUMMY;
                    }
                    break;
                }
                Some(DKIX_EMPTY) | None => break,
                _ => {}
            }
            perturb >>= 5;
            i = (i
                .wrapping_mul(5)
                .wrapping_add(perturb as usize)
                .wrapping_add(1))
                & mask;
        }
        self.used -= 1;
        Some((key, value))
    }

    /// Empty the dict back to the shared empty keys, returning every key and value.
    pub fn take_all(&mut self) -> Vec<ObjRef> {
        let mut out = Vec::with_capacity(self.used * 2);
        for e in self.entries.drain(..) {
            if let (Some(k), Some(v)) = (e.key, e.value) {
                out.push(k);
                out.push(v);
            }
        }
        *self = Dict::new();
        out
    }

    /// Live entries in insertion order: (index, key, value).
    pub fn iter(&self) -> impl Iterator<Item = (usize, ObjRef, ObjRef)> + '_ {
        self.entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| Some((i, e.key?, e.value?)))
    }

    /// The last live entry (for `popitem`).
    pub fn last_live(&self) -> Option<usize> {
        self.entries.iter().rposition(|e| e.key.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(i: u32) -> ObjRef {
        ObjRef::from_raw(i, 0)
    }

    #[test]
    fn sizes_follow_cpython_growth() {
        let mut d = Dict::new();
        let mut sizes = Vec::new();
        for i in 0..22u32 {
            d.insert_new(r(i), i as i64, r(i), false);
            sizes.push(64 + d.keys_bytes());
        }
        assert_eq!(sizes[0], 224);
        assert_eq!(sizes[5], 352);
        assert_eq!(sizes[10], 632);
        assert_eq!(sizes[21], 1168);
    }

    #[test]
    fn remove_and_find() {
        let mut d = Dict::new();
        for i in 0..100u32 {
            d.insert_new(r(i), (i as i64) * 7919, r(i + 1000), false);
        }
        let ix = d.find_identity(r(40), 40 * 7919);
        assert!(ix.is_some());
        d.remove_at(ix.unwrap_or(0));
        assert!(d.find_identity(r(40), 40 * 7919).is_none());
        assert_eq!(d.len(), 99);
        assert_eq!(
            d.find_identity(r(41), 41 * 7919)
                .and_then(|i| d.value_at(i)),
            Some(r(1041))
        );
    }
}
