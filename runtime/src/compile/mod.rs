//! Symbol tables and code generation (being written).
