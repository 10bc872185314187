//! Being written (issue 6). Module ownership while it is being built:
//! `syntax/` and `compile/` belong to the front-end work; everything else to the
//! object-model/VM work.

pub mod compile;
pub mod syntax;
