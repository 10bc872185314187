//! The tracer trait and [`Null`], the tracer that records nothing.

use alloc_pool::{AllocObserver, Domain};

/// What an allocator decorator ([`Traced`](crate::Traced)) reports to:
/// every successful allocation, reallocation and free, with its domain
/// (alloc-pool's [`AllocObserver`]), plus the name and capabilities the
/// conformance matrix selects specs by.
///
/// A decorator also keeps one [`Tracer::Local`] of its own and reports
/// through the `*_in` methods, so that a tracer can keep per-decorator state
/// (tracemalloc's window of recent allocations); by default they are the
/// [`AllocObserver`] events.
pub trait Tracer: AllocObserver + Send + Sync {
    /// State a decorator keeps for this tracer (`()` when none).
    type Local: Default + Send + core::fmt::Debug;

    /// A short name (`"tracemalloc"`, `"null"`).
    fn name(&self) -> &'static str;
    /// Capability names for the conformance suite (`["tracemalloc"]`, `[]`).
    fn capabilities(&self) -> &'static [&'static str];

    /// An allocation through the decorator owning `local`.
    #[inline(always)]
    fn alloc_in(&self, _local: &Self::Local, domain: Domain, addr: usize, size: usize) {
        self.on_alloc(domain, addr, size);
    }

    /// A free through the decorator owning `local` (before the block is
    /// released).
    #[inline(always)]
    fn free_in(&self, _local: &Self::Local, domain: Domain, addr: usize) {
        self.on_free(domain, addr);
    }

    /// A reallocation through the decorator owning `local`.
    #[inline(always)]
    fn realloc_in(
        &self,
        _local: &Self::Local,
        domain: Domain,
        old_addr: usize,
        new_addr: usize,
        new_size: usize,
    ) {
        self.on_realloc(domain, old_addr, new_addr, new_size);
    }

    /// The decorator owning `local` is going away: whatever it keeps
    /// becomes ordinary tracer state.
    #[inline(always)]
    fn retire(&self, _local: &Self::Local) {}
}

/// The tracer of an untraced configuration: every event is an empty inline
/// function, so `Traced<A, Null>` compiles to `A`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Null;

impl AllocObserver for Null {
    #[inline(always)]
    fn on_alloc(&self, _domain: Domain, _addr: usize, _size: usize) {}
    #[inline(always)]
    fn on_realloc(&self, _domain: Domain, _old_addr: usize, _new_addr: usize, _new_size: usize) {}
    #[inline(always)]
    fn on_free(&self, _domain: Domain, _addr: usize) {}
}

impl Tracer for Null {
    type Local = ();
    fn name(&self) -> &'static str {
        "null"
    }
    fn capabilities(&self) -> &'static [&'static str] {
        &[]
    }
}
