//! # refcount: reference-counted objects with generational handles
//!
//! This crate owns PyMM's object store: every object lives in a
//! [`Store`], named by a [`Handle`] (a generational slotmap key), and
//! carries a CPython-style reference count. It defines the [`Trace`] trait
//! (an object lists the handles it owns, CPython's `tp_traverse` seen from
//! the deallocator) and the [`Hooks`] trait (allocation, deallocation and
//! decrement-to-nonzero events for a cycle collector).
//!
//! ## The drain-queue protocol
//!
//! A Python `__del__` runs interpreter code that needs `&mut` to the whole
//! interpreter, which owns the store; so the store never calls back into
//! its host. Instead, [`Store::decref`] that reaches zero pushes the handle
//! on a *zero queue* and returns [`Decref::Zero`]; the value stays in the
//! store. The host drains the queue:
//!
//! 1. [`Store::pop_zero`] gives the next handle whose count is still zero;
//! 2. the host runs its finalizer, with full access to itself; the
//!    finalizer may resurrect the object ([`Store::incref`]), in which case
//!    the host stops here;
//! 3. [`Store::free`] removes the value, decrements its referents (queuing
//!    those that reach zero) and hands the value back, so the host can
//!    release the memory blocks it owns.
//!
//! Deallocation is therefore iterative: freeing a 1,000,000-long chain or a
//! 1,000,000-deep nesting uses constant stack, as CPython's trashcan
//! ensures (without its depth limit of 50). The queue is a stack arranged
//! so that objects are freed in the order CPython's recursive `tp_dealloc`
//! would free them. Hosts without finalizers call [`Store::release`] (decref
//! and drain) or [`Store::free_pending`].
//!
//! Immortal objects ([`Store::insert_immortal`], [`Store::make_immortal`])
//! keep their count forever: `incref`/`decref` change nothing and they are
//! never queued. A stale handle (its object freed, even if the slot was
//! reused) is an error value, [`RefcountError::StaleHandle`], from every
//! operation: never a panic, never undefined behaviour.
//!
//! ## Costs
//!
//! - Memory: per slot, `size_of::<T>()` plus a 4-byte count word (whose
//!   top bit is the zero-queue flag, so counts stop at [`MAX_REFCOUNT`],
//!   2^31 - 2) and slotmap's 4-byte version, rounded up to `T`'s alignment:
//!   8 bytes of overhead. Freed slots are reused; the slot array never
//!   shrinks. The zero queue holds one 8-byte handle per pending
//!   object.
//! - Time: `insert`, `get`, `incref`, `decref`, `pop_zero` are O(1) (a
//!   slotmap index plus a version compare); `free` is O(number of
//!   referents). No operation allocates except `insert` (amortized slotmap
//!   growth) and queue growth.
//! - Hooks are a type parameter ([`NoHooks`] by default), so an unused hook
//!   costs nothing.
//!
//! ## Example
//!
//! ```
//! use refcount::{Decref, Handle, RefcountError, Store, Trace};
//!
//! // A cons cell holding one reference.
//! struct Cell(Option<Handle>);
//! impl Trace for Cell {
//!     fn trace(&self, visit: &mut dyn FnMut(Handle)) {
//!         if let Some(h) = self.0 { visit(h) }
//!     }
//! }
//!
//! let mut store = Store::new();
//! let tail = store.insert(Cell(None));
//! let head = store.insert(Cell(Some(tail))); // head owns the reference to tail
//! assert_eq!(store.decref(head)?, Decref::Zero);
//! // The host drains the zero queue, finalizing then freeing.
//! let mut freed = 0;
//! while let Some(h) = store.pop_zero() {
//!     // ... run h's finalizer here, with full access to the host ...
//!     let _value = store.free(h)?; // queues `tail`, whose count reached zero
//!     freed += 1;
//! }
//! assert_eq!(freed, 2);
//! assert_eq!(store.get(tail).err(), Some(RefcountError::StaleHandle(tail)));
//! # Ok::<(), RefcountError>(())
//! ```
#![forbid(unsafe_code)]

mod error;
mod hooks;
mod store;
mod trace;

pub use error::RefcountError;
pub use hooks::{Hooks, NoHooks, Recorder};
pub use store::{Decref, IMMORTAL_REFCOUNT, MAX_REFCOUNT, Store, StoreStats, ZeroMark};
pub use trace::{Handle, Trace};
