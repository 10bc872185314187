//! [`PyMalloc`]: CPython 3.11's small-object allocator, single-threaded.

use core::alloc::Layout;
use core::cell::UnsafeCell;
use core::ptr::{self, NonNull};

use allocator_api2::alloc::{AllocError as ApiAllocError, Allocator};

use crate::allocator::{check_realloc_owner, realloc_outcome, resized_layout};
use crate::obmalloc::Obmalloc;
use crate::stats::pymalloc_report;
use crate::{AllocError, AllocStats, AllocatorId, Block, PyAllocator, ReallocError};

/// CPython 3.11's pymalloc (`Objects/obmalloc.c`, 64-bit): 32 size classes
/// of 16..=512 bytes carved from 16 KiB pools in 1 MiB arenas; requests of
/// 0 bytes, over 512 bytes or aligned above 16 go to the system allocator.
///
/// Policies, as in CPython: partially used pools per class, the pool that
/// most recently gained a free block first; empty pools cached in their
/// arena; new pools from the fullest arena; a wholly free arena returned to
/// the system unless it is the last usable one; `realloc` in place while
/// the block fits its class and is not shrunk below 3/4. See the crate docs
/// for what differs.
///
/// Single-threaded (`!Sync`, `&self` methods through interior mutability);
/// [`GlobalPyMalloc`](crate::GlobalPyMalloc) is the thread-safe version.
/// [`PyMalloc::with_limit`] caps the memory it takes from the system, so
/// that exhaustion is an [`AllocError::OutOfMemory`] (a Python
/// `MemoryError`), not an abort.
///
/// ```
/// use alloc_pool::{PyAllocator, PyMalloc};
/// use core::alloc::Layout;
///
/// let pool = PyMalloc::new();
/// let block = pool.alloc(Layout::from_size_align(40, 8).unwrap())?;
/// assert_eq!(block.addr() % 16, 0);
/// let stats = pool.stats();
/// assert_eq!(stats.arenas.current, 1);
/// assert_eq!(stats.pools.size_classes[2].blocks_in_use, 1); // 48-byte class
/// pool.free(block)?;
///
/// // It also speaks allocator-api2, so collections can live in it.
/// let mut map = hashbrown::HashMap::new_in(&pool);
/// map.insert("key", 1);
/// # Ok::<(), alloc_pool::AllocError>(())
/// ```
#[derive(Debug)]
pub struct PyMalloc {
    state: UnsafeCell<Obmalloc>,
    id: AllocatorId,
}

// SAFETY: `PyMalloc` owns its arenas and the state describing them; nothing
// in it is tied to the creating thread. Moving it moves sole access with it
// (it is not `Sync`, and borrows such as `&PyMalloc` in a `Vec` prevent a
// move while in use). `Block`s left on another thread are only tokens.
unsafe impl Send for PyMalloc {}

impl Default for PyMalloc {
    fn default() -> Self {
        Self::new()
    }
}

impl PyMalloc {
    /// An empty allocator with no memory limit; the first small request
    /// takes the first arena.
    pub fn new() -> Self {
        PyMalloc {
            state: UnsafeCell::new(Obmalloc::new(u64::MAX, false)),
            id: AllocatorId::fresh(),
        }
    }

    /// An allocator that never holds more than `bytes` bytes from the system
    /// (arenas count 1 MiB each, system blocks their size): a request that
    /// would cross the limit fails with [`AllocError::OutOfMemory`].
    pub fn with_limit(bytes: usize) -> Self {
        PyMalloc {
            state: UnsafeCell::new(Obmalloc::new(bytes as u64, false)),
            id: AllocatorId::fresh(),
        }
    }

    /// Runs `f` with exclusive access to the state.
    #[inline(always)]
    pub(crate) fn with_state<R>(&self, f: impl FnOnce(&mut Obmalloc) -> R) -> R {
        // SAFETY: `PyMalloc` is `!Sync`, so only this thread can reach the
        // cell, and no `&mut Obmalloc` escapes `f`; `f` is always a short
        // sequence of `Obmalloc` calls that never call back into `self`
        // (tracing subscribers are `Send + Sync` and so cannot hold a
        // `&PyMalloc`). Hence this is the only live reference.
        f(unsafe { &mut *self.state.get() })
    }

    /// Frees `ptr` (debug builds: after checking that it is a live block of
    /// this allocator, panicking otherwise).
    ///
    /// # Safety
    /// `ptr` is a live block of this allocator for `layout`.
    #[inline(always)]
    unsafe fn free_ptr(&self, ptr: NonNull<u8>, layout: Layout) {
        self.with_state(|s| {
            if cfg!(debug_assertions)
                && let Err(e) = s.validate_free(ptr, layout)
            {
                panic!("alloc-pool: {e} ({ptr:p}, {} bytes)", layout.size());
            }
            // SAFETY: forwarded contract.
            unsafe { s.free(ptr, layout) }
        })
    }

    /// `grow`/`shrink`: `realloc` when the alignment stays, otherwise a new
    /// block, a copy and a free.
    ///
    /// # Safety
    /// `ptr` is a live block of this allocator for `old`.
    unsafe fn resize(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, ApiAllocError> {
        if cfg!(debug_assertions)
            && let Err(e) = self.with_state(|s| s.validate_free(ptr, old))
        {
            panic!("alloc-pool: resize: {e} ({ptr:p}, {} bytes)", old.size());
        }
        let moved = if new.align() == old.align() {
            // SAFETY: forwarded contract; same alignment.
            self.with_state(|s| unsafe { s.realloc(ptr, old, new) })
        } else {
            self.with_state(|s| s.malloc(new, false)).inspect(|&q| {
                // SAFETY: two live, distinct blocks; `ptr` freed with `old`.
                unsafe {
                    ptr::copy_nonoverlapping(ptr.as_ptr(), q.as_ptr(), old.size().min(new.size()));
                    self.with_state(|s| s.free(ptr, old));
                }
            })
        };
        moved
            .map(|q| NonNull::slice_from_raw_parts(q, new.size()))
            .ok_or(ApiAllocError)
    }
}

impl PyAllocator for PyMalloc {
    fn name(&self) -> &str {
        "pymalloc"
    }

    fn id(&self) -> AllocatorId {
        self.id
    }

    // `inline(always)`: decorators (`Observed`, tracemalloc's `Traced`)
    // wrap these calls; the fast paths are a few instructions and every
    // slow path is out of line, so inlining them keeps a decorator free.
    #[inline(always)]
    fn alloc(&self, layout: Layout) -> Result<Block, AllocError> {
        match self.with_state(|s| s.malloc(layout, false)) {
            Some(ptr) => Ok(Block::new(ptr, layout, self.id)),
            None => Err(AllocError::OutOfMemory { layout }),
        }
    }

    fn realloc(&self, block: Block, new_size: usize) -> Result<Block, ReallocError> {
        let block = check_realloc_owner(block, self.id)?;
        let (block, new_layout) = resized_layout(block, new_size)?;
        // SAFETY: the block is ours (owner checked; blocks cannot be cloned
        // or forged and `free`/`realloc` consume them), live, allocated for
        // `block.layout`; `new_layout` keeps its alignment.
        let moved = self.with_state(|s| unsafe { s.realloc(block.ptr, block.layout, new_layout) });
        realloc_outcome(block, moved, new_layout, self.id)
    }

    #[inline(always)]
    fn free(&self, block: Block) -> Result<(), AllocError> {
        if block.owner != self.id {
            return Err(AllocError::ForeignBlock(block));
        }
        // SAFETY: as in `realloc`: our live block with its layout.
        self.with_state(|s| unsafe { s.free(block.ptr, block.layout) });
        Ok(())
    }

    fn stats(&self) -> AllocStats {
        self.with_state(|s| s.census()).into_stats()
    }

    fn debug_stats(&self) -> String {
        pymalloc_report(&self.stats())
    }
}

// SAFETY: 1. `allocate` returns blocks of at least `layout.size()` bytes,
// aligned to `layout.align()` (pool blocks are 16-aligned and only serve
// alignments up to 16; everything else comes from the system with its
// layout), valid until deallocated or the `PyMalloc` is dropped (which the
// borrow in `&PyMalloc` prevents while collections use it); 2. the routing
// between pools and system depends only on the layout, which the caller
// passes back unchanged; 3. `PyMalloc` is not `Clone`.
unsafe impl Allocator for PyMalloc {
    #[inline]
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, ApiAllocError> {
        let ptr = self
            .with_state(|s| s.malloc(layout, false))
            .ok_or(ApiAllocError)?;
        Ok(NonNull::slice_from_raw_parts(ptr, layout.size()))
    }

    #[inline]
    fn allocate_zeroed(&self, layout: Layout) -> Result<NonNull<[u8]>, ApiAllocError> {
        let ptr = self
            .with_state(|s| s.malloc(layout, true))
            .ok_or(ApiAllocError)?;
        Ok(NonNull::slice_from_raw_parts(ptr, layout.size()))
    }

    /// Debug builds check that `ptr` is a live block of this allocator and
    /// panic with `alloc-pool: double free` (or `not allocate`/`not a live
    /// block`) otherwise; release builds trust the caller, as the trait allows.
    #[inline]
    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: the caller promises `ptr` is our block fitting `layout`,
        // and we returned exactly `layout.size()` bytes.
        unsafe { self.free_ptr(ptr, layout) }
    }

    unsafe fn grow(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, ApiAllocError> {
        // SAFETY: forwarded contract.
        unsafe { self.resize(ptr, old, new) }
    }

    unsafe fn grow_zeroed(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, ApiAllocError> {
        // SAFETY: forwarded contract.
        let moved = unsafe { self.resize(ptr, old, new) }?;
        // SAFETY: the new block has `new.size() >= old.size()` bytes.
        unsafe {
            ptr::write_bytes(
                moved.cast::<u8>().as_ptr().add(old.size()),
                0,
                new.size() - old.size(),
            );
        }
        Ok(moved)
    }

    unsafe fn shrink(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, ApiAllocError> {
        // SAFETY: forwarded contract.
        unsafe { self.resize(ptr, old, new) }
    }
}
