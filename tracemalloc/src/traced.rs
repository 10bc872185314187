//! [`Traced`]: the allocator decorator, as CPython's tracemalloc wraps the
//! allocator with `PyMem_SetAllocator` (`tracemalloc_alloc`,
//! `tracemalloc_realloc`, `tracemalloc_free`).

use core::alloc::Layout;
use std::sync::Arc;

use alloc_pool::{AllocError, AllocStats, AllocatorId, Block, Domain, PyAllocator, ReallocError};

use crate::tracemalloc::Tracemalloc;
use crate::tracer::Tracer;

/// An allocator that reports every block it hands out to a [`Tracer`] and
/// forwards the work to `A`.
///
/// Blocks stay `A`'s (same [`AllocatorId`]), so a block allocated through
/// the decorator can be freed through it or not; only events seen by the
/// decorator are traced. Order of events: an allocation is reported after
/// `A` succeeded, a free just before `A` releases the block (so no other
/// thread can be given the address first).
///
/// The decorator keeps its tracer's per-decorator state
/// ([`Tracer::Local`]): with [`Tracemalloc`], a [`Window`](crate::Window)
/// of recent allocations that spares the lock on most events. That state
/// is not `Sync`, so neither is `Traced<A, Tracemalloc>`: give each thread
/// its own decorator (over a shared thread-safe allocator if need be); the
/// traces stay exact whichever decorator frees a block. Dropping the
/// decorator publishes its window.
#[derive(Debug)]
pub struct Traced<A, T: Tracer = Tracemalloc> {
    inner: A,
    tracer: Arc<T>,
    /// The tracer's per-decorator state (tracemalloc's window of recent
    /// allocations, see [`Window`](crate::Window)).
    local: T::Local,
    domain: Domain,
    name: String,
}

impl<A: PyAllocator, T: Tracer> Traced<A, T> {
    /// Decorates `inner`, reporting in domain 0 (Python's allocators).
    pub fn new(inner: A, tracer: Arc<T>) -> Self {
        Traced::with_domain(inner, tracer, 0)
    }

    /// Decorates `inner`, reporting in `domain`.
    pub fn with_domain(inner: A, tracer: Arc<T>, domain: Domain) -> Self {
        let name = format!("traced({})", inner.name());
        Traced {
            inner,
            tracer,
            local: T::Local::default(),
            domain,
            name,
        }
    }
}

impl<A, T: Tracer> Traced<A, T> {
    /// The tracer.
    pub fn tracer(&self) -> &Arc<T> {
        &self.tracer
    }

    /// The decorated allocator.
    pub fn inner(&self) -> &A {
        &self.inner
    }

    /// The domain of every event.
    pub fn domain(&self) -> Domain {
        self.domain
    }

    /// The tracer's capabilities (conformance).
    pub fn capabilities(&self) -> &'static [&'static str] {
        self.tracer.capabilities()
    }
}

impl<A: PyAllocator, T: Tracer> PyAllocator for Traced<A, T> {
    /// `traced(<inner name>)`.
    fn name(&self) -> &str {
        &self.name
    }

    fn id(&self) -> AllocatorId {
        self.inner.id()
    }

    #[inline]
    fn alloc(&self, layout: Layout) -> Result<Block, AllocError> {
        let block = self.inner.alloc(layout)?;
        self.tracer
            .alloc_in(&self.local, self.domain, block.addr(), block.size());
        Ok(block)
    }

    #[inline]
    fn realloc(&self, block: Block, new_size: usize) -> Result<Block, ReallocError> {
        let old_addr = block.addr();
        let block = self.inner.realloc(block, new_size)?;
        self.tracer.realloc_in(
            &self.local,
            self.domain,
            old_addr,
            block.addr(),
            block.size(),
        );
        Ok(block)
    }

    #[inline]
    fn free(&self, block: Block) -> Result<(), AllocError> {
        if block.owner() != self.inner.id() {
            return Err(AllocError::ForeignBlock(block));
        }
        self.tracer.free_in(&self.local, self.domain, block.addr());
        self.inner.free(block)
    }

    fn stats(&self) -> AllocStats {
        self.inner.stats()
    }

    fn debug_stats(&self) -> String {
        self.inner.debug_stats()
    }
}

impl<A, T: Tracer> Drop for Traced<A, T> {
    /// The decorator's pending allocations become ordinary traces.
    fn drop(&mut self) {
        self.tracer.retire(&self.local);
    }
}
