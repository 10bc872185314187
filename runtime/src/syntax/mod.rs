//! The front end's first half: source text → [`ast::Module`].
//!
//! - [`lexer`]: tokens with `Indent`/`Dedent`, CPython's tokenizer errors;
//! - [`parser`]: recursive descent to the AST, CPython 3.11's messages,
//!   bounded nesting;
//! - [`ast`]: the syntax tree (CPython's `Python.asdl`, pymm's subset),
//!   positions as byte [`ast::Span`]s, identifiers interned as
//!   [`ast::Symbol`]s;
//! - [`error`]: [`SyntaxError`], printed as CPython 3.11 prints it.

pub mod ast;
pub mod error;
pub mod lexer;
pub mod parser;

pub use error::{SyntaxError, SyntaxErrorKind};
pub use parser::{parse_expression, parse_module};
