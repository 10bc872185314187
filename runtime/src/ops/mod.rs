//! Pure Python semantics over Rust values (being written).
