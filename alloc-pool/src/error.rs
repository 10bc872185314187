//! The typed errors of the allocator trait.

use core::alloc::Layout;
use core::fmt;

use crate::{AllocatorId, Block};

/// Why an allocator call failed.
#[derive(Debug)]
pub enum AllocError {
    /// The allocator (or the OS beneath it) has no memory for this request,
    /// or the request would exceed the allocator's memory limit (what the
    /// runtime turns into `MemoryError`).
    OutOfMemory {
        /// The request that failed.
        layout: Layout,
    },
    /// The request cannot be expressed (size overflow, alignment not a power of two).
    InvalidLayout,
    /// The block was not allocated by this allocator; it is handed back unchanged.
    ForeignBlock(Block),
    /// In a [`ReallocError`] (which already hands the block back): the block
    /// belongs to the allocator `owner`, not to the one asked to resize it.
    ForeignOwner {
        /// The allocator that owns the block.
        owner: AllocatorId,
    },
}

impl fmt::Display for AllocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AllocError::OutOfMemory { layout } => write!(
                f,
                "out of memory: could not allocate {} bytes (align {})",
                layout.size(),
                layout.align()
            ),
            AllocError::InvalidLayout => f.write_str("invalid layout"),
            AllocError::ForeignBlock(b) => write!(
                f,
                "block at {:#x} was not allocated by this allocator",
                b.addr()
            ),
            AllocError::ForeignOwner { owner } => write!(
                f,
                "block belongs to allocator #{}, not to this allocator",
                owner.get()
            ),
        }
    }
}

impl std::error::Error for AllocError {}

/// A failed `realloc`: the original block is returned intact with the reason.
#[derive(Debug)]
pub struct ReallocError {
    /// The block passed in, still valid and unchanged.
    pub block: Block,
    /// Why the reallocation failed.
    pub error: AllocError,
}

impl fmt::Display for ReallocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "realloc of the block at {:#x} failed: {}",
            self.block.addr(),
            self.error
        )
    }
}

impl std::error::Error for ReallocError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}
