//! [`Tracemalloc`]: CPython 3.11's `Modules/_tracemalloc.c` (traces keyed by
//! domain and address, interned tracebacks, current and peak traced memory),
//! plus an optional Poisson-sampling mode.

use core::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU16, AtomicU32, AtomicU64, Ordering};

use spin::mutex::{SpinMutex, SpinMutexGuard};
use spin::relax::Yield;

use alloc_pool::{AllocObserver, Domain};

use crate::error::TraceError;
use crate::frame::Traceback;
use crate::frame_stack::mix;
use crate::reentrancy::{TracerGuard, in_tracer};
use crate::snapshot::{Snapshot, Trace};
use crate::tables::{Tables, TraceKey};
use crate::tracer::Tracer;

/// `MAX_NFRAME` of `_tracemalloc.c`: the largest traceback limit, and the
/// cap of `total_nframe`.
pub const MAX_NFRAME: u32 = 65535;

const MODE_OFF: u8 = 0;
const MODE_EXACT: u8 = 1;
const MODE_SAMPLED: u8 = 2;

/// Buckets of the lock-free "maybe sampled" address filter.
const FILTER_SLOTS: usize = 4096;

static NEXT_SESSION: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// Sampling countdown of this thread: (session, bytes until the next
    /// sample point). A session id that is not the tracer's current one
    /// means "not drawn yet".
    static COUNTDOWN: Cell<(u64, i64)> = const { Cell::new((0, 0)) };
}

/// The tracer: `tracemalloc`'s state and API.
///
/// Share it (`Arc<Tracemalloc>`) between the [`Traced`](crate::Traced)
/// allocators that report to it and the code that reads it, or put it in a
/// `static` ([`Tracemalloc::new`] is `const`).
///
/// Cost while tracing exactly: one uncontended lock, one hash-table insert
/// or remove per event, and a traceback lookup per allocation (free when the
/// frame stack has not changed since the previous allocation on the same
/// thread). While sampling: a thread-local countdown per allocation and one
/// relaxed atomic load per free, except for the sampled blocks. While
/// stopped: one relaxed atomic load per event.
pub struct Tracemalloc {
    mode: AtomicU8,
    /// `tracemalloc_config.max_nframe`: survives `stop()`, default 1.
    max_nframe: AtomicU32,
    session: AtomicU64,
    /// Per-bucket counts of live sampled blocks (a counting filter on the
    /// address; `u16::MAX` sticks).
    maybe_sampled: [AtomicU16; FILTER_SLOTS],
    /// The tables, behind a spin lock (yielding when contended) that never
    /// allocates: taken once per event, and never held while calling out.
    tables: SpinMutex<Option<Tables>, Yield>,
}

impl core::fmt::Debug for Tracemalloc {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Tracemalloc")
            .field("tracing", &self.is_tracing())
            .field("sampling", &self.is_sampling())
            .field("traceback_limit", &self.traceback_limit())
            .finish_non_exhaustive()
    }
}

impl Default for Tracemalloc {
    fn default() -> Self {
        Tracemalloc::new()
    }
}

/// Which bucket of the sampled-address filter `addr` falls in.
#[inline]
fn filter_slot(addr: usize) -> usize {
    (mix(addr as u64) as usize) % FILTER_SLOTS
}

/// The lock on the tables, with the re-entrancy guard set while it is held
/// (so nothing the tracer allocates under the lock is traced or deadlocks).
struct Locked<'a> {
    // Field order matters: the lock is released before the flag is cleared.
    guard: SpinMutexGuard<'a, Option<Tables>, Yield>,
    _reentrancy: TracerGuard,
}

impl Tracemalloc {
    /// A stopped tracer with traceback limit 1 (usable in a `static`).
    pub const fn new() -> Self {
        Tracemalloc {
            mode: AtomicU8::new(MODE_OFF),
            max_nframe: AtomicU32::new(1),
            session: AtomicU64::new(0),
            maybe_sampled: [const { AtomicU16::new(0) }; FILTER_SLOTS],
            tables: SpinMutex::new(None),
        }
    }

    /// A new stopped tracer, shared.
    pub fn new_shared() -> Arc<Self> {
        Arc::new(Tracemalloc::new())
    }

    /// The lock for an allocation event: `None` when the event comes from
    /// the tracer itself on this thread (then it is not traced).
    ///
    /// The re-entrancy flag is only read here, not set: the event code
    /// holding this lock sets it around the few places that may allocate
    /// (`Tables::add_trace` growing the table, a new interned traceback), and
    /// a hash-table remove never frees. That saves two thread-local writes
    /// per event.
    #[inline]
    fn lock_event(&self) -> Option<SpinMutexGuard<'_, Option<Tables>, Yield>> {
        if in_tracer() {
            return None;
        }
        Some(self.tables.lock())
    }

    fn lock(&self) -> Locked<'_> {
        let reentrancy = TracerGuard::enter();
        let guard = self.tables.lock();
        Locked {
            guard,
            _reentrancy: reentrancy,
        }
    }

    fn check_nframe(nframe: i64) -> Result<usize, TraceError> {
        if (1..=i64::from(MAX_NFRAME)).contains(&nframe) {
            Ok(nframe as usize)
        } else {
            Err(TraceError::InvalidFrameCount(nframe))
        }
    }

    /// `tracemalloc.start(nframe=1)`: traces every allocation from now on,
    /// with at most `nframe` frames per traceback. `nframe` outside
    /// `1..=65535` is `ValueError("the number of frames must be in range
    /// [1; 65535]")`. Already tracing: nothing changes, not even the limit.
    pub fn start(&self, nframe: i64) -> Result<(), TraceError> {
        self.start_mode(nframe, 0, 0)
    }

    /// Starts tracing in **sampling mode** (beyond CPython 3.11): each
    /// allocation is traced with probability `1 - exp(-size/sample_rate)`
    /// and statistics are unbiased estimates; see [`sampling`](crate::sampling).
    /// `seed` fixes the random choices (same seed and same allocations on
    /// one thread: same samples). Already tracing: nothing changes.
    pub fn start_sampling(
        &self,
        nframe: i64,
        sample_rate: u64,
        seed: u64,
    ) -> Result<(), TraceError> {
        if sample_rate == 0 {
            return Err(TraceError::InvalidSampleRate);
        }
        self.start_mode(nframe, sample_rate, seed)
    }

    fn start_mode(&self, nframe: i64, sample_rate: u64, seed: u64) -> Result<(), TraceError> {
        let nframe = Tracemalloc::check_nframe(nframe)?;
        if self.is_tracing() {
            return Ok(());
        }
        // Built before taking the lock: allocating under it would be ignored anyway.
        let tables = Tables::new(nframe, sample_rate, seed);
        {
            let mut locked = self.lock();
            if locked.guard.is_some() {
                return Ok(());
            }
            *locked.guard = Some(tables);
            for slot in &self.maybe_sampled {
                slot.store(0, Ordering::Relaxed);
            }
            self.max_nframe.store(nframe as u32, Ordering::Relaxed);
            self.session.store(
                NEXT_SESSION.fetch_add(1, Ordering::Relaxed),
                Ordering::Relaxed,
            );
            let mode = if sample_rate == 0 {
                MODE_EXACT
            } else {
                MODE_SAMPLED
            };
            self.mode.store(mode, Ordering::Release);
        }
        tracing::info!(target: "tracemalloc", nframe, sample_rate, "tracemalloc started");
        Ok(())
    }

    /// `tracemalloc.stop()`: stops tracing and drops every trace (so
    /// `traced_memory()` is `(0, 0)`). The traceback limit is kept.
    pub fn stop(&self) {
        let tables = {
            let mut locked = self.lock();
            self.mode.store(MODE_OFF, Ordering::Release);
            locked.guard.take()
        };
        if let Some(tables) = tables {
            let traces = tables.traces.len();
            // Freed outside the lock (the events it causes are ignored: not tracing).
            drop(tables);
            tracing::info!(target: "tracemalloc", traces, "tracemalloc stopped");
        }
    }

    /// `tracemalloc.is_tracing()`.
    pub fn is_tracing(&self) -> bool {
        self.mode.load(Ordering::Acquire) != MODE_OFF
    }

    /// Whether tracing is on in sampling mode.
    pub fn is_sampling(&self) -> bool {
        self.mode.load(Ordering::Acquire) == MODE_SAMPLED
    }

    /// The sampling rate (mean bytes between samples) when sampling.
    pub fn sample_rate(&self) -> Option<u64> {
        let locked = self.lock();
        locked
            .guard
            .as_ref()
            .map(|t| t.sample_rate)
            .filter(|&r| r != 0)
    }

    /// `tracemalloc.get_traceback_limit()`: the limit of the current (or
    /// last) session; 1 before any `start`.
    pub fn traceback_limit(&self) -> usize {
        self.max_nframe.load(Ordering::Relaxed) as usize
    }

    /// `tracemalloc.get_traced_memory()`: `(current, peak)` bytes of the
    /// traced blocks, `(0, 0)` when not tracing. Estimates when sampling.
    pub fn traced_memory(&self) -> (usize, usize) {
        let locked = self.lock();
        locked.guard.as_ref().map_or((0, 0), |t| t.traced_memory())
    }

    /// `tracemalloc.reset_peak()`: the peak becomes the current size.
    pub fn reset_peak(&self) {
        let mut locked = self.lock();
        if let Some(t) = locked.guard.as_mut() {
            t.peak = t.traced;
            t.est_peak = t.est_traced;
        }
    }

    /// `tracemalloc.clear_traces()`: forgets every trace and interned
    /// traceback; the counters restart at `(0, 0)`. Tracing goes on.
    pub fn clear_traces(&self) {
        let old = {
            let mut locked = self.lock();
            let Some(t) = locked.guard.as_mut() else {
                return;
            };
            for slot in &self.maybe_sampled {
                slot.store(0, Ordering::Relaxed);
            }
            // Swap the interned tracebacks out, to free them outside the lock.
            let old = core::mem::take(&mut t.tracebacks);
            t.clear();
            old
        };
        drop(old);
    }

    /// `tracemalloc.get_tracemalloc_memory()`: bytes used by the tracer's
    /// own tables (0 when not tracing).
    pub fn tracemalloc_memory(&self) -> usize {
        let locked = self.lock();
        locked.guard.as_ref().map_or(0, |t| t.memory())
    }

    /// How many blocks are traced now.
    pub fn trace_count(&self) -> usize {
        let locked = self.lock();
        locked.guard.as_ref().map_or(0, |t| t.traces.len())
    }

    /// How many distinct tracebacks are interned now.
    pub fn traceback_count(&self) -> usize {
        let locked = self.lock();
        locked.guard.as_ref().map_or(0, |t| t.tracebacks.len())
    }

    /// The trace of the block at `addr` in `domain`, if it is traced
    /// (its traceback carries `total_nframe`, as in a snapshot).
    pub fn trace(&self, domain: Domain, addr: usize) -> Option<Trace> {
        let locked = self.lock();
        locked.guard.as_ref()?.trace_at(TraceKey { addr, domain })
    }

    /// `_PyTraceMalloc_GetTraceback(domain, ptr)`, behind
    /// `tracemalloc.get_object_traceback(obj)`: where the block at `addr`
    /// was allocated (without `total_nframe`, as CPython returns it), or
    /// `None` when not tracing or not traced.
    pub fn object_traceback(&self, domain: Domain, addr: usize) -> Option<Traceback> {
        self.trace(domain, addr)
            .map(|t| t.traceback.with_total_nframe(None))
    }

    /// `tracemalloc.take_snapshot()`; `RuntimeError("the tracemalloc module
    /// must be tracing memory allocations to take a snapshot")` when not
    /// tracing. The traces come in no particular order (CPython: hash-table order).
    pub fn take_snapshot(&self) -> Result<Snapshot, TraceError> {
        let locked = self.lock();
        let t = locked.guard.as_ref().ok_or(TraceError::NotTracing)?;
        let traces = t.all_traces();
        let limit = t.max_nframe;
        let rate = t.sample_rate;
        drop(locked);
        if rate == 0 {
            Ok(Snapshot::new(traces, limit))
        } else {
            Snapshot::new_sampled(traces, limit, rate)
        }
    }

    /// `PyTraceMalloc_Track(domain, ptr, size)`: records a block allocated
    /// outside the traced allocators (CPython returns -2 when not tracing:
    /// [`TraceError::TrackWhileNotTracing`]). Always traced, even when sampling.
    pub fn track(&self, domain: Domain, addr: usize, size: usize) -> Result<(), TraceError> {
        let mut locked = self.lock();
        let t = locked
            .guard
            .as_mut()
            .ok_or(TraceError::TrackWhileNotTracing)?;
        if let Some(tb) = t.current_traceback()
            && t.add_trace(TraceKey { addr, domain }, size, tb)
            && t.sampled()
        {
            self.mark_sampled(addr);
        }
        Ok(())
    }

    /// `PyTraceMalloc_Untrack(domain, ptr)`.
    pub fn untrack(&self, domain: Domain, addr: usize) -> Result<(), TraceError> {
        let mut locked = self.lock();
        let t = locked
            .guard
            .as_mut()
            .ok_or(TraceError::TrackWhileNotTracing)?;
        if t.remove_trace(TraceKey { addr, domain }) && t.sampled() {
            self.unmark_sampled(addr);
        }
        Ok(())
    }

    fn mark_sampled(&self, addr: usize) {
        if let Some(slot) = self.maybe_sampled.get(filter_slot(addr)) {
            let v = slot.load(Ordering::Relaxed);
            if v != u16::MAX {
                slot.store(v + 1, Ordering::Relaxed);
            }
        }
    }

    fn unmark_sampled(&self, addr: usize) {
        if let Some(slot) = self.maybe_sampled.get(filter_slot(addr)) {
            let v = slot.load(Ordering::Relaxed);
            if v != u16::MAX && v != 0 {
                slot.store(v - 1, Ordering::Relaxed);
            }
        }
    }

    #[inline]
    fn maybe_sampled(&self, addr: usize) -> bool {
        self.maybe_sampled
            .get(filter_slot(addr))
            .is_some_and(|s| s.load(Ordering::Relaxed) != 0)
    }

    /// The sampling decision for an allocation of `size` bytes: whether this
    /// one is traced. Only the thread-local countdown when it is not.
    #[inline]
    fn should_sample(&self, size: usize) -> bool {
        let session = self.session.load(Ordering::Relaxed);
        COUNTDOWN
            .try_with(|c| {
                let (s, left) = c.get();
                if s == session {
                    let left = left.saturating_sub(i64::try_from(size).unwrap_or(i64::MAX));
                    c.set((s, left));
                    left <= 0
                } else {
                    true // first allocation of the session on this thread: draw under the lock
                }
            })
            .unwrap_or(false)
    }

    /// Records an allocation (exact mode, or a sampling candidate).
    #[inline]
    fn record(&self, domain: Domain, addr: usize, size: usize, sampled_mode: bool) {
        let Some(mut locked) = self.lock_event() else {
            return;
        };
        let Some(t) = locked.as_mut() else {
            return;
        };
        if sampled_mode {
            let session = self.session.load(Ordering::Relaxed);
            let (s, _) = COUNTDOWN.try_with(Cell::get).unwrap_or((session, 0));
            if s != session {
                // First draw of this thread: is a sample point inside this block?
                let left = t
                    .rng
                    .next_gap(t.sample_rate)
                    .saturating_sub(i64::try_from(size).unwrap_or(i64::MAX));
                let _ = COUNTDOWN.try_with(|c| c.set((session, left)));
                if left > 0 {
                    return;
                }
            }
            let gap = t.rng.next_gap(t.sample_rate);
            let _ = COUNTDOWN.try_with(|c| c.set((session, gap)));
        }
        if let Some(tb) = t.current_traceback()
            && t.add_trace(TraceKey { addr, domain }, size, tb)
            && sampled_mode
        {
            self.mark_sampled(addr);
        }
    }

    /// Forgets a freed block.
    #[inline]
    fn forget(&self, domain: Domain, addr: usize, sampled_mode: bool) {
        if sampled_mode && !self.maybe_sampled(addr) {
            return;
        }
        let Some(mut locked) = self.lock_event() else {
            return;
        };
        let Some(t) = locked.as_mut() else {
            return;
        };
        if t.remove_trace(TraceKey { addr, domain }) && sampled_mode {
            self.unmark_sampled(addr);
        }
    }
}

impl AllocObserver for Tracemalloc {
    /// `tracemalloc_alloc()` after the inner allocator succeeded.
    #[inline]
    fn on_alloc(&self, domain: Domain, addr: usize, size: usize) {
        match self.mode.load(Ordering::Relaxed) {
            MODE_OFF => {}
            MODE_EXACT => self.record(domain, addr, size, false),
            _ => {
                // The tracer's own allocations must not move the countdown.
                if !in_tracer() && self.should_sample(size) {
                    self.record(domain, addr, size, true);
                }
            }
        }
    }

    /// `tracemalloc_realloc()`: the old trace goes, the block is traced
    /// again at its new address with the current traceback (sampling: the
    /// resized block is a new sampling candidate).
    fn on_realloc(&self, domain: Domain, old_addr: usize, new_addr: usize, new_size: usize) {
        let mode = self.mode.load(Ordering::Relaxed);
        if mode == MODE_OFF {
            return;
        }
        let sampled = mode == MODE_SAMPLED;
        if old_addr != new_addr || sampled {
            self.forget(domain, old_addr, sampled);
        }
        if !sampled || (!in_tracer() && self.should_sample(new_size)) {
            self.record(domain, new_addr, new_size, sampled);
        }
    }

    /// `tracemalloc_free()`: the trace goes.
    #[inline]
    fn on_free(&self, domain: Domain, addr: usize) {
        let mode = self.mode.load(Ordering::Relaxed);
        if mode == MODE_OFF {
            return;
        }
        self.forget(domain, addr, mode == MODE_SAMPLED);
    }
}

impl Tracer for Tracemalloc {
    fn name(&self) -> &'static str {
        "tracemalloc"
    }
    fn capabilities(&self) -> &'static [&'static str] {
        &["tracemalloc"]
    }
}
