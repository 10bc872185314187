//! `set`'s open-addressing table, as `Objects/setobject.c` (3.11) lays it
//! out: 8-entry small table inside the object, `LINEAR_PROBES = 9` linear
//! probes before perturbation, resize when `fill * 5 >= mask * 3` to the
//! smallest power of two above `used * 4` (`used * 2` past 50,000). Iteration
//! is table order, so `print({3, 1, 2})` prints `{1, 2, 3}` as CPython does.

use super::ObjRef;

const MINSIZE: usize = 8;
const LINEAR_PROBES: usize = 9;
const PERTURB_SHIFT: u32 = 5;

/// One slot: empty (`key None`, `dummy false`), deleted (`dummy`), or live.
#[derive(Clone, Copy, Debug, Default)]
pub struct SetEntry {
    /// The key's hash.
    pub hash: i64,
    /// The key, when live.
    pub key: Option<ObjRef>,
    dummy: bool,
}

/// A set's table.
#[derive(Clone, Debug)]
pub struct SetTable {
    table: Vec<SetEntry>,
    fill: usize,
    used: usize,
}

impl Default for SetTable {
    fn default() -> Self {
        Self::new()
    }
}

/// One step of a set probe.
#[derive(Clone, Copy, Debug)]
pub enum SetProbe {
    /// Not present; the slot where it would go.
    Absent,
    /// A live entry with an equal hash.
    Candidate {
        /// Slot index.
        slot: usize,
        /// Its key.
        key: ObjRef,
    },
}

/// Probe position (`i`, `perturb`, linear-probe countdown).
#[derive(Clone, Copy, Debug)]
pub struct SetProbeState {
    hash: i64,
    /// The probe's base index (`i` of `set_lookkey`: linear probes look at
    /// `i + 1 ..= i + 9` without changing it).
    i: usize,
    offset: usize,
    perturb: u64,
    probes_left: usize,
    started: bool,
}

impl SetProbeState {
    /// Start probing for `hash`.
    pub fn new(hash: i64) -> Self {
        SetProbeState {
            hash,
            i: 0,
            offset: 0,
            perturb: hash as u64,
            probes_left: 0,
            started: false,
        }
    }
}

impl SetTable {
    /// An empty set (small table).
    pub fn new() -> Self {
        SetTable {
            table: vec![SetEntry::default(); MINSIZE],
            fill: 0,
            used: 0,
        }
    }

    /// Live entries.
    pub fn len(&self) -> usize {
        self.used
    }

    /// No live entries.
    pub fn is_empty(&self) -> bool {
        self.used == 0
    }

    /// Bytes of the separately allocated table (0 while the small table is used).
    pub fn table_bytes(&self) -> usize {
        if self.table.len() > MINSIZE {
            self.table.len() * 16
        } else {
            0
        }
    }

    fn mask(&self) -> usize {
        self.table.len() - 1
    }

    /// One step of the probe sequence (`set_lookkey`).
    pub fn probe(&self, st: &mut SetProbeState) -> SetProbe {
        let mask = self.mask();
        loop {
            if !st.started {
                st.started = true;
                st.i = (st.hash as u64 as usize) & mask;
                st.offset = 0;
                st.probes_left = if st.i + LINEAR_PROBES <= mask {
                    LINEAR_PROBES
                } else {
                    0
                };
            } else if st.probes_left > 0 {
                st.probes_left -= 1;
                st.offset += 1;
            } else {
                st.perturb >>= PERTURB_SHIFT;
                st.i = (st
                    .i
                    .wrapping_mul(5)
                    .wrapping_add(1)
                    .wrapping_add(st.perturb as usize))
                    & mask;
                st.offset = 0;
                st.probes_left = if st.i + LINEAR_PROBES <= mask {
                    LINEAR_PROBES
                } else {
                    0
                };
            }
            let slot = st.i + st.offset;
            let Some(e) = self.table.get(slot) else {
                return SetProbe::Absent;
            };
            match e.key {
                None if !e.dummy => return SetProbe::Absent,
                Some(key) if e.hash == st.hash => return SetProbe::Candidate { slot, key },
                _ => {}
            }
        }
    }

    /// Find `key` by identity (fast path).
    pub fn find_identity(&self, key: ObjRef, hash: i64) -> Option<usize> {
        let mut st = SetProbeState::new(hash);
        loop {
            match self.probe(&mut st) {
                SetProbe::Absent => return None,
                SetProbe::Candidate { slot, key: k } if k == key => return Some(slot),
                SetProbe::Candidate { .. } => {}
            }
        }
    }

    /// Insert a key known to be absent (`set_add_entry`): the key goes to
    /// the last dummy passed on the probe path if any (no `fill` change, no
    /// resize check), else to the empty slot that ended the probe (`fill`
    /// grows; resize when `fill * 5 >= mask * 3`). Returns whether the
    /// table was resized.
    pub fn insert_new(&mut self, key: ObjRef, hash: i64) -> bool {
        let mask = self.mask();
        let mut perturb = hash as u64;
        let mut i = (hash as u64 as usize) & mask;
        let mut freeslot: Option<usize> = None;
        let empty = 'outer: loop {
            let probes = if i + LINEAR_PROBES <= mask {
                LINEAR_PROBES
            } else {
                0
            };
            for j in 0..=probes {
                if let Some(e) = self.table.get(i + j) {
                    if e.key.is_none() && !e.dummy {
                        break 'outer i + j;
                    }
                    if e.dummy {
                        freeslot = Some(i + j);
                    }
                }
            }
            perturb >>= PERTURB_SHIFT;
            i = (i
                .wrapping_mul(5)
                .wrapping_add(1)
                .wrapping_add(perturb as usize))
                & mask;
        };
        let entry = SetEntry {
            hash,
            key: Some(key),
            dummy: false,
        };
        if let Some(slot) = freeslot {
            if let Some(e) = self.table.get_mut(slot) {
                *e = entry;
            }
            self.used += 1;
            return false;
        }
        if let Some(e) = self.table.get_mut(empty) {
            *e = entry;
        }
        self.fill += 1;
        self.used += 1;
        if self.fill * 5 < mask * 3 {
            return false;
        }
        let minused = if self.used > 50_000 {
            self.used * 2
        } else {
            self.used * 4
        };
        self.resize(minused);
        true
    }

    fn resize(&mut self, minused: usize) {
        let mut newsize = MINSIZE;
        while newsize <= minused {
            newsize <<= 1;
        }
        let old = std::mem::replace(&mut self.table, vec![SetEntry::default(); newsize]);
        let mask = newsize - 1;
        for e in old {
            let Some(key) = e.key else { continue };
            // set_insert_clean
            let mut perturb = e.hash as u64;
            let mut i = (e.hash as u64 as usize) & mask;
            let slot = 'outer: loop {
                if self.table.get(i).is_some_and(|s| s.key.is_none()) {
                    break i;
                }
                if i + LINEAR_PROBES <= mask {
                    for j in 1..=LINEAR_PROBES {
                        if self.table.get(i + j).is_some_and(|s| s.key.is_none()) {
                            break 'outer i + j;
                        }
                    }
                }
                perturb >>= PERTURB_SHIFT;
                i = (i
                    .wrapping_mul(5)
                    .wrapping_add(1)
                    .wrapping_add(perturb as usize))
                    & mask;
            };
            if let Some(s) = self.table.get_mut(slot) {
                *s = SetEntry {
                    hash: e.hash,
                    key: Some(key),
                    dummy: false,
                };
            }
        }
        self.fill = self.used;
    }

    /// Remove the live entry at `slot`, returning its key.
    pub fn remove_slot(&mut self, slot: usize) -> Option<ObjRef> {
        let e = self.table.get_mut(slot)?;
        let key = e.key.take()?;
        e.dummy = true;
        e.hash = -1;
        self.used -= 1;
        Some(key)
    }

    /// Live keys in table order.
    pub fn iter(&self) -> impl Iterator<Item = (ObjRef, i64)> + '_ {
        self.table.iter().filter_map(|e| Some((e.key?, e.hash)))
    }

    /// The key in slot `slot` or later: (slot, key) — for iterators.
    pub fn next_from(&self, slot: usize) -> Option<(usize, ObjRef)> {
        self.table
            .iter()
            .enumerate()
            .skip(slot)
            .find_map(|(i, e)| Some((i, e.key?)))
    }

    /// Empty the set back to the small table, returning every key.
    pub fn take_all(&mut self) -> Vec<ObjRef> {
        let keys = self.iter().map(|(k, _)| k).collect();
        *self = SetTable::new();
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_int_order_and_sizes() {
        let mut s = SetTable::new();
        for h in [3i64, 1, 2] {
            s.insert_new(ObjRef::from_raw(h as u32, 0), h);
        }
        let order: Vec<i64> = s.iter().map(|(_, h)| h).collect();
        assert_eq!(order, vec![1, 2, 3]);
        let mut s = SetTable::new();
        let mut sizes = Vec::new();
        for h in 0..19i64 {
            s.insert_new(ObjRef::from_raw(h as u32, 0), h);
            sizes.push(216 + s.table_bytes());
        }
        assert_eq!(sizes[3], 216);
        assert_eq!(sizes[4], 728);
        assert_eq!(sizes[18], 2264);
    }
}
