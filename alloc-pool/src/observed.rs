//! [`Observed`]: an allocator decorator that reports every event to an
//! [`AllocObserver`], the way CPython's tracemalloc installs itself in front
//! of the allocator it traces (`PyMem_SetAllocator` with a hook that calls
//! the previous allocator, then records the trace).

use core::alloc::{GlobalAlloc, Layout};
use core::cell::Cell;
use core::ptr::NonNull;
use std::panic::{AssertUnwindSafe, catch_unwind};

use allocator_api2::alloc::{AllocError as ApiAllocError, Allocator};

use crate::{AllocError, AllocStats, AllocatorId, Block, PyAllocator, ReallocError};

/// A tracemalloc-style allocation domain (CPython's `unsigned int domain`;
/// Python's own allocators all report domain 0).
pub type Domain = u32;

/// Observes every allocation event of a decorated allocator; what a tracer
/// (tracemalloc) implements.
///
/// `on_alloc` and `on_realloc` are called after the inner allocator
/// succeeded; `on_free` just before the block is released, so that no other
/// thread can be handed the same address before the observer heard of the
/// free. (A moving `realloc` releases the old address inside the inner
/// allocator, before `on_realloc`; an observer shared by several threads must
/// tolerate seeing the old address allocated again first.)
///
/// Events caused by the observer itself are not reported: while a callback
/// runs, allocations made on the same thread through any [`Observed`]
/// allocator go straight to the inner allocator (CPython's tracemalloc
/// `reentrant` flag). So an observer may allocate, even through the very
/// allocator it observes, without recursing.
///
/// Callbacks must not panic: under [`GlobalAlloc`] a panic aborts the
/// process (unwinding out of a global allocator is undefined behaviour).
pub trait AllocObserver: Sync {
    /// A block of `size` bytes was allocated at `addr`.
    fn on_alloc(&self, domain: Domain, addr: usize, size: usize);
    /// The block at `old_addr` now lives at `new_addr` with `new_size` bytes.
    fn on_realloc(&self, domain: Domain, old_addr: usize, new_addr: usize, new_size: usize);
    /// The block at `addr` was freed.
    fn on_free(&self, domain: Domain, addr: usize);
}

impl<O: AllocObserver + ?Sized> AllocObserver for &O {
    fn on_alloc(&self, domain: Domain, addr: usize, size: usize) {
        (**self).on_alloc(domain, addr, size)
    }
    fn on_realloc(&self, domain: Domain, old_addr: usize, new_addr: usize, new_size: usize) {
        (**self).on_realloc(domain, old_addr, new_addr, new_size)
    }
    fn on_free(&self, domain: Domain, addr: usize) {
        (**self).on_free(domain, addr)
    }
}

impl<O: AllocObserver + ?Sized + Send> AllocObserver for std::sync::Arc<O> {
    fn on_alloc(&self, domain: Domain, addr: usize, size: usize) {
        (**self).on_alloc(domain, addr, size)
    }
    fn on_realloc(&self, domain: Domain, old_addr: usize, new_addr: usize, new_size: usize) {
        (**self).on_realloc(domain, old_addr, new_addr, new_size)
    }
    fn on_free(&self, domain: Domain, addr: usize) {
        (**self).on_free(domain, addr)
    }
}

thread_local! {
    /// Set while this thread runs an observer callback (the re-entrancy guard).
    /// Const-initialised and without destructor: reading it never allocates.
    static IN_OBSERVER: Cell<bool> = const { Cell::new(false) };
}

/// Clears `IN_OBSERVER` when the callback returns or unwinds.
struct ReentrancyGuard;

impl Drop for ReentrancyGuard {
    fn drop(&mut self) {
        let _ = IN_OBSERVER.try_with(|flag| flag.set(false));
    }
}

/// Runs `report` unless this thread is already inside an observer callback
/// (or is tearing down its thread-locals).
#[inline]
fn report(report: impl FnOnce()) {
    let entered = IN_OBSERVER
        .try_with(|flag| !flag.replace(true))
        .unwrap_or(false);
    if entered {
        let _guard = ReentrancyGuard;
        report();
    }
}

/// [`report`] for `GlobalAlloc`, where unwinding is undefined behaviour: a
/// panicking observer aborts the process instead.
#[inline]
fn report_no_unwind(f: impl FnOnce()) {
    if catch_unwind(AssertUnwindSafe(|| report(f))).is_err() {
        std::process::abort();
    }
}

/// An allocator decorator: forwards every call to `A` and reports each event
/// to `O` with this decorator's [`Domain`].
///
/// It implements [`PyAllocator`] (when `A` does), `allocator_api2`'s
/// [`Allocator`] (when `A` does) and [`GlobalAlloc`] (when `A` does), so a
/// tracer built on it can decorate a PyMM allocator, a hashbrown map's
/// allocator, or the process's `#[global_allocator]`:
///
/// ```
/// use alloc_pool::{AllocObserver, Domain, Observed, PyAllocator, System};
/// use core::alloc::Layout;
/// use std::sync::atomic::{AtomicUsize, Ordering};
///
/// struct Count(AtomicUsize);
/// impl AllocObserver for Count {
///     fn on_alloc(&self, _: Domain, _: usize, _: usize) {
///         self.0.fetch_add(1, Ordering::Relaxed);
///     }
///     fn on_realloc(&self, _: Domain, _: usize, _: usize, _: usize) {}
///     fn on_free(&self, _: Domain, _: usize) {
///         self.0.fetch_sub(1, Ordering::Relaxed);
///     }
/// }
///
/// let traced = Observed::new(System::new(), Count(AtomicUsize::new(0)));
/// let block = traced.alloc(Layout::new::<[u8; 40]>())?;
/// assert_eq!(traced.observer().0.load(Ordering::Relaxed), 1);
/// traced.free(block)?;
/// assert_eq!(traced.observer().0.load(Ordering::Relaxed), 0);
/// # Ok::<(), alloc_pool::AllocError>(())
/// ```
///
/// As a `#[global_allocator]` (over `std::alloc::System` or
/// [`GlobalPyMalloc`](crate::GlobalPyMalloc)), `Observed::new` is a `const fn`:
///
/// ```
/// # use alloc_pool::{AllocObserver, Domain, Observed};
/// # struct Quiet;
/// # impl AllocObserver for Quiet {
/// #     fn on_alloc(&self, _: Domain, _: usize, _: usize) {}
/// #     fn on_realloc(&self, _: Domain, _: usize, _: usize, _: usize) {}
/// #     fn on_free(&self, _: Domain, _: usize) {}
/// # }
/// #[global_allocator]
/// static GLOBAL: Observed<std::alloc::System, Quiet> = Observed::new(std::alloc::System, Quiet);
/// # fn main() { let v = vec![1, 2, 3]; assert_eq!(v.len(), 3); }
/// ```
#[derive(Debug, Default)]
pub struct Observed<A, O> {
    inner: A,
    observer: O,
    domain: Domain,
}

impl<A, O> Observed<A, O> {
    /// Decorates `inner`, reporting to `observer` in domain 0.
    pub const fn new(inner: A, observer: O) -> Self {
        Observed {
            inner,
            observer,
            domain: 0,
        }
    }

    /// Decorates `inner`, reporting to `observer` in `domain`.
    pub const fn with_domain(inner: A, observer: O, domain: Domain) -> Self {
        Observed {
            inner,
            observer,
            domain,
        }
    }

    /// The decorated allocator.
    pub fn inner(&self) -> &A {
        &self.inner
    }

    /// The observer.
    pub fn observer(&self) -> &O {
        &self.observer
    }

    /// The domain reported with every event.
    pub fn domain(&self) -> Domain {
        self.domain
    }

    /// Takes the decorator apart.
    pub fn into_parts(self) -> (A, O) {
        (self.inner, self.observer)
    }
}

/// The name is the inner allocator's: the decorator is transparent (a tracer
/// built on it names itself).
impl<A: PyAllocator, O: AllocObserver> PyAllocator for Observed<A, O> {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn id(&self) -> AllocatorId {
        self.inner.id()
    }

    fn alloc(&self, layout: Layout) -> Result<Block, AllocError> {
        let block = self.inner.alloc(layout)?;
        report(|| {
            self.observer
                .on_alloc(self.domain, block.addr(), block.size())
        });
        Ok(block)
    }

    fn realloc(&self, block: Block, new_size: usize) -> Result<Block, ReallocError> {
        let old_addr = block.addr();
        let block = self.inner.realloc(block, new_size)?;
        report(|| {
            self.observer
                .on_realloc(self.domain, old_addr, block.addr(), block.size())
        });
        Ok(block)
    }

    fn free(&self, block: Block) -> Result<(), AllocError> {
        if block.owner() != self.inner.id() {
            return Err(AllocError::ForeignBlock(block));
        }
        report(|| self.observer.on_free(self.domain, block.addr()));
        self.inner.free(block)
    }

    fn stats(&self) -> AllocStats {
        self.inner.stats()
    }

    fn debug_stats(&self) -> String {
        self.inner.debug_stats()
    }
}

// SAFETY: every method forwards to `A` with the caller's arguments unchanged
// and returns `A`'s result unchanged, so `A`'s guarantees carry over; the
// observer only sees addresses and sizes.
unsafe impl<A: Allocator, O: AllocObserver> Allocator for Observed<A, O> {
    #[inline]
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, ApiAllocError> {
        let block = self.inner.allocate(layout)?;
        report(|| {
            self.observer.on_alloc(
                self.domain,
                block.cast::<u8>().as_ptr() as usize,
                layout.size(),
            )
        });
        Ok(block)
    }

    #[inline]
    fn allocate_zeroed(&self, layout: Layout) -> Result<NonNull<[u8]>, ApiAllocError> {
        let block = self.inner.allocate_zeroed(layout)?;
        report(|| {
            self.observer.on_alloc(
                self.domain,
                block.cast::<u8>().as_ptr() as usize,
                layout.size(),
            )
        });
        Ok(block)
    }

    #[inline]
    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        report(|| self.observer.on_free(self.domain, ptr.as_ptr() as usize));
        // SAFETY: forwarded contract (`ptr` is a block of `A` fitting `layout`).
        unsafe { self.inner.deallocate(ptr, layout) }
    }

    unsafe fn grow(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, ApiAllocError> {
        // SAFETY: forwarded contract.
        let moved = unsafe { self.inner.grow(ptr, old, new) }?;
        self.report_resize(ptr, moved, new);
        Ok(moved)
    }

    unsafe fn grow_zeroed(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, ApiAllocError> {
        // SAFETY: forwarded contract.
        let moved = unsafe { self.inner.grow_zeroed(ptr, old, new) }?;
        self.report_resize(ptr, moved, new);
        Ok(moved)
    }

    unsafe fn shrink(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, ApiAllocError> {
        // SAFETY: forwarded contract.
        let moved = unsafe { self.inner.shrink(ptr, old, new) }?;
        self.report_resize(ptr, moved, new);
        Ok(moved)
    }
}

impl<A, O: AllocObserver> Observed<A, O> {
    fn report_resize(&self, old: NonNull<u8>, moved: NonNull<[u8]>, new: Layout) {
        report(|| {
            self.observer.on_realloc(
                self.domain,
                old.as_ptr() as usize,
                moved.cast::<u8>().as_ptr() as usize,
                new.size(),
            )
        });
    }
}

// SAFETY: every method forwards to `A` with the caller's arguments unchanged
// and returns `A`'s result unchanged; reporting cannot unwind
// (`report_no_unwind` aborts instead) and cannot recurse (the re-entrancy
// guard sends the observer's own allocations straight to `A`).
unsafe impl<A: GlobalAlloc, O: AllocObserver> GlobalAlloc for Observed<A, O> {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract (`layout` has a non-zero size).
        let ptr = unsafe { self.inner.alloc(layout) };
        if !ptr.is_null() {
            report_no_unwind(|| {
                self.observer
                    .on_alloc(self.domain, ptr as usize, layout.size())
            });
        }
        ptr
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        let ptr = unsafe { self.inner.alloc_zeroed(layout) };
        if !ptr.is_null() {
            report_no_unwind(|| {
                self.observer
                    .on_alloc(self.domain, ptr as usize, layout.size())
            });
        }
        ptr
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        report_no_unwind(|| self.observer.on_free(self.domain, ptr as usize));
        // SAFETY: forwarded contract (`ptr` came from `A` with `layout`).
        unsafe { self.inner.dealloc(ptr, layout) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded contract.
        let moved = unsafe { self.inner.realloc(ptr, layout, new_size) };
        if !moved.is_null() {
            report_no_unwind(|| {
                self.observer
                    .on_realloc(self.domain, ptr as usize, moved as usize, new_size)
            });
        }
        moved
    }
}
