//! How CPython 3.11 sizes container storage, and what `sys.getsizeof`
//! reports for containers: list over-allocation (`list_resize`), dict key
//! tables (`dictresize`, `_PyDict_KeysSize`), set tables
//! (`set_table_resize`), and set probing order.
//!
//! This module gives the VM the numbers; the VM allocates the blocks. All
//! `getsizeof` figures include the 16-byte GC header, as `sys.getsizeof`
//! does for GC-tracked containers.

/// Size of `PyGC_Head` on 64-bit builds (added by `sys.getsizeof`).
pub const GC_HEAD_SIZE: usize = 16;
/// Size of one item pointer.
const PTR: usize = 8;

// ---------------------------------------------------------------- list

/// `sizeof(PyListObject)`: 40 bytes (refcnt, type, size, items, allocated).
pub const LIST_BASE_SIZE: usize = 40;

/// `list_resize`: the new capacity when a list of `size` items and
/// `allocated` slots is resized to `newsize` items. Equal to `allocated`
/// when no reallocation happens.
///
/// Growth: `(newsize + (newsize >> 3) + 6) & !3`, but exactly
/// `(newsize + 3) & !3` when the jump is bigger than that overallocation
/// (a large `extend`); shrinking reallocates below half capacity; 0 items
/// free the array.
pub fn list_resize(size: usize, allocated: usize, newsize: usize) -> usize {
    if allocated >= newsize && newsize >= (allocated >> 1) {
        return allocated;
    }
    if newsize == 0 {
        return 0;
    }
    let mut new_allocated = newsize.saturating_add(newsize >> 3).saturating_add(6) & !3;
    if newsize.saturating_sub(size) > new_allocated.saturating_sub(newsize) {
        new_allocated = newsize.saturating_add(3) & !3;
    }
    new_allocated
}

/// `list_preallocate_exact`: the capacity of a list built from an iterable
/// of known length `n` into an empty list (`list(range(n))`, `[1, 2, 3]`
/// through `LIST_EXTEND`, `list(a_tuple)`): `n` rounded up to even.
pub fn list_preallocate_exact(n: usize) -> usize {
    n.saturating_add(1) & !1
}

/// `sys.getsizeof(lst)` for a list with `allocated` slots: `56 + 8 * allocated`.
pub fn list_sizeof(allocated: usize) -> usize {
    LIST_BASE_SIZE + GC_HEAD_SIZE + PTR * allocated
}

/// Bytes of the item array of a list with `allocated` slots (the block
/// `PyMem_Realloc` is asked for; 0 means no block).
pub fn list_items_bytes(allocated: usize) -> usize {
    PTR * allocated
}

/// `MAX_PREALLOC` of `Objects/stringlib/split.h`.
const SPLIT_MAX_PREALLOC: usize = 12;

/// `PREALLOC_SIZE(maxsplit)`: the capacity of the list `str.split` and
/// `str.rsplit` start with (12 for an unlimited split; `maxsplit + 1`
/// below that). Items past it are appended ([`list_resize`]); the capacity
/// is never trimmed, so `''.split()` reports 152 bytes. (`str.splitlines`
/// starts from an empty list and appends.)
pub fn split_prealloc(maxsplit: i64) -> usize {
    match usize::try_from(maxsplit) {
        Ok(m) if m < SPLIT_MAX_PREALLOC => m + 1,
        _ => SPLIT_MAX_PREALLOC,
    }
}

// ---------------------------------------------------------------- tuple

/// `sys.getsizeof(t)` for a tuple of `n` items: `40 + 8 * n`
/// (`PyTupleObject` is 24 bytes plus the items, plus the GC header).
pub fn tuple_sizeof(n: usize) -> usize {
    24 + GC_HEAD_SIZE + PTR * n
}

// ---------------------------------------------------------------- dict

/// `PyDict_MINSIZE`.
pub const DICT_MINSIZE: usize = 8;
/// `sizeof(PyDictObject)`: 48 bytes.
pub const DICT_BASE_SIZE: usize = 48;
/// `sizeof(PyDictKeysObject)` without its variable parts: 32 bytes.
const DICT_KEYS_HEADER: usize = 32;
/// `sizeof(PyDictKeyEntry)` (hash, key, value).
const GENERAL_ENTRY: usize = 24;
/// `sizeof(PyDictUnicodeEntry)` (key, value; the hash lives in the str).
const UNICODE_ENTRY: usize = 16;

/// `USABLE_FRACTION(n)`: how many entries a table of `n` slots holds.
pub fn usable_fraction(n: usize) -> usize {
    (n << 1) / 3
}

/// `calculate_log2_keysize(minsize)` (64-bit variant).
pub fn calculate_log2_keysize(minsize: usize) -> u32 {
    let m = (minsize | DICT_MINSIZE) - 1;
    usize::BITS - (m | (DICT_MINSIZE - 1)).leading_zeros()
}

/// `estimate_log2_keysize(n)`: the table for `n` entries built at once.
pub fn estimate_log2_keysize(n: usize) -> u32 {
    calculate_log2_keysize(n.saturating_mul(3).saturating_add(1) / 2)
}

/// `_PyDict_KeysSize`: the bytes of a keys object with `2**log2_size`
/// slots; `unicode` for the compact all-str-keys layout.
pub fn dict_keys_size(log2_size: u32, unicode: bool) -> usize {
    let size = 1usize << log2_size;
    let index_bytes = if log2_size < 8 {
        1
    } else if log2_size < 16 {
        2
    } else if log2_size < 32 {
        4
    } else {
        8
    };
    let entry = if unicode {
        UNICODE_ENTRY
    } else {
        GENERAL_ENTRY
    };
    DICT_KEYS_HEADER + size * index_bytes + usable_fraction(size) * entry
}

/// A dict's key table as CPython 3.11 manages it: which size it has and
/// when it is rebuilt. The VM keeps one per dict (beside its own entries)
/// and asks it what to allocate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DictKeys {
    /// `log2` of the slot count; `None` for the shared empty table
    /// (`Py_EMPTY_KEYS`) of `{}` and cleared dicts.
    pub log2_size: Option<u32>,
    /// True for the all-str-keys layout (`DICT_KEYS_UNICODE`).
    pub unicode: bool,
    /// Entries still insertable before a resize (`dk_usable`).
    pub usable: usize,
    /// Live items (`ma_used`).
    pub used: usize,
}

/// How `dict_merge` takes the entries of another dict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergePlan {
    /// The other dict's table was cloned whole (`clone_combined_dict_keys`):
    /// copy its entries, no per-key insertion. Carries the table change.
    Cloned(KeysChange),
    /// Insert each key (calling [`DictKeys::insert_new_key`] for the new
    /// ones) after this up-front change (`Kept` when none was needed).
    InsertEach(KeysChange),
}

/// What happened to the key table on an insertion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeysChange {
    /// The existing table took the entry.
    Kept,
    /// A new table was allocated (`old_bytes` is 0 for the shared empty
    /// table, which is never freed) and the old one freed.
    Resized {
        /// Bytes of the table that was freed (0 if it was the shared empty one).
        old_bytes: usize,
        /// Bytes of the new table.
        new_bytes: usize,
    },
}

impl Default for DictKeys {
    fn default() -> Self {
        Self::new()
    }
}

impl DictKeys {
    /// The table of `{}` / `dict()`.
    pub fn new() -> Self {
        DictKeys {
            log2_size: None,
            unicode: true,
            usable: 0,
            used: 0,
        }
    }

    /// `dict_new_presized(n)` as used when building a dict of `n` items at
    /// once (`{k: v, ...}` displays, `_PyDict_FromItems`); `unicode` when
    /// every key is an exact str.
    pub fn presized(n: usize, unicode: bool) -> Self {
        if n <= usable_fraction(DICT_MINSIZE) {
            return Self::new();
        }
        let log2 = if n > usable_fraction(1 << 17) {
            17
        } else {
            estimate_log2_keysize(n)
        };
        DictKeys {
            log2_size: Some(log2),
            unicode,
            usable: usable_fraction(1 << log2),
            used: 0,
        }
    }

    /// Bytes of the current table (0 for the shared empty table).
    pub fn table_bytes(&self) -> usize {
        self.log2_size
            .map_or(0, |l| dict_keys_size(l, self.unicode))
    }

    /// `sys.getsizeof(d)`: `64` plus the table (`dict_sizeof`).
    pub fn sizeof(&self) -> usize {
        DICT_BASE_SIZE + GC_HEAD_SIZE + self.table_bytes()
    }

    fn resize_to(&mut self, log2: u32, unicode: bool) -> KeysChange {
        let old_bytes = self.table_bytes();
        self.log2_size = Some(log2);
        self.unicode = unicode;
        self.usable = usable_fraction(1 << log2) - self.used;
        KeysChange::Resized {
            old_bytes,
            new_bytes: self.table_bytes(),
        }
    }

    /// Records the insertion of a *new* key (`insertdict` /
    /// `insert_to_emptydict`); `key_is_str` when it is an exact str.
    /// Replacing the value of an existing key changes nothing.
    pub fn insert_new_key(&mut self, key_is_str: bool) -> KeysChange {
        let change = if self.log2_size.is_none() {
            self.resize_to(3, key_is_str)
        } else if self.unicode && !key_is_str {
            // insertion_resize(mp, 0): to the general layout.
            self.resize_to(calculate_log2_keysize(self.used * 3), false)
        } else if self.usable == 0 {
            self.resize_to(calculate_log2_keysize(self.used * 3), self.unicode)
        } else {
            KeysChange::Kept
        };
        self.used += 1;
        self.usable -= 1;
        change
    }

    /// `dk_nentries`: entries ever written to the current table (deleted
    /// ones included, until the next resize).
    pub fn nentries(&self) -> usize {
        self.log2_size
            .map_or(0, |l| usable_fraction(1 << l) - self.usable)
    }

    /// The table of `d.copy()` (`PyDict_Copy`): a clone of this one when it
    /// is at most one third deleted entries, else a compact merge.
    pub fn copied(&self) -> DictKeys {
        if self.used == 0 {
            return Self::new();
        }
        if self.used >= self.nentries() * 2 / 3 {
            return *self;
        }
        let mut fresh = Self::new();
        if let MergePlan::InsertEach(_) = fresh.merge(self) {
            for _ in 0..self.used {
                fresh.insert_new_key(self.unicode);
            }
        }
        fresh
    }

    /// `dict_merge(self, other)` for a dict `other` (`d.update(other)`,
    /// `dict(other)`, `{**other}`): either clone `other`'s table (an empty
    /// target and a clean, dense `other`) or resize once up front when
    /// `other` will not fit, then insert key by key.
    pub fn merge(&mut self, other: &DictKeys) -> MergePlan {
        if other.used == 0 {
            return MergePlan::InsertEach(KeysChange::Kept);
        }
        if self.used == 0
            && other.used == other.nentries()
            && other
                .log2_size
                .is_some_and(|l| l == 3 || usable_fraction((1usize << l) / 2) < other.used)
        {
            let old_bytes = self.table_bytes();
            *self = *other;
            return MergePlan::Cloned(KeysChange::Resized {
                old_bytes,
                new_bytes: self.table_bytes(),
            });
        }
        let size = self.log2_size.map_or(1, |l| 1usize << l);
        if usable_fraction(size) < other.used {
            let log2 = estimate_log2_keysize(self.used + other.used);
            return MergePlan::InsertEach(self.resize_to(log2, other.unicode));
        }
        MergePlan::InsertEach(KeysChange::Kept)
    }

    /// Records a deletion: the slot stays used until the next resize.
    pub fn delete_key(&mut self) {
        self.used = self.used.saturating_sub(1);
    }

    /// `dict.clear()`: back to the shared empty table. Returns the bytes
    /// of the table freed.
    pub fn clear(&mut self) -> usize {
        let old = self.table_bytes();
        *self = Self::new();
        old
    }
}

// ---------------------------------------------------------------- set

/// `PySet_MINSIZE`: slots of the table embedded in every set.
pub const SET_MINSIZE: usize = 8;
/// `sizeof(PySetObject)` (with its 8-slot `smalltable`): 200 bytes.
pub const SET_BASE_SIZE: usize = 200;
/// `sizeof(setentry)`.
const SET_ENTRY: usize = 16;
/// `LINEAR_PROBES` of `setobject.c`.
pub const SET_LINEAR_PROBES: usize = 9;
/// `PERTURB_SHIFT`.
const PERTURB_SHIFT: u32 = 5;

/// `set_table_resize(minused)`: the new slot count, the smallest power of
/// two above `minused` (at least 8).
pub fn set_table_size(minused: usize) -> usize {
    let mut size = SET_MINSIZE;
    while size <= minused {
        size <<= 1;
    }
    size
}

/// `sys.getsizeof(s)` for a set or frozenset whose table has `slots`
/// slots: `216`, plus `16 * slots` when the table outgrew the embedded one.
pub fn set_sizeof(slots: usize) -> usize {
    let extra = if slots > SET_MINSIZE {
        SET_ENTRY * slots
    } else {
        0
    };
    SET_BASE_SIZE + GC_HEAD_SIZE + extra
}

/// Bytes of a set's separately allocated table (0 for the embedded one).
pub fn set_table_bytes(slots: usize) -> usize {
    if slots > SET_MINSIZE {
        SET_ENTRY * slots
    } else {
        0
    }
}

/// After an insertion filled a slot: the `minused` to resize to, if
/// `set_add_entry` resizes (`fill * 5 >= mask * 3`); `used` and `fill`
/// count the new entry.
pub fn set_resize_after_add(used: usize, fill: usize, slots: usize) -> Option<usize> {
    let mask = slots - 1;
    if fill.saturating_mul(5) < mask.saturating_mul(3) {
        return None;
    }
    Some(if used > 50_000 {
        used.saturating_mul(2)
    } else {
        used.saturating_mul(4)
    })
}

/// Before merging `incoming` entries from another set or a dict
/// (`set_merge`, `set_update_internal`): the `minused` to resize to first,
/// if CPython resizes (`(fill + incoming) * 5 >= mask * 3`).
pub fn set_resize_before_merge(
    used: usize,
    fill: usize,
    slots: usize,
    incoming: usize,
) -> Option<usize> {
    let mask = slots - 1;
    if fill.saturating_add(incoming).saturating_mul(5) >= mask.saturating_mul(3) {
        Some(used.saturating_add(incoming).saturating_mul(2))
    } else {
        None
    }
}

/// The slots a set looks at, in order, for an entry with `hash` in a
/// table of `slots` slots (`set_add_entry`, `set_lookkey`,
/// `set_insert_clean`): runs of up to 10 consecutive slots, then a jump
/// `i = (i * 5 + 1 + perturb) & mask` with `perturb >>= 5`. Infinite: the
/// caller stops at the first free (or matching) slot. This is what makes
/// `print({3, 1, 2})` show `{1, 2, 3}`.
///
/// How `set_add_entry` uses it: walk the sequence comparing keys; stop at
/// the first never-used slot; if a dummy (deleted) slot was passed, the
/// new key goes into the *last* dummy passed (CPython 3.11 overwrites
/// `freeslot` at each dummy) and `fill` is unchanged, else into the empty
/// slot, `fill += 1`, then [`set_resize_after_add`]. A resize reinserts the
/// live keys in old-table order into the first empty slot of each one's
/// sequence (`set_insert_clean`). `ops/differential.rs` replays random
/// add/discard/clear runs this way and matches CPython's sizes and
/// iteration order.
pub fn set_probe_sequence(hash: i64, slots: usize) -> impl Iterator<Item = usize> {
    let mask = slots.max(1) - 1;
    let mut perturb = hash as u64 as usize;
    let mut i = (hash as u64 as usize) & mask;
    let mut run = 0usize;
    let mut run_len = if i + SET_LINEAR_PROBES <= mask {
        SET_LINEAR_PROBES
    } else {
        0
    };
    std::iter::from_fn(move || {
        let slot = (i + run) & mask;
        if run < run_len {
            run += 1;
        } else {
            perturb >>= PERTURB_SHIFT;
            i = (i.wrapping_mul(5).wrapping_add(1).wrapping_add(perturb)) & mask;
            run = 0;
            run_len = if i + SET_LINEAR_PROBES <= mask {
                SET_LINEAR_PROBES
            } else {
                0
            };
        }
        Some(slot)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    // Expected figures from CPython 3.11's sys.getsizeof.

    #[test]
    fn list_append_sequence_matches_python() {
        let want = [
            56, 88, 88, 88, 88, 120, 120, 120, 120, 184, 184, 184, 184, 184, 184, 184, 184, 248,
            248, 248, 248, 248, 248, 248, 248, 312, 312, 312, 312, 312, 312, 312, 312, 376, 376,
            376, 376, 376, 376, 376,
        ];
        let (mut size, mut allocated) = (0, 0);
        for w in want {
            assert_eq!(list_sizeof(allocated), w, "size {size}");
            allocated = list_resize(size, allocated, size + 1);
            size += 1;
        }
    }

    #[test]
    fn list_pop_sequence_matches_python() {
        let want = [
            216, 216, 216, 216, 216, 216, 216, 216, 216, 216, 184, 184, 152, 152, 120, 120, 120,
            120, 88, 56,
        ];
        let (mut size, mut allocated) = (20, list_preallocate_exact(20));
        for w in want {
            allocated = list_resize(size, allocated, size - 1);
            size -= 1;
            assert_eq!(list_sizeof(allocated), w, "size {size}");
        }
    }

    #[rstest]
    #[case(0, 56)]
    #[case(1, 72)]
    #[case(2, 72)]
    #[case(3, 88)]
    #[case(4, 88)]
    #[case(5, 104)]
    #[case(10, 136)]
    fn list_from_sized_iterable(#[case] n: usize, #[case] want: usize) {
        assert_eq!(list_sizeof(list_preallocate_exact(n)), want);
    }

    #[test]
    fn list_extend_matches_python() {
        // [] .extend(range(10)) then .extend(range(3)): 136 then 216.
        let a = list_preallocate_exact(10);
        assert_eq!(list_sizeof(a), 136);
        assert_eq!(list_sizeof(list_resize(10, a, 13)), 216);
        // [1].extend(range(100)): 888.
        assert_eq!(
            list_sizeof(list_resize(1, list_preallocate_exact(1), 101)),
            888
        );
        assert_eq!(list_items_bytes(4), 32);
        assert_eq!(
            list_resize(usize::MAX - 1, usize::MAX - 1, usize::MAX),
            usize::MAX & !3
        );
    }

    #[rstest]
    #[case(0, 40)]
    #[case(1, 48)]
    #[case(4, 72)]
    fn tuple_sizes(#[case] n: usize, #[case] want: usize) {
        assert_eq!(tuple_sizeof(n), want);
    }

    #[rstest]
    #[case(true, [64, 184, 184, 184, 184, 184, 272, 272, 272, 272, 272, 464, 464, 464, 464, 464, 464, 464, 464, 464, 464, 464, 832, 832, 832, 832, 832, 832, 832, 832])]
    #[case(false, [64, 224, 224, 224, 224, 224, 352, 352, 352, 352, 352, 632, 632, 632, 632, 632, 632, 632, 632, 632, 632, 632, 1168, 1168, 1168, 1168, 1168, 1168, 1168, 1168])]
    fn dict_insert_sequence_matches_python(#[case] str_keys: bool, #[case] want: [usize; 30]) {
        let mut d = DictKeys::new();
        for w in want {
            assert_eq!(d.sizeof(), w, "used {}", d.used);
            d.insert_new_key(str_keys);
        }
    }

    #[test]
    fn dict_special_cases_match_python() {
        // {'a': 1}: 184; {1: 1}: 224.
        let mut d = DictKeys::presized(1, true);
        d.insert_new_key(true);
        assert_eq!(d.sizeof(), 184);
        // {'a':1, ..., 'f':6}: 272 (presized).
        let mut d = DictKeys::presized(6, true);
        assert_eq!(d.insert_new_key(true), KeysChange::Kept);
        assert_eq!(d.sizeof(), 272);
        // d = {'a': 1}; d[1] = 2: 352 (to the general layout, 16 slots).
        let mut d = DictKeys::new();
        assert_eq!(
            d.insert_new_key(true),
            KeysChange::Resized {
                old_bytes: 0,
                new_bytes: 120
            }
        );
        assert_eq!(
            d.insert_new_key(false),
            KeysChange::Resized {
                old_bytes: 120,
                new_bytes: 288
            }
        );
        assert_eq!(d.sizeof(), 352);
        // fromkeys of 10 str keys, delete 8, insert one: 272 throughout; clear: 64.
        let mut d = DictKeys::new();
        for _ in 0..10 {
            d.insert_new_key(true);
        }
        assert_eq!(d.sizeof(), 272);
        for _ in 0..8 {
            d.delete_key();
        }
        assert_eq!(d.sizeof(), 272);
        d.insert_new_key(true);
        assert_eq!(d.sizeof(), 272);
        assert_eq!(d.clear(), 208);
        assert_eq!(d.sizeof(), 64);
    }

    /// Builds the table of a dict made by inserting `n` keys one by one.
    fn grown(n: usize, str_keys: bool) -> DictKeys {
        let mut d = DictKeys::new();
        for _ in 0..n {
            d.insert_new_key(str_keys);
        }
        d
    }

    /// Inserts `other.used` new keys after a merge plan asks for it.
    fn apply(d: &mut DictKeys, plan: MergePlan, other: &DictKeys) {
        if let MergePlan::InsertEach(_) = plan {
            for _ in 0..other.used {
                d.insert_new_key(other.unicode);
            }
        }
    }

    #[test]
    fn dict_copies_and_merges_match_python() {
        // {i: i for i in range(10)}: 352; .copy(), dict(d), {**d}: 352.
        let d = grown(10, false);
        assert_eq!(d.sizeof(), 352);
        assert_eq!(d.copied().sizeof(), 352);
        let mut e = DictKeys::new();
        let plan = e.merge(&d);
        assert!(matches!(plan, MergePlan::Cloned(_)));
        assert_eq!(e.sizeof(), 352);
        // 100 int keys, 90 deleted: 4688; copy and dict(): 352 (compacted).
        let mut sparse = grown(100, false);
        assert_eq!(sparse.sizeof(), 4688);
        for _ in 0..90 {
            sparse.delete_key();
        }
        assert_eq!(sparse.copied().sizeof(), 352);
        let mut e = DictKeys::new();
        let plan = e.merge(&sparse);
        apply(&mut e, plan, &sparse);
        assert_eq!(e.sizeof(), 352);
        // {'a': 1}.update({10 int keys}): 632.
        let mut f = grown(1, true);
        let plan = f.merge(&d);
        apply(&mut f, plan, &d);
        assert_eq!(f.sizeof(), 632);
        // {'x': 1}.update(dict.fromkeys(range(3))): 352.
        let small = grown(3, false);
        let mut f = grown(1, true);
        let plan = f.merge(&small);
        assert_eq!(plan, MergePlan::InsertEach(KeysChange::Kept));
        apply(&mut f, plan, &small);
        assert_eq!(f.sizeof(), 352);
        // 5 keys: 224 for the dict, its copy and dict(d); 11 keys: 632 for all three.
        for (n, want) in [(5, 224), (11, 632), (22, 1168), (6, 352)] {
            let d = grown(n, false);
            assert_eq!(d.sizeof(), want);
            assert_eq!(d.copied().sizeof(), want);
            let mut e = DictKeys::new();
            let plan = e.merge(&d);
            apply(&mut e, plan, &d);
            assert_eq!(e.sizeof(), want, "dict(d) of {n}");
        }
        assert_eq!(DictKeys::new().copied().sizeof(), 64);
    }

    #[rstest]
    #[case(-1, 152)]
    #[case(0, 64)]
    #[case(1, 72)]
    #[case(20, 152)]
    fn split_lists_match_python(#[case] maxsplit: i64, #[case] want: usize) {
        assert_eq!(list_sizeof(split_prealloc(maxsplit)), want);
    }

    #[test]
    fn split_of_thirteen_words_appends() {
        // ' '.join('x' * 13).split(): 216.
        let alloc = list_resize(12, split_prealloc(-1), 13);
        assert_eq!(list_sizeof(alloc), 216);
    }

    #[rstest]
    #[case(3, 4)]
    #[case(8, 3)]
    #[case(9, 4)]
    #[case(15, 4)]
    #[case(16, 5)]
    #[case(63, 6)]
    fn log2_keysize(#[case] minsize: usize, #[case] want: u32) {
        assert_eq!(calculate_log2_keysize(minsize), want);
    }

    #[test]
    fn set_add_sequence_matches_python() {
        let mut want = vec![216; 5];
        want.extend([728; 14]);
        want.extend([2264; 21]);
        let (mut used, mut slots) = (0, SET_MINSIZE);
        for (i, w) in want.iter().enumerate() {
            assert_eq!(set_sizeof(slots), *w, "after {i} adds");
            used += 1;
            if let Some(minused) = set_resize_after_add(used, used, slots) {
                slots = set_table_size(minused);
            }
        }
    }

    #[test]
    fn set_bulk_sizes_match_python() {
        // set(range(100)): 8408 (one at a time).
        let (mut used, mut slots) = (0, SET_MINSIZE);
        for _ in 0..100 {
            used += 1;
            if let Some(m) = set_resize_after_add(used, used, slots) {
                slots = set_table_size(m);
            }
        }
        assert_eq!(set_sizeof(slots), 8408);
        // set({1: 1, 2: 2}): 216; set(set(range(10))): 728.
        assert_eq!(set_resize_before_merge(0, 0, SET_MINSIZE, 2), None);
        let m = set_resize_before_merge(0, 0, SET_MINSIZE, 10).unwrap();
        assert_eq!(set_sizeof(set_table_size(m)), 728);
        assert_eq!(set_table_bytes(8), 0);
        assert_eq!(set_table_bytes(32), 512);
    }

    #[test]
    fn probe_sequences() {
        // Small table: no linear run (i + 9 > mask), straight to perturbation.
        let seq: Vec<usize> = set_probe_sequence(3, 8).take(3).collect();
        assert_eq!(seq, vec![3, 0, 1]);
        // Big table: ten consecutive slots first.
        let seq: Vec<usize> = set_probe_sequence(5, 32).take(11).collect();
        assert_eq!(seq, vec![5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 26]);
        // Negative hashes probe as their unsigned value.
        let first = set_probe_sequence(-2, 8).next();
        assert_eq!(first, Some(6));
    }
}
