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
//! Layout (after `string-interner`'s bucket backend and matklad's "fast
//! simple interner"): all text lives in one `String`; each slot records a
//! span of it, the text's hash and the host value; a `hashbrown`
//! `HashTable<u32>` of slot indices finds text. Released slots go on a free
//! list and their symbols get a new generation, so a stale symbol is
//! refused rather than resolved to someone else's text. Released text is
//! reclaimed by compacting the buffer once more than half of it is dead.

use core::fmt;
use core::hash::BuildHasher;

use hashbrown::DefaultHashBuilder;
use hashbrown::HashTable;
use hashbrown::hash_table::Entry;

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
    /// More than `u32::MAX - 1` texts are live at once.
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
            Self::Full => f.write_str("the interner holds u32::MAX - 1 texts"),
        }
    }
}

impl std::error::Error for InternError {}

/// No next free slot.
const NO_SLOT: u32 = u32::MAX;
/// Dead bytes below this are never worth a compaction.
const COMPACT_MIN_DEAD: usize = 4096;

enum SlotState<V> {
    Occupied {
        start: usize,
        len: usize,
        hash: u64,
        value: V,
    },
    Vacant {
        next_free: u32,
    },
}

struct Slot<V> {
    generation: u32,
    state: SlotState<V>,
}

/// The text of an occupied slot, or `None`.
fn text_of<'t, V>(text: &'t str, slot: &Slot<V>) -> Option<&'t str> {
    match &slot.state {
        SlotState::Occupied { start, len, .. } => text.get(*start..start.checked_add(*len)?),
        SlotState::Vacant { .. } => None,
    }
}

fn hash_of<V>(slot: Option<&Slot<V>>) -> u64 {
    match slot {
        Some(Slot {
            state: SlotState::Occupied { hash, .. },
            ..
        }) => *hash,
        _ => 0,
    }
}

/// An interning table from text to [`Symbol`] and a host value `V`.
///
/// Costs: `intern` of new text is one hash, one probe and an amortized
/// append; of known text one hash and one probe; `resolve` is two bounds
/// checks. Memory: the live text (at most twice it before compaction) plus
/// about 40 bytes per entry and the host value.
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
    slots: Vec<Slot<V>>,
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
            table: HashTable::new(),
            free_head: NO_SLOT,
            live: 0,
            dead_bytes: 0,
            hasher,
        }
    }

    /// Make room for `additional` more texts.
    pub fn reserve(&mut self, additional: usize) {
        let slots = &self.slots;
        self.table
            .reserve(additional, |&i| hash_of(slots.get(i as usize)));
        self.slots.reserve(additional);
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

    /// The symbol of `s` if it is interned; never inserts.
    #[must_use]
    pub fn get(&self, s: &str) -> Option<Symbol> {
        self.get_value(s).map(|(sym, _)| sym)
    }

    /// The symbol and host value of `s` if it is interned; never inserts.
    #[must_use]
    pub fn get_value(&self, s: &str) -> Option<(Symbol, &V)> {
        let hash = self.hasher.hash_one(s);
        let (text, slots) = (&self.text, &self.slots);
        let index = *self.table.find(hash, |&i| {
            slots.get(i as usize).and_then(|slot| text_of(text, slot)) == Some(s)
        })?;
        let slot = self.slots.get(index as usize)?;
        match &slot.state {
            SlotState::Occupied { value, .. } => Some((
                Symbol {
                    index,
                    generation: slot.generation,
                },
                value,
            )),
            SlotState::Vacant { .. } => None,
        }
    }

    /// Whether `s` is interned.
    #[must_use]
    pub fn contains(&self, s: &str) -> bool {
        self.get(s).is_some()
    }

    /// Intern `s`: its symbol if known, otherwise a new entry whose value
    /// is `make(symbol)`. `make` runs only for new text.
    ///
    /// Corresponds to `PyUnicode_InternInPlace`, except that the host, not
    /// the table, decides which object is canonical.
    pub fn intern_with(
        &mut self,
        s: &str,
        make: impl FnOnce(Symbol) -> V,
    ) -> Result<Symbol, InternError> {
        let hash = self.hasher.hash_one(s);
        let (text, slots) = (&self.text, &self.slots);
        let entry = self.table.entry(
            hash,
            |&i| slots.get(i as usize).and_then(|slot| text_of(text, slot)) == Some(s),
            |&i| hash_of(slots.get(i as usize)),
        );
        match entry {
            Entry::Occupied(found) => {
                let index = *found.get();
                let generation = self.slots.get(index as usize).map_or(0, |s| s.generation);
                Ok(Symbol { index, generation })
            }
            Entry::Vacant(vacant) => {
                let (index, generation) = match self.slots.get(self.free_head as usize) {
                    Some(slot) => {
                        let index = self.free_head;
                        self.free_head = match slot.state {
                            SlotState::Vacant { next_free } => next_free,
                            SlotState::Occupied { .. } => NO_SLOT,
                        };
                        (index, slot.generation)
                    }
                    None => {
                        let index = u32::try_from(self.slots.len())
                            .ok()
                            .filter(|&i| i != NO_SLOT)
                            .ok_or(InternError::Full)?;
                        (index, 0)
                    }
                };
                vacant.insert(index);
                let start = self.text.len();
                self.text.push_str(s);
                let symbol = Symbol { index, generation };
                let state = SlotState::Occupied {
                    start,
                    len: s.len(),
                    hash,
                    value: make(symbol),
                };
                match self.slots.get_mut(index as usize) {
                    Some(slot) => slot.state = state,
                    None => self.slots.push(Slot { generation, state }),
                }
                self.live += 1;
                Ok(symbol)
            }
        }
    }

    /// The text of `sym`, or `None` if it is stale.
    #[must_use]
    pub fn resolve(&self, sym: Symbol) -> Option<&str> {
        let slot = self.live_slot(sym)?;
        text_of(&self.text, slot)
    }

    /// The host value of `sym`, or `None` if it is stale.
    #[must_use]
    pub fn value(&self, sym: Symbol) -> Option<&V> {
        match &self.live_slot(sym)?.state {
            SlotState::Occupied { value, .. } => Some(value),
            SlotState::Vacant { .. } => None,
        }
    }

    /// The host value of `sym`, mutably, or `None` if it is stale.
    pub fn value_mut(&mut self, sym: Symbol) -> Option<&mut V> {
        let slot = self.slots.get_mut(sym.index as usize)?;
        if slot.generation != sym.generation {
            return None;
        }
        match &mut slot.state {
            SlotState::Occupied { value, .. } => Some(value),
            SlotState::Vacant { .. } => None,
        }
    }

    /// Remove the entry of `sym` and hand back its value: the host's
    /// string object died (`unicode_dealloc` of an interned string, which
    /// deletes it from `interned`). The symbol and every copy of it become
    /// stale.
    pub fn release(&mut self, sym: Symbol) -> Result<V, InternError> {
        let hash = match self.live_slot(sym) {
            Some(Slot {
                state: SlotState::Occupied { hash, .. },
                ..
            }) => *hash,
            _ => return Err(InternError::StaleSymbol(sym)),
        };
        if let Ok(found) = self.table.find_entry(hash, |&i| i == sym.index) {
            found.remove();
        }
        let slot = self
            .slots
            .get_mut(sym.index as usize)
            .ok_or(InternError::StaleSymbol(sym))?;
        let old = core::mem::replace(
            &mut slot.state,
            SlotState::Vacant {
                next_free: self.free_head,
            },
        );
        slot.generation = slot.generation.wrapping_add(1);
        self.free_head = sym.index;
        self.live -= 1;
        match old {
            SlotState::Occupied { len, value, .. } => {
                self.dead_bytes += len;
                self.maybe_compact();
                Ok(value)
            }
            SlotState::Vacant { .. } => Err(InternError::StaleSymbol(sym)),
        }
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
        self.slots.iter().zip(0u32..).filter_map(|(slot, index)| {
            let SlotState::Occupied { value, .. } = &slot.state else {
                return None;
            };
            let text = text_of(&self.text, slot)?;
            Some((
                Symbol {
                    index,
                    generation: slot.generation,
                },
                text,
                value,
            ))
        })
    }

    fn live_slot(&self, sym: Symbol) -> Option<&Slot<V>> {
        self.slots
            .get(sym.index as usize)
            .filter(|slot| slot.generation == sym.generation)
    }

    /// Rewrite the text buffer with live text only once more than half of
    /// it is dead. Symbols are unaffected: they name slots, not offsets.
    fn maybe_compact(&mut self) {
        if self.dead_bytes < COMPACT_MIN_DEAD || self.dead_bytes * 2 < self.text.len() {
            return;
        }
        let mut text = String::with_capacity(self.text.len() - self.dead_bytes);
        for slot in &mut self.slots {
            if let SlotState::Occupied { start, len, .. } = &mut slot.state
                && let Some(s) = self.text.get(*start..*start + *len)
            {
                *start = text.len();
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
    pub fn intern(&mut self, s: &str) -> Result<Symbol, InternError> {
        self.intern_with(s, |_| ())
    }
}
