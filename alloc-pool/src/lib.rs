//! # alloc-pool: CPython 3.11's allocator, behind a trait
//!
//! This crate owns PyMM's memory allocators and the trait every other crate
//! allocates through:
//!
//! - [`PyAllocator`]: the safe, object-safe allocator trait. It hands out
//!   owned [`Block`] tokens (address, size, owner), so no sequence of safe
//!   calls can free twice or free another allocator's memory: a foreign
//!   block is handed back in [`AllocError::ForeignBlock`]. Implementations
//!   also implement `allocator_api2::alloc::Allocator` (0.2, the version
//!   hashbrown and bumpalo speak), so collections can run on them.
//! - [`System`]: the platform allocator (`malloc`), thread-safe.
//! - [`Bump`]: bumpalo; allocation only, everything released on reset.
//! - [`Observed`]: a decorator reporting every event to an
//!   [`AllocObserver`]; what tracemalloc is built on. It decorates
//!   [`PyAllocator`]s, `Allocator`s and `GlobalAlloc`s alike.
//! - [`AllocStats`]: counters, arena statistics and the pool census, and
//!   [`PyAllocator::debug_stats`], laid out like `sys._debugmallocstats()`.
//!
//! ## Costs
//!
//! [`System`] adds four relaxed atomic counter updates to `malloc`. [`Bump`]
//! is bumpalo plus a few counter updates. [`Observed`] adds one
//! thread-local flag check and the observer's own work per event.
//!
//! ## Example
//!
//! ```
//! use alloc_pool::{AllocError, PyAllocator, System};
//! use core::alloc::Layout;
//!
//! let a = System::new();
//! let b = System::new();
//! let block = a.alloc(Layout::from_size_align(40, 16).unwrap())?;
//! let block = a.realloc(block, 100).map_err(|e| e.error)?;
//! // Freeing through the wrong allocator is an error, never undefined behaviour.
//! let Err(AllocError::ForeignBlock(block)) = b.free(block) else { panic!() };
//! a.free(block)?;
//! # Ok::<(), AllocError>(())
//! ```

mod allocator;
mod block;
mod bump;
mod error;
mod observed;
mod raw;
pub mod size_class;
mod stats;
mod system;

pub use allocator::PyAllocator;
pub use block::{AllocatorId, Block};
pub use bump::Bump;
pub use error::{AllocError, ReallocError};
pub use observed::{AllocObserver, Domain, Observed};
pub use stats::{AllocStats, ArenaStats, PoolStats, SizeClassStats};
pub use system::System;
