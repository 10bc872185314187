//! [`Bump`]: a bump allocator (bumpalo) behind PyMM's traits. Allocation
//! only: `free` is a no-op, and everything is released at once by
//! [`Bump::reset`] or when the `Bump` is dropped.

use core::alloc::Layout;
use core::cell::Cell;
use core::ptr::NonNull;

use allocator_api2::alloc::{AllocError as ApiAllocError, Allocator};

use crate::allocator::{check_realloc_owner, realloc_outcome, resized_layout};
use crate::stats::flat_report;
use crate::{AllocError, AllocStats, AllocatorId, Block, PyAllocator, ReallocError, raw};

/// A bump allocator: the lower bound of allocation cost, and a model of a
/// runtime that never frees. Not `Sync` (bumpalo's `Bump` is not).
///
/// ```
/// use alloc_pool::{Bump, PyAllocator};
/// use core::alloc::Layout;
///
/// let mut bump = Bump::new();
/// let block = bump.alloc(Layout::new::<u64>())?;
/// bump.free(block)?;                       // a no-op
/// assert_eq!(bump.stats().blocks_in_use, 0);
/// bump.reset();                            // releases the memory
/// # Ok::<(), alloc_pool::AllocError>(())
/// ```
#[derive(Debug)]
pub struct Bump {
    bump: bumpalo::Bump,
    /// Re-minted by `reset`, so blocks from before a reset are foreign.
    id: AllocatorId,
    allocations: Cell<u64>,
    frees: Cell<u64>,
    reallocs: Cell<u64>,
    bytes: Cell<u64>,
}

impl Default for Bump {
    fn default() -> Self {
        Self::new()
    }
}

impl Bump {
    /// An empty bump allocator (no chunk is allocated until the first request).
    pub fn new() -> Self {
        Bump {
            bump: bumpalo::Bump::new(),
            id: AllocatorId::fresh(),
            allocations: Cell::new(0),
            frees: Cell::new(0),
            reallocs: Cell::new(0),
            bytes: Cell::new(0),
        }
    }

    /// A bump allocator that fails with [`AllocError::OutOfMemory`] rather
    /// than hold more than `bytes` bytes of chunks.
    pub fn with_limit(bytes: usize) -> Self {
        let bump = Self::new();
        bump.bump.set_allocation_limit(Some(bytes));
        bump
    }

    /// Releases every block at once (bumpalo's `reset`) and takes a new
    /// identity: blocks handed out before are foreign from now on, so a stale
    /// block can never be read or resized.
    pub fn reset(&mut self) {
        self.bump.reset();
        self.id = AllocatorId::fresh();
        self.frees.set(self.allocations.get());
        self.bytes.set(0);
    }

    /// Bytes held in chunks (bumpalo's `allocated_bytes`).
    pub fn allocated_bytes(&self) -> usize {
        self.bump.allocated_bytes()
    }

    #[inline]
    fn bump_alloc(&self, layout: Layout) -> Option<NonNull<u8>> {
        // Size 0 gets a byte of its own, so that each block has its own address.
        let layout = raw::platform_layout(layout)?;
        let ptr = self.bump.try_alloc_layout(layout).ok()?;
        self.allocations.set(self.allocations.get() + 1);
        self.bytes.set(self.bytes.get() + layout.size() as u64);
        Some(ptr)
    }

    #[inline]
    fn count_free(&self, size: usize) {
        self.frees.set(self.frees.get() + 1);
        self.bytes.set(self.bytes.get().saturating_sub(size as u64));
    }

    /// Resizes a bump block (bumpalo grows in place when it was the last
    /// allocation, otherwise copies).
    ///
    /// # Safety
    /// `ptr` was allocated by this bump for `old` (and `reset` has not run since).
    unsafe fn resize(&self, ptr: NonNull<u8>, old: Layout, new: Layout) -> Option<NonNull<u8>> {
        let old_eff = raw::platform_layout(old)?;
        let new_eff = raw::platform_layout(new)?;
        let bump = &self.bump;
        // SAFETY: `ptr` is a live block of `bump` allocated for `old_eff`
        // (contract; `bump_alloc` used `platform_layout(old)`), and the grow/
        // shrink direction matches the sizes compared here.
        let moved = unsafe {
            if new_eff.size() >= old_eff.size() {
                Allocator::grow(&bump, ptr, old_eff, new_eff)
            } else {
                Allocator::shrink(&bump, ptr, old_eff, new_eff)
            }
        };
        let moved = moved.ok()?;
        self.reallocs.set(self.reallocs.get() + 1);
        let bytes = self.bytes.get().saturating_sub(old.size() as u64);
        self.bytes.set(bytes + new.size() as u64);
        Some(moved.cast())
    }
}

impl PyAllocator for Bump {
    fn name(&self) -> &str {
        "bump"
    }

    fn id(&self) -> AllocatorId {
        self.id
    }

    #[inline]
    fn alloc(&self, layout: Layout) -> Result<Block, AllocError> {
        let ptr = self
            .bump_alloc(layout)
            .ok_or(AllocError::OutOfMemory { layout })?;
        Ok(Block::new(ptr, layout, self.id))
    }

    fn realloc(&self, block: Block, new_size: usize) -> Result<Block, ReallocError> {
        let block = check_realloc_owner(block, self.id)?;
        let (block, new_layout) = resized_layout(block, new_size)?;
        // SAFETY: the block is owned by this bump under its current identity,
        // so it was allocated for `block.layout` since the last reset.
        let moved = unsafe { self.resize(block.ptr, block.layout, new_layout) };
        realloc_outcome(block, moved, new_layout, self.id)
    }

    #[inline]
    fn free(&self, block: Block) -> Result<(), AllocError> {
        if block.owner != self.id {
            return Err(AllocError::ForeignBlock(block));
        }
        self.count_free(block.size());
        Ok(())
    }

    fn stats(&self) -> AllocStats {
        let allocations = self.allocations.get();
        let frees = self.frees.get();
        AllocStats {
            blocks_in_use: allocations.saturating_sub(frees),
            bytes_in_use: self.bytes.get(),
            allocations_total: allocations,
            frees_total: frees,
            reallocs_total: self.reallocs.get(),
            system_bytes: self.bump.allocated_bytes() as u64,
            memory_limit: self.bump.allocation_limit().map(|l| l as u64),
            ..AllocStats::default()
        }
    }

    fn debug_stats(&self) -> String {
        flat_report("bump", &self.stats())
    }
}

// SAFETY: 1. blocks come from bumpalo, valid and unmoved until `reset`
// (which takes `&mut self`, so no `&Bump` allocator handle is alive then) or
// drop; 2. `deallocate` does nothing, so it cannot invalidate anything;
// 3. `grow`/`shrink` hand bumpalo exactly the layout it allocated (after
// `platform_layout`, as `allocate` did).
unsafe impl Allocator for Bump {
    #[inline]
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, ApiAllocError> {
        let ptr = self.bump_alloc(layout).ok_or(ApiAllocError)?;
        Ok(NonNull::slice_from_raw_parts(ptr, layout.size()))
    }

    #[inline]
    unsafe fn deallocate(&self, _ptr: NonNull<u8>, layout: Layout) {
        self.count_free(layout.size());
    }

    unsafe fn grow(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, ApiAllocError> {
        // SAFETY: forwarded contract: `ptr` is a live block of this bump for `old`.
        let moved = unsafe { self.resize(ptr, old, new) }.ok_or(ApiAllocError)?;
        Ok(NonNull::slice_from_raw_parts(moved, new.size()))
    }

    unsafe fn shrink(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, ApiAllocError> {
        // SAFETY: forwarded contract: `ptr` is a live block of this bump for `old`.
        let moved = unsafe { self.resize(ptr, old, new) }.ok_or(ApiAllocError)?;
        Ok(NonNull::slice_from_raw_parts(moved, new.size()))
    }
}
