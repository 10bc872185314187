//! Weak references with CPython 3.11's rules: a registry of weak references
//! per referent, the two clearing orders, proxies, and the weak containers.
//!
//! The crate owns bookkeeping, not objects. The host (the `runtime` crate,
//! or any Rust program) owns its objects and names each referent by an id
//! `K: Copy + Eq + Hash`; each weak reference carries a host payload `W`
//! and an optional host callback `C`. The registry never calls the host:
//! when callbacks are due it clears what must be cleared, then hands the
//! host a list of [`PendingCallback`]s to invoke in order. So callbacks can
//! create, drop or resurrect anything without meeting a half-updated
//! registry.
//!
//! - [`Registry`]: per-referent lists in CPython's order (basic ref, basic
//!   proxy, then newest first), reuse of callback-less references,
//!   `getweakrefcount`/`getweakrefs`, cached hashing and the equality rule,
//!   proxies whose use after death is a [`WeakError::DeadProxy`]
//!   (`ReferenceError`), and the two deaths:
//!   [`Registry::clear_referent`] (refcount death, after `__del__`) and
//!   [`Registry::handle_weakrefs`] (cycle collection, before any
//!   `__del__`, skipping references that are themselves garbage).
//! - [`WeakValueDictionary`], [`WeakKeyDictionary`], [`WeakSet`]: the
//!   containers of `Lib/weakref.py`, with `_IterationGuard` and pending
//!   removals, over the same registry ([`Cursor`] is one iteration).
//! - [`Finalizers`]: `weakref.finalize` (at most once, `alive`, `detach`,
//!   `peek`, `atexit`, exit order).
//! - [`check_weakrefable`] with [`ReferentKind`]: which kinds cannot be
//!   weakly referenced, with CPython's `TypeError` text.
//!
//! This crate defines no trait for mechanisms (there is one weak reference
//! model); [`ReferentKind`] is the one question it asks its host.
//!
//! Costs: creating a reference is a slotmap insert plus a hash-map lookup
//! of the referent's list; resolving is one slotmap lookup; clearing a
//! referent is linear in its references.
//!
//! ```
//! use weakrefs::{check_weakrefable, Kind, NewWeakRef, Registry};
//!
//! // Referents are host ids; payloads name the host's weakref objects;
//! // callbacks are host values (here, strings to print).
//! let mut reg: Registry<u32, &str, &str> = Registry::new();
//! check_weakrefable(&Kind::builtin("C"))?;
//! let r1 = reg.insert(1, NewWeakRef::plain_ref(), "r1");
//! // weakref.ref(o) again reuses the basic reference.
//! assert_eq!(reg.reusable(1, weakrefs::Flavor::Ref).map(|(id, _)| id), Some(r1));
//! reg.insert(1, NewWeakRef::ref_with_callback("cb"), "r2");
//! assert_eq!(reg.weakref_count(1), 2);
//!
//! // Object 1 dies by refcount: cleared first, then callbacks to run.
//! for due in reg.clear_referent(1) {
//!     assert_eq!((due.callback, due.weakref), ("cb", "r2"));
//! }
//! assert_eq!(reg.resolve(r1), None);
//!
//! let err = check_weakrefable(&Kind::builtin("int")).unwrap_err();
//! assert_eq!(err.to_string(), "cannot create weak reference to 'int' object");
//! # Ok::<(), weakrefs::WeakError>(())
//! ```

#![forbid(unsafe_code)]

pub mod containers;
pub mod error;
pub mod finalize;
pub mod kind;
pub mod registry;
mod table;

pub use containers::{WeakKeyDictionary, WeakSet, WeakValueDictionary};
pub use error::WeakError;
pub use finalize::{FinalizerId, Finalizers};
pub use kind::{Kind, ReferentKind, builtin_allows_weakrefs, check_weakrefable};
pub use registry::{
    Comparison, Flavor, NewWeakRef, PendingCallback, Registry, Removed, WeakHash, WeakRefId,
};
pub use table::Cursor;
