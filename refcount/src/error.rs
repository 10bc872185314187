//! The one error type of the store.

use crate::Handle;
use std::fmt;

/// What went wrong in a [`Store`](crate::Store) operation.
///
/// Every variant names the handle involved, so a host can report it.
/// A store never panics on bad input: each of these is returned instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefcountError {
    /// The handle does not name a live object: it was freed (its slot
    /// reused or vacant), or it never belonged to this store.
    StaleHandle(Handle),
    /// `decref` on an object whose count is already zero (it is waiting in
    /// the zero queue). In CPython this is a negative refcount, a fatal
    /// error in debug builds; here it is reported and nothing changes.
    Underflow(Handle),
    /// `incref` would overflow the count (`usize::MAX - 1` references).
    Overflow(Handle),
    /// `free` on an object that is still referenced (count above zero,
    /// for instance resurrected by its finalizer).
    StillReferenced {
        /// The object.
        handle: Handle,
        /// Its current reference count.
        refcount: usize,
    },
    /// `free` on an immortal object: immortal objects are never freed by
    /// reference counting (use [`Store::remove_immortal`](crate::Store::remove_immortal)
    /// at teardown).
    Immortal(Handle),
    /// [`Store::remove_immortal`](crate::Store::remove_immortal) on a
    /// mortal object.
    NotImmortal(Handle),
}

impl fmt::Display for RefcountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::StaleHandle(h) => write!(f, "stale or foreign handle {h:?}"),
            Self::Underflow(h) => write!(f, "decref of {h:?} whose count is already zero"),
            Self::Overflow(h) => write!(f, "reference count of {h:?} would overflow"),
            Self::StillReferenced { handle, refcount } => {
                write!(f, "cannot free {handle:?}: {refcount} references remain")
            }
            Self::Immortal(h) => write!(f, "{h:?} is immortal and cannot be freed"),
            Self::NotImmortal(h) => write!(f, "{h:?} is not immortal"),
        }
    }
}

impl std::error::Error for RefcountError {}
