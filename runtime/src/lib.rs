//! Being written (issue 6). Module ownership while it is being built:
//! `syntax/` and `compile/` belong to the front-end work; `ops/` to the
//! pure-semantics work (numbers, formatting, text algorithms); everything else
//! to the object-model/VM work.

pub mod compile;
pub mod ops;
pub mod syntax;
