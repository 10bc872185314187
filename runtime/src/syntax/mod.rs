//! The front end's first half: source text → [`ast::Module`].
//!
//! - [`ast`]: the syntax tree (CPython's `Python.asdl`, pymm's subset),
//!   positions as byte [`ast::Span`]s, identifiers interned as
//!   [`ast::Symbol`]s;
//! - [`error`]: [`SyntaxError`], printed as CPython 3.11 prints it.

pub mod ast;
pub mod error;

pub use error::{SyntaxError, SyntaxErrorKind};
