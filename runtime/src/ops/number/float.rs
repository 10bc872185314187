//! Python `float` arithmetic (`Objects/floatobject.c`) and the exact
//! int <-> float bridges: conversion with correct rounding, truncation, and
//! comparison of a big int with a float.

use std::cmp::Ordering;

use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive, Zero};

use crate::ops::error::{OpError, OpResult};

/// `OverflowError` of `float(i)` for an int beyond the float range.
const INT_TOO_LARGE: OpError = OpError::Overflow("int too large to convert to float");

/// `float(a)` for an int (`PyLong_AsDouble`): round half to even.
///
/// Error: `OverflowError: int too large to convert to float`.
pub fn int_to_f64(a: &BigInt) -> OpResult<f64> {
    if let Some(v) = a.to_i64()
        && v.unsigned_abs() <= 1 << 53
    {
        return Ok(v as f64);
    }
    round_to_f64(a.sign(), a.magnitude().clone(), 0, false).ok_or(INT_TOO_LARGE)
}

/// `a / b` as the correctly rounded float, or `None` if it overflows.
/// `b` must not be zero.
pub(crate) fn bigint_ratio_to_f64(a: &BigInt, b: &BigInt) -> Option<f64> {
    if a.is_zero() {
        return Some(if b.is_negative() { -0.0 } else { 0.0 });
    }
    let sign = if a.is_negative() == b.is_negative() {
        Sign::Plus
    } else {
        Sign::Minus
    };
    let (na, nb) = (a.magnitude(), b.magnitude());
    // Scale so the integer quotient has at least 55 bits: q = floor(na * 2**s / nb).
    let diff = i64::try_from(na.bits()).ok()? - i64::try_from(nb.bits()).ok()?;
    let s = 55 - diff;
    let (num, den) = if s >= 0 {
        (na << usize::try_from(s).ok()?, nb.clone())
    } else {
        (na.clone(), nb << usize::try_from(-s).ok()?)
    };
    let (q, r) = num.div_rem(&den);
    round_to_f64(sign, q, -s, !r.is_zero())
}

/// Rounds `q * 2**exp` (plus a little more when `sticky`) to the nearest
/// float, ties to even, with subnormals; `None` on overflow.
fn round_to_f64(sign: Sign, q: BigUint, exp: i64, sticky: bool) -> Option<f64> {
    if q.is_zero() {
        return Some(0.0);
    }
    let qbits = i64::try_from(q.bits()).ok()?;
    // The value lies in [2**(top), 2**(top+1)).
    let top = qbits - 1 + exp;
    if top > 1023 {
        return None;
    }
    // Bits of precision available at this magnitude (fewer when subnormal).
    let precision = if top >= -1022 { 53 } else { 53 - (-1022 - top) };
    let drop = qbits - precision; // low bits of q to round away
    let (mut kept, half_or_more, exact_half) = if drop <= 0 {
        // q fits; no rounding (sticky only matters when bits are dropped,
        // and callers pass at least 55 bits when sticky is set).
        (q.to_u64()?, false, false)
    } else if drop > qbits {
        (0u64, false, false)
    } else {
        let d = u64::try_from(drop).ok()?;
        let kept = (&q >> d).to_u64()?;
        let half_bit = q.bit(d - 1);
        let below_half_nonzero = sticky || q.trailing_zeros().is_some_and(|tz| tz < d - 1);
        (kept, half_bit, half_bit && !below_half_nonzero)
    };
    if half_or_more && (!exact_half || kept & 1 == 1) {
        kept += 1;
    }
    let shift = exp + drop.max(0);
    let magnitude = ldexp(kept as f64, shift);
    if magnitude.is_infinite() {
        return None;
    }
    Some(if sign == Sign::Minus {
        -magnitude
    } else {
        magnitude
    })
}

/// `x * 2**e`, exact whenever the result is representable.
fn ldexp(mut x: f64, mut e: i64) -> f64 {
    if x == 0.0 {
        return x;
    }
    while e > 1000 {
        x *= f64::from_bits(((1023 + 1000) as u64) << 52);
        e -= 1000;
        if x.is_infinite() {
            return x;
        }
    }
    while e < -1000 {
        x *= f64::from_bits(((1023 - 1000) as u64) << 52);
        e += 1000;
        if x == 0.0 {
            return x;
        }
    }
    // -1000 <= e <= 1000: 2**e is a normal float.
    x * f64::from_bits(((1023 + e) as u64) << 52)
}

/// `int(x)` for a float (`float___trunc___impl`): truncation towards zero.
///
/// Errors: `OverflowError: cannot convert float infinity to integer`,
/// `ValueError: cannot convert float NaN to integer`.
pub fn f64_to_int(x: f64) -> OpResult<BigInt> {
    if x.is_nan() {
        return Err(OpError::value("cannot convert float NaN to integer"));
    }
    if x.is_infinite() {
        return Err(OpError::Overflow(
            "cannot convert float infinity to integer",
        ));
    }
    let t = x.trunc();
    if t.abs() < 9.2e18 {
        return Ok(BigInt::from(t as i64));
    }
    Ok(exact_integral_f64(t))
}

/// The exact integer value of a finite, integral float.
fn exact_integral_f64(t: f64) -> BigInt {
    let (mantissa, exp) = decompose(t);
    let mag = BigInt::from(mantissa);
    let v = if exp >= 0 {
        mag << (exp as usize)
    } else {
        mag >> ((-exp) as usize)
    };
    if t < 0.0 { -v } else { v }
}

/// `|x| = mantissa * 2**exp` exactly for a finite float.
pub(crate) fn decompose(x: f64) -> (u64, i64) {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1 << 52) - 1);
    if biased == 0 {
        (frac, -1074)
    } else {
        (frac | (1 << 52), biased - 1075)
    }
}

/// Compares an int with a float exactly (`float_richcompare`): `None` when
/// `f` is NaN (every comparison is false, `!=` true).
pub fn compare_int_float(a: &BigInt, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f.is_infinite() {
        return Some(if f > 0.0 {
            Ordering::Less
        } else {
            Ordering::Greater
        });
    }
    if let Some(v) = a.to_i64()
        && v.unsigned_abs() <= 1 << 53
    {
        return (v as f64).partial_cmp(&f);
    }
    // Compare with floor(f): a <= floor(f) < f when f has a fraction.
    let fl = f.floor();
    let whole = exact_integral_f64(fl);
    match a.cmp(&whole) {
        Ordering::Equal if fl != f => Some(Ordering::Less),
        ord => Some(ord),
    }
}

/// Compares a float with an int exactly: the mirror of [`compare_int_float`].
pub fn compare_float_int(f: f64, a: &BigInt) -> Option<Ordering> {
    compare_int_float(a, f).map(Ordering::reverse)
}

/// `a / b` for floats (`float_div`).
///
/// Error: `ZeroDivisionError: float division by zero`.
pub fn float_truediv(a: f64, b: f64) -> OpResult<f64> {
    if b == 0.0 {
        return Err(OpError::ZeroDivision("float division by zero"));
    }
    Ok(a / b)
}

/// `a % b` for floats (`float_rem`): C `fmod`, then moved to the sign of
/// `b`; a zero result takes the sign of `b`.
///
/// Error: `ZeroDivisionError: float modulo`.
pub fn float_mod(a: f64, b: f64) -> OpResult<f64> {
    if b == 0.0 {
        return Err(OpError::ZeroDivision("float modulo"));
    }
    let mut m = a % b;
    if m != 0.0 {
        if (b < 0.0) != (m < 0.0) {
            m += b;
        }
    } else {
        m = 0.0f64.copysign(b);
    }
    Ok(m)
}

/// `divmod(a, b)` for floats (`float_divmod`, `_float_div_mod`).
///
/// Error: `ZeroDivisionError: float divmod()`.
pub fn float_divmod(a: f64, b: f64) -> OpResult<(f64, f64)> {
    if b == 0.0 {
        return Err(OpError::ZeroDivision("float divmod()"));
    }
    Ok(float_div_mod(a, b))
}

/// `a // b` for floats (`float_floor_div`).
///
/// Error: `ZeroDivisionError: float floor division by zero`.
pub fn float_floordiv(a: f64, b: f64) -> OpResult<f64> {
    if b == 0.0 {
        return Err(OpError::ZeroDivision("float floor division by zero"));
    }
    Ok(float_div_mod(a, b).0)
}

/// CPython's `_float_div_mod`: `b` is non-zero.
fn float_div_mod(vx: f64, wx: f64) -> (f64, f64) {
    let mut m = vx % wx;
    let mut div = (vx - m) / wx;
    if m != 0.0 {
        if (wx < 0.0) != (m < 0.0) {
            m += wx;
            div -= 1.0;
        }
    } else {
        m = 0.0f64.copysign(wx);
    }
    let floordiv = if div != 0.0 {
        let mut f = div.floor();
        if div - f > 0.5 {
            f += 1.0;
        }
        f
    } else {
        0.0f64.copysign(vx / wx)
    };
    (floordiv, m)
}

/// True when `y` is an odd integer (`DOUBLE_IS_ODD_INTEGER`).
fn is_odd_integer(y: f64) -> bool {
    y % 2.0 == 1.0 || y % 2.0 == -1.0
}

/// `a ** b` for floats (`float_pow`), including CPython's special cases.
///
/// Errors: `ZeroDivisionError: 0.0 cannot be raised to a negative power`;
/// `OverflowError: (34, 'Numerical result out of range')`. A negative base
/// with a non-integral exponent gives a complex number in CPython; PyMM has
/// no complex type and raises `ValueError: negative number cannot be raised
/// to a fractional power` (Python 2's message) instead.
pub fn float_pow(iv: f64, iw: f64) -> OpResult<f64> {
    if iw == 0.0 {
        return Ok(1.0);
    }
    if iv.is_nan() {
        return Ok(iv);
    }
    if iw.is_nan() {
        return Ok(if iv == 1.0 { 1.0 } else { iw });
    }
    if iw.is_infinite() {
        let av = iv.abs();
        return Ok(if av == 1.0 {
            1.0
        } else if (iw > 0.0) == (av > 1.0) {
            iw.abs()
        } else {
            0.0
        });
    }
    if iv.is_infinite() {
        let odd = is_odd_integer(iw);
        return Ok(if iw > 0.0 {
            if odd { iv } else { iv.abs() }
        } else if odd {
            0.0f64.copysign(iv)
        } else {
            0.0
        });
    }
    if iv == 0.0 {
        if iw < 0.0 {
            return Err(OpError::ZeroDivision(
                "0.0 cannot be raised to a negative power",
            ));
        }
        return Ok(if is_odd_integer(iw) { iv } else { 0.0 });
    }
    let mut base = iv;
    let mut negate = false;
    if iv < 0.0 {
        if iw != iw.floor() {
            return Err(OpError::value(
                "negative number cannot be raised to a fractional power",
            ));
        }
        base = -iv;
        negate = is_odd_integer(iw);
    }
    if base == 1.0 {
        return Ok(if negate { -1.0 } else { 1.0 });
    }
    let r = base.powf(iw);
    if r.is_infinite() {
        return Err(OpError::Overflow("(34, 'Numerical result out of range')"));
    }
    Ok(if negate { -r } else { r })
}

/// `float.is_integer()`.
pub fn float_is_integer(x: f64) -> bool {
    x.is_finite() && x == x.floor()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rstest::rstest;

    fn big(s: &str) -> BigInt {
        s.parse().unwrap()
    }

    fn same(a: f64, b: f64) -> bool {
        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
    }

    #[rstest]
    #[case(-7.5, 2.0, -4.0, 0.5)]
    #[case(7.5, -2.0, -4.0, -0.5)]
    #[case(-0.0, 5.0, -0.0, 0.0)]
    #[case(0.0, -5.0, -0.0, -0.0)]
    #[case(-0.0, 1.0, -0.0, 0.0)]
    #[case(0.0, -1.0, -0.0, -0.0)]
    #[case(-7.0, 0.5, -14.0, 0.0)]
    #[case(1e308, 1e-308, f64::INFINITY, 3.498445546245627e-309)]
    fn divmod_matches_python(#[case] a: f64, #[case] b: f64, #[case] q: f64, #[case] r: f64) {
        let (gq, gr) = float_divmod(a, b).unwrap();
        assert!(same(gq, q), "{gq} vs {q}");
        assert!(same(gr, r), "{gr} vs {r}");
        assert!(same(float_floordiv(a, b).unwrap(), q));
        assert!(same(float_mod(a, b).unwrap(), r));
    }

    #[test]
    fn zero_division_messages() {
        assert_eq!(
            float_mod(1.0, 0.0),
            Err(OpError::ZeroDivision("float modulo"))
        );
        assert_eq!(
            float_mod(7.0, -0.0),
            Err(OpError::ZeroDivision("float modulo"))
        );
        assert_eq!(
            float_floordiv(1.0, 0.0),
            Err(OpError::ZeroDivision("float floor division by zero"))
        );
        assert_eq!(
            float_divmod(1.0, 0.0),
            Err(OpError::ZeroDivision("float divmod()"))
        );
        assert_eq!(
            float_truediv(1.0, 0.0),
            Err(OpError::ZeroDivision("float division by zero"))
        );
    }

    #[rstest]
    #[case(2.0, 0.5, std::f64::consts::SQRT_2)]
    #[case(f64::NAN, 0.0, 1.0)]
    #[case(1.0, f64::NAN, 1.0)]
    #[case(-1.0, f64::INFINITY, 1.0)]
    #[case(0.0, 0.0, 1.0)]
    #[case(0.0, f64::NEG_INFINITY, f64::INFINITY)]
    #[case(-2.0, -1075.0, -0.0)]
    #[case(2.0, -2000.0, 0.0)]
    #[case(-1.0, 1e20, 1.0)]
    #[case(-2.0, 3.0, -8.0)]
    #[case(-0.0, 3.0, -0.0)]
    #[case(-0.0, 2.0, 0.0)]
    #[case(f64::NEG_INFINITY, 3.0, f64::NEG_INFINITY)]
    #[case(f64::NEG_INFINITY, -3.0, -0.0)]
    #[case(f64::NEG_INFINITY, 2.0, f64::INFINITY)]
    #[case(0.5, f64::INFINITY, 0.0)]
    #[case(2.0, f64::NEG_INFINITY, 0.0)]
    fn pow_matches_python(#[case] a: f64, #[case] b: f64, #[case] want: f64) {
        let got = float_pow(a, b).unwrap();
        assert!(same(got, want), "{a} ** {b}: {got} vs {want}");
    }

    #[rstest]
    #[case(0.0, -1.0, "ZeroDivisionError: 0.0 cannot be raised to a negative power")]
    #[case(-0.0, -1.0, "ZeroDivisionError: 0.0 cannot be raised to a negative power")]
    #[case(0.0, -1.5, "ZeroDivisionError: 0.0 cannot be raised to a negative power")]
    #[case(10.0, 400.0, "OverflowError: (34, 'Numerical result out of range')")]
    #[case(-10.0, 401.0, "OverflowError: (34, 'Numerical result out of range')")]
    #[case(5.0, 1e20, "OverflowError: (34, 'Numerical result out of range')")]
    #[case(2.0, 1024.0, "OverflowError: (34, 'Numerical result out of range')")]
    #[case(-8.0, 0.5, "ValueError: negative number cannot be raised to a fractional power")]
    fn pow_errors(#[case] a: f64, #[case] b: f64, #[case] want: &str) {
        assert_eq!(float_pow(a, b).unwrap_err().to_string(), want);
    }

    #[rstest]
    #[case("0", 0.0)]
    #[case("9007199254740993", 9007199254740992.0)]
    #[case("9007199254740995", 9007199254740996.0)]
    #[case("-9007199254740993", -9007199254740992.0)]
    #[case(
        "89884656743115795386465259539451236680898848947115328636715040578866337902750481566354238661203768010560056939935696678829394884407208311246423715319737062188883946712432742638151109800623047059726541476042502884419075341171231440736956555270413618581675255342293149119973622969239858152417678164812112068608",
        8.98846567431158e+307
    )]
    fn int_to_float(#[case] a: &str, #[case] want: f64) {
        assert!(same(int_to_f64(&big(a)).unwrap(), want));
    }

    #[test]
    fn int_to_float_overflow() {
        let huge = num_traits::Pow::pow(BigInt::from(10), 400u32);
        assert_eq!(int_to_f64(&huge), Err(INT_TOO_LARGE));
        // 2**1024 - 2**970 rounds up to 2**1024: overflow.
        let edge = (BigInt::from(1) << 1024usize) - (BigInt::from(1) << 970usize);
        assert_eq!(int_to_f64(&edge), Err(INT_TOO_LARGE));
        let below = (BigInt::from(1) << 1024usize) - (BigInt::from(1) << 971usize);
        assert_eq!(int_to_f64(&below).unwrap(), f64::MAX);
    }

    #[rstest]
    #[case(
        1e300,
        "1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160"
    )]
    #[case(-2.9, "-2")]
    #[case(2.9, "2")]
    #[case(-0.0, "0")]
    #[case(1e19, "10000000000000000000")]
    fn float_to_int(#[case] x: f64, #[case] want: &str) {
        assert_eq!(f64_to_int(x).unwrap(), big(want));
    }

    #[test]
    fn float_to_int_errors() {
        assert_eq!(
            f64_to_int(f64::INFINITY).unwrap_err().to_string(),
            "OverflowError: cannot convert float infinity to integer"
        );
        assert_eq!(
            f64_to_int(f64::NAN).unwrap_err().to_string(),
            "ValueError: cannot convert float NaN to integer"
        );
    }

    #[rstest]
    #[case("9007199254740993", 9007199254740992.0, Some(Ordering::Greater))]
    #[case("9007199254740993", 9007199254740994.0, Some(Ordering::Less))]
    #[case("1", 1.0, Some(Ordering::Equal))]
    #[case("1", 1.5, Some(Ordering::Less))]
    #[case("-1", -1.5, Some(Ordering::Greater))]
    #[case(
        "10000000000000000000000000000000000000000",
        1e300,
        Some(Ordering::Less)
    )]
    #[case(
        "10000000000000000000000000000000000000000",
        f64::INFINITY,
        Some(Ordering::Less)
    )]
    #[case(
        "10000000000000000000000000000000000000000",
        f64::NEG_INFINITY,
        Some(Ordering::Greater)
    )]
    #[case("10000000000000000000000000000000000000000", f64::NAN, None)]
    #[case("10000000000000000000000", 1e22, Some(Ordering::Equal))]
    #[case("10000000000000000000001", 1e22, Some(Ordering::Greater))]
    #[case("-10000000000000000000001", -1e22, Some(Ordering::Less))]
    fn int_float_compare(#[case] a: &str, #[case] f: f64, #[case] want: Option<Ordering>) {
        assert_eq!(compare_int_float(&big(a), f), want);
        assert_eq!(compare_float_int(f, &big(a)), want.map(Ordering::reverse));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn int_to_f64_round_trips_exact_floats(bits in any::<u64>()) {
            let x = f64::from_bits(bits);
            prop_assume!(x.is_finite());
            let i = f64_to_int(x).unwrap();
            let back = int_to_f64(&i).unwrap();
            prop_assert_eq!(back, x.trunc());
            prop_assert_eq!(compare_int_float(&i, x.trunc()), Some(Ordering::Equal));
        }

        #[test]
        fn float_divmod_identity(a in -1e12f64..1e12, b in -1e6f64..1e6) {
            prop_assume!(b != 0.0);
            let (q, r) = float_divmod(a, b).unwrap();
            prop_assert!((q * b + r - a).abs() <= 1e-3 * a.abs().max(1.0));
            prop_assert!(r == 0.0 || (r < 0.0) == (b < 0.0));
        }
    }
}
