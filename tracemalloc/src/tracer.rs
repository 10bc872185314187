//! The tracer trait and [`Null`], the tracer that records nothing.

use alloc_pool::{AllocObserver, Domain};

/// What an allocator decorator ([`Traced`](crate::Traced)) reports to:
/// every successful allocation, reallocation and free, with its domain
/// (alloc-pool's [`AllocObserver`]), plus the name and capabilities the
/// conformance matrix selects specs by.
pub trait Tracer: AllocObserver + Send + Sync {
    /// A short name (`"tracemalloc"`, `"null"`).
    fn name(&self) -> &'static str;
    /// Capability names for the conformance suite (`["tracemalloc"]`, `[]`).
    fn capabilities(&self) -> &'static [&'static str];
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
    fn name(&self) -> &'static str {
        "null"
    }
    fn capabilities(&self) -> &'static [&'static str] {
        &[]
    }
}
