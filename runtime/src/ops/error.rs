//! The one error type of `ops`: each variant names the Python exception
//! class the VM raises, and carries CPython 3.11's exact message.

use std::fmt;

/// A Python exception raised by a pure operation.
///
/// The VM maps each variant one to one onto the built-in exception class
/// its name gives ([`OpError::class_name`]) and uses [`OpError::message`]
/// as `str(exc)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpError {
    /// `ZeroDivisionError`, e.g. "integer division or modulo by zero".
    ZeroDivision(&'static str),
    /// `OverflowError`, e.g. "int too large to convert to float".
    Overflow(&'static str),
    /// `ValueError`, e.g. "invalid literal for int() with base 10: 'x'".
    Value(String),
    /// `TypeError`, e.g. "not all arguments converted during string formatting".
    Type(String),
    /// `IndexError`, e.g. "string index out of range".
    Index(String),
    /// `KeyError`; carries the `repr` of the key (str.format's `'{x}'` with
    /// no `x` passes the key for the VM to raise).
    Key(String),
    /// `MemoryError` (CPython raises it with no message).
    Memory,
}

impl OpError {
    /// The Python exception class name (`"ZeroDivisionError"`, ...).
    pub fn class_name(&self) -> &'static str {
        match self {
            OpError::ZeroDivision(_) => "ZeroDivisionError",
            OpError::Overflow(_) => "OverflowError",
            OpError::Value(_) => "ValueError",
            OpError::Type(_) => "TypeError",
            OpError::Index(_) => "IndexError",
            OpError::Key(_) => "KeyError",
            OpError::Memory => "MemoryError",
        }
    }

    /// The exception message, as `str(exc)` shows it (for `KeyError`, the
    /// key's repr, as `str(KeyError(key))` shows it).
    pub fn message(&self) -> &str {
        match self {
            OpError::ZeroDivision(m) | OpError::Overflow(m) => m,
            OpError::Value(m) | OpError::Type(m) | OpError::Key(m) | OpError::Index(m) => m,
            OpError::Memory => "",
        }
    }

    pub(crate) fn value(msg: impl Into<String>) -> Self {
        OpError::Value(msg.into())
    }
}

impl fmt::Display for OpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message().is_empty() {
            f.write_str(self.class_name())
        } else {
            write!(f, "{}: {}", self.class_name(), self.message())
        }
    }
}

impl std::error::Error for OpError {}

/// Result of a pure operation.
pub type OpResult<T> = Result<T, OpError>;
