//! The interned-string table: text to [`Symbol`] and a host value, with
//! release.
//!
//! CPython keeps `interned`, a dict whose keys and values are the same
//! string object; in 3.11 those two references are not counted, so an
//! interned string dies like any other and `unicode_dealloc` removes it
//! from the table. [`Interner`] is that table for a host that owns its
//! objects: it maps text to a small [`Symbol`] and to a value of the host's
//! choosing (the runtime stores its object handle), and
//! [`Interner::release`] removes an entry when the host's object dies.
//!
//! Layout (after `string-interner`'s string backend and matklad's "fast
//! simple interner"): all text lives in one `String`; a dense vector of
//! 8-byte slots records each entry's span and generation (texts of 64 KiB
//! or more keep their length in a side map), side vectors
//! hold the text's hash (used only when the table grows or an entry is
//! released) and the host value; a `hashbrown` `HashTable<u32>` of slot
//! indices finds text. The table stays small (4 bytes an entry), so its
//! random probes mostly hit cache; a 16-byte entry carrying the span was
//! measured slower. Released slots go on a
//! free list and get a new generation, so a stale symbol is refused rather
//! than resolved to someone else's text; a slot whose 16-bit generation is
//! used up is retired, never reused, so generations never wrap. Released text is reclaimed by
//! compacting the buffer once more than half of it is dead.

use core::fmt;
use core::hash::{BuildHasher, Hasher};

use hashbrown::DefaultHashBuilder;
use hashbrown::HashTable;

/// A handle for one interned text: slot index plus generation.
///
/// Cheap to copy and compare. A symbol whose entry was released is
/// *stale*: resolving it gives `None`, releasing it an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol {
    index: u32,
    generation: u32,
}

impl Symbol {
    /// The slot index (dense, reused after release).
    #[must_use]
    pub fn index(self) -> usize {
        self.index as usize
    }

    /// The generation of the slot when this symbol was handed out.
    #[must_use]
    pub fn generation(self) -> u32 {
        self.generation
    }
}

/// Errors of the interner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InternError {
    /// The symbol's entry was released (or never came from this interner).
    StaleSymbol(Symbol),
    /// More than `u32::MAX - 1` texts are live at once, or their text
    /// would exceed 4 GiB.
    Full,
}

impl fmt::Display for InternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::StaleSymbol(sym) => write!(
                f,
                "stale interned symbol (slot {}, generation {})",
                sym.index, sym.generation
            ),
            Self::Full => f.write_str("the interner is full (4 Gi texts or 4 GiB of text)"),
        }
    }
}

impl std::error::Error for InternError {}

/// No next free slot.
const NO_SLOT: u32 = u32::MAX;
/// Dead bytes below this are never worth a compaction.
const COMPACT_MIN_DEAD: usize = 4096;

/// `Slot::len` of a text of `LONG` bytes or more; its length is in
/// `Interner::long_lens`.
const LONG: u16 = u16::MAX;
/// A slot released at this generation is retired instead of reused, so
/// generations never wrap and a stale symbol is refused forever.
const RETIRED: u16 = u16::MAX - 1;

/// One entry's place in the text, in 8 bytes (the lookup path streams
/// through these). `generation` is odd while occupied and even while
/// vacant; a vacant slot keeps the next free slot in `start`.
#[derive(Clone, Copy, Debug)]
struct Slot {
    start: u32,
    len: u16,
    generation: u16,
}

impl Slot {
    fn is_occupied(self) -> bool {
        self.generation & 1 == 1
    }
}

/// An interning table from text to [`Symbol`] and a host value `V`.
///
/// Costs: `intern` of new text is one hash, one probe and an amortized
/// append; of known text one hash and one probe; `resolve` is two bounds
/// checks. Memory: the live text (at most twice it before compaction) plus
/// 8 + 8 + 4 bytes per entry (slot, hash, table) and the host value.
///
/// ```
/// use interning::Interner;
/// // The runtime maps text to its string object's handle.
/// let mut table: Interner<u64> = Interner::new();
/// let sym = table.intern_with("spam", |_| 7)?;
/// assert_eq!(table.get_value("spam"), Some((sym, &7)));
/// assert_eq!(table.release(sym)?, 7); // the string object died
/// assert_eq!(table.get("spam"), None);
/// # Ok::<(), interning::InternError>(())
/// ```
pub struct Interner<V, S = DefaultHashBuilder> {
    text: String,
    slots: Vec<Slot>,
    long_lens: hashbrown::HashMap<u32, u32>,
    hashes: Vec<u64>,
    values: Vec<Option<V>>,
    table: HashTable<u32>,
    free_head: u32,
    live: usize,
    dead_bytes: usize,
    hasher: S,
}

/// An interner with no host value: text to [`Symbol`] only.
pub type StringInterner<S = DefaultHashBuilder> = Interner<(), S>;

impl<V> Interner<V> {
    /// An empty interner with the default (foldhash) hasher.
    #[must_use]
    pub fn new() -> Self {
        Self::with_hasher(DefaultHashBuilder::default())
    }

    /// An empty interner with room for `entries` texts.
    #[must_use]
    pub fn with_capacity(entries: usize) -> Self {
        let mut interner = Self::new();
        interner.reserve(entries);
        interner
    }
}

impl<V> Default for Interner<V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<V, S> fmt::Debug for Interner<V, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Interner")
            .field("len", &self.live)
            .field("text_bytes", &self.text.len())
            .field("dead_bytes", &self.dead_bytes)
            .finish_non_exhaustive()
    }
}

impl<V, S: BuildHasher> Interner<V, S> {
    /// An empty interner hashing with `hasher`.
    pub fn with_hasher(hasher: S) -> Self {
        Self {
            text: String::new(),
            slots: Vec::new(),
            long_lens: hashbrown::HashMap::new(),
            hashes: Vec::new(),
            values: Vec::new(),
            table: HashTable::new(),
            free_head: NO_SLOT,
            live: 0,
            dead_bytes: 0,
            hasher,
        }
    }

    /// Make room for `additional` more texts.
    pub fn reserve(&mut self, additional: usize) {
        let hashes = &self.hashes;
        self.table.reserve(additional, |&i| {
            hashes.get(i as usize).copied().unwrap_or_default()
        });
        self.slots.reserve(additional);
        self.hashes.reserve(additional);
        self.values.reserve(additional);
    }

    /// Number of live entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.live
    }

    /// Whether no entry is live.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Bytes of text held, live and dead (before compaction).
    #[must_use]
    pub fn text_bytes(&self) -> usize {
        self.text.len()
    }

    fn symbol_at(&self, index: u32) -> Symbol {
        Symbol {
            index,
            generation: self
                .slots
                .get(index as usize)
                .map_or(0, |s| u32::from(s.generation)),
        }
    }

    /// The symbol of `s` if it is interned; never inserts.
    #[must_use]
    pub fn get(&self, s: &str) -> Option<Symbol> {
        self.find(self.hash_text(s), s)
    }

    /// The symbol and host value of `s` if it is interned; never inserts.
    #[must_use]
    pub fn get_value(&self, s: &str) -> Option<(Symbol, &V)> {
        let sym = self.get(s)?;
        Some((sym, self.value(sym)?))
    }

    /// Whether `s` is interned.
    #[must_use]
    pub fn contains(&self, s: &str) -> bool {
        self.get(s).is_some()
    }

    /// The hash of a text: its bytes only. (`str`'s `Hash` also feeds a
    /// `0xff` terminator, which costs foldhash an extra fold; one text per
    /// key needs no terminator.)
    #[inline]
    fn hash_text(&self, s: &str) -> u64 {
        let mut hasher = self.hasher.build_hasher();
        hasher.write(s.as_bytes());
        hasher.finish()
    }

    /// The symbol of `s`, whose hash is `hash`, if it is interned.
    #[inline]
    fn find(&self, hash: u64, s: &str) -> Option<Symbol> {
        let (text, slots) = (self.text.as_bytes(), &self.slots);
        let mut generation = 0;
        let &index = self.table.find(hash, |&i| match slots.get(i as usize) {
            Some(slot) => {
                generation = slot.generation;
                let start = slot.start as usize;
                let same_len = if slot.len == LONG {
                    self.long_lens.get(&i).map(|&l| l as usize) == Some(s.len())
                } else {
                    usize::from(slot.len) == s.len()
                };
                same_len && text.get(start..start + s.len()) == Some(s.as_bytes())
            }
            None => false,
        })?;
        Some(Symbol {
            index,
            generation: u32::from(generation),
        })
    }

    /// The text range of an occupied slot.
    fn range(&self, index: u32, slot: Slot) -> core::ops::Range<usize> {
        let start = slot.start as usize;
        let len = if slot.len == LONG {
            self.long_lens.get(&index).map_or(0, |&l| l as usize)
        } else {
            usize::from(slot.len)
        };
        start..start + len
    }

    /// Intern `s`: its symbol if known, otherwise a new entry whose value
    /// is `make(symbol)`. `make` runs only for new text.
    ///
    /// Corresponds to `PyUnicode_InternInPlace`, except that the host, not
    /// the table, decides which object is canonical.
    #[inline(always)]
    pub fn intern_with(
        &mut self,
        s: &str,
        make: impl FnOnce(Symbol) -> V,
    ) -> Result<Symbol, InternError> {
        let hash = self.hash_text(s);
        // Known text first: one probe, no growth check (the common case
        // for names and `sys.intern`).
        match self.find(hash, s) {
            Some(sym) => Ok(sym),
            None => self.insert_new(hash, s, make),
        }
    }

    /// Add `s`, known to be absent, as a new entry. Kept out of line so
    /// that the lookup path of `intern_with` stays small where it is
    /// inlined.
    fn insert_new(
        &mut self,
        hash: u64,
        s: &str,
        make: impl FnOnce(Symbol) -> V,
    ) -> Result<Symbol, InternError> {
        let start = u32::try_from(self.text.len()).map_err(|_| InternError::Full)?;
        let len32 = u32::try_from(s.len()).map_err(|_| InternError::Full)?;
        start.checked_add(len32).ok_or(InternError::Full)?;
        let len = u16::try_from(s.len())
            .ok()
            .filter(|&l| l != LONG)
            .unwrap_or(LONG);
        let index = match self.slots.get_mut(self.free_head as usize) {
            Some(slot) => {
                let index = self.free_head;
                self.free_head = slot.start;
                slot.generation = slot.generation.wrapping_add(1);
                slot.start = start;
                slot.len = len;
                index
            }
            None => {
                let index = u32::try_from(self.slots.len())
                    .ok()
                    .filter(|&i| i != NO_SLOT)
                    .ok_or(InternError::Full)?;
                self.slots.push(Slot {
                    start,
                    len,
                    generation: 1,
                });

                self.hashes.push(hash);
                self.values.push(None);
                index
            }
        };
        if let Some(h) = self.hashes.get_mut(index as usize) {
            *h = hash;
        }
        if len == LONG {
            self.long_lens.insert(index, len32);
        }
        let symbol = self.symbol_at(index);
        let hashes = &self.hashes;
        self.table.insert_unique(hash, index, |&i| {
            hashes.get(i as usize).copied().unwrap_or_default()
        });
        self.text.push_str(s);
        if let Some(v) = self.values.get_mut(index as usize) {
            *v = Some(make(symbol));
        }
        self.live += 1;
        Ok(symbol)
    }

    fn live_slot(&self, sym: Symbol) -> Option<Slot> {
        self.slots
            .get(sym.index as usize)
            .copied()
            .filter(|slot| u32::from(slot.generation) == sym.generation && slot.is_occupied())
    }

    /// The text of `sym`, or `None` if it is stale.
    #[must_use]
    pub fn resolve(&self, sym: Symbol) -> Option<&str> {
        let slot = self.live_slot(sym)?;
        self.text.get(self.range(sym.index, slot))
    }

    /// The host value of `sym`, or `None` if it is stale.
    #[must_use]
    pub fn value(&self, sym: Symbol) -> Option<&V> {
        self.live_slot(sym)?;
        self.values.get(sym.index as usize)?.as_ref()
    }

    /// The host value of `sym`, mutably, or `None` if it is stale.
    pub fn value_mut(&mut self, sym: Symbol) -> Option<&mut V> {
        self.live_slot(sym)?;
        self.values.get_mut(sym.index as usize)?.as_mut()
    }

    /// Remove the entry of `sym` and hand back its value: the host's
    /// string object died (`unicode_dealloc` of an interned string, which
    /// deletes it from `interned`). The symbol and every copy of it become
    /// stale.
    pub fn release(&mut self, sym: Symbol) -> Result<V, InternError> {
        let stale = InternError::StaleSymbol(sym);
        let slot = self.live_slot(sym).ok_or(stale)?;
        let index = sym.index as usize;
        let hash = self.hashes.get(index).copied().ok_or(stale)?;
        if let Ok(found) = self.table.find_entry(hash, |&i| i == sym.index) {
            found.remove();
        }
        let value = self.values.get_mut(index).and_then(Option::take);
        let dead = self.range(sym.index, slot).len();
        self.long_lens.remove(&sym.index);
        if let Some(s) = self.slots.get_mut(index) {
            s.generation += 1;
            s.len = 0;
            if s.generation < RETIRED {
                s.start = self.free_head;
                self.free_head = sym.index;
            } else {
                s.start = NO_SLOT;
            }
        }
        self.live -= 1;
        self.dead_bytes += dead;
        self.maybe_compact();
        value.ok_or(stale)
    }

    /// Remove the entry for the text `s`, if any.
    pub fn remove(&mut self, s: &str) -> Option<(Symbol, V)> {
        let sym = self.get(s)?;
        self.release(sym).ok().map(|v| (sym, v))
    }

    /// Remove every entry. Symbols handed out before become stale.
    pub fn clear(&mut self) {
        let live: Vec<Symbol> = self.iter().map(|(sym, _, _)| sym).collect();
        for sym in live {
            let _ = self.release(sym);
        }
        self.text.clear();
        self.dead_bytes = 0;
    }

    /// Every live entry, in slot order.
    pub fn iter(&self) -> impl Iterator<Item = (Symbol, &str, &V)> + '_ {
        self.slots
            .iter()
            .zip(&self.values)
            .zip(0u32..)
            .filter_map(|((slot, value), index)| {
                if !slot.is_occupied() {
                    return None;
                }
                let sym = Symbol {
                    index,
                    generation: u32::from(slot.generation),
                };
                Some((
                    sym,
                    self.text.get(self.range(index, *slot))?,
                    value.as_ref()?,
                ))
            })
    }

    /// Rewrite the text buffer with live text only once more than half of
    /// it is dead. Symbols are unaffected: they name slots, not offsets.
    fn maybe_compact(&mut self) {
        if self.dead_bytes < COMPACT_MIN_DEAD || self.dead_bytes * 2 < self.text.len() {
            return;
        }
        let mut text = String::with_capacity(self.text.len() - self.dead_bytes);
        for index in 0..self.slots.len() {
            let Some(&slot) = self.slots.get(index) else {
                break;
            };
            let Ok(index32) = u32::try_from(index) else {
                break;
            };
            if slot.is_occupied()
                && let Some(s) = self.text.get(self.range(index32, slot))
                && let Ok(start) = u32::try_from(text.len())
                && let Some(place) = self.slots.get_mut(index)
            {
                place.start = start;
                text.push_str(s);
            }
        }
        tracing::debug!(
            before = self.text.len(),
            after = text.len(),
            "interner text compacted"
        );
        self.text = text;
        self.dead_bytes = 0;
    }
}

impl<S: BuildHasher> Interner<(), S> {
    /// Intern `s` with no host value.
    #[inline]
    pub fn intern(&mut self, s: &str) -> Result<Symbol, InternError> {
        self.intern_with(s, |_| ())
    }
}
