//! Tracing a whole Rust program: the `#[global_allocator]` form.
//!
//! [`GlobalTracer`] is alloc-pool's [`Observed`] decorator (which owns the
//! `GlobalAlloc` forwarding, so this crate needs none of its own) around any
//! `GlobalAlloc`, reporting to
//! a [`Tracemalloc`] that lives in the same `static`. Tracebacks come from
//! the thread-local [frame stack](crate::frame_stack) the program pushes and
//! pops. Nothing the tracer does allocates through a lock that could
//! deadlock: the re-entrancy flags are const-initialized thread-locals, the
//! tables lock is a spin lock that yields when contended (it never
//! allocates, unlike `parking_lot`'s, the cause of dhat-rs issue #25), and
//! every allocation made while the tracer works on a thread goes straight
//! to the inner allocator.
//!
//! ```
//! use tracemalloc::{GlobalTracer, KeyType, Tracemalloc};
//!
//! #[global_allocator]
//! static GLOBAL: GlobalTracer = GlobalTracer::new(std::alloc::System, Tracemalloc::new());
//!
//! fn main() {
//!     let tracer = GLOBAL.observer();
//!     tracer.start(1).unwrap();
//!     let kept = {
//!         let _frame = tracemalloc::enter_frame!();
//!         vec![0u8; 100_000]
//!     };
//!     let snapshot = tracer.take_snapshot().unwrap();
//!     tracer.stop();
//!     let top = &snapshot.statistics(KeyType::Lineno, false).unwrap()[0];
//!     assert!(top.size >= 100_000);
//!     drop(kept);
//! }
//! ```

use alloc_pool::Observed;

use crate::tracemalloc::Tracemalloc;

/// A `GlobalAlloc` that traces every allocation of the program into a
/// [`Tracemalloc`]: `static GLOBAL: GlobalTracer = GlobalTracer::new(System, Tracemalloc::new());`,
/// then `GLOBAL.observer()` is the tracer.
pub type GlobalTracer<A = std::alloc::System> = Observed<A, Tracemalloc>;
