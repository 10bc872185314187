//! [`TraceError`]: every way a tracemalloc call can refuse its input, with
//! CPython's exception class and message.

use core::fmt;

use crate::frame::py_str_repr;

/// Why a tracemalloc operation failed. `Display` is CPython's message and
/// [`TraceError::python_exception`] its exception class, so the runtime can
/// raise the same exception text as CPython.
#[derive(Debug)]
#[non_exhaustive]
pub enum TraceError {
    /// `start(nframe)` with `nframe` outside `1..=65535`.
    InvalidFrameCount(i64),
    /// `take_snapshot()` (or another snapshot-only call) while not tracing.
    NotTracing,
    /// `statistics(key_type)` with a key type other than `'filename'`,
    /// `'lineno'`, `'traceback'`.
    UnknownKeyType(String),
    /// `cumulative=True` with the `'traceback'` key type.
    CumulativeTraceback,
    /// A `'filename'` grouping or a filter met a traceback without frames
    /// (Python: `IndexError` from `traceback[0]`).
    EmptyTraceback,
    /// A sampling rate of zero bytes.
    InvalidSampleRate,
    /// `PyTraceMalloc_Track`/`Untrack` while not tracing (CPython returns -2).
    TrackWhileNotTracing,
    /// `Snapshot::load`: the file is not a snapshot dump, or is damaged.
    Load(LoadError),
    /// Reading or writing a dump file failed.
    Io(std::io::Error),
}

/// Why a snapshot file could not be loaded. Nothing is half-loaded: a
/// snapshot is either returned whole or not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoadError {
    /// The file does not start with the snapshot magic bytes.
    NotASnapshot,
    /// A snapshot written by an unknown (newer) format version.
    UnsupportedVersion(u32),
    /// The file ends before the data it announces.
    Truncated,
    /// The checksum does not match the contents.
    ChecksumMismatch,
    /// A field holds an impossible value (named).
    Corrupt(&'static str),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::NotASnapshot => f.write_str("not a tracemalloc snapshot file (bad magic)"),
            LoadError::UnsupportedVersion(v) => {
                write!(f, "unsupported snapshot format version {v}")
            }
            LoadError::Truncated => f.write_str("snapshot file is truncated"),
            LoadError::ChecksumMismatch => {
                f.write_str("snapshot file is corrupt (checksum mismatch)")
            }
            LoadError::Corrupt(what) => write!(f, "snapshot file is corrupt: {what}"),
        }
    }
}

impl TraceError {
    /// The Python exception class CPython raises for this error.
    pub fn python_exception(&self) -> &'static str {
        match self {
            TraceError::InvalidFrameCount(_)
            | TraceError::UnknownKeyType(_)
            | TraceError::CumulativeTraceback
            | TraceError::InvalidSampleRate
            | TraceError::Load(_) => "ValueError",
            TraceError::NotTracing | TraceError::TrackWhileNotTracing => "RuntimeError",
            TraceError::EmptyTraceback => "IndexError",
            TraceError::Io(_) => "OSError",
        }
    }
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TraceError::InvalidFrameCount(_) => {
                f.write_str("the number of frames must be in range [1; 65535]")
            }
            TraceError::NotTracing => f.write_str(
                "the tracemalloc module must be tracing memory allocations to take a snapshot",
            ),
            TraceError::UnknownKeyType(k) => write!(f, "unknown key_type: {}", py_str_repr(k)),
            // "cannot by used" is CPython's spelling.
            TraceError::CumulativeTraceback => {
                f.write_str("cumulative mode cannot by used with key type 'traceback'")
            }
            TraceError::EmptyTraceback => f.write_str("tuple index out of range"),
            TraceError::InvalidSampleRate => {
                f.write_str("the sampling rate must be at least one byte")
            }
            TraceError::TrackWhileNotTracing => {
                f.write_str("the tracemalloc module must be tracing memory allocations")
            }
            TraceError::Load(e) => fmt::Display::fmt(e, f),
            TraceError::Io(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl std::error::Error for TraceError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TraceError::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<std::io::Error> for TraceError {
    fn from(e: std::io::Error) -> Self {
        TraceError::Io(e)
    }
}

impl From<LoadError> for TraceError {
    fn from(e: LoadError) -> Self {
        TraceError::Load(e)
    }
}
