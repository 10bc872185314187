//! The collector's error type.

use std::fmt;

/// What went wrong in a collector call. No collector panics on bad input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GcError {
    /// `collect(generation)` with a generation outside `0..=2`
    /// (CPython: `ValueError("invalid generation")`).
    InvalidGeneration(usize),
    /// `get_objects(generation)` with a generation outside `0..=2`
    /// (CPython: `ValueError("generation parameter must be less than the
    /// number of available generations (3)")`).
    GenerationOutOfRange(usize),
    /// [`Collector::step`](crate::Collector::step) called with no collection
    /// in progress.
    NotCollecting,
    /// The collector already tracks [`GcHeader::MAX_TRACKED`](crate::GcHeader::MAX_TRACKED)
    /// objects.
    TooManyObjects,
    /// A threshold list longer than three.
    TooManyThresholds(usize),
}

impl fmt::Display for GcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidGeneration(_) => f.write_str("invalid generation"),
            Self::GenerationOutOfRange(_) => f.write_str(
                "generation parameter must be less than the number of available generations (3)",
            ),
            Self::NotCollecting => f.write_str("no collection in progress"),
            Self::TooManyObjects => f.write_str("too many tracked objects"),
            Self::TooManyThresholds(n) => {
                write!(f, "set_threshold takes at most 3 values, got {n}")
            }
        }
    }
}

impl std::error::Error for GcError {}
