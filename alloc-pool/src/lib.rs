//! CONTRACT DRAFT (the alloc-pool helper replaces this header with the crate docs).
//!
//! The public interface other PyMM crates code against. Keep these names and
//! signatures; add to them, do not change them without updating every user.

#![warn(missing_docs)]

use core::alloc::Layout;
use core::fmt;
use core::ptr::NonNull;

/// A tracemalloc-style allocation domain (CPython's `unsigned int domain`;
/// Python's own allocators all report domain 0).
pub type Domain = u32;

/// Identity of one allocator instance; every [`Block`] remembers its owner so
/// that freeing a block through the wrong allocator is an error, not UB.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AllocatorId(pub(crate) u64);

/// An owned allocation: a token for a live block (address, size, owner).
///
/// A `Block` is neither `Clone` nor `Copy`, so the safe API cannot free it
/// twice. It gives out its address (`id()` in the runtime) and requested
/// size, never its contents: dropping a `Block` without freeing it leaks the
/// memory, nothing worse.
#[derive(Debug)]
pub struct Block {
    pub(crate) ptr: NonNull<u8>,
    pub(crate) layout: Layout,
    pub(crate) owner: AllocatorId,
}

impl Block {
    /// The block's address.
    pub fn addr(&self) -> usize {
        self.ptr.as_ptr() as usize
    }
    /// The size that was requested for it.
    pub fn size(&self) -> usize {
        self.layout.size()
    }
    /// The layout it was allocated with.
    pub fn layout(&self) -> Layout {
        self.layout
    }
    /// The allocator that owns it.
    pub fn owner(&self) -> AllocatorId {
        self.owner
    }
}

/// Why an allocator call failed.
#[derive(Debug)]
pub enum AllocError {
    /// The allocator (or the OS beneath it) has no memory for this request.
    OutOfMemory {
        /// The request that failed.
        layout: Layout,
    },
    /// The request cannot be expressed (size overflow, alignment not a power of two).
    InvalidLayout,
    /// The block was not allocated by this allocator; it is handed back unchanged.
    ForeignBlock(Block),
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

/// The allocator trait of PyMM: what the runtime, tracemalloc and the
/// benchmarks speak. Safe and object-safe (`Box<dyn PyAllocator>`).
///
/// Implementations also implement `allocator_api2::alloc::Allocator`, so
/// hashbrown maps and allocator-api2 `Vec`s can run on them.
pub trait PyAllocator {
    /// A short name (`"pymalloc"`, `"system"`, `"bump"`, `"traced(pymalloc)"`).
    fn name(&self) -> &str;
    /// This instance's identity (the owner recorded in its blocks).
    fn id(&self) -> AllocatorId;
    /// Allocate a block for `layout` (CPython's `PyObject_Malloc`).
    fn alloc(&self, layout: Layout) -> Result<Block, AllocError>;
    /// Resize a block, moving it if needed (CPython's `PyObject_Realloc`).
    fn realloc(&self, block: Block, new_size: usize) -> Result<Block, ReallocError>;
    /// Release a block (CPython's `PyObject_Free`). A foreign block is handed back.
    fn free(&self, block: Block) -> Result<(), AllocError>;
    /// Current statistics.
    fn stats(&self) -> AllocStats;
    /// A report laid out like `sys._debugmallocstats()`.
    fn debug_stats(&self) -> String;
}

/// Observes every allocation event of a decorated allocator; what a tracer
/// (tracemalloc) implements. Called after the inner allocator succeeded.
/// Implementations must not allocate through the allocator they observe
/// without a re-entrancy guard.
pub trait AllocObserver: Sync {
    /// A block of `size` bytes was allocated at `addr`.
    fn on_alloc(&self, domain: Domain, addr: usize, size: usize);
    /// The block at `old_addr` now lives at `new_addr` with `new_size` bytes.
    fn on_realloc(&self, domain: Domain, old_addr: usize, new_addr: usize, new_size: usize);
    /// The block at `addr` was freed.
    fn on_free(&self, domain: Domain, addr: usize);
}

/// Statistics of one allocator (the alloc-pool helper extends this; other
/// crates read only the fields below).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AllocStats {
    /// Blocks currently allocated and not yet freed (all sizes).
    pub blocks_in_use: u64,
    /// Bytes requested by the blocks currently in use.
    pub bytes_in_use: u64,
    /// Allocations served since creation (including reallocs that moved).
    pub allocations_total: u64,
    /// Frees since creation.
    pub frees_total: u64,
}
