//! Python's numeric semantics over plain Rust values: `int` as
//! [`num_bigint::BigInt`], `float` as `f64`.
//!
//! - [`int`]: `//`, `%`, `divmod`, `/`, `**`, `pow(a, b, m)`, shifts, bit
//!   operations, `sys.getsizeof(int)`;
//! - [`float`]: float `/`, `//`, `%`, `divmod`, `**`; int <-> float
//!   conversion and exact comparison;
//! - [`round`]: `round()` for ints and floats;
//! - [`parse`]: `int(str, base)`, `float(str)`, `str(int)`, `bin/oct/hex`;
//! - [`hash`]: CPython's numeric hash (and tuple/frozenset/identity hash).
//!
//! Every function returns CPython 3.11's exact exception (class and
//! message) as an [`OpError`](crate::ops::OpError).

pub mod float;
pub mod hash;
pub mod int;
pub mod parse;
pub mod round;

pub use float::{
    compare_float_int, compare_int_float, f64_to_int, float_divmod, float_floordiv,
    float_is_integer, float_mod, float_pow, float_truediv, int_to_f64,
};
pub use hash::{hash_float, hash_frozenset, hash_i64, hash_int, hash_pointer, hash_tuple};
pub use int::{
    IntPow, MAX_INT_BITS, i64_floordiv, i64_mod, int_and, int_bit_length, int_divmod, int_floordiv,
    int_invert, int_lshift, int_mod, int_or, int_pow, int_pow_mod, int_rshift, int_sizeof,
    int_truediv, int_xor,
};
pub use parse::{
    INT_MAX_STR_DIGITS, float_from_str, int_from_bytes_literal, int_from_str, int_to_decimal,
    int_to_radix,
};
pub use round::{round_float, round_float_to_int, round_int};
