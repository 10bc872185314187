//! [`FromGlobal`]: any `GlobalAlloc` behind the safe [`PyAllocator`] trait.
//!
//! Peers such as mimalloc or glibc's malloc speak only the `unsafe`
//! `GlobalAlloc` interface. Wrapping one in `FromGlobal` lets a benchmark or a
//! host drive it through the same safe, `Block`-based calls as `PyMalloc`, so
//! the comparison measures the allocators and not the calling convention, and
//! no crate but this one needs `unsafe` to do it.

use core::alloc::{GlobalAlloc, Layout};
use core::ptr::NonNull;

use crate::allocator::{check_realloc_owner, realloc_outcome, resized_layout};
use crate::stats::flat_report;
use crate::{AllocError, AllocStats, AllocatorId, Block, PyAllocator, ReallocError};

/// A `PyAllocator` over a `'static` `GlobalAlloc` (`FromGlobal::new(&MIMALLOC)`).
///
/// Zero-size requests are served as one-byte allocations (a `GlobalAlloc`
/// may not be asked for zero bytes); the block still reports the size that
/// was requested. Statistics are not kept: `stats()` is all zeros.
#[derive(Debug)]
pub struct FromGlobal<G: 'static> {
    global: &'static G,
    name: &'static str,
    id: AllocatorId,
}

impl<G: GlobalAlloc> FromGlobal<G> {
    /// Wrap `global`, reporting `name` from [`PyAllocator::name`].
    pub fn new(global: &'static G, name: &'static str) -> Self {
        FromGlobal {
            global,
            name,
            id: AllocatorId::fresh(),
        }
    }
}

/// The layout actually requested from the `GlobalAlloc`: never zero-sized.
fn nonzero(layout: Layout) -> Layout {
    if layout.size() == 0 {
        // A size of 1 with an alignment that was valid stays valid.
        Layout::from_size_align(1, layout.align()).unwrap_or(layout)
    } else {
        layout
    }
}

impl<G: GlobalAlloc> PyAllocator for FromGlobal<G> {
    fn name(&self) -> &str {
        self.name
    }

    fn id(&self) -> AllocatorId {
        self.id
    }

    // `inline(always)`: an adapter this thin must cost nothing. Returned
    // out of line, the 40-byte `Result<Block, _>` goes through memory and
    // the caller's wide load of it stalls on the callee's narrow stores.
    #[inline(always)]
    fn alloc(&self, layout: Layout) -> Result<Block, AllocError> {
        // SAFETY: `nonzero` never passes a zero-sized layout, the one
        // precondition of `GlobalAlloc::alloc`.
        let ptr = unsafe { self.global.alloc(nonzero(layout)) };
        let ptr = NonNull::new(ptr).ok_or(AllocError::OutOfMemory { layout })?;
        Ok(Block::new(ptr, layout, self.id))
    }

    fn realloc(&self, block: Block, new_size: usize) -> Result<Block, ReallocError> {
        let block = check_realloc_owner(block, self.id)?;
        let (block, new_layout) = resized_layout(block, new_size)?;
        // SAFETY: 1. `block` is live and was allocated by `self.global` (its
        // owner is this instance, and only `alloc`/`realloc` mint such
        // blocks) with `nonzero(block.layout)`; 2. the new size is non-zero
        // and `resized_layout` checked that it forms a valid layout with the
        // block's alignment.
        let ptr = unsafe {
            self.global.realloc(
                block.ptr.as_ptr(),
                nonzero(block.layout),
                nonzero(new_layout).size(),
            )
        };
        realloc_outcome(block, NonNull::new(ptr), new_layout, self.id)
    }

    #[inline(always)]
    fn free(&self, block: Block) -> Result<(), AllocError> {
        if block.owner != self.id {
            return Err(AllocError::ForeignBlock(block));
        }
        // SAFETY: `block` is owned by this instance, so it was allocated by
        // `self.global` with `nonzero(block.layout)`, and moving it here
        // means it is freed exactly once.
        unsafe {
            self.global
                .dealloc(block.ptr.as_ptr(), nonzero(block.layout))
        };
        Ok(())
    }

    fn stats(&self) -> AllocStats {
        AllocStats::default()
    }

    fn debug_stats(&self) -> String {
        flat_report(self.name, &self.stats())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static SYSTEM: std::alloc::System = std::alloc::System;

    #[test]
    fn allocates_reallocates_and_frees_through_the_safe_trait() {
        let a = FromGlobal::new(&SYSTEM, "glibc");
        let b = a.alloc(Layout::from_size_align(24, 8).unwrap()).unwrap();
        assert_eq!(b.size(), 24);
        let b = a.realloc(b, 4000).unwrap();
        assert_eq!(b.size(), 4000);
        let b = a.realloc(b, 0).unwrap();
        assert_eq!(b.size(), 0);
        a.free(b).unwrap();
        let z = a.alloc(Layout::from_size_align(0, 16).unwrap()).unwrap();
        assert_eq!((z.size(), z.addr() % 16), (0, 0));
        a.free(z).unwrap();
    }

    #[test]
    fn a_foreign_block_is_handed_back() {
        let a = FromGlobal::new(&SYSTEM, "a");
        let b = FromGlobal::new(&SYSTEM, "b");
        let x = a.alloc(Layout::from_size_align(32, 8).unwrap()).unwrap();
        let x = match b.free(x) {
            Err(AllocError::ForeignBlock(x)) => x,
            other => panic!("expected a foreign block, got {other:?}"),
        };
        let x = match b.realloc(x, 64) {
            Err(ReallocError { block, .. }) => block,
            Ok(_) => panic!("realloc of a foreign block succeeded"),
        };
        a.free(x).unwrap();
    }
}
