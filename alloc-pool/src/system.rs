//! [`System`]: the platform allocator (`malloc`/`free`) behind PyMM's traits,
//! what CPython uses with `PYTHONMALLOC=malloc`.

use core::alloc::{GlobalAlloc, Layout};
use core::ptr::{self, NonNull};
use core::sync::atomic::{AtomicU64, Ordering::Relaxed};

use allocator_api2::alloc::{AllocError as ApiAllocError, Allocator};

use crate::allocator::{check_realloc_owner, realloc_outcome, resized_layout};
use crate::stats::flat_report;
use crate::{AllocError, AllocStats, AllocatorId, Block, PyAllocator, ReallocError, raw};

/// The platform allocator (`std::alloc::System`, glibc `malloc` on Linux)
/// with PyMM's statistics. Thread-safe: the counters are relaxed atomics.
///
/// A request of 0 bytes gets a 1-byte block, as `PyMem_RawMalloc(0)` does,
/// so every block has an address of its own.
///
/// ```
/// use alloc_pool::{PyAllocator, System};
/// use core::alloc::Layout;
///
/// let sys = System::new();
/// let block = sys.alloc(Layout::new::<[u64; 100]>())?;
/// assert_eq!(sys.stats().blocks_in_use, 1);
/// sys.free(block)?;
/// # Ok::<(), alloc_pool::AllocError>(())
/// ```
#[derive(Debug)]
pub struct System {
    id: AllocatorId,
    allocations: AtomicU64,
    frees: AtomicU64,
    reallocs: AtomicU64,
    bytes: AtomicU64,
}

impl Default for System {
    fn default() -> Self {
        Self::new()
    }
}

impl System {
    /// A new handle on the platform allocator, with its own identity and counters.
    pub fn new() -> Self {
        System {
            id: AllocatorId::fresh(),
            allocations: AtomicU64::new(0),
            frees: AtomicU64::new(0),
            reallocs: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
        }
    }

    #[inline]
    fn count_alloc(&self, size: usize) {
        self.allocations.fetch_add(1, Relaxed);
        self.bytes.fetch_add(size as u64, Relaxed);
    }

    #[inline]
    fn count_free(&self, size: usize) {
        self.frees.fetch_add(1, Relaxed);
        self.bytes.fetch_sub(size as u64, Relaxed);
    }

    #[inline]
    fn count_realloc(&self, old: usize, new: usize) {
        self.reallocs.fetch_add(1, Relaxed);
        self.bytes.fetch_add(new as u64, Relaxed);
        self.bytes.fetch_sub(old as u64, Relaxed);
    }
}

impl PyAllocator for System {
    fn name(&self) -> &str {
        "system"
    }

    fn id(&self) -> AllocatorId {
        self.id
    }

    fn alloc(&self, layout: Layout) -> Result<Block, AllocError> {
        let ptr = raw::alloc(layout, false).ok_or(AllocError::OutOfMemory { layout })?;
        self.count_alloc(layout.size());
        Ok(Block::new(ptr, layout, self.id))
    }

    fn realloc(&self, block: Block, new_size: usize) -> Result<Block, ReallocError> {
        let block = check_realloc_owner(block, self.id)?;
        let (block, new_layout) = resized_layout(block, new_size)?;
        // SAFETY: `block` is owned by this allocator (checked above), so it is
        // a live platform block allocated for `block.layout` (blocks cannot be
        // cloned or forged, and `free` consumes them).
        let moved = unsafe { raw::realloc(block.ptr, block.layout, new_size) };
        let old_size = block.size();
        let resized = realloc_outcome(block, moved, new_layout, self.id)?;
        self.count_realloc(old_size, new_size);
        Ok(resized)
    }

    fn free(&self, block: Block) -> Result<(), AllocError> {
        if block.owner != self.id {
            return Err(AllocError::ForeignBlock(block));
        }
        self.count_free(block.size());
        // SAFETY: as in `realloc`: an owned, live platform block and its layout.
        unsafe { raw::free(block.ptr, block.layout) };
        Ok(())
    }

    fn stats(&self) -> AllocStats {
        let allocations = self.allocations.load(Relaxed);
        let frees = self.frees.load(Relaxed);
        let bytes = self.bytes.load(Relaxed);
        AllocStats {
            blocks_in_use: allocations.saturating_sub(frees),
            bytes_in_use: bytes,
            allocations_total: allocations,
            frees_total: frees,
            reallocs_total: self.reallocs.load(Relaxed),
            raw_blocks_in_use: allocations.saturating_sub(frees),
            system_bytes: bytes,
            ..AllocStats::default()
        }
    }

    fn debug_stats(&self) -> String {
        flat_report("system", &self.stats())
    }
}

// SAFETY: 1. `allocate` returns platform blocks of at least `layout.size()`
// bytes aligned to `layout.align()`, valid until deallocated; 2. the
// allocator is `Sync` and stateless apart from counters, so copies of
// `&System` may free each other's blocks, as the trait requires of clones;
// 3. `deallocate`/`grow`/`shrink` pass the platform the layout the block was
// allocated with (their callers promise it "fits").
unsafe impl Allocator for System {
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, ApiAllocError> {
        let ptr = raw::alloc(layout, false).ok_or(ApiAllocError)?;
        self.count_alloc(layout.size());
        Ok(NonNull::slice_from_raw_parts(ptr, layout.size()))
    }

    fn allocate_zeroed(&self, layout: Layout) -> Result<NonNull<[u8]>, ApiAllocError> {
        let ptr = raw::alloc(layout, true).ok_or(ApiAllocError)?;
        self.count_alloc(layout.size());
        Ok(NonNull::slice_from_raw_parts(ptr, layout.size()))
    }

    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        self.count_free(layout.size());
        // SAFETY: the caller promises `ptr` is a block of this allocator that
        // fits `layout`; we returned exactly `layout.size()` bytes, so the
        // fitting layout is the one it was allocated with.
        unsafe { raw::free(ptr, layout) }
    }

    unsafe fn grow(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, ApiAllocError> {
        // SAFETY: forwarded contract: `ptr` fits `old`, `new.size() >= old.size()`.
        unsafe { self.resize(ptr, old, new) }
    }

    unsafe fn shrink(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, ApiAllocError> {
        // SAFETY: forwarded contract: `ptr` fits `old`, `new.size() <= old.size()`.
        unsafe { self.resize(ptr, old, new) }
    }
}

impl System {
    /// `grow`/`shrink`: `realloc` when the alignment stays, otherwise a new
    /// block, a copy and a free.
    ///
    /// # Safety
    /// `ptr` is a live block of this allocator allocated for `old`.
    unsafe fn resize(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, ApiAllocError> {
        if new.align() == old.align() {
            // SAFETY: `ptr` is a live platform block for `old` (contract).
            let moved = unsafe { raw::realloc(ptr, old, new.size()) }.ok_or(ApiAllocError)?;
            self.count_realloc(old.size(), new.size());
            return Ok(NonNull::slice_from_raw_parts(moved, new.size()));
        }
        let moved = raw::alloc(new, false).ok_or(ApiAllocError)?;
        // SAFETY: 1. both blocks are live and at least `min(old, new)` bytes
        // long; 2. they are distinct allocations, so they do not overlap.
        unsafe {
            ptr::copy_nonoverlapping(ptr.as_ptr(), moved.as_ptr(), old.size().min(new.size()));
            raw::free(ptr, old);
        }
        self.count_realloc(old.size(), new.size());
        Ok(NonNull::slice_from_raw_parts(moved, new.size()))
    }
}

// SAFETY: forwards to the platform allocator with the caller's layouts;
// never unwinds (no panicking operation on these paths).
unsafe impl GlobalAlloc for System {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match raw::alloc(layout, false) {
            Some(ptr) => {
                self.count_alloc(layout.size());
                ptr.as_ptr()
            }
            None => ptr::null_mut(),
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        match raw::alloc(layout, true) {
            Some(ptr) => {
                self.count_alloc(layout.size());
                ptr.as_ptr()
            }
            None => ptr::null_mut(),
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if let Some(ptr) = NonNull::new(ptr) {
            self.count_free(layout.size());
            // SAFETY: `GlobalAlloc::dealloc`'s contract: `ptr` came from this
            // allocator with `layout`.
            unsafe { raw::free(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Some(old) = NonNull::new(ptr) else {
            return ptr::null_mut();
        };
        // SAFETY: `GlobalAlloc::realloc`'s contract: `ptr` came from this
        // allocator with `layout`.
        match unsafe { raw::realloc(old, layout, new_size) } {
            Some(moved) => {
                self.count_realloc(layout.size(), new_size);
                moved.as_ptr()
            }
            None => ptr::null_mut(),
        }
    }
}
