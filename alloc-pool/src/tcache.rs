//! [`ThreadCached`]: per-thread caches of free blocks in front of a
//! `static` [`GlobalPyMalloc`], so that most `GlobalAlloc` calls take no
//! lock (the idea of glibc's tcache and mimalloc's thread-local heaps).
//!
//! Each thread keeps, per size class, a short intrusive list of free
//! blocks. An allocation pops from it; an empty list is refilled with
//! [`BATCH`] blocks under one lock. A free pushes onto it; a list that
//! reaches [`CAPACITY`] gives [`BATCH`] blocks back under one lock. The
//! counters (allocations, frees, bytes) are kept per thread and published
//! at each refill or flush, when the thread exits, and when the thread
//! asks for [`ThreadCached::stats`].
//!
//! What differs from plain pymalloc: up to `CAPACITY` blocks per class and
//! thread sit in caches, counted by the pool census as in use (reported as
//! `thread_cached_blocks`), so pools and arenas drain later; statistics
//! read on one thread lag the other threads' unpublished work.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::{Cell, UnsafeCell};
use core::ptr::{self, NonNull};

use crate::obmalloc::{CacheDeltas, Obmalloc};
use crate::pool::{next_free, pool_of, set_next_free};
use crate::size_class::{NB_SMALL_SIZE_CLASSES, class_size, is_small, size_class};
use crate::{AllocStats, GlobalPyMalloc};

/// Blocks a thread keeps per size class before it gives some back.
pub const CAPACITY: u32 = 64;
/// Blocks moved between a thread cache and the pools under one lock.
pub const BATCH: u32 = 32;

/// `GlobalPyMalloc` with per-thread caches; for `#[global_allocator]`.
///
/// It needs the pool to live for the whole program (`&'static`), because
/// a thread gives its cached blocks back when it exits:
///
/// ```
/// use alloc_pool::{GlobalPyMalloc, ThreadCached};
///
/// static POOL: GlobalPyMalloc = GlobalPyMalloc::new();
/// #[global_allocator]
/// static GLOBAL: ThreadCached = ThreadCached::new(&POOL);
///
/// fn main() {
///     let v: Vec<String> = (0..1000).map(|i| i.to_string()).collect();
///     assert_eq!(v.len(), 1000);
///     assert!(GLOBAL.stats().allocations_total >= 1000);
/// }
/// ```
///
/// A thread serves one pool from its cache: the first `ThreadCached` it
/// allocates through. Calls through another `ThreadCached` on that thread
/// go to their pool under its lock, uncached. Debug builds check every free
/// (double free, foreign pointer) under the lock, as `GlobalPyMalloc` does.
#[derive(Debug)]
pub struct ThreadCached {
    pool: &'static GlobalPyMalloc,
}

impl ThreadCached {
    /// Caches in front of `pool`.
    pub const fn new(pool: &'static GlobalPyMalloc) -> Self {
        ThreadCached { pool }
    }

    /// The pool behind the caches.
    pub fn pool(&self) -> &'static GlobalPyMalloc {
        self.pool
    }

    /// Gives this thread's cached blocks back to the pool and publishes its
    /// counters.
    pub fn flush(&self) {
        let _ = with_cache(self.pool, |cache| cache.flush_all());
    }

    /// The pool's statistics, after publishing this thread's counters (and
    /// without flushing its cache: see `thread_cached_blocks`).
    pub fn stats(&self) -> AllocStats {
        let _ = with_cache(self.pool, |cache| cache.publish_only());
        self.pool.stats()
    }

    /// The `sys._debugmallocstats()`-style report of the pool.
    pub fn debug_stats(&self) -> String {
        let _ = with_cache(self.pool, |cache| cache.publish_only());
        self.pool.debug_stats()
    }
}

/// One size class of a thread cache: an intrusive list of free blocks.
#[derive(Clone, Copy)]
struct Bin {
    head: *mut u8,
    len: u32,
}

/// A thread's cache. It has no destructor, so it stays accessible through
/// thread exit (a plain `#[thread_local]` access on the fast path); the
/// separate [`ExitFlush`] guard gives its blocks back when the thread ends.
struct Cache {
    /// The pool this thread caches for (null until first use).
    owner: Cell<*const GlobalPyMalloc>,
    /// Set once the exit flush ran (or could not be registered): from then
    /// on this thread goes to the lock.
    closed: Cell<bool>,
    bins: UnsafeCell<[Bin; NB_SMALL_SIZE_CLASSES]>,
    deltas: Cell<CacheDeltas>,
}

/// Registered on a thread's first cached call; its destructor flushes the
/// thread's cache when the thread exits.
struct ExitFlush;

impl Drop for ExitFlush {
    fn drop(&mut self) {
        let _ = CACHE.try_with(|cache| {
            cache.closed.set(true);
            cache.flush_all();
        });
    }
}

thread_local! {
    static CACHE: Cache = const {
        Cache {
            owner: Cell::new(ptr::null()),
            closed: Cell::new(false),
            bins: UnsafeCell::new([Bin { head: ptr::null_mut(), len: 0 }; NB_SMALL_SIZE_CLASSES]),
            deltas: Cell::new(CacheDeltas { allocations: 0, frees: 0, bytes_allocated: 0, bytes_freed: 0 }),
        }
    };
    static EXIT_FLUSH: ExitFlush = const { ExitFlush };
}

/// Runs `f` on this thread's cache if it serves `pool`, claiming it for
/// `pool` on first use; `None` (the caller takes the lock) when the cache
/// serves another pool or the thread is exiting.
///
/// Claiming registers [`ExitFlush`]; the standard library may allocate
/// while it registers a destructor, and such a nested call finds the cache
/// already claimed and is served from it before `f` runs. Nested calls
/// from inside `f` (a `tracing` subscriber handling an arena event emitted
/// by a refill) are served too: `f` holds no borrow of a bin across the
/// lock (see `Cache::bin`).
#[inline(always)]
fn with_cache<R>(pool: &'static GlobalPyMalloc, f: impl FnOnce(&Cache) -> R) -> Option<R> {
    CACHE
        .try_with(|cache| {
            let owner = cache.owner.get();
            if ptr::eq(owner, pool) {
                return Some(f(cache));
            }
            if !owner.is_null() || cache.closed.get() {
                return None;
            }
            cache.owner.set(pool);
            if EXIT_FLUSH.try_with(|_| ()).is_err() {
                // The thread is already exiting: do not cache.
                cache.owner.set(ptr::null());
                cache.closed.set(true);
                return None;
            }
            Some(f(cache))
        })
        .ok()
        .flatten()
}

impl Cache {
    fn pool(&self) -> Option<&'static GlobalPyMalloc> {
        // SAFETY: `owner` is null or was set from a `&'static GlobalPyMalloc`
        // in `with_cache`.
        unsafe { self.owner.get().as_ref() }
    }

    /// The bin of `class`.
    ///
    /// # Safety
    /// `class < NB_SMALL_SIZE_CLASSES`; the thread's own code only (the
    /// cache is thread-local). A nested call (from a `tracing` subscriber
    /// during a refill or flush) may create another `&mut Bin`; every caller
    /// re-borrows after any call that can nest and never uses an older one.
    #[allow(clippy::mut_from_ref)]
    #[inline(always)]
    unsafe fn bin(&self, class: usize) -> &mut Bin {
        // SAFETY: see the contract.
        unsafe { (*self.bins.get()).get_unchecked_mut(class) }
    }

    fn take_deltas(&self) -> CacheDeltas {
        self.deltas.replace(CacheDeltas::default())
    }

    fn publish_only(&self) {
        if let Some(pool) = self.pool() {
            let deltas = self.take_deltas();
            pool.locked_state(|s| s.publish(deltas));
        }
    }

    /// Pops a block of `class`, refilling the bin when empty.
    #[inline(always)]
    fn alloc(&self, pool: &'static GlobalPyMalloc, class: usize, size: usize) -> Option<*mut u8> {
        // SAFETY: `class` comes from `size_class` of a small layout.
        let bin = unsafe { self.bin(class) };
        if bin.head.is_null() {
            self.refill(pool, class);
        }
        // SAFETY: the bins' re-borrow is exclusive (see `bin`).
        let bin = unsafe { self.bin(class) };
        let p = bin.head;
        if p.is_null() {
            return None;
        }
        // SAFETY: a block on a bin list is a free pool block holding a link.
        bin.head = unsafe { next_free(p) };
        bin.len -= 1;
        let mut d = self.deltas.get();
        d.allocations += 1;
        d.bytes_allocated += size as u64;
        self.deltas.set(d);
        if cfg!(debug_assertions) {
            // SAFETY: `p` is a block of a carved pool of `pool`.
            pool.locked_state(|s| unsafe { s.mark_live(p, true) });
        }
        Some(p)
    }

    /// Takes `BATCH` blocks of `class` from the pool under one lock.
    #[cold]
    #[inline(never)]
    fn refill(&self, pool: &'static GlobalPyMalloc, class: usize) {
        let deltas = self.take_deltas();
        // SAFETY: exclusive (see `bin`); `class` is in range.
        let bin = unsafe { self.bin(class) };
        pool.locked_state(|s: &mut Obmalloc| {
            s.publish(deltas);
            for _ in 0..BATCH {
                // SAFETY: `class` is in range; each block taken is free and
                // becomes the head of this thread's bin.
                let Some(p) = (unsafe { s.cache_take(class) }) else {
                    break;
                };
                // SAFETY: `p` is a free block of a carved pool, now ours.
                unsafe {
                    s.mark_live(p, false);
                    set_next_free(p, bin.head);
                }
                bin.head = p;
                bin.len += 1;
            }
        });
    }

    /// Pushes a freed block (of class `class` or larger); gives `BATCH` back
    /// when the bin is full.
    #[inline(always)]
    fn free(&self, pool: &'static GlobalPyMalloc, p: *mut u8, class: usize, size: usize) {
        // SAFETY: exclusive (see `bin`); `class` is the block's pool class.
        let bin = unsafe { self.bin(class) };
        // SAFETY: `p` is a pool block no longer in use: it may hold a link.
        unsafe { set_next_free(p, bin.head) };
        bin.head = p;
        bin.len += 1;
        let mut d = self.deltas.get();
        d.frees += 1;
        d.bytes_freed += size as u64;
        self.deltas.set(d);
        if bin.len >= CAPACITY {
            self.flush_bin(pool, class, BATCH);
        }
    }

    /// Gives `n` blocks of `class` back to the pool under one lock.
    #[cold]
    #[inline(never)]
    fn flush_bin(&self, pool: &'static GlobalPyMalloc, class: usize, n: u32) {
        let deltas = self.take_deltas();
        // SAFETY: exclusive (see `bin`); `class` is in range.
        let bin = unsafe { self.bin(class) };
        pool.locked_state(|s| {
            s.publish(deltas);
            for _ in 0..n.min(bin.len) {
                let p = bin.head;
                // SAFETY: the bin holds `len` free blocks of this pool, each
                // taken by `cache_take` (or freed into the cache after being
                // handed out from it).
                unsafe {
                    bin.head = next_free(p);
                    s.cache_return(p);
                }
                bin.len -= 1;
            }
        });
    }

    fn flush_all(&self) {
        let Some(pool) = self.pool() else { return };
        for class in 0..NB_SMALL_SIZE_CLASSES {
            // SAFETY: `class` is in range; exclusive (see `bin`).
            let len = unsafe { self.bin(class) }.len;
            if len > 0 {
                self.flush_bin(pool, class, len);
            }
        }
        self.publish_only();
    }
}

// SAFETY: 1. small blocks come from the pool's size classes (16-aligned,
// at least the class size), everything else from the pool's locked path;
// 2. each thread's cache is touched only by that thread (`thread_local`;
// nested calls re-borrow, see `Cache::bin`), the pool only under its lock; 3. a block is in
// at most one place at a time: a user's hands, one cache's bin, or its
// pool's free list; 4. the pool is `'static`, so caches flushed at thread
// exit always have a pool to return to; 5. nothing unwinds: invalid frees
// found by debug checks abort, as in `GlobalPyMalloc`.
unsafe impl GlobalAlloc for ThreadCached {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if is_small(layout) {
            let class = size_class(layout.size());
            if let Some(Some(p)) =
                with_cache(self.pool, |c| c.alloc(self.pool, class, layout.size()))
            {
                return p;
            }
        }
        // SAFETY: forwarded contract.
        unsafe { self.pool.alloc(layout) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if is_small(layout) && !ptr.is_null() {
            // The layout's class, not the block's: an in-place realloc may
            // have left the block in a larger class, which only makes it a
            // roomier block in this bin (it is returned to its own pool's
            // class by `cache_return`). This avoids touching the pool header.
            let class = size_class(layout.size());
            if cfg!(debug_assertions) {
                let checked = self.pool.locked_state(|s| {
                    // SAFETY: non-null pointer (checked above).
                    let p = unsafe { NonNull::new_unchecked(ptr) };
                    s.validate_free(p, layout)?;
                    // SAFETY: validated: a live block of a carved pool.
                    unsafe { s.mark_live(ptr, false) };
                    Ok(())
                });
                if let Err(e) = checked {
                    crate::global::abort_invalid_free(e);
                }
            }
            let pool = self.pool;
            if with_cache(pool, |c| c.free(pool, ptr, class, layout.size())).is_some() {
                return;
            }
            if cfg!(debug_assertions) {
                // SAFETY: restore the mark that the uncached free checks.
                pool.locked_state(|s| unsafe { s.mark_live(ptr, true) });
            }
        }
        // SAFETY: forwarded contract.
        unsafe { self.pool.dealloc(ptr, layout) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if is_small(layout) && !ptr.is_null() {
            // `pymalloc_realloc`'s rule, lock-free: `szidx` is stable while
            // the block is live.
            // SAFETY: a small layout means a pool block (contract).
            let size = class_size(unsafe { (*pool_of(ptr)).szidx } as usize);
            if new_size <= size && 4 * new_size > 3 * size {
                let _ = with_cache(self.pool, |c| {
                    let mut d = c.deltas.get();
                    d.bytes_allocated += new_size as u64;
                    d.bytes_freed += layout.size() as u64;
                    c.deltas.set(d);
                });
                return ptr;
            }
        }
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return ptr::null_mut();
        };
        // SAFETY: `new_layout` has a non-zero size (GlobalAlloc::realloc's
        // contract); `ptr` is live for `layout` and freed once, after the copy.
        unsafe {
            let q = self.alloc(new_layout);
            if !q.is_null() {
                ptr::copy_nonoverlapping(ptr, q, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            q
        }
    }
}
