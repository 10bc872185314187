//! [`GlobalPyMalloc`]: pymalloc shared between threads behind a spin lock,
//! usable as the process's `#[global_allocator]`.
//!
//! CPython 3.11 protects obmalloc with the GIL; here one lock plays the GIL's
//! part. The lock is a test-and-test-and-set spin lock on one `AtomicBool`:
//! it never allocates (so it cannot recurse into the allocator it guards),
//! and nothing inside the critical section allocates through the global
//! allocator either: arenas, the arena table and large blocks come from
//! `std::alloc::System` directly, and `tracing` events are emitted only
//! after the lock is released, under a per-thread guard that drops nested
//! events instead of recursing.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::{Cell, UnsafeCell};
use core::hint::spin_loop;
use core::ptr::{self, NonNull};
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use allocator_api2::alloc::{AllocError as ApiAllocError, Allocator};

use crate::allocator::{check_realloc_owner, realloc_outcome, resized_layout};
use crate::arena::emit;
use crate::obmalloc::{InvalidFree, Obmalloc};
use crate::stats::pymalloc_report;
use crate::{AllocError, AllocStats, AllocatorId, Block, PyAllocator, ReallocError};

/// Thread-safe pymalloc, for `static` use and `#[global_allocator]`.
///
/// Same algorithms, constants and statistics as [`PyMalloc`](crate::PyMalloc);
/// every call takes one uncontended-cheap spin lock. Implements
/// [`GlobalAlloc`], [`PyAllocator`] and allocator-api2's [`Allocator`].
///
/// ```
/// use alloc_pool::GlobalPyMalloc;
///
/// #[global_allocator]
/// static GLOBAL: GlobalPyMalloc = GlobalPyMalloc::new();
///
/// fn main() {
///     let words: Vec<String> = (0..1000).map(|i| i.to_string()).collect();
///     assert_eq!(words.len(), 1000);
///     assert!(GLOBAL.stats().arenas.current >= 1);
/// }
/// ```
///
/// In debug builds a `dealloc` of a pointer that is not a live block (a
/// double free, a foreign pointer) prints `alloc-pool: ...` to stderr and
/// aborts; release builds trust the caller, as `GlobalAlloc` allows.
#[derive(Debug)]
pub struct GlobalPyMalloc {
    locked: AtomicBool,
    state: UnsafeCell<Obmalloc>,
    /// The `AllocatorId`, minted on first use (0: not yet).
    id: AtomicU64,
}

// SAFETY: the state is only touched by `locked_state`, which holds the spin
// lock (acquire/release ordering) for the whole access, so at most one
// thread at a time has the `&mut Obmalloc`.
unsafe impl Sync for GlobalPyMalloc {}
// SAFETY: the state owns its arenas and is tied to no thread.
unsafe impl Send for GlobalPyMalloc {}

impl Default for GlobalPyMalloc {
    fn default() -> Self {
        Self::new()
    }
}

thread_local! {
    /// Set while this thread emits arena events (const: no allocation, no
    /// destructor).
    static EMITTING: Cell<bool> = const { Cell::new(false) };
}

impl GlobalPyMalloc {
    /// An empty allocator (`const`: usable in a `static`).
    pub const fn new() -> Self {
        Self::with_limit(usize::MAX)
    }

    /// An allocator that never holds more than `bytes` bytes from the system;
    /// past it, allocation returns null (`GlobalAlloc`) or
    /// [`AllocError::OutOfMemory`].
    pub const fn with_limit(bytes: usize) -> Self {
        GlobalPyMalloc {
            locked: AtomicBool::new(false),
            state: UnsafeCell::new(Obmalloc::new(bytes as u64, true)),
            id: AtomicU64::new(0),
        }
    }

    /// Current statistics: the census is taken under the lock into a
    /// fixed-size snapshot, and the [`AllocStats`] built after release.
    pub fn stats(&self) -> AllocStats {
        self.locked_state(|s| s.census()).into_stats()
    }

    /// The `sys._debugmallocstats()`-style report.
    pub fn debug_stats(&self) -> String {
        pymalloc_report(&self.stats())
    }

    /// Runs `f` with the lock held, then emits any arena events recorded.
    #[inline(always)]
    pub(crate) fn locked_state<R>(&self, f: impl FnOnce(&mut Obmalloc) -> R) -> R {
        self.lock();
        // SAFETY: we hold the lock, so no other thread has access to the
        // state, and `f` does not re-enter `self` (it only calls `Obmalloc`,
        // which allocates nothing through the global allocator).
        let state = unsafe { &mut *self.state.get() };
        let result = f(state);
        let events = if state.events.is_empty() {
            None
        } else {
            Some(state.events.take())
        };
        self.locked.store(false, Ordering::Release);
        if let Some(events) = events {
            emit_unlocked(events);
        }
        result
    }

    #[inline(always)]
    fn lock(&self) {
        if self
            .locked
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            self.lock_contended();
        }
    }

    #[cold]
    fn lock_contended(&self) {
        let mut spins = 0u32;
        loop {
            while self.locked.load(Ordering::Relaxed) {
                if spins < 64 {
                    spins += 1;
                    spin_loop();
                } else {
                    // Let the holder run (it may be descheduled on a busy core).
                    std::thread::yield_now();
                }
            }
            if self
                .locked
                .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
            {
                return;
            }
        }
    }

    /// Frees under the lock, validating first in debug builds.
    ///
    /// # Safety
    /// `ptr` is a live block of this allocator for `layout`.
    #[inline(always)]
    unsafe fn free_ptr(&self, ptr: NonNull<u8>, layout: Layout) -> Result<(), InvalidFree> {
        self.locked_state(|s| {
            if cfg!(debug_assertions) {
                s.validate_free(ptr, layout)?;
            }
            // SAFETY: forwarded contract.
            unsafe { s.free(ptr, layout) };
            Ok(())
        })
    }

    /// `realloc` under the lock (same alignment), or move (new alignment).
    ///
    /// # Safety
    /// `ptr` is a live block of this allocator for `old`.
    unsafe fn resize(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<Option<NonNull<u8>>, InvalidFree> {
        if cfg!(debug_assertions) {
            self.locked_state(|s| s.validate_free(ptr, old))?;
        }
        if new.align() == old.align() {
            // SAFETY: forwarded contract; same alignment.
            return Ok(self.locked_state(|s| unsafe { s.realloc(ptr, old, new) }));
        }
        let Some(q) = self.locked_state(|s| s.malloc(new, false)) else {
            return Ok(None);
        };
        // SAFETY: two live, distinct blocks; `ptr` is freed with `old`.
        unsafe {
            ptr::copy_nonoverlapping(ptr.as_ptr(), q.as_ptr(), old.size().min(new.size()));
            self.locked_state(|s| s.free(ptr, old));
        }
        Ok(Some(q))
    }
}

/// Emits arena events after the lock is released, unless this thread is
/// already emitting (a subscriber allocating while it handles an event):
/// nested events are dropped rather than recursing into the subscriber.
#[cold]
fn emit_unlocked(events: crate::arena::EventQueue) {
    let entered = EMITTING.try_with(|e| !e.replace(true)).unwrap_or(false);
    if entered {
        for event in events.iter() {
            emit(event);
        }
        let _ = EMITTING.try_with(|e| e.set(false));
    }
}

/// The defined outcome of an invalid `dealloc` under `GlobalAlloc` (which
/// must not unwind): a message on stderr, then abort.
#[cold]
pub(crate) fn abort_invalid_free(error: InvalidFree) -> ! {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "alloc-pool: {error}");
    std::process::abort()
}

// SAFETY: 1. blocks satisfy the layout (pool blocks are 16-aligned and only
// serve alignments up to 16; the rest come from the system with the
// caller's layout); 2. all state is accessed under the lock; 3. nothing
// here unwinds: the only panicking paths (invalid frees, debug builds) are
// turned into `abort`; 4. nothing allocates through the global allocator
// while the lock is held, so the allocator cannot deadlock on itself.
unsafe impl GlobalAlloc for GlobalPyMalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.locked_state(|s| s.malloc(layout, false))
            .map_or(ptr::null_mut(), NonNull::as_ptr)
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        self.locked_state(|s| s.malloc(layout, true))
            .map_or(ptr::null_mut(), NonNull::as_ptr)
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let Some(ptr) = NonNull::new(ptr) else { return };
        // SAFETY: `GlobalAlloc::dealloc`'s contract: `ptr` came from this
        // allocator with `layout`.
        if let Err(e) = unsafe { self.free_ptr(ptr, layout) } {
            abort_invalid_free(e);
        }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Some(ptr) = NonNull::new(ptr) else {
            return ptr::null_mut();
        };
        let Ok(new) = Layout::from_size_align(new_size, layout.align()) else {
            return ptr::null_mut();
        };
        // SAFETY: `GlobalAlloc::realloc`'s contract: `ptr` came from this
        // allocator with `layout`.
        match unsafe { self.resize(ptr, layout, new) } {
            Ok(moved) => moved.map_or(ptr::null_mut(), NonNull::as_ptr),
            Err(e) => abort_invalid_free(e),
        }
    }
}

impl PyAllocator for GlobalPyMalloc {
    fn name(&self) -> &str {
        "pymalloc"
    }

    fn id(&self) -> AllocatorId {
        let id = self.id.load(Ordering::Relaxed);
        if id != 0 {
            return AllocatorId(id);
        }
        let fresh = AllocatorId::fresh().0;
        match self
            .id
            .compare_exchange(0, fresh, Ordering::Relaxed, Ordering::Relaxed)
        {
            Ok(_) => AllocatorId(fresh),
            Err(existing) => AllocatorId(existing),
        }
    }

    fn alloc(&self, layout: Layout) -> Result<Block, AllocError> {
        match self.locked_state(|s| s.malloc(layout, false)) {
            Some(ptr) => Ok(Block::new(ptr, layout, self.id())),
            None => Err(AllocError::OutOfMemory { layout }),
        }
    }

    fn realloc(&self, block: Block, new_size: usize) -> Result<Block, ReallocError> {
        let block = check_realloc_owner(block, self.id())?;
        let (block, new_layout) = resized_layout(block, new_size)?;
        // SAFETY: an owned block of this allocator, live, for `block.layout`;
        // `new_layout` keeps its alignment.
        let moved =
            self.locked_state(|s| unsafe { s.realloc(block.ptr, block.layout, new_layout) });
        realloc_outcome(block, moved, new_layout, self.id())
    }

    fn free(&self, block: Block) -> Result<(), AllocError> {
        if block.owner != self.id() {
            return Err(AllocError::ForeignBlock(block));
        }
        // SAFETY: an owned, live block with its layout.
        self.locked_state(|s| unsafe { s.free(block.ptr, block.layout) });
        Ok(())
    }

    fn stats(&self) -> AllocStats {
        GlobalPyMalloc::stats(self)
    }

    fn debug_stats(&self) -> String {
        GlobalPyMalloc::debug_stats(self)
    }
}

// SAFETY: as for `GlobalAlloc` above; blocks stay valid until deallocated
// (a `GlobalPyMalloc` is normally a `static`; a borrowed one cannot be
// dropped while collections use it). Invalid frees panic in debug builds
// (unwinding is allowed here).
unsafe impl Allocator for GlobalPyMalloc {
    #[inline]
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, ApiAllocError> {
        let ptr = self
            .locked_state(|s| s.malloc(layout, false))
            .ok_or(ApiAllocError)?;
        Ok(NonNull::slice_from_raw_parts(ptr, layout.size()))
    }

    #[inline]
    fn allocate_zeroed(&self, layout: Layout) -> Result<NonNull<[u8]>, ApiAllocError> {
        let ptr = self
            .locked_state(|s| s.malloc(layout, true))
            .ok_or(ApiAllocError)?;
        Ok(NonNull::slice_from_raw_parts(ptr, layout.size()))
    }

    #[inline]
    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: forwarded contract.
        if let Err(e) = unsafe { self.free_ptr(ptr, layout) } {
            panic!("alloc-pool: {e} ({ptr:p}, {} bytes)", layout.size());
        }
    }

    unsafe fn grow(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, ApiAllocError> {
        // SAFETY: forwarded contract.
        match unsafe { self.resize(ptr, old, new) } {
            Ok(moved) => moved
                .map(|q| NonNull::slice_from_raw_parts(q, new.size()))
                .ok_or(ApiAllocError),
            Err(e) => panic!("alloc-pool: {e} ({ptr:p}, {} bytes)", old.size()),
        }
    }

    unsafe fn shrink(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, ApiAllocError> {
        // SAFETY: forwarded contract (shrinking is the same operation here).
        unsafe { self.grow(ptr, old, new) }
    }
}
