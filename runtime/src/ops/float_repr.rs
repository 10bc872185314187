//! `repr(float)` and the float formatting engine behind `format()`,
//! f-strings and `%`-formatting: CPython's `PyOS_double_to_string` and
//! `format_float_short` (`Python/pystrtod.c`).
//!
//! Digits come from Rust's float formatting, which is exact: `{:e}` gives
//! the shortest digits that round-trip (what `_Py_dg_dtoa` mode 0 gives),
//! `{:.Ne}` and `{:.N}` round the exact binary value half to even (modes 2
//! and 3). The layout (where the point goes, when an exponent is used, the
//! `e+XX` form) is CPython's.

use std::fmt::Write;

/// Digits past this many are all zeros for every float (an `f64` has at
/// most 767 significant decimal digits and 1074 fractional ones), and
/// Rust's formatter refuses precisions above `u16::MAX`: longer requests
/// are padded with zeros by hand.
const MAX_EXACT_DIGITS: usize = 1100;

/// Which conversion to apply (the format code of `PyOS_double_to_string`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloatStyle {
    /// `'r'`: `repr()`: shortest round-trip digits, exponent when the
    /// decimal exponent is below -4 or above 16.
    Repr,
    /// `'e'`: one digit, point, `precision` digits, exponent.
    Exponent(usize),
    /// `'f'`: `precision` digits after the point.
    Fixed(usize),
    /// `'g'`: `precision` significant digits, trailing zeros removed.
    General(usize),
}

/// Options of [`format_float_abs`] (the `Py_DTSF_*` flags but the sign).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FloatFlags {
    /// Upper-case `E`, `INF`, `NAN` (the `E`, `F`, `G` codes).
    pub upper: bool,
    /// `Py_DTSF_ALT` (`#`): keep the point and trailing zeros.
    pub alternate: bool,
    /// `Py_DTSF_ADD_DOT_0`: an integral result gets `.0` (repr, and the
    /// format spec without a type).
    pub add_dot_0: bool,
}

/// `repr(x)` (= `str(x)`) for a float: `0.1`, `1e+16`, `1.5e-07`, `100.0`,
/// `-0.0`, `inf`, `nan`.
pub fn float_repr(x: f64) -> String {
    let mut out = String::with_capacity(24);
    push_float_repr(&mut out, x);
    out
}

/// Appends `repr(x)` to `out`.
pub fn push_float_repr(out: &mut String, x: f64) {
    if x.is_sign_negative() && !x.is_nan() {
        out.push('-');
    }
    let flags = FloatFlags {
        add_dot_0: true,
        ..FloatFlags::default()
    };
    format_float_abs(out, x, FloatStyle::Repr, flags);
}

/// Appends `|x|` formatted in `style` (no sign: the caller writes it, as
/// the format-spec machinery does). Infinity and NaN give `inf`/`nan`
/// (`INF`/`NAN` when `upper`).
pub fn format_float_abs(out: &mut String, x: f64, style: FloatStyle, flags: FloatFlags) {
    let x = x.abs();
    if !x.is_finite() {
        let word = match (x.is_nan(), flags.upper) {
            (true, false) => "nan",
            (true, true) => "NAN",
            (false, false) => "inf",
            (false, true) => "INF",
        };
        out.push_str(word);
        return;
    }
    match style {
        FloatStyle::Fixed(precision) => {
            let exact = precision.min(MAX_EXACT_DIGITS);
            let _ = write!(out, "{x:.exact$}");
            out.extend(std::iter::repeat_n('0', precision - exact));
            if precision == 0 && flags.alternate {
                out.push('.');
            }
        }
        FloatStyle::Exponent(precision) => {
            let exact = precision.min(MAX_EXACT_DIGITS);
            let text = format!("{x:.exact$e}");
            let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
            out.push_str(mantissa);
            out.extend(std::iter::repeat_n('0', precision - exact));
            if precision == 0 && flags.alternate {
                out.push('.');
            }
            push_exponent(out, exp.parse().unwrap_or(0), flags.upper);
        }
        FloatStyle::Repr => {
            let (digits, decpt) = shortest_digits(x);
            layout(out, &digits, decpt, 'r', 0, flags);
        }
        FloatStyle::General(precision) => {
            let precision = precision.max(1);
            let (digits, decpt) = rounded_digits(x, precision.min(MAX_EXACT_DIGITS));
            layout(out, &digits, decpt, 'g', precision, flags);
        }
    }
}

/// Writes `e+05` / `E-123`: a sign and at least two digits.
fn push_exponent(out: &mut String, exp: i64, upper: bool) {
    out.push(if upper { 'E' } else { 'e' });
    out.push(if exp < 0 { '-' } else { '+' });
    let _ = write!(out, "{:02}", exp.unsigned_abs());
}

/// Splits Rust's `{:e}` output `d.ddde±x` into digits (trailing zeros
/// removed, as `_Py_dg_dtoa` returns them) and the decimal point position.
fn split_sci(text: &str) -> (String, i64) {
    let (mantissa, exp) = text.split_once('e').unwrap_or((text, "0"));
    let mut digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    while digits.len() > 1 && digits.ends_with('0') {
        digits.pop();
    }
    let exp: i64 = exp.parse().unwrap_or(0);
    (digits, exp + 1)
}

/// `_Py_dg_dtoa` mode 0: the shortest digits that round-trip.
fn shortest_digits(x: f64) -> (String, i64) {
    if x == 0.0 {
        return ("0".to_owned(), 1);
    }
    split_sci(&format!("{x:e}"))
}

/// `_Py_dg_dtoa` mode 2: `n` significant digits, correctly rounded.
fn rounded_digits(x: f64, n: usize) -> (String, i64) {
    if x == 0.0 {
        return ("0".to_owned(), 1);
    }
    let p = n - 1;
    split_sci(&format!("{x:.p$e}"))
}

/// CPython's `format_float_short` layout for the `'r'` and `'g'` codes:
/// digits and point position to text, padding with zeros as needed.
fn layout(
    out: &mut String,
    digits: &str,
    decpt: i64,
    code: char,
    precision: usize,
    flags: FloatFlags,
) {
    let digits_len = digits.len() as i64;
    let precision = precision as i64;
    let mut decpt = decpt;
    let mut vdigits_end = digits_len;
    let mut use_exp = false;
    match code {
        'g' => {
            let limit = if flags.add_dot_0 {
                precision - 1
            } else {
                precision
            };
            if decpt <= -4 || decpt > limit {
                use_exp = true;
            }
            if flags.alternate {
                vdigits_end = precision;
            }
        }
        _ => {
            if decpt <= -4 || decpt > 16 {
                use_exp = true;
            }
        }
    }
    let mut exp = 0;
    if use_exp {
        exp = decpt - 1;
        decpt = 1;
    }
    let vdigits_start = if decpt <= 0 { decpt - 1 } else { 0 };
    vdigits_end = if !use_exp && flags.add_dot_0 {
        vdigits_end.max(decpt + 1)
    } else {
        vdigits_end.max(decpt)
    };
    let start_len = out.len();
    let zeros = |out: &mut String, n: i64| {
        for _ in 0..n.max(0) {
            out.push('0');
        }
    };
    if decpt <= 0 {
        zeros(out, decpt - vdigits_start);
        out.push('.');
        zeros(out, -decpt);
    } else {
        zeros(out, -vdigits_start);
    }
    if 0 < decpt && decpt <= digits_len {
        let (int_part, frac_part) = digits.split_at(decpt as usize);
        out.push_str(int_part);
        out.push('.');
        out.push_str(frac_part);
    } else {
        out.push_str(digits);
    }
    if digits_len < decpt {
        zeros(out, decpt - digits_len);
        out.push('.');
        zeros(out, vdigits_end - decpt);
    } else {
        zeros(out, vdigits_end - digits_len);
    }
    if out.len() > start_len && out.ends_with('.') && !flags.alternate {
        out.pop();
    }
    if use_exp {
        push_exponent(out, exp, flags.upper);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rstest::rstest;

    // Expected strings observed from CPython 3.11's repr().
    #[rstest]
    #[case(0.0, "0.0")]
    #[case(-0.0, "-0.0")]
    #[case(0.1, "0.1")]
    #[case(100.0, "100.0")]
    #[case(1e16, "1e+16")]
    #[case(1e15, "1000000000000000.0")]
    #[case(9999999999999998.0, "9999999999999998.0")]
    #[case(123456789012345678.0, "1.2345678901234568e+17")]
    #[case(1e22, "1e+22")]
    #[case(1.5e-7, "1.5e-07")]
    #[case(0.0001, "0.0001")]
    #[case(0.00001, "1e-05")]
    #[case(1.0 / 3.0, "0.3333333333333333")]
    #[case(2f64.sqrt(), "1.4142135623730951")]
    #[case(8.98846567431158e307, "8.98846567431158e+307")]
    #[case(5e-324, "5e-324")]
    #[case(f64::MAX, "1.7976931348623157e+308")]
    #[case(f64::INFINITY, "inf")]
    #[case(f64::NEG_INFINITY, "-inf")]
    #[case(f64::NAN, "nan")]
    #[case(-f64::NAN, "nan")]
    #[case(-1.5, "-1.5")]
    #[case(1e-310, "1e-310")]
    #[case(12345.678, "12345.678")]
    #[case(2e16 + 8.0, "2.000000000000001e+16")]
    fn repr_matches_python(#[case] x: f64, #[case] want: &str) {
        assert_eq!(float_repr(x), want);
    }

    fn fmt(x: f64, style: FloatStyle, flags: FloatFlags) -> String {
        let mut s = String::new();
        format_float_abs(&mut s, x, style, flags);
        s
    }

    // '%.Ne', '%.Nf', '%.Ng' and '%#...' as CPython 3.11 prints them.
    #[rstest]
    #[case(1234.5, FloatStyle::Exponent(3), false, "1.234e+03")]
    #[case(0.000123, FloatStyle::Exponent(2), false, "1.23e-04")]
    #[case(1e100, FloatStyle::Exponent(0), false, "1e+100")]
    #[case(1e100, FloatStyle::Exponent(0), true, "1.e+100")]
    #[case(0.125, FloatStyle::Fixed(2), false, "0.12")]
    #[case(0.375, FloatStyle::Fixed(2), false, "0.38")]
    #[case(2.5, FloatStyle::Fixed(0), false, "2")]
    #[case(2.5, FloatStyle::Fixed(0), true, "2.")]
    #[case(1e20, FloatStyle::Fixed(1), false, "100000000000000000000.0")]
    #[case(1234.5, FloatStyle::General(6), false, "1234.5")]
    #[case(1234567.0, FloatStyle::General(6), false, "1.23457e+06")]
    #[case(0.0001, FloatStyle::General(6), false, "0.0001")]
    #[case(0.00001, FloatStyle::General(6), false, "1e-05")]
    #[case(100.0, FloatStyle::General(6), false, "100")]
    #[case(100.0, FloatStyle::General(6), true, "100.000")]
    #[case(0.0, FloatStyle::General(6), false, "0")]
    #[case(0.0, FloatStyle::General(6), true, "0.00000")]
    #[case(123.0, FloatStyle::General(2), false, "1.2e+02")]
    #[case(1.5, FloatStyle::General(0), false, "2")]
    #[case(0.0, FloatStyle::Exponent(2), false, "0.00e+00")]
    fn styles_match_python(
        #[case] x: f64,
        #[case] style: FloatStyle,
        #[case] alternate: bool,
        #[case] want: &str,
    ) {
        let flags = FloatFlags {
            alternate,
            ..FloatFlags::default()
        };
        assert_eq!(fmt(x, style, flags), want);
    }

    // format(x, '.Np') without a type: 'g' with add_dot_0.
    #[rstest]
    #[case(1.0, 3, "1.0")]
    #[case(1234.5, 2, "1.2e+03")]
    #[case(1234.5, 4, "1.234e+03")]
    #[case(1234.5, 5, "1234.5")]
    #[case(0.1, 10, "0.1")]
    #[case(1e16, 17, "1e+16")]
    fn general_add_dot_0(#[case] x: f64, #[case] p: usize, #[case] want: &str) {
        let flags = FloatFlags {
            add_dot_0: true,
            ..FloatFlags::default()
        };
        assert_eq!(fmt(x, FloatStyle::General(p), flags), want);
    }

    #[test]
    fn upper_words() {
        let flags = FloatFlags {
            upper: true,
            ..FloatFlags::default()
        };
        assert_eq!(fmt(f64::INFINITY, FloatStyle::Fixed(2), flags), "INF");
        assert_eq!(fmt(f64::NAN, FloatStyle::General(2), flags), "NAN");
        assert_eq!(fmt(1e-5, FloatStyle::General(6), flags), "1E-05");
    }

    #[test]
    fn huge_precisions_pad_with_zeros() {
        let f = fmt(0.5, FloatStyle::Fixed(70_000), FloatFlags::default());
        assert_eq!(f.len(), 70_002);
        assert!(f.starts_with("0.5000") && f.ends_with('0'));
        let e = fmt(0.5, FloatStyle::Exponent(70_000), FloatFlags::default());
        assert!(e.starts_with("5.000") && e.ends_with("e-01") && e.len() == 70_006);
        let alt = FloatFlags {
            alternate: true,
            ..FloatFlags::default()
        };
        let g = fmt(0.5, FloatStyle::General(70_000), alt);
        assert_eq!(g.len(), 70_002);
        assert_eq!(
            fmt(0.1, FloatStyle::General(70_000), FloatFlags::default()),
            "0.1000000000000000055511151231257827021181583404541015625"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        #[test]
        fn repr_round_trips(bits in any::<u64>()) {
            let x = f64::from_bits(bits);
            prop_assume!(x.is_finite());
            let r = float_repr(x);
            let back: f64 = r.parse().unwrap();
            prop_assert_eq!(back.to_bits(), x.to_bits());
        }
    }
}
