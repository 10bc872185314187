//! [`Block`], the owned token for one live allocation, and [`AllocatorId`],
//! the identity each block remembers so that a block can only go back to the
//! allocator that made it.

use core::alloc::Layout;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicU64, Ordering};

/// Identity of one allocator instance; every [`Block`] remembers its owner so
/// that freeing a block through the wrong allocator is an error, not UB.
///
/// Identities are never reused within a process (a 64-bit counter), so a
/// block that outlives its allocator is foreign to every later allocator.
/// [`Bump::reset`](crate::Bump::reset) takes a fresh identity, which turns
/// every block handed out before the reset into a foreign block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AllocatorId(pub(crate) u64);

/// The next unused identity; 0 is never handed out.
static NEXT_ALLOCATOR_ID: AtomicU64 = AtomicU64::new(1);

impl AllocatorId {
    /// A new identity, distinct from every identity handed out before.
    pub(crate) fn fresh() -> Self {
        AllocatorId(NEXT_ALLOCATOR_ID.fetch_add(1, Ordering::Relaxed))
    }

    /// The raw number, for printing.
    pub fn get(self) -> u64 {
        self.0
    }
}

/// An owned allocation: a token for a live block (address, size, owner).
///
/// A `Block` is neither `Clone` nor `Copy`, so the safe API cannot free it
/// twice. It gives out its address (`id()` in the runtime) and requested
/// size, never its contents: dropping a `Block` without freeing it leaks the
/// memory, nothing worse. Only the allocators of this crate create blocks, so
/// a `Block` always names memory that its owner handed out (or, once the
/// owner is gone or reset, memory that no safe call will touch again).
#[derive(Debug)]
pub struct Block {
    pub(crate) ptr: NonNull<u8>,
    pub(crate) layout: Layout,
    pub(crate) owner: AllocatorId,
}

// SAFETY: a `Block` is a token: the safe API never reads or writes the memory
// it names, and every allocator checks `owner` before acting on it. Moving or
// sharing the token between threads therefore cannot create a data race; the
// allocators themselves decide whether they may be used from several threads.
unsafe impl Send for Block {}
// SAFETY: as for `Send`: `&Block` only exposes the address, size and owner.
unsafe impl Sync for Block {}

impl Block {
    /// Wraps a pointer just handed out by the allocator `owner` for `layout`.
    pub(crate) fn new(ptr: NonNull<u8>, layout: Layout, owner: AllocatorId) -> Self {
        Block { ptr, layout, owner }
    }

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
    /// The block's address as a raw pointer. Reading or writing through it is
    /// `unsafe` and valid only for `size()` bytes while the block is live
    /// (not freed, its allocator not dropped or reset).
    pub fn as_ptr(&self) -> *mut u8 {
        self.ptr.as_ptr()
    }
}
