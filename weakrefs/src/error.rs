//! The crate's errors, with CPython's exception types and messages.

use core::fmt;

use crate::WeakRefId;

/// What can go wrong with a weak reference, a proxy or a weak container.
///
/// [`Display`](fmt::Display) gives CPython's message and
/// [`python_exception`](WeakError::python_exception) the exception type the
/// host should raise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WeakError {
    /// The referent's kind does not allow weak references
    /// (`TypeError: cannot create weak reference to 'int' object`).
    NotWeakrefable {
        /// The referent's type name, as `type(o).__name__`.
        type_name: String,
    },
    /// A dead proxy was used
    /// (`ReferenceError: weakly-referenced object no longer exists`).
    DeadProxy,
    /// `hash()` of a dead reference that was never hashed while alive
    /// (`TypeError: weak object has gone away`).
    GoneAway,
    /// `hash()` of a proxy (`TypeError: unhashable type: 'weakref.ProxyType'`).
    Unhashable {
        /// `weakref.ProxyType` or `weakref.CallableProxyType`.
        type_name: &'static str,
    },
    /// The id names no weak reference of this registry (it was removed).
    UnknownWeakRef(WeakRefId),
    /// A weak container was resized while an iteration was in progress
    /// (`RuntimeError: dictionary changed size during iteration`).
    ChangedSize {
        /// `"dictionary"` or `"Set"`, as in CPython's message.
        container: &'static str,
    },
    /// A key is missing from a weak dictionary, or its value is dead
    /// (`KeyError`).
    KeyMissing,
    /// `popitem()` of an empty weak dictionary
    /// (`KeyError: 'popitem(): dictionary is empty'`).
    EmptyPopitem,
    /// `pop()` of an empty `WeakSet` (`KeyError: 'pop from empty WeakSet'`).
    EmptySetPop,
    /// A finalizer id that this registry never handed out.
    UnknownFinalizer,
}

impl WeakError {
    /// The Python exception type CPython raises for this error.
    #[must_use]
    pub fn python_exception(&self) -> &'static str {
        match self {
            Self::NotWeakrefable { .. } | Self::GoneAway | Self::Unhashable { .. } => "TypeError",
            Self::DeadProxy => "ReferenceError",
            Self::ChangedSize { .. } => "RuntimeError",
            Self::KeyMissing | Self::EmptyPopitem | Self::EmptySetPop => "KeyError",
            Self::UnknownWeakRef(_) | Self::UnknownFinalizer => "SystemError",
        }
    }
}

impl fmt::Display for WeakError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotWeakrefable { type_name } => {
                write!(f, "cannot create weak reference to '{type_name}' object")
            }
            Self::DeadProxy => f.write_str("weakly-referenced object no longer exists"),
            Self::GoneAway => f.write_str("weak object has gone away"),
            Self::Unhashable { type_name } => write!(f, "unhashable type: '{type_name}'"),
            Self::UnknownWeakRef(id) => write!(f, "unknown weak reference {id:?}"),
            Self::ChangedSize { container } => {
                write!(f, "{container} changed size during iteration")
            }
            Self::KeyMissing => f.write_str("key missing or its referent is dead"),
            Self::EmptyPopitem => f.write_str("'popitem(): dictionary is empty'"),
            Self::EmptySetPop => f.write_str("'pop from empty WeakSet'"),
            Self::UnknownFinalizer => f.write_str("unknown finalizer"),
        }
    }
}

impl std::error::Error for WeakError {}
