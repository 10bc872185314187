//! [`PyAllocator`], the allocator trait of PyMM, and its forwarding impls for
//! references and smart pointers.

use core::alloc::Layout;
use core::ptr::NonNull;
use std::rc::Rc;
use std::sync::Arc;

use crate::{AllocError, AllocStats, AllocatorId, Block, ReallocError};

/// The allocator trait of PyMM: what the runtime, tracemalloc and the
/// benchmarks speak. Safe and object-safe (`Box<dyn PyAllocator>`).
///
/// Implementations also implement `allocator_api2::alloc::Allocator`, so
/// hashbrown maps and allocator-api2 `Vec`s can run on them.
///
/// Every method is safe: a [`Block`] can only be created by the allocator
/// that owns it, cannot be cloned, and is checked against
/// [`id`](PyAllocator::id) before it is freed or resized, so no sequence of
/// calls can free twice, free foreign memory or touch freed memory.
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

macro_rules! forward_py_allocator {
    ($($ty:ty),*) => {$(
        impl<A: PyAllocator + ?Sized> PyAllocator for $ty {
            fn name(&self) -> &str {
                (**self).name()
            }
            fn id(&self) -> AllocatorId {
                (**self).id()
            }
            fn alloc(&self, layout: Layout) -> Result<Block, AllocError> {
                (**self).alloc(layout)
            }
            fn realloc(&self, block: Block, new_size: usize) -> Result<Block, ReallocError> {
                (**self).realloc(block, new_size)
            }
            fn free(&self, block: Block) -> Result<(), AllocError> {
                (**self).free(block)
            }
            fn stats(&self) -> AllocStats {
                (**self).stats()
            }
            fn debug_stats(&self) -> String {
                (**self).debug_stats()
            }
        }
    )*};
}

forward_py_allocator!(&A, Box<A>, Rc<A>, Arc<A>);

/// The layout of a block resized to `new_size`, keeping its alignment; the
/// error hands the block back.
pub(crate) fn resized_layout(
    block: Block,
    new_size: usize,
) -> Result<(Block, Layout), ReallocError> {
    match Layout::from_size_align(new_size, block.layout.align()) {
        Ok(layout) => Ok((block, layout)),
        Err(_) => Err(ReallocError {
            block,
            error: AllocError::InvalidLayout,
        }),
    }
}

/// The end of every `realloc`: the block at `moved` with `new_layout`
/// (owned by `owner`), or `block` handed back with
/// [`AllocError::OutOfMemory`] when the resize found no memory.
#[inline]
pub(crate) fn realloc_outcome(
    block: Block,
    moved: Option<NonNull<u8>>,
    new_layout: Layout,
    owner: AllocatorId,
) -> Result<Block, ReallocError> {
    match moved {
        Some(ptr) => Ok(Block::new(ptr, new_layout, owner)),
        None => Err(ReallocError {
            block,
            error: AllocError::OutOfMemory { layout: new_layout },
        }),
    }
}

/// Hands `block` back as a [`ReallocError`] unless `owner` owns it.
pub(crate) fn check_realloc_owner(block: Block, owner: AllocatorId) -> Result<Block, ReallocError> {
    if block.owner == owner {
        Ok(block)
    } else {
        let error = AllocError::ForeignOwner { owner: block.owner };
        Err(ReallocError { block, error })
    }
}
