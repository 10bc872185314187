//! Conversions between ints/floats and text: `int(str, base)`,
//! `float(str)`, `str(int)`, `bin`/`oct`/`hex` (`PyLong_FromString`,
//! `PyFloat_FromString`, `long_to_decimal_string`, `long_format_binary`).

use num_bigint::BigInt;
use num_traits::{Signed, Zero};

use crate::ops::error::{OpError, OpResult};
use crate::ops::str_repr::{str_repr, truncated_repr};
use crate::ops::unicode::{decimal_value, is_space};

/// `sys.get_int_max_str_digits()` default: the 3.11.7 limit on decimal
/// conversions (CVE-2020-10735).
pub const INT_MAX_STR_DIGITS: usize = 4300;

/// Replaces Unicode decimal digits by ASCII and Unicode whitespace by ' ',
/// and other non-ASCII characters by '?', as
/// `_PyUnicode_TransformDecimalAndSpaceToASCII` does.
fn to_ascii(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| {
            if c.is_ascii() {
                c as u8
            } else if let Some(d) = decimal_value(c) {
                b'0' + d as u8
            } else if is_space(c) {
                b' '
            } else {
                b'?'
            }
        })
        .collect()
}

fn ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

fn digit_value(b: u8) -> Option<u32> {
    char::from(b).to_digit(36)
}

/// `int(s, base)` for a str (`PyLong_FromUnicodeObject`).
///
/// `base` is 0 (guess from the prefix, as the literal syntax) or 2..=36.
/// Accepts surrounding whitespace, a sign, `0x`/`0o`/`0b` prefixes where
/// the base allows them, single underscores between digits, and Unicode
/// decimal digits. Decimal (non power-of-two) inputs of more than
/// `max_str_digits` digits are refused (0 means no limit).
///
/// Errors (`ValueError`): `int() base must be >= 2 and <= 36, or 0`;
/// `invalid literal for int() with base 10: 'x'` (repr cut to 200
/// characters); `Exceeds the limit (4300 digits) for integer string
/// conversion: value has 5000 digits; use sys.set_int_max_str_digits() to
/// increase the limit`.
pub fn int_from_str(s: &str, base: u32, max_str_digits: usize) -> OpResult<BigInt> {
    if base == 1 || base > 36 {
        return Err(OpError::value("int() base must be >= 2 and <= 36, or 0"));
    }
    let invalid = || {
        OpError::Value(format!(
            "invalid literal for int() with base {base}: {}",
            truncated_repr(s, 200)
        ))
    };
    let bytes = to_ascii(s);
    parse_int_ascii(&bytes, base, max_str_digits)?.ok_or_else(invalid)
}

/// `int(b, base)` for bytes: the same grammar over ASCII.
pub fn int_from_bytes_literal(b: &[u8], base: u32, max_str_digits: usize) -> OpResult<BigInt> {
    if base == 1 || base > 36 {
        return Err(OpError::value("int() base must be >= 2 and <= 36, or 0"));
    }
    parse_int_ascii(b, base, max_str_digits)?.ok_or_else(|| {
        OpError::Value(format!(
            "invalid literal for int() with base {base}: {}",
            crate::ops::str_repr::bytes_repr(b)
        ))
    })
}

/// The `PyLong_FromString` grammar; `Ok(None)` means "invalid literal".
fn parse_int_ascii(b: &[u8], base: u32, max_str_digits: usize) -> OpResult<Option<BigInt>> {
    let mut i = 0;
    while b.get(i).copied().is_some_and(ascii_space) {
        i += 1;
    }
    let negative = match b.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let lower = |k: usize| b.get(k).map(u8::to_ascii_lowercase);
    let mut base = base;
    let mut legacy_octal_zero = false;
    if base == 0 {
        base = if b.get(i) != Some(&b'0') {
            10
        } else {
            match lower(i + 1) {
                Some(b'x') => 16,
                Some(b'o') => 8,
                Some(b'b') => 2,
                _ => {
                    legacy_octal_zero = true;
                    10
                }
            }
        };
    }
    if b.get(i) == Some(&b'0') {
        let prefixed = matches!(
            (base, lower(i + 1)),
            (16, Some(b'x')) | (8, Some(b'o')) | (2, Some(b'b'))
        );
        if prefixed {
            i += 2;
            // One underscore may follow the prefix: 0x_1f.
            if b.get(i) == Some(&b'_') {
                i += 1;
            }
        }
    }
    // Digits, with single underscores between them.
    let start = i;
    let mut ndigits = 0usize;
    let mut prev_underscore = false;
    while let Some(&c) = b.get(i) {
        if c == b'_' {
            if prev_underscore || i == start {
                return Ok(None);
            }
            prev_underscore = true;
        } else if digit_value(c).is_some_and(|d| d < base) {
            prev_underscore = false;
            ndigits += 1;
        } else {
            break;
        }
        i += 1;
    }
    if prev_underscore || ndigits == 0 {
        return Ok(None);
    }
    if !base.is_power_of_two() && max_str_digits > 0 && ndigits > max_str_digits {
        return Err(OpError::Value(format!(
            "Exceeds the limit ({max_str_digits} digits) for integer string conversion: \
             value has {ndigits} digits; use sys.set_int_max_str_digits() to increase the limit"
        )));
    }
    let end = i;
    while b.get(i).copied().is_some_and(ascii_space) {
        i += 1;
    }
    if i != b.len() {
        return Ok(None);
    }
    let digits: Vec<u8> = b[start..end]
        .iter()
        .filter(|&&c| c != b'_')
        .filter_map(|&c| digit_value(c).map(|d| d as u8))
        .collect();
    let Some(mut value) = BigInt::from_radix_be(num_bigint::Sign::Plus, &digits, base) else {
        return Ok(None);
    };
    if legacy_octal_zero && !value.is_zero() {
        // "010" with base 0: leading zeros are not allowed.
        return Ok(None);
    }
    if negative {
        value = -value;
    }
    Ok(Some(value))
}

/// `float(s)` for a str (`PyFloat_FromString`).
///
/// Accepts surrounding whitespace, a sign, `inf`/`infinity`/`nan` in any
/// case, decimal and exponent notation with single underscores between
/// digits, Unicode decimal digits. Error: `ValueError: could not convert
/// string to float: 'x'`.
pub fn float_from_str(s: &str) -> OpResult<f64> {
    let bytes = to_ascii(s);
    parse_float_ascii(&bytes).ok_or_else(|| {
        OpError::Value(format!(
            "could not convert string to float: {}",
            str_repr(s)
        ))
    })
}

/// The float grammar over ASCII; `None` means invalid.
fn parse_float_ascii(b: &[u8]) -> Option<f64> {
    let start = b.iter().position(|&c| !ascii_space(c))?;
    let end = b.iter().rposition(|&c| !ascii_space(c))? + 1;
    let text = b.get(start..end)?;
    let (negative, body) = match text.first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let word = std::str::from_utf8(body).ok()?.to_ascii_lowercase();
    let special = match word.as_str() {
        "inf" | "infinity" => Some(f64::INFINITY),
        "nan" => Some(f64::NAN),
        _ => None,
    };
    if let Some(v) = special {
        return Some(if negative { -v } else { v });
    }
    // digits ('.' digits?)? | '.' digits, then (e sign? digits)?
    let mut clean = String::with_capacity(body.len() + 1);
    if negative {
        clean.push('-');
    }
    let mut i = 0;
    let int_digits = scan_digits(body, &mut i, &mut clean)?;
    let mut frac_digits = 0;
    if body.get(i) == Some(&b'.') {
        clean.push('.');
        i += 1;
        frac_digits = scan_digits(body, &mut i, &mut clean)?;
    }
    if int_digits == 0 && frac_digits == 0 {
        return None;
    }
    if matches!(body.get(i), Some(b'e' | b'E')) {
        clean.push('e');
        i += 1;
        if let Some(&sign @ (b'+' | b'-')) = body.get(i) {
            clean.push(char::from(sign));
            i += 1;
        }
        if scan_digits(body, &mut i, &mut clean)? == 0 {
            return None;
        }
    }
    if i != body.len() {
        return None;
    }
    clean.parse().ok()
}

/// Scans `digit (_? digit)*` from `*i`, copying the digits to `out`;
/// returns how many digits, or `None` on a misplaced underscore.
fn scan_digits(b: &[u8], i: &mut usize, out: &mut String) -> Option<usize> {
    let mut n = 0;
    while let Some(&c) = b.get(*i) {
        if c.is_ascii_digit() {
            out.push(char::from(c));
            n += 1;
            *i += 1;
        } else if c == b'_' {
            let next_is_digit = b.get(*i + 1).is_some_and(u8::is_ascii_digit);
            if n == 0 || !next_is_digit {
                return None;
            }
            *i += 1;
        } else {
            break;
        }
    }
    Some(n)
}

/// `str(a)` for an int (`long_to_decimal_string`), refusing more than
/// `max_str_digits` digits (0 means no limit).
///
/// Error: `ValueError: Exceeds the limit (4300 digits) for integer string
/// conversion; use sys.set_int_max_str_digits() to increase the limit`.
pub fn int_to_decimal(a: &BigInt, max_str_digits: usize) -> OpResult<String> {
    let limit_error = || {
        OpError::Value(format!(
            "Exceeds the limit ({max_str_digits} digits) for integer string conversion; \
             use sys.set_int_max_str_digits() to increase the limit"
        ))
    };
    if max_str_digits > 0 {
        // Cheap bound first: bits * log10(2) digits, give or take one.
        let approx = (a.bits() as f64 * std::f64::consts::LOG10_2) as usize;
        if approx > max_str_digits + 1 {
            return Err(limit_error());
        }
    }
    let text = a.to_string();
    let ndigits = text.len() - usize::from(a.is_negative());
    if max_str_digits > 0 && ndigits > max_str_digits {
        return Err(limit_error());
    }
    Ok(text)
}

/// `bin(a)`, `oct(a)`, `hex(a)` (`long_format_binary`) and the `b`/`o`/`x`
/// format codes: `radix` is 2, 8 or 16 (other values are treated as 16);
/// `prefix` adds `0b`/`0o`/`0x` after the sign; `upper` gives `ABCDEF`
/// and an upper-case prefix, as `format(255, '#X') == '0XFF'`.
pub fn int_to_radix(a: &BigInt, radix: u32, prefix: bool, upper: bool) -> String {
    let radix = if matches!(radix, 2 | 8 | 16) {
        radix
    } else {
        16
    };
    let mut out = String::new();
    if a.is_negative() {
        out.push('-');
    }
    if prefix {
        out.push('0');
        out.push(match (radix, upper) {
            (2, false) => 'b',
            (2, true) => 'B',
            (8, false) => 'o',
            (8, true) => 'O',
            (_, false) => 'x',
            (_, true) => 'X',
        });
    }
    let digits = a.magnitude().to_str_radix(radix);
    if upper {
        out.push_str(&digits.to_ascii_uppercase());
    } else {
        out.push_str(&digits);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn big(s: &str) -> BigInt {
        s.parse().unwrap()
    }

    // int(s, base) answers observed from CPython 3.11.
    #[rstest]
    #[case("0x1f", 0, "31")]
    #[case("000", 0, "0")]
    #[case("0_0", 0, "0")]
    #[case("00", 0, "0")]
    #[case("0x_1f", 16, "31")]
    #[case("0b101", 0, "5")]
    #[case("0o7", 0, "7")]
    #[case("0o7", 8, "7")]
    #[case("07", 8, "7")]
    #[case("١٢٣", 10, "123")]
    #[case("  -0b1_0  ", 0, "-2")]
    #[case("\u{a0}12\u{2003}", 10, "12")]
    #[case("z", 36, "35")]
    #[case("Z", 36, "35")]
    #[case("  0  ", 0, "0")]
    #[case("+17", 10, "17")]
    #[case("1_000_000", 10, "1000000")]
    #[case("-ff", 16, "-255")]
    #[case("0x10", 16, "16")]
    #[case("٠x1", 0, "1")]
    fn int_parse_ok(#[case] s: &str, #[case] base: u32, #[case] want: &str) {
        assert_eq!(
            int_from_str(s, base, INT_MAX_STR_DIGITS).unwrap(),
            big(want)
        );
    }

    #[rstest]
    #[case("x", 10, "invalid literal for int() with base 10: 'x'")]
    #[case(" 12x ", 10, "invalid literal for int() with base 10: ' 12x '")]
    #[case("010", 0, "invalid literal for int() with base 0: '010'")]
    #[case("1__0", 10, "invalid literal for int() with base 10: '1__0'")]
    #[case("_1", 10, "invalid literal for int() with base 10: '_1'")]
    #[case("0b", 0, "invalid literal for int() with base 0: '0b'")]
    #[case("-0b", 0, "invalid literal for int() with base 0: '-0b'")]
    #[case("0x", 16, "invalid literal for int() with base 16: '0x'")]
    #[case("0x_", 16, "invalid literal for int() with base 16: '0x_'")]
    #[case("0_", 0, "invalid literal for int() with base 0: '0_'")]
    #[case("0__0", 0, "invalid literal for int() with base 0: '0__0'")]
    #[case("0_7", 0, "invalid literal for int() with base 0: '0_7'")]
    #[case("1 2", 10, "invalid literal for int() with base 10: '1 2'")]
    #[case("+ 1", 10, "invalid literal for int() with base 10: '+ 1'")]
    #[case("", 10, "invalid literal for int() with base 10: ''")]
    #[case("1", 1, "int() base must be >= 2 and <= 36, or 0")]
    #[case("1", 37, "int() base must be >= 2 and <= 36, or 0")]
    #[case("12", 2, "invalid literal for int() with base 2: '12'")]
    fn int_parse_errors(#[case] s: &str, #[case] base: u32, #[case] want: &str) {
        assert_eq!(
            int_from_str(s, base, INT_MAX_STR_DIGITS),
            Err(OpError::value(want))
        );
    }

    #[test]
    fn int_parse_limits() {
        let long = "1".repeat(5000) + "x";
        assert_eq!(
            int_from_str(&long, 10, INT_MAX_STR_DIGITS),
            Err(OpError::value(
                "Exceeds the limit (4300 digits) for integer string conversion: value has 5000 digits; use sys.set_int_max_str_digits() to increase the limit"
            ))
        );
        let under = "1_".repeat(4300) + "1";
        assert!(
            int_from_str(&under, 10, INT_MAX_STR_DIGITS)
                .unwrap_err()
                .message()
                .contains("has 4301 digits")
        );
        assert!(int_from_str(&"1".repeat(4300), 10, INT_MAX_STR_DIGITS).is_ok());
        assert!(int_from_str(&"1".repeat(4301), 16, INT_MAX_STR_DIGITS).is_ok());
        assert!(int_from_str(&"1".repeat(5000), 10, 0).is_ok());
        let xs = "x".repeat(300);
        let msg = int_from_str(&xs, 10, INT_MAX_STR_DIGITS).unwrap_err();
        assert_eq!(
            msg.message(),
            format!(
                "invalid literal for int() with base 10: '{}",
                "x".repeat(199)
            )
        );
    }

    #[test]
    fn int_parse_bytes() {
        assert_eq!(
            int_from_bytes_literal(b" 42 ", 10, INT_MAX_STR_DIGITS).unwrap(),
            big("42")
        );
        assert_eq!(
            int_from_bytes_literal(b"4x", 10, INT_MAX_STR_DIGITS),
            Err(OpError::value(
                "invalid literal for int() with base 10: b'4x'"
            ))
        );
    }

    #[rstest]
    #[case("1_000.5", 1000.5)]
    #[case("infinity", f64::INFINITY)]
    #[case("+inf", f64::INFINITY)]
    #[case("-iNF", f64::NEG_INFINITY)]
    #[case("1e1_0", 1e10)]
    #[case(".5", 0.5)]
    #[case("5.", 5.0)]
    #[case("1.5E+3", 1500.0)]
    #[case("+.5e-3", 0.0005)]
    #[case("1e500", f64::INFINITY)]
    #[case("-1e-500", -0.0)]
    #[case("-0.0", -0.0)]
    #[case("\u{a0}12\u{2003}", 12.0)]
    #[case("١.٥", 1.5)]
    #[case(" 3.25\n", 3.25)]
    fn float_parse_ok(#[case] s: &str, #[case] want: f64) {
        assert_eq!(float_from_str(s).unwrap().to_bits(), want.to_bits());
    }

    #[test]
    fn float_parse_nan() {
        assert!(float_from_str(" -NaN ").unwrap().is_nan());
    }

    #[rstest]
    #[case("x", "could not convert string to float: 'x'")]
    #[case(" x ", "could not convert string to float: ' x '")]
    #[case("1__0", "could not convert string to float: '1__0'")]
    #[case("1e", "could not convert string to float: '1e'")]
    #[case("0x10", "could not convert string to float: '0x10'")]
    #[case("", "could not convert string to float: ''")]
    #[case("1_e10", "could not convert string to float: '1_e10'")]
    #[case("1._5", "could not convert string to float: '1._5'")]
    #[case("1_.5", "could not convert string to float: '1_.5'")]
    #[case("nan_", "could not convert string to float: 'nan_'")]
    #[case("in f", "could not convert string to float: 'in f'")]
    #[case(".", "could not convert string to float: '.'")]
    #[case("e3", "could not convert string to float: 'e3'")]
    #[case("--1", "could not convert string to float: '--1'")]
    fn float_parse_errors(#[case] s: &str, #[case] want: &str) {
        assert_eq!(float_from_str(s), Err(OpError::value(want)));
    }

    #[test]
    fn decimal_limit() {
        let ten = BigInt::from(10);
        let a = num_traits::Pow::pow(&ten, 4299u32);
        assert_eq!(int_to_decimal(&a, INT_MAX_STR_DIGITS).unwrap().len(), 4300);
        assert_eq!(
            int_to_decimal(&-&a, INT_MAX_STR_DIGITS).unwrap().len(),
            4301
        );
        let b = num_traits::Pow::pow(&ten, 4300u32);
        assert_eq!(
            int_to_decimal(&b, INT_MAX_STR_DIGITS),
            Err(OpError::value(
                "Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit"
            ))
        );
        assert!(int_to_decimal(&b, 0).is_ok());
        assert_eq!(
            int_to_decimal(&big("-12"), INT_MAX_STR_DIGITS).unwrap(),
            "-12"
        );
    }

    #[rstest]
    #[case("-255", 16, true, false, "-0xff")]
    #[case("8", 8, true, false, "0o10")]
    #[case("-5", 2, true, false, "-0b101")]
    #[case("0", 16, true, false, "0x0")]
    #[case("255", 16, true, true, "0XFF")]
    #[case("255", 16, false, true, "FF")]
    #[case("-255", 2, false, false, "-11111111")]
    fn radix(
        #[case] a: &str,
        #[case] r: u32,
        #[case] prefix: bool,
        #[case] upper: bool,
        #[case] want: &str,
    ) {
        assert_eq!(int_to_radix(&big(a), r, prefix, upper), want);
    }
}
