//! The platform allocator underneath everything (CPython's `PyMem_RawMalloc`
//! family): `std::alloc::System` called directly, never through the global
//! allocator, so that an allocator of this crate installed as
//! `#[global_allocator]` cannot recurse into itself.

use core::alloc::Layout;
use core::ptr::NonNull;
use std::alloc::{GlobalAlloc, System as StdSystem};

/// The layout actually requested from the platform for `layout`: a size of 0
/// becomes 1, as `PyMem_RawMalloc(0)` calls `malloc(1)`, so that every block
/// has its own address. `None` when that layout cannot exist.
#[inline]
pub(crate) fn platform_layout(layout: Layout) -> Option<Layout> {
    if layout.size() == 0 {
        Layout::from_size_align(1, layout.align()).ok()
    } else {
        Some(layout)
    }
}

/// `malloc`: a block for `layout` from the platform, or `None`.
#[inline]
pub(crate) fn alloc(layout: Layout, zeroed: bool) -> Option<NonNull<u8>> {
    let layout = platform_layout(layout)?;
    // SAFETY: `platform_layout` never returns a zero-sized layout, which is
    // the only requirement of `GlobalAlloc::alloc`/`alloc_zeroed`.
    let ptr = unsafe {
        if zeroed {
            StdSystem.alloc_zeroed(layout)
        } else {
            StdSystem.alloc(layout)
        }
    };
    NonNull::new(ptr)
}

/// `free`.
///
/// # Safety
/// `ptr` must have been returned by [`alloc`] or [`realloc`] for `layout`
/// (the layout the caller asked for, before `platform_layout`), and not be
/// freed since.
#[inline]
pub(crate) unsafe fn free(ptr: NonNull<u8>, layout: Layout) {
    if let Some(layout) = platform_layout(layout) {
        // SAFETY: by this function's contract the platform handed out `ptr`
        // for exactly `platform_layout(layout)`, which is what we pass back.
        unsafe { StdSystem.dealloc(ptr.as_ptr(), layout) }
    }
}

/// `realloc`: resize a platform block from `old` to `new_size` bytes (same
/// alignment); `None` leaves the old block untouched.
///
/// # Safety
/// As for [`free`]: `ptr` is a live platform block allocated for `old`.
#[inline]
pub(crate) unsafe fn realloc(
    ptr: NonNull<u8>,
    old: Layout,
    new_size: usize,
) -> Option<NonNull<u8>> {
    let old = platform_layout(old)?;
    let new = platform_layout(Layout::from_size_align(new_size, old.align()).ok()?)?;
    // SAFETY: 1. `ptr` was allocated by `StdSystem` for `old` (contract);
    // 2. `new.size()` is non-zero and, rounded up to the alignment, fits in
    // `isize` because `new` is a valid `Layout`.
    NonNull::new(unsafe { StdSystem.realloc(ptr.as_ptr(), old, new.size()) })
}
