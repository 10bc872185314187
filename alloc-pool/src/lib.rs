//! # alloc-pool: CPython 3.11's allocator, behind a trait
//!
//! This crate owns PyMM's memory allocators and the trait every other crate
//! allocates through. It is the only crate of the workspace with `unsafe`
//! code.
//!
//! - [`PyAllocator`]: the safe, object-safe allocator trait. It hands out
//!   owned [`Block`] tokens (address, size, owner), so no sequence of safe
//!   calls can free twice or free another allocator's memory: a foreign
//!   block is handed back in [`AllocError::ForeignBlock`]. Implementations
//!   also implement `allocator_api2::alloc::Allocator` (0.2, the version
//!   hashbrown and bumpalo speak), so collections can run on them.
//! - [`PyMalloc`]: pymalloc as CPython 3.11 builds it on 64-bit Linux
//!   (`Objects/obmalloc.c`): 16-byte alignment, 32 size classes up to 512
//!   bytes, 16 KiB pools with a 48-byte header, 1 MiB arenas, partially used
//!   pools per class (a pool that stops being full goes to the front), empty
//!   pools cached per arena, usable arenas fullest-first, a wholly free arena
//!   returned to the system unless it is the last usable one, `realloc` in
//!   place while the block fits and is not shrunk below 3/4. Requests of 0
//!   bytes, over 512 bytes or aligned above 16 go to the system allocator.
//!   Single-threaded; [`PyMalloc::with_limit`] caps its memory so that
//!   exhaustion is an error (Python's `MemoryError`), never an abort.
//! - [`GlobalPyMalloc`]: the same behind a spin lock that never allocates;
//!   `const fn new`, so it can be the `#[global_allocator]`.
//! - [`ThreadCached`]: per-thread caches of free blocks (64 per class, moved
//!   32 at a time under the lock) in front of a `static` `GlobalPyMalloc`;
//!   the fast `#[global_allocator]` (see `examples/global_allocator.rs`).
//! - [`System`]: the platform allocator (`malloc`), thread-safe.
//! - [`Bump`]: bumpalo; allocation only, everything released on reset.
//! - [`Observed`]: a decorator reporting every event to an
//!   [`AllocObserver`]; what tracemalloc is built on. It decorates
//!   [`PyAllocator`]s, `Allocator`s and `GlobalAlloc`s alike.
//! - [`AllocStats`]: counters, arena statistics and the pool census;
//!   [`PyAllocator::debug_stats`] prints them laid out like
//!   `sys._debugmallocstats()`, and they obey its arithmetic
//!   (`Total = arenas * 1 MiB`).
//!
//! Arena allocation and release are `tracing` events (target
//! `alloc_pool::arena`, level `DEBUG`).
//!
//! ## Deliberate differences from CPython
//!
//! - No radix tree (`address_in_range`): Rust's `dealloc` is given the
//!   layout, so the size alone routes a free to the pools or the system.
//!   Consequently a system block that `realloc` shrinks to 512 bytes or
//!   less moves into a pool (CPython keeps it in `malloc`).
//! - Arenas come from the system allocator 1 MiB-aligned, so every arena
//!   has 64 pools and "bytes lost to arena alignment" is always 0.
//! - The report has no "arena map" or per-type free-list sections.
//!
//! ## Costs
//!
//! `PyMalloc` allocates and frees in a few instructions on the hot path (a
//! size-class shift, a pop or push on an intrusive free list in the pool,
//! two counter updates); pools and arenas are set up only when a class runs
//! dry. Memory overhead: 48 bytes per 16 KiB pool plus the rounding of each
//! request up to a multiple of 16 (both reported). `GlobalPyMalloc` adds
//! one atomic compare-exchange and one store per call (on a busy 2-core VM
//! that is most of its cost); `ThreadCached` takes the lock once per 32
//! blocks and holds up to 64 free blocks per class and thread. [`System`] adds
//! relaxed atomic counter updates to `malloc`; [`Bump`] is bumpalo plus
//! counter updates; [`Observed`] adds a thread-local flag check and the
//! observer's own work per event. Debug builds also check every free
//! (double free, foreign pointer), walking the arena table.
//!
//! ## Example
//!
//! ```
//! use alloc_pool::{AllocError, PyAllocator, PyMalloc, System};
//! use core::alloc::Layout;
//!
//! fn churn(a: &dyn PyAllocator) -> Result<(), AllocError> {
//!     let block = a.alloc(Layout::from_size_align(40, 8).unwrap())?;
//!     let block = a.realloc(block, 44).map_err(|e| e.error)?; // in place for pymalloc
//!     a.free(block)
//! }
//!
//! let pool = PyMalloc::new();
//! churn(&pool)?;
//! churn(&System::new())?;
//! assert_eq!(pool.stats().arenas.current, 1);
//!
//! // Freeing through the wrong allocator is an error, never undefined behaviour.
//! let block = pool.alloc(Layout::new::<[u8; 600]>())?;
//! let Err(AllocError::ForeignBlock(block)) = System::new().free(block) else { panic!() };
//! pool.free(block)?;
//! # Ok::<(), AllocError>(())
//! ```

mod allocator;
mod arena;
mod block;
mod bump;
mod error;
mod from_global;
mod global;
mod obmalloc;
mod observed;
mod pool;
mod pymalloc;
mod raw;
pub mod size_class;
mod stats;
mod system;
pub mod tcache;

pub use allocator::PyAllocator;
pub use block::{AllocatorId, Block};
pub use bump::Bump;
pub use error::{AllocError, ReallocError};
pub use from_global::FromGlobal;
pub use global::GlobalPyMalloc;
pub use observed::{AllocObserver, Domain, Observed};
pub use pymalloc::PyMalloc;
pub use stats::{AllocStats, ArenaStats, PoolStats, SizeClassStats};
pub use system::System;
pub use tcache::ThreadCached;

#[cfg(test)]
mod tests;
