//! Python `int` arithmetic over [`BigInt`]: the operators whose semantics
//! differ from Rust's (floor division, modulo, shifts, `**`, `/`), and the
//! `sys.getsizeof` of an int (`Objects/longobject.c`).

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};

use super::float::{bigint_ratio_to_f64, float_pow, int_to_f64};
use crate::ops::error::{OpError, OpResult};

/// The largest int PyMM builds, in bits (2**31 bits = 256 MiB of digits).
///
/// CPython has no such limit (it fails in `malloc` much later, or runs for
/// hours on `2 ** 10**20`); PyMM raises `MemoryError` up front instead, so
/// no script can make the runtime hang or exhaust the machine.
pub const MAX_INT_BITS: u64 = 1 << 31;

/// `ZeroDivisionError` of `a // b` and `divmod(a, b)` on ints.
const INT_DIVMOD_BY_ZERO: OpError = OpError::ZeroDivision("integer division or modulo by zero");

/// The result of `int ** int`: an int, or a float for a negative exponent.
#[derive(Debug, Clone, PartialEq)]
pub enum IntPow {
    /// Non-negative exponent: an exact int.
    Int(BigInt),
    /// Negative exponent: `float(a) ** float(b)`.
    Float(f64),
}

/// `a // b` for ints (`long_div`): the quotient rounded towards negative
/// infinity.
pub fn int_floordiv(a: &BigInt, b: &BigInt) -> OpResult<BigInt> {
    if b.is_zero() {
        return Err(INT_DIVMOD_BY_ZERO);
    }
    Ok(a.div_floor(b))
}

/// `a % b` for ints (`long_mod`): the remainder has the sign of `b`.
pub fn int_mod(a: &BigInt, b: &BigInt) -> OpResult<BigInt> {
    if b.is_zero() {
        return Err(OpError::ZeroDivision("integer modulo by zero"));
    }
    Ok(a.mod_floor(b))
}

/// `divmod(a, b)` for ints (`long_divmod`).
pub fn int_divmod(a: &BigInt, b: &BigInt) -> OpResult<(BigInt, BigInt)> {
    if b.is_zero() {
        return Err(INT_DIVMOD_BY_ZERO);
    }
    Ok(a.div_mod_floor(b))
}

/// `a // b` on machine ints; `None` when the quotient overflows `i64`
/// (`i64::MIN // -1`) so the caller falls back to [`int_floordiv`].
pub fn i64_floordiv(a: i64, b: i64) -> OpResult<Option<i64>> {
    if b == 0 {
        return Err(INT_DIVMOD_BY_ZERO);
    }
    Ok(a.checked_div_euclid(b).map(|_| Integer::div_floor(&a, &b)))
}

/// `a % b` on machine ints (never overflows: the result is smaller than `b`).
pub fn i64_mod(a: i64, b: i64) -> OpResult<i64> {
    if b == 0 {
        return Err(OpError::ZeroDivision("integer modulo by zero"));
    }
    if b == -1 {
        return Ok(0);
    }
    Ok(Integer::mod_floor(&a, &b))
}

/// `a / b` for ints (`long_true_divide`): correctly rounded (round half to
/// even) to the nearest float, however large the operands.
///
/// Errors: `ZeroDivisionError: division by zero`; `OverflowError: integer
/// division result too large for a float`.
pub fn int_truediv(a: &BigInt, b: &BigInt) -> OpResult<f64> {
    if b.is_zero() {
        return Err(OpError::ZeroDivision("division by zero"));
    }
    // Fast path, as CPython: both operands exactly representable.
    if let (Some(x), Some(y)) = (exact_f64(a), exact_f64(b)) {
        return Ok(x / y);
    }
    bigint_ratio_to_f64(a, b).ok_or(OpError::Overflow(
        "integer division result too large for a float",
    ))
}

/// `a` as an `f64` when the conversion is exact (`|a| <= 2**53`).
fn exact_f64(a: &BigInt) -> Option<f64> {
    let v = a.to_i64()?;
    (v.unsigned_abs() <= 1 << 53).then_some(v as f64)
}

/// `a ** b` for ints (`long_pow` without a modulus).
///
/// A negative exponent gives `float(a) ** float(b)`, so `0 ** -1` raises
/// `ZeroDivisionError: 0.0 cannot be raised to a negative power` and a
/// huge base `OverflowError: int too large to convert to float`. A result
/// over [`MAX_INT_BITS`] raises `MemoryError` (deliberate: CPython would try).
pub fn int_pow(a: &BigInt, b: &BigInt) -> OpResult<IntPow> {
    if b.is_negative() {
        let x = int_to_f64(a)?;
        let y = int_to_f64(b)?;
        return float_pow(x, y).map(IntPow::Float);
    }
    if b.is_zero() || a.is_one() {
        return Ok(IntPow::Int(BigInt::one()));
    }
    if a.is_zero() {
        return Ok(IntPow::Int(BigInt::zero()));
    }
    if a.magnitude().is_one() {
        // a == -1
        let odd = b.is_odd();
        return Ok(IntPow::Int(if odd { a.clone() } else { BigInt::one() }));
    }
    let exp = match b.to_u64() {
        Some(e) => e,
        None => return Err(OpError::Memory),
    };
    // |a|**b has about (bits(a) - 1) * b + 1 bits at least.
    let min_bits = (a.bits() - 1).saturating_mul(exp);
    if min_bits > MAX_INT_BITS {
        return Err(OpError::Memory);
    }
    let e32 = u32::try_from(exp).map_err(|_| OpError::Memory)?;
    Ok(IntPow::Int(num_traits::Pow::pow(a, e32)))
}

/// `pow(a, b, m)` for ints (`long_pow` with a modulus): the result has the
/// sign of `m`; a negative `b` uses the modular inverse of `a` (3.8+).
///
/// Errors: `ValueError: pow() 3rd argument cannot be 0`, `ValueError: base
/// is not invertible for the given modulus`.
pub fn int_pow_mod(a: &BigInt, b: &BigInt, m: &BigInt) -> OpResult<BigInt> {
    if m.is_zero() {
        return Err(OpError::value("pow() 3rd argument cannot be 0"));
    }
    if m.magnitude().is_one() {
        return Ok(BigInt::zero());
    }
    if b.is_negative() {
        let inv = a
            .modinv(m)
            .ok_or_else(|| OpError::value("base is not invertible for the given modulus"))?;
        return Ok(inv.modpow(&-b, m));
    }
    Ok(a.modpow(b, m))
}

/// `a << n` for ints (`long_lshift`).
///
/// Errors: `ValueError: negative shift count`; `OverflowError: too many
/// digits in integer` when `n` does not fit a machine word (as CPython);
/// `MemoryError` past [`MAX_INT_BITS`] (deliberate, see there).
pub fn int_lshift(a: &BigInt, n: &BigInt) -> OpResult<BigInt> {
    if n.is_negative() {
        return Err(OpError::value("negative shift count"));
    }
    if a.is_zero() {
        return Ok(BigInt::zero());
    }
    let count = n
        .to_i64()
        .ok_or(OpError::Overflow("too many digits in integer"))?;
    let count = count.unsigned_abs();
    if a.bits().saturating_add(count) > MAX_INT_BITS {
        return Err(OpError::Memory);
    }
    let count = usize::try_from(count).map_err(|_| OpError::Memory)?;
    Ok(a << count)
}

/// `a >> n` for ints (`long_rshift`): an arithmetic shift, rounding towards
/// negative infinity (`-1 >> n == -1`).
///
/// Error: `ValueError: negative shift count`.
pub fn int_rshift(a: &BigInt, n: &BigInt) -> OpResult<BigInt> {
    if n.is_negative() {
        return Err(OpError::value("negative shift count"));
    }
    match n.to_u64() {
        Some(count) if count < a.bits() => {
            let count = usize::try_from(count).map_err(|_| OpError::Memory)?;
            Ok(a >> count)
        }
        _ => Ok(if a.is_negative() {
            -BigInt::one()
        } else {
            BigInt::zero()
        }),
    }
}

/// `~a` (`long_invert`): `-(a + 1)`.
pub fn int_invert(a: &BigInt) -> BigInt {
    -(a + 1u8)
}

/// `a & b` with two's-complement semantics on negative ints.
pub fn int_and(a: &BigInt, b: &BigInt) -> BigInt {
    a & b
}

/// `a | b` with two's-complement semantics on negative ints.
pub fn int_or(a: &BigInt, b: &BigInt) -> BigInt {
    a | b
}

/// `a ^ b` with two's-complement semantics on negative ints.
pub fn int_xor(a: &BigInt, b: &BigInt) -> BigInt {
    a ^ b
}

/// `int.bit_length()`.
pub fn int_bit_length(a: &BigInt) -> u64 {
    a.bits()
}

/// Number of 30-bit digits CPython 3.11 stores for `a` (`Py_SIZE` without
/// the sign; 0 for zero).
pub fn int_ndigits(a: &BigInt) -> u64 {
    a.bits().div_ceil(30)
}

/// `sys.getsizeof(a)` for an int (or bool) in CPython 3.11:
/// `offsetof(PyLongObject, ob_digit) + 4 * max(1, ndigits)` = `24 + 4 * max(1, ndigits)`
/// (`int.__sizeof__` counts one digit even for zero: `getsizeof(0) == 28`).
pub fn int_sizeof(a: &BigInt) -> u64 {
    24 + 4 * int_ndigits(a).max(1)
}

/// The allocation size of an int in CPython 3.11: `_PyLong_New` asks for
/// `offsetof(PyLongObject, ob_digit) + 4 * max(1, ndigits)` too, so it
/// equals [`int_sizeof`] (no GC header: ints are not tracked).
pub fn int_alloc_size(a: &BigInt) -> u64 {
    int_sizeof(a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rstest::rstest;

    fn big(s: &str) -> BigInt {
        s.parse().unwrap()
    }

    #[rstest]
    #[case("-7", "2", "-4", "1")]
    #[case("7", "-2", "-4", "-1")]
    #[case("7", "2", "3", "1")]
    #[case("-7", "-2", "3", "-1")]
    #[case("-18446744073709551616", "3", "-6148914691236517206", "2")]
    #[case("18446744073709551616", "-7", "-2635249153387078803", "-5")]
    #[case("0", "-5", "0", "0")]
    fn floordiv_mod_match_python(
        #[case] a: &str,
        #[case] b: &str,
        #[case] q: &str,
        #[case] r: &str,
    ) {
        let (a, b) = (big(a), big(b));
        assert_eq!(int_floordiv(&a, &b).unwrap(), big(q));
        assert_eq!(int_mod(&a, &b).unwrap(), big(r));
        assert_eq!(int_divmod(&a, &b).unwrap(), (big(q), big(r)));
    }

    #[test]
    fn zero_division_messages() {
        let (one, zero) = (BigInt::one(), BigInt::zero());
        assert_eq!(
            int_mod(&one, &zero),
            Err(OpError::ZeroDivision("integer modulo by zero"))
        );
        assert_eq!(
            int_floordiv(&one, &zero),
            Err(OpError::ZeroDivision("integer division or modulo by zero"))
        );
        assert_eq!(
            int_divmod(&one, &zero),
            Err(OpError::ZeroDivision("integer division or modulo by zero"))
        );
        assert_eq!(
            int_truediv(&one, &zero),
            Err(OpError::ZeroDivision("division by zero"))
        );
        assert_eq!(
            i64_mod(1, 0),
            Err(OpError::ZeroDivision("integer modulo by zero"))
        );
        assert!(i64_floordiv(1, 0).is_err());
    }

    #[rstest]
    #[case(-7, 2, Some(-4), 1)]
    #[case(7, -2, Some(-4), -1)]
    #[case(i64::MIN, -1, None, 0)]
    #[case(i64::MIN, 1, Some(i64::MIN), 0)]
    fn i64_ops(#[case] a: i64, #[case] b: i64, #[case] q: Option<i64>, #[case] r: i64) {
        assert_eq!(i64_floordiv(a, b).unwrap(), q);
        assert_eq!(i64_mod(a, b).unwrap(), r);
    }

    #[rstest]
    #[case("1", "3", 0.3333333333333333)]
    #[case("1", "2", 0.5)]
    #[case("10000000000000000000000", "3", 3.3333333333333335e21)]
    #[case("9007199254740993", "1", 9007199254740992.0)]
    #[case("9007199254740995", "1", 9007199254740996.0)]
    #[case(
        "1",
        "1000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        0.0
    )]
    #[case("-1", "3", -0.3333333333333333)]
    #[case("1", "-3", -0.3333333333333333)]
    fn truediv_correctly_rounded(#[case] a: &str, #[case] b: &str, #[case] want: f64) {
        let got = int_truediv(&big(a), &big(b)).unwrap();
        assert_eq!(got.to_bits(), want.to_bits(), "{got} != {want}");
    }

    #[test]
    fn truediv_overflow() {
        let huge = num_traits::Pow::pow(BigInt::from(10), 400u32);
        assert_eq!(
            int_truediv(&huge, &BigInt::one()),
            Err(OpError::Overflow(
                "integer division result too large for a float"
            ))
        );
        let ten10 = BigInt::from(10_000_000_000i64);
        assert!(int_truediv(&huge, &ten10).is_err());
        // 2**1074 / 2**2148 is the smallest subnormal.
        let a = BigInt::one() << 1074usize;
        let b = BigInt::one() << 2148usize;
        assert_eq!(int_truediv(&a, &b).unwrap(), 5e-324);
        // (10**400 + 1) / 10**400 rounds to 1.0
        assert_eq!(int_truediv(&(&huge + 1), &huge).unwrap(), 1.0);
    }

    #[rstest]
    #[case("2", "10", "1024")]
    #[case("-2", "3", "-8")]
    #[case("-1", "1000000000000000000000", "1")]
    #[case("-1", "1000000000000000000001", "-1")]
    #[case("0", "1000000000000000000001", "0")]
    #[case("1", "1000000000000000000001", "1")]
    #[case("7", "0", "1")]
    #[case("0", "0", "1")]
    fn pow_int(#[case] a: &str, #[case] b: &str, #[case] want: &str) {
        assert_eq!(int_pow(&big(a), &big(b)).unwrap(), IntPow::Int(big(want)));
    }

    #[rstest]
    #[case("2", "-1", 0.5)]
    #[case("-2", "-1", -0.5)]
    #[case("10", "-2", 0.01)]
    #[case("2", "-2000", 0.0)]
    fn pow_negative_exponent(#[case] a: &str, #[case] b: &str, #[case] want: f64) {
        assert_eq!(int_pow(&big(a), &big(b)).unwrap(), IntPow::Float(want));
    }

    #[test]
    fn pow_errors() {
        assert_eq!(
            int_pow(&BigInt::zero(), &big("-1")),
            Err(OpError::ZeroDivision(
                "0.0 cannot be raised to a negative power"
            ))
        );
        assert_eq!(
            int_pow(&big("2"), &big("100000000000000000000")),
            Err(OpError::Memory)
        );
        assert_eq!(int_pow(&big("2"), &big("4294967296")), Err(OpError::Memory));
        let huge = num_traits::Pow::pow(BigInt::from(10), 400u32);
        assert_eq!(
            int_pow(&huge, &big("-1")),
            Err(OpError::Overflow("int too large to convert to float"))
        );
    }

    #[rstest]
    #[case("2", "3", "5", "3")]
    #[case("2", "3", "-5", "-2")]
    #[case("-2", "3", "5", "2")]
    #[case("3", "-1", "7", "5")]
    #[case("3", "-2", "7", "4")]
    #[case("5", "100", "1", "0")]
    #[case("5", "-1", "-1", "0")]
    fn pow_mod(#[case] a: &str, #[case] b: &str, #[case] m: &str, #[case] want: &str) {
        assert_eq!(int_pow_mod(&big(a), &big(b), &big(m)).unwrap(), big(want));
    }

    #[test]
    fn pow_mod_errors() {
        assert_eq!(
            int_pow_mod(&big("2"), &big("3"), &big("0")),
            Err(OpError::value("pow() 3rd argument cannot be 0"))
        );
        assert_eq!(
            int_pow_mod(&big("2"), &big("-1"), &big("4")),
            Err(OpError::value(
                "base is not invertible for the given modulus"
            ))
        );
        assert_eq!(
            int_pow_mod(&big("0"), &big("-1"), &big("5")),
            Err(OpError::value(
                "base is not invertible for the given modulus"
            ))
        );
    }

    #[rstest]
    #[case("1", "3", "8")]
    #[case("-1", "3", "-8")]
    #[case("0", "100000000000000000000", "0")]
    #[case("5", "0", "5")]
    fn lshift(#[case] a: &str, #[case] n: &str, #[case] want: &str) {
        assert_eq!(int_lshift(&big(a), &big(n)).unwrap(), big(want));
    }

    #[rstest]
    #[case("-5", "1", "-3")]
    #[case("5", "1", "2")]
    #[case("-1267650600228229401496703205376", "99", "-2")]
    #[case("1", "100000000000000000000", "0")]
    #[case("-1", "100000000000000000000", "-1")]
    #[case("-7", "3", "-1")]
    #[case("0", "3", "0")]
    fn rshift(#[case] a: &str, #[case] n: &str, #[case] want: &str) {
        assert_eq!(int_rshift(&big(a), &big(n)).unwrap(), big(want));
    }

    #[test]
    fn shift_errors() {
        let one = BigInt::one();
        let neg = big("-1");
        assert_eq!(
            int_lshift(&one, &neg),
            Err(OpError::value("negative shift count"))
        );
        assert_eq!(
            int_rshift(&one, &neg),
            Err(OpError::value("negative shift count"))
        );
        assert_eq!(
            int_lshift(&one, &big("100000000000000000000")),
            Err(OpError::Overflow("too many digits in integer"))
        );
        assert_eq!(
            int_lshift(&one, &big("4611686018427387904")),
            Err(OpError::Memory)
        );
    }

    #[rstest]
    #[case("-1180591620717411303424", "65535", "and", "0")]
    #[case("-1180591620717411303424", "5", "or", "-1180591620717411303419")]
    #[case("-1180591620717411303424", "-5", "xor", "1180591620717411303419")]
    #[case("-6", "5", "and", "0")]
    #[case("-6", "-3", "and", "-8")]
    #[case("12", "-1", "xor", "-13")]
    fn bit_ops(#[case] a: &str, #[case] b: &str, #[case] op: &str, #[case] want: &str) {
        let (a, b) = (big(a), big(b));
        let got = match op {
            "and" => int_and(&a, &b),
            "or" => int_or(&a, &b),
            _ => int_xor(&a, &b),
        };
        assert_eq!(got, big(want));
    }

    #[test]
    fn invert() {
        assert_eq!(
            int_invert(&big("1180591620717411303424")),
            big("-1180591620717411303425")
        );
        assert_eq!(int_invert(&big("-1")), big("0"));
    }

    #[rstest]
    #[case("0", 28)]
    #[case("1", 28)]
    #[case("-1", 28)]
    #[case("1073741823", 28)]
    #[case("1073741824", 32)]
    #[case("1152921504606846976", 36)]
    #[case("1267650600228229401496703205376", 40)]
    fn sizeof(#[case] a: &str, #[case] want: u64) {
        assert_eq!(int_sizeof(&big(a)), want);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn floordiv_mod_identity(a in any::<i128>(), b in any::<i64>()) {
            prop_assume!(b != 0);
            let (a, b) = (BigInt::from(a), BigInt::from(b));
            let q = int_floordiv(&a, &b).unwrap();
            let r = int_mod(&a, &b).unwrap();
            prop_assert_eq!(&q * &b + &r, a);
            prop_assert!(r.is_zero() || r.is_negative() == b.is_negative());
            prop_assert!(r.abs() < b.abs());
        }

        #[test]
        fn truediv_matches_f64_for_small(a in -(1i64 << 53)..(1i64 << 53), b in 1i64..(1 << 53)) {
            let got = int_truediv(&BigInt::from(a), &BigInt::from(b)).unwrap();
            prop_assert_eq!(got, a as f64 / b as f64);
        }
    }
}
