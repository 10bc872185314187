//! Being written: see the issue that builds this crate.
