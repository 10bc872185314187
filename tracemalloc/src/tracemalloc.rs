//! [`Tracemalloc`]: CPython 3.11's `Modules/_tracemalloc.c` (traces keyed by
//! domain and address, interned tracebacks, current and peak traced memory),
//! plus an optional Poisson-sampling mode.

use core::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU16, AtomicU32, AtomicU64, AtomicUsize, Ordering};

use spin::mutex::{SpinMutex, SpinMutexGuard};
use spin::relax::Yield;

use alloc_pool::{AllocObserver, Domain};

use crate::error::TraceError;
use crate::frame::Traceback;
use crate::reentrancy::{TracerGuard, in_tracer};
use crate::snapshot::{Snapshot, Trace};
use crate::tables::{Tables, TraceKey};
use crate::tracer::Tracer;
use crate::window::{Pending, Window, WindowState};

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
/// Cost while tracing exactly, through a [`Traced`](crate::Traced)
/// decorator: no lock for an allocation, nor for the free of a block still
/// in the decorator's [`Window`] of recent allocations (a slot write, an
/// index insert or remove, and a traceback lookup that is free while the
/// frame stack has not changed); one uncontended lock and one hash-table
/// remove to free an older block; one lock per [`WINDOW`](crate::window)
/// allocations to publish the window. Reported directly
/// ([`AllocObserver`]), every event takes the lock. While sampling: a thread-local countdown per allocation and one
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
    /// allocates: taken once per locked event, and never held while calling out.
    tables: SpinMutex<Option<Tables>, Yield>,
    /// Bumped (under the lock) by `start`, `stop` and `clear_traces`:
    /// window slots of an older epoch are forgotten.
    epoch: AtomicU64,
    /// Bumped (under the lock) by `reset_peak` and with `epoch`: the
    /// windows' peak candidates of an older one are dropped.
    peak_epoch: AtomicU64,
    /// The published traced memory (`Tables::traced`), stored under the lock
    /// after each change, for the windows' peak candidates.
    published: AtomicUsize,
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
    // Blocks are 16-byte aligned; folding in the bits above a pool keeps
    // blocks of different pools apart. Cheaper than a full mix, and a
    // collision only costs a lock on a free.
    ((addr >> 4) ^ (addr >> 16)) % FILTER_SLOTS
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
            epoch: AtomicU64::new(0),
            peak_epoch: AtomicU64::new(0),
            published: AtomicUsize::new(0),
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
            self.new_epoch();
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
            self.new_epoch();
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
        locked.guard.as_ref().map_or((0, 0), |t| {
            if t.sampled() {
                t.traced_memory()
            } else {
                t.exact_memory(
                    self.current_epoch(),
                    self.peak_epoch.load(Ordering::Relaxed),
                )
            }
        })
    }

    /// `tracemalloc.reset_peak()`: the peak becomes the current size.
    pub fn reset_peak(&self) {
        let mut locked = self.lock();
        if let Some(t) = locked.guard.as_mut() {
            t.peak = t.traced + t.pending_bytes(self.current_epoch());
            t.est_peak = t.est_traced;
            self.peak_epoch.fetch_add(1, Ordering::Relaxed);
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
            self.new_epoch();
            self.published.store(0, Ordering::Relaxed);
            old
        };
        drop(old);
    }

    /// `tracemalloc.get_tracemalloc_memory()`: bytes used by the tracer's
    /// own tables (0 when not tracing).
    pub fn tracemalloc_memory(&self) -> usize {
        let locked = self.lock();
        locked.guard.as_ref().map_or(0, |t| {
            t.memory() + t.windows.iter().map(|w| w.memory()).sum::<usize>()
        })
    }

    /// How many blocks are traced now.
    pub fn trace_count(&self) -> usize {
        let locked = self.lock();
        locked.guard.as_ref().map_or(0, |t| {
            t.traces.len() + t.pending(self.current_epoch()).count()
        })
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
        let t = locked.guard.as_ref()?;
        let key = TraceKey { addr, domain };
        t.trace_at(key).or_else(|| {
            t.find_pending(self.current_epoch(), key)
                .and_then(|p| t.pending_trace(p))
        })
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
        let mut traces = t.all_traces();
        traces.extend(
            t.pending(self.current_epoch())
                .filter_map(|p| t.pending_trace(p)),
        );
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
        let key = TraceKey { addr, domain };
        // Tracking replaces a trace, pending or not.
        t.cancel_pending(self.current_epoch(), key);
        if let Some(tb) = t.current_traceback()
            && t.add_trace(key, size, tb)
            && t.sampled()
        {
            self.mark_sampled(addr);
        }
        self.published.store(t.traced, Ordering::Relaxed);
        Ok(())
    }

    /// `PyTraceMalloc_Untrack(domain, ptr)`.
    pub fn untrack(&self, domain: Domain, addr: usize) -> Result<(), TraceError> {
        let mut locked = self.lock();
        let t = locked
            .guard
            .as_mut()
            .ok_or(TraceError::TrackWhileNotTracing)?;
        let key = TraceKey { addr, domain };
        if t.remove_trace(key) {
            if t.sampled() {
                self.unmark_sampled(addr);
            }
        } else {
            t.cancel_pending(self.current_epoch(), key);
        }
        self.published.store(t.traced, Ordering::Relaxed);
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
                    // `left > 0` here (a draw resets it), so this cannot
                    // overflow: `size` is at most `isize::MAX`.
                    let left = left.wrapping_sub(size as i64);
                    c.set((s, left));
                    left <= 0
                } else {
                    true // first allocation of the session on this thread: draw under the lock
                }
            })
            .unwrap_or(false)
    }

    /// Records an allocation (exact mode, or a sampling candidate). Out of
    /// line: through a decorator it runs only for sampled blocks and window
    /// misses, and inlined it would weigh on every event's fast path.
    #[cold]
    #[inline(never)]
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
        self.published.store(t.traced, Ordering::Relaxed);
    }

    /// Forgets a freed block.
    #[inline]
    fn forget(&self, domain: Domain, addr: usize, sampled_mode: bool) {
        if sampled_mode && !self.maybe_sampled(addr) {
            return;
        }
        self.forget_locked(domain, addr, sampled_mode);
    }

    /// The locked part of [`Tracemalloc::forget`] (out of line, as
    /// [`Tracemalloc::record`]).
    #[cold]
    #[inline(never)]
    fn forget_locked(&self, domain: Domain, addr: usize, sampled_mode: bool) {
        let Some(mut locked) = self.lock_event() else {
            return;
        };
        let Some(t) = locked.as_mut() else {
            return;
        };
        let key = TraceKey { addr, domain };
        if t.remove_trace(key) {
            if sampled_mode {
                self.unmark_sampled(addr);
            }
            self.published.store(t.traced, Ordering::Relaxed);
        } else if !sampled_mode {
            // Allocated through another decorator and still in its window.
            t.cancel_pending(self.current_epoch(), key);
        }
    }

    /// The current epoch (see [`Window`]).
    #[inline]
    fn current_epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    /// Starts a new epoch (caller holds the lock): every window's slots and
    /// peak candidates become stale, and no window is registered.
    fn new_epoch(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
        self.peak_epoch.fetch_add(1, Ordering::Relaxed);
        self.published.store(0, Ordering::Relaxed);
    }

    /// Makes `w`'s window ready for an allocation in `epoch`: creates and
    /// registers it, starts it over after `clear_traces`/`stop`/`start`, or
    /// publishes it when full. `false` when not tracing exactly (the event
    /// then goes the locked way).
    #[cold]
    #[inline(never)]
    fn prepare_window(&self, w: &mut WindowState) -> bool {
        let mut locked = self.lock();
        let Some(t) = locked.guard.as_mut() else {
            return false;
        };
        if t.sampled() {
            return false;
        }
        let epoch = self.current_epoch();
        let ring = w.ring_or_new();
        if ring.epoch() != epoch || !t.windows.iter().any(|r| Arc::ptr_eq(r, &ring)) {
            w.reset(epoch);
            t.windows.push(ring);
        } else {
            Self::publish(t, w, epoch, self.peak_epoch.load(Ordering::Relaxed));
            self.published.store(t.traced, Ordering::Relaxed);
        }
        true
    }

    /// Moves the live slots of `w` into the tables (caller holds the lock).
    fn publish(t: &mut Tables, w: &mut WindowState, epoch: u64, peak_epoch: u64) {
        let (live, peak) = w.drain(epoch, peak_epoch);
        for p in live {
            t.add_trace(
                TraceKey {
                    addr: p.addr,
                    domain: p.domain,
                },
                p.size,
                p.traceback,
            );
        }
        t.peak = t.peak.max(peak);
    }

    /// The traceback of the current stack for a window allocation: from the
    /// window's cache, else interned under the lock.
    #[inline]
    fn window_traceback(&self, w: &mut WindowState, epoch: u64) -> Option<u32> {
        let key = crate::frame_stack::stack_key()?;
        if let Some(tb) = w.cached_traceback(epoch, key) {
            return Some(tb);
        }
        let tb = {
            let mut locked = self.lock();
            locked.guard.as_mut()?.current_traceback()?
        };
        w.cache_traceback(epoch, key, tb);
        Some(tb)
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
    type Local = Window;

    /// Exact mode: the allocation joins the decorator's window, without a
    /// lock (see [`Window`]). Otherwise as [`AllocObserver::on_alloc`].
    ///
    /// No re-entrancy check here: the tracer never allocates through a
    /// decorator (its own memory comes from the global allocator), the
    /// window's state is guarded by its `RefCell`, and the locked paths
    /// check for themselves.
    #[inline]
    fn alloc_in(&self, local: &Window, domain: Domain, addr: usize, size: usize) {
        match self.mode.load(Ordering::Relaxed) {
            MODE_EXACT => {}
            MODE_OFF => return,
            _ => {
                if self.should_sample(size) {
                    self.record(domain, addr, size, true);
                }
                return;
            }
        }
        let Ok(mut w) = local.state.try_borrow_mut() else {
            return self.on_alloc(domain, addr, size);
        };
        if !w.ready(self.current_epoch()) && !self.prepare_window(&mut w) {
            drop(w);
            return self.on_alloc(domain, addr, size);
        }
        // The ring's own epoch keys the traceback cache: if `clear_traces`
        // runs on another thread meanwhile, the ring is stale, and so is
        // whatever this allocation puts in it.
        let Some(epoch) = w.ring.as_ref().map(|r| r.epoch()) else {
            return;
        };
        let Some(traceback) = self.window_traceback(&mut w, epoch) else {
            return;
        };
        if w.index_full() {
            // Growing the index allocates: not traced.
            let _reentrancy = TracerGuard::enter();
            w.reserve_index();
        }
        w.push(
            Pending {
                addr,
                domain,
                size,
                traceback,
            },
            self.published.load(Ordering::Relaxed),
            self.peak_epoch.load(Ordering::Relaxed),
        );
    }

    /// Exact mode: a block still in the decorator's window is cancelled
    /// there, without a lock; any other goes as [`AllocObserver::on_free`].
    #[inline]
    fn free_in(&self, local: &Window, domain: Domain, addr: usize) {
        match self.mode.load(Ordering::Relaxed) {
            MODE_EXACT => {
                if let Ok(mut w) = local.state.try_borrow_mut()
                    && w.cancel(self.current_epoch(), addr)
                {
                    return;
                }
                self.forget(domain, addr, false);
            }
            MODE_OFF => {}
            _ => self.forget(domain, addr, true),
        }
    }

    /// The old block goes and the new one is traced with the current
    /// traceback, each as a free and an allocation through the window.
    fn realloc_in(
        &self,
        local: &Window,
        domain: Domain,
        old_addr: usize,
        new_addr: usize,
        new_size: usize,
    ) {
        if self.mode.load(Ordering::Relaxed) != MODE_EXACT {
            return self.on_realloc(domain, old_addr, new_addr, new_size);
        }
        self.free_in(local, domain, old_addr);
        self.alloc_in(local, domain, new_addr, new_size);
    }

    /// Publishes the window and unregisters it.
    fn retire(&self, local: &Window) {
        let Ok(mut w) = local.state.try_borrow_mut() else {
            return;
        };
        let Some(ring) = w.ring.clone() else {
            return;
        };
        let mut locked = self.lock();
        let Some(t) = locked.guard.as_mut() else {
            return;
        };
        let before = t.windows.len();
        t.windows.retain(|r| !Arc::ptr_eq(r, &ring));
        if t.windows.len() != before {
            Self::publish(
                t,
                &mut w,
                self.current_epoch(),
                self.peak_epoch.load(Ordering::Relaxed),
            );
            self.published.store(t.traced, Ordering::Relaxed);
        }
    }

    fn name(&self) -> &'static str {
        "tracemalloc"
    }
    fn capabilities(&self) -> &'static [&'static str] {
        &["tracemalloc"]
    }
}
