//! The tables of one tracing session: `tracemalloc_traces` (a trace per
//! live block, keyed by domain and address) and `tracemalloc_tracebacks`
//! (interned tracebacks), the traced-memory counters, and the traceback
//! capture from the frame stack (`traceback_new` in `_tracemalloc.c`).

use core::hash::{BuildHasher, Hasher};
use core::mem::size_of;

use alloc_pool::Domain;
use hashbrown::{HashMap, HashTable};

use std::sync::Arc;

use crate::frame::{Frame, Traceback};
use crate::frame_stack::{self, StackKey, mix};
use crate::reentrancy::TracerGuard;
use crate::sampling::{self, Rng};
use crate::snapshot::Trace;
use crate::tracemalloc::MAX_NFRAME;
use crate::window::{Pending, Ring};

/// Entries of the per-session cache of captured tracebacks.
const TRACEBACK_CACHE: usize = 16;

/// Key of a trace: `(domain, pointer)` as in `_tracemalloc.c`'s per-domain tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TraceKey {
    pub(crate) addr: usize,
    pub(crate) domain: Domain,
}

impl core::hash::Hash for TraceKey {
    /// One word: user-space addresses fit in 48 bits, so the domain goes in
    /// the top bits (a collision only costs a probe: keys are compared whole).
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.addr as u64 ^ (u64::from(self.domain) << 48));
    }
}

/// `trace_t`: the requested size and the interned traceback.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TraceEntry {
    size: usize,
    traceback: u32,
}

/// A hasher for addresses (and small integers): one folded multiply per
/// word; addresses are aligned, so the low bits need the high ones mixed in.
#[derive(Default, Clone, Copy, Debug)]
pub(crate) struct AddrHasher(u64);

impl Hasher for AddrHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = mix(self.0 ^ u64::from(b));
        }
    }
    fn write_u32(&mut self, i: u32) {
        self.0 = mix(self.0 ^ u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.0 = mix(self.0 ^ i);
    }
    fn write_usize(&mut self, i: usize) {
        self.0 = mix(self.0 ^ i as u64);
    }
}

#[derive(Default, Clone, Copy, Debug)]
pub(crate) struct BuildAddrHasher;

impl BuildHasher for BuildAddrHasher {
    type Hasher = AddrHasher;
    fn build_hasher(&self) -> AddrHasher {
        AddrHasher(0)
    }
}

/// The tables of one tracing session (`tracemalloc_traces`,
/// `tracemalloc_tracebacks`, the counters), guarded by the tracer's lock.
#[derive(Debug)]
pub(crate) struct Tables {
    pub(crate) max_nframe: usize,
    pub(crate) traces: HashMap<TraceKey, TraceEntry, BuildAddrHasher>,
    /// Interned tracebacks; a trace refers to one by index.
    pub(crate) tracebacks: Vec<Traceback>,
    pub(crate) traceback_hashes: Vec<u64>,
    pub(crate) traceback_index: HashTable<u32>,
    pub(crate) frames_stored: usize,
    pub(crate) traced: usize,
    pub(crate) peak: usize,
    /// Tracebacks recently captured, by the key of the stack they came from.
    pub(crate) cache: [Option<(StackKey, u32)>; TRACEBACK_CACHE],
    pub(crate) sample_rate: u64,
    pub(crate) rng: Rng,
    pub(crate) est_traced: f64,
    pub(crate) est_peak: f64,
    /// The decorators' windows registered in the current epoch (their live
    /// slots are traces too; see [`window`](crate::window)).
    pub(crate) windows: Vec<Arc<Ring>>,
}

impl Tables {
    pub(crate) fn new(max_nframe: usize, sample_rate: u64, seed: u64) -> Self {
        Tables {
            max_nframe,
            traces: HashMap::with_hasher(BuildAddrHasher),
            tracebacks: Vec::new(),
            traceback_hashes: Vec::new(),
            traceback_index: HashTable::new(),
            frames_stored: 0,
            traced: 0,
            peak: 0,
            cache: [None; TRACEBACK_CACHE],
            sample_rate,
            rng: Rng::new(seed),
            est_traced: 0.0,
            est_peak: 0.0,
            windows: Vec::new(),
        }
    }

    pub(crate) fn sampled(&self) -> bool {
        self.sample_rate != 0
    }

    /// `traceback_new()`: the current thread's traceback, interned. `None`
    /// when the frame stack cannot be read (it is being changed).
    pub(crate) fn current_traceback(&mut self) -> Option<u32> {
        let key = frame_stack::stack_key()?;
        let slot = (key.lineno as usize ^ key.version as usize) % TRACEBACK_CACHE;
        if let Some(Some((k, tb))) = self.cache.get(slot)
            && *k == key
        {
            return Some(*tb);
        }
        let tb = {
            // Interning allocates: events it causes on this thread are ignored.
            let _reentrancy = TracerGuard::enter();
            self.intern_current_traceback()?
        };
        if let Some(entry) = self.cache.get_mut(slot) {
            *entry = Some((key, tb));
        }
        Some(tb)
    }

    /// The lookup behind [`Tables::current_traceback`] when its cache
    /// misses: hash the stack's top `max_nframe` frames, find or add them.
    pub(crate) fn intern_current_traceback(&mut self) -> Option<u32> {
        let max_nframe = self.max_nframe;
        frame_stack::with_stack(|view| {
            let depth = view.entries.len();
            let window = view
                .entries
                .get(depth - depth.min(max_nframe)..)
                .unwrap_or(&[]);
            let total_nframe = if depth == 0 {
                1
            } else {
                depth.min(MAX_NFRAME as usize) as u32
            };
            // Rotate-xor-add per frame (short dependency chain), one final mix.
            let mut hash = u64::from(total_nframe);
            for e in window {
                hash = hash.rotate_left(7)
                    ^ e.name_hash.wrapping_add(
                        u64::from(e.frame.lineno).wrapping_mul(0x9E37_79B9_7F4A_7C15),
                    );
            }
            let hash = mix(hash);
            let tracebacks = &self.tracebacks;
            let found = self.traceback_index.find(hash, |&i| {
                tracebacks.get(i as usize).is_some_and(|tb| {
                    tb.total_nframe() == Some(total_nframe)
                        && if window.is_empty() {
                            tb.frames() == [Frame::unknown()]
                        } else {
                            tb.frames().len() == window.len()
                                && tb.frames().iter().zip(window).all(|(a, b)| {
                                    a.lineno == b.frame.lineno && a.filename == b.frame.filename
                                })
                        }
                })
            });
            match found {
                Some(&i) => i,
                None => {
                    let frames: Vec<Frame> = if window.is_empty() {
                        vec![Frame::unknown()]
                    } else {
                        window.iter().map(|e| e.frame.clone()).collect()
                    };
                    self.frames_stored += frames.len();
                    let i = self.tracebacks.len() as u32;
                    self.tracebacks
                        .push(Traceback::from_oldest_first(frames, Some(total_nframe)));
                    self.traceback_hashes.push(hash);
                    let hashes = &self.traceback_hashes;
                    self.traceback_index
                        .insert_unique(hash, i, |&j| hashes.get(j as usize).copied().unwrap_or(0));
                    i
                }
            }
        })
    }

    /// `tracemalloc_add_trace()`: records (or replaces) the trace at `key`.
    pub(crate) fn add_trace(&mut self, key: TraceKey, size: usize, traceback: u32) -> bool {
        if self.traces.len() >= self.traces.capacity() {
            // Growing allocates: events it causes on this thread are ignored.
            let _reentrancy = TracerGuard::enter();
            self.traces.reserve(1);
        }
        let previous = self.traces.insert(key, TraceEntry { size, traceback });
        if let Some(old) = previous {
            self.forget_size(old.size);
        }
        self.traced = self.traced.saturating_add(size);
        self.peak = self.peak.max(self.traced);
        if self.sampled() {
            self.est_traced += size as f64 * sampling::inverse_probability(size, self.sample_rate);
            self.est_peak = self.est_peak.max(self.est_traced);
        }
        previous.is_none()
    }

    /// `tracemalloc_remove_trace()`.
    pub(crate) fn remove_trace(&mut self, key: TraceKey) -> bool {
        match self.traces.remove(&key) {
            Some(old) => {
                self.forget_size(old.size);
                true
            }
            None => false,
        }
    }

    pub(crate) fn forget_size(&mut self, size: usize) {
        self.traced -= size.min(self.traced);
        if self.sampled() {
            self.est_traced -= size as f64 * sampling::inverse_probability(size, self.sample_rate);
            if self.traces.is_empty() || self.est_traced < 0.0 {
                self.est_traced = 0.0;
            }
        }
    }

    pub(crate) fn traced_memory(&self) -> (usize, usize) {
        if self.sampled() {
            (
                self.est_traced.round() as usize,
                self.est_peak.round() as usize,
            )
        } else {
            (self.traced, self.peak)
        }
    }

    /// `tracemalloc_clear_traces()`: traces and interned tracebacks go, the
    /// counters restart from 0.
    pub(crate) fn clear(&mut self) {
        self.traces.clear();
        self.tracebacks.clear();
        self.traceback_hashes.clear();
        self.traceback_index.clear();
        self.frames_stored = 0;
        self.cache = [None; TRACEBACK_CACHE];
        self.traced = 0;
        self.peak = 0;
        self.est_traced = 0.0;
        self.est_peak = 0.0;
        self.windows.clear();
    }

    /// `tracemalloc_get_tracemalloc_memory()`: bytes held by the tables.
    pub(crate) fn memory(&self) -> usize {
        size_of::<Tables>()
            + self.traces.capacity() * (size_of::<(TraceKey, TraceEntry)>() + 1)
            + self.tracebacks.capacity() * (size_of::<Traceback>() + size_of::<u64>())
            + self.traceback_index.capacity() * (size_of::<u32>() + 1)
            + self.tracebacks.len() * 2 * size_of::<usize>()
            + self.frames_stored * size_of::<Frame>()
    }

    /// `_tracemalloc._get_traces()`: every trace, in hash-table order.
    pub(crate) fn all_traces(&self) -> Vec<Trace> {
        self.traces
            .iter()
            .filter_map(|(key, entry)| {
                let traceback = self.tracebacks.get(entry.traceback as usize)?.clone();
                Some(Trace {
                    domain: key.domain,
                    size: entry.size,
                    traceback,
                })
            })
            .collect()
    }

    pub(crate) fn trace_at(&self, key: TraceKey) -> Option<Trace> {
        let entry = self.traces.get(&key)?;
        let traceback = self.tracebacks.get(entry.traceback as usize)?.clone();
        Some(Trace {
            domain: key.domain,
            size: entry.size,
            traceback,
        })
    }

    /// Bytes of the live pending allocations of every window of `epoch`.
    pub(crate) fn pending_bytes(&self, epoch: u64) -> usize {
        self.windows.iter().map(|w| w.live_bytes(epoch)).sum()
    }

    /// `(current, peak)` traced memory including the windows (exact mode).
    pub(crate) fn exact_memory(&self, epoch: u64, peak_epoch: u64) -> (usize, usize) {
        let current = self.traced + self.pending_bytes(epoch);
        let window_peak = self
            .windows
            .iter()
            .map(|w| w.peak(epoch, peak_epoch))
            .max()
            .unwrap_or(0);
        (current, self.peak.max(window_peak).max(current))
    }

    /// The live pending allocations of every window of `epoch`.
    pub(crate) fn pending(&self, epoch: u64) -> impl Iterator<Item = Pending> + '_ {
        self.windows
            .iter()
            .flat_map(move |w| w.live(epoch).map(|(_, p)| p))
    }

    /// A pending allocation as a [`Trace`].
    pub(crate) fn pending_trace(&self, p: Pending) -> Option<Trace> {
        Some(Trace {
            domain: p.domain,
            size: p.size,
            traceback: self.tracebacks.get(p.traceback as usize)?.clone(),
        })
    }

    /// The window, slot and allocation of the live pending block at `key`.
    fn locate_pending(&self, epoch: u64, key: TraceKey) -> Option<(&Ring, usize, Pending)> {
        self.windows.iter().find_map(|w| {
            w.live(epoch)
                .find(|(_, p)| p.addr == key.addr && p.domain == key.domain)
                .map(|(i, p)| (&**w, i, p))
        })
    }

    /// The pending allocation at `key`, if a window of `epoch` holds it live.
    pub(crate) fn find_pending(&self, epoch: u64, key: TraceKey) -> Option<Pending> {
        self.locate_pending(epoch, key).map(|(_, _, p)| p)
    }

    /// A block freed through a decorator that does not hold its pending
    /// allocation (another decorator does): cancel it there.
    pub(crate) fn cancel_pending(&self, epoch: u64, key: TraceKey) -> bool {
        let Some((w, i, p)) = self.locate_pending(epoch, key) else {
            return false;
        };
        w.cancel_remote(i, p.size);
        true
    }
}
