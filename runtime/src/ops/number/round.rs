//! `round()` for ints and floats (`float___round___impl`, `double_round`,
//! `long_round`): round half to even, on the exact value.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive, Zero};

use super::float::{decompose, f64_to_int};
use crate::ops::error::{OpError, OpResult};

/// `NDIGITS_MAX` of `floatobject.c`: past it a float is returned unchanged.
const NDIGITS_MAX: i64 = 323;
/// `NDIGITS_MIN` of `floatobject.c`: below it the result is a signed zero.
const NDIGITS_MIN: i64 = -308;

/// `round(x)` for a float: the nearest int, ties to even.
///
/// Errors: `OverflowError: cannot convert float infinity to integer`,
/// `ValueError: cannot convert float NaN to integer`.
pub fn round_float_to_int(x: f64) -> OpResult<BigInt> {
    f64_to_int(x.round_ties_even())
}

/// `round(x, ndigits)` for a float: the float nearest to `x` rounded to
/// `ndigits` decimal places, ties to even on `x`'s exact binary value
/// (CPython's `double_round` through `_Py_dg_dtoa` mode 3; so
/// `round(2.675, 2) == 2.67`).
///
/// `ndigits` is clamped to a machine int as `PyNumber_AsSsize_t(o, NULL)`
/// does. Error: `OverflowError: rounded value too large to represent`.
pub fn round_float(x: f64, ndigits: &BigInt) -> OpResult<f64> {
    let nd = clamp_i64(ndigits);
    if !x.is_finite() {
        return Ok(x);
    }
    if nd > NDIGITS_MAX {
        return Ok(x);
    }
    if nd < NDIGITS_MIN {
        return Ok(0.0 * x);
    }
    if x == 0.0 {
        return Ok(x);
    }
    // |x| = m * 2**e exactly; r = round_half_even(|x| * 10**nd).
    let (m, e) = decompose(x);
    let ten_pow = num_traits::Pow::pow(BigInt::from(10u8), nd.unsigned_abs());
    let mut num = BigInt::from(m);
    let mut den = BigInt::from(1u8);
    if e >= 0 {
        num <<= e as usize;
    } else {
        den <<= (-e) as usize;
    }
    if nd >= 0 {
        num *= &ten_pow;
    } else {
        den *= &ten_pow;
    }
    let r = div_round_half_even(&num, &den);
    let sign = if x < 0.0 { "-" } else { "" };
    let text = format!("{sign}{r}e{}", -nd);
    let y: f64 = text
        .parse()
        .map_err(|_| OpError::Overflow("rounded value too large to represent"))?;
    if y.is_infinite() {
        return Err(OpError::Overflow("rounded value too large to represent"));
    }
    Ok(y)
}

/// `round(a, ndigits)` for an int (`long_round`): unchanged for
/// `ndigits >= 0`, else rounded to a multiple of `10**-ndigits`, ties to
/// even. (For absurd negative `ndigits` CPython computes `10**-ndigits`
/// first and may run out of memory; PyMM returns 0, the exact answer.)
pub fn round_int(a: &BigInt, ndigits: &BigInt) -> BigInt {
    if !ndigits.is_negative() {
        return a.clone();
    }
    // 10**k > 2 * |a| makes the answer 0: true once k > digits(a) + 1.
    let max_k = a.bits() * 30103 / 100000 + 2;
    let k = match (-ndigits).to_u64() {
        Some(k) if k <= max_k => k,
        _ => return BigInt::zero(),
    };
    let pow = num_traits::Pow::pow(BigInt::from(10u8), k);
    div_round_half_even(a, &pow) * pow
}

/// `num / den` rounded to the nearest integer, ties to even (`den > 0`).
fn div_round_half_even(num: &BigInt, den: &BigInt) -> BigInt {
    let (mut q, r) = num.div_mod_floor(den);
    let twice: BigInt = r << 1usize;
    match twice.cmp(den) {
        std::cmp::Ordering::Greater => q += 1,
        std::cmp::Ordering::Equal if q.is_odd() => q += 1,
        _ => {}
    }
    q
}

/// Clamps an int to `i64`, as `PyNumber_AsSsize_t(o, NULL)` clamps.
pub(crate) fn clamp_i64(v: &BigInt) -> i64 {
    v.to_i64()
        .unwrap_or(if v.is_negative() { i64::MIN } else { i64::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn big(s: &str) -> BigInt {
        s.parse().unwrap()
    }

    #[rstest]
    #[case(2.5, "2")]
    #[case(3.5, "4")]
    #[case(-0.5, "0")]
    #[case(-0.4, "0")]
    #[case(-1.5, "-2")]
    #[case(1e20, "100000000000000000000")]
    fn round_to_int(#[case] x: f64, #[case] want: &str) {
        assert_eq!(round_float_to_int(x).unwrap(), big(want));
    }

    #[test]
    fn round_to_int_errors() {
        assert!(matches!(
            round_float_to_int(f64::INFINITY),
            Err(OpError::Overflow(_))
        ));
        assert!(matches!(
            round_float_to_int(f64::NAN),
            Err(OpError::Value(_))
        ));
    }

    #[rstest]
    #[case(0.125, "2", 0.12)]
    #[case(2.675, "2", 2.67)]
    #[case(0.5, "0", 0.0)]
    #[case(-0.5, "0", -0.0)]
    #[case(15.0, "-1", 20.0)]
    #[case(25.0, "-1", 20.0)]
    #[case(1.5e300, "-300", 2e300)]
    #[case(5.5, "100000000000000000000", 5.5)]
    #[case(0.5, "-100000000000000000000", 0.0)]
    #[case(-0.5, "-100000000000000000000", -0.0)]
    #[case(1.23456, "3", 1.235)]
    #[case(-1.23456, "3", -1.235)]
    #[case(1.0000000000000002, "15", 1.0)]
    #[case(f64::INFINITY, "2", f64::INFINITY)]
    #[case(5e-324, "323", 0.0)]
    #[case(5e-324, "324", 5e-324)]
    #[case(-0.0, "1", -0.0)]
    #[case(0.004, "2", 0.0)]
    #[case(-0.004, "2", -0.0)]
    fn round_ndigits(#[case] x: f64, #[case] nd: &str, #[case] want: f64) {
        let got = round_float(x, &big(nd)).unwrap();
        assert_eq!(
            got.to_bits(),
            want.to_bits(),
            "round({x}, {nd}) = {got}, want {want}"
        );
    }

    #[test]
    fn round_ndigits_overflow() {
        assert_eq!(
            round_float(1.7e308, &big("-308")),
            Err(OpError::Overflow("rounded value too large to represent"))
        );
        assert!(round_float(f64::NAN, &big("2")).unwrap().is_nan());
    }

    #[rstest]
    #[case("1234", "-2", "1200")]
    #[case("1250", "-2", "1200")]
    #[case("1350", "-2", "1400")]
    #[case("-1250", "-2", "-1200")]
    #[case("-1251", "-2", "-1300")]
    #[case("5", "-1", "0")]
    #[case("15", "-1", "20")]
    #[case("5", "-100000000000000000000", "0")]
    #[case("5", "3", "5")]
    #[case("99", "-3", "0")]
    #[case("500", "-3", "0")]
    #[case("501", "-3", "1000")]
    fn round_ints(#[case] a: &str, #[case] nd: &str, #[case] want: &str) {
        assert_eq!(round_int(&big(a), &big(nd)), big(want));
    }
}
