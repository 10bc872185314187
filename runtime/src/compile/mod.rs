//! The front end's second half: [`crate::syntax::ast`] → [`code::CodeObject`].
//!
//! - [`code`]: the bytecode the VM executes (instructions, code objects,
//!   constants, exception table) — the contract with the VM.

pub mod code;

pub use code::{CodeObject, Constant, Instr};
