//! The format-spec mini-language (`format(value, spec)`, f-string specs,
//! `str.format` fields) for ints, floats and strs, as CPython 3.11's
//! `Python/formatter_unicode.c` implements it:
//! `[[fill]align][sign][z][#][0][width][grouping][.precision][type]`.
//!
//! Entry points: [`format_int`], [`format_float`], [`format_str`]. Each
//! takes the spec text and the Python type name used in error messages
//! (`'int'`, `'bool'`, a subclass name...). An empty spec means `str(v)`:
//! these functions answer it for plain ints, floats and strs; for other
//! types (`format(True, '')` is `'True'`) the VM calls `str` itself.

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive};

use super::check_str_len;
use super::error::{OpError, OpResult};
use super::float_repr::{FloatFlags, FloatStyle, format_float_abs, push_float_repr};
use super::number::{INT_MAX_STR_DIGITS, int_to_decimal, int_to_f64, int_to_radix};

/// Alignment of a format spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// `<`
    Left,
    /// `>`
    Right,
    /// `^`
    Center,
    /// `=`: padding between the sign (and prefix) and the digits.
    AfterSign,
}

/// Thousands separator of a format spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    /// `,`: every three digits.
    Comma,
    /// `_`: every three digits (every four for `b`, `o`, `x`, `X`).
    Underscore,
}

/// A parsed format spec (`InternalFormatSpec`), before the per-type
/// defaults are applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatSpec {
    /// Explicit fill character (only with an explicit alignment).
    pub fill: Option<char>,
    /// Explicit alignment.
    pub align: Option<Align>,
    /// `'+'`, `'-'` or `' '`, if given.
    pub sign: Option<char>,
    /// `z`: coerce negative zero to zero (floats only).
    pub no_neg_0: bool,
    /// `#`: alternate form.
    pub alternate: bool,
    /// The `0` flag before the width (zero padding after the sign).
    pub zero_pad: bool,
    /// Minimum width.
    pub width: Option<usize>,
    /// Thousands separator.
    pub grouping: Option<Grouping>,
    /// Precision.
    pub precision: Option<usize>,
    /// The presentation type, if given.
    pub ty: Option<char>,
}

/// `"Unknown format code 'x' for object of type 'str'"` (`unknown_presentation_type`).
fn unknown_code(ty: char, type_name: &str) -> OpError {
    let code = if (' '..='\x7f').contains(&ty) && ty != ' ' {
        format!("'{ty}'")
    } else {
        format!("'\\x{:x}'", ty as u32)
    };
    OpError::Value(format!(
        "Unknown format code {code} for object of type '{type_name}'"
    ))
}

/// Reads a decimal integer; `Err` on overflow (`get_integer`).
fn get_integer(chars: &[char], pos: &mut usize) -> OpResult<Option<usize>> {
    let start = *pos;
    let mut value: usize = 0;
    while let Some(d) = chars.get(*pos).and_then(|c| c.to_digit(10)) {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(d as usize))
            .filter(|&v| v <= isize::MAX as usize)
            .ok_or_else(|| OpError::value("Too many decimal digits in format string"))?;
        *pos += 1;
    }
    Ok((*pos > start).then_some(value))
}

/// Parses a format spec (`parse_internal_render_format_spec`).
///
/// `default_type` is the type assumed when none is given (`'d'` for ints,
/// `'s'` for strs, `None` for floats): the grouping check uses it, as
/// CPython's does. `type_name` names the object in error messages.
pub fn parse_format_spec(
    spec: &str,
    default_type: Option<char>,
    type_name: &str,
) -> OpResult<FormatSpec> {
    let chars: Vec<char> = spec.chars().collect();
    let is_align = |c: Option<&char>| match c {
        Some('<') => Some(Align::Left),
        Some('>') => Some(Align::Right),
        Some('^') => Some(Align::Center),
        Some('=') => Some(Align::AfterSign),
        _ => None,
    };
    let mut out = FormatSpec {
        fill: None,
        align: None,
        sign: None,
        no_neg_0: false,
        alternate: false,
        zero_pad: false,
        width: None,
        grouping: None,
        precision: None,
        ty: default_type,
    };
    let mut pos = 0;
    if let Some(a) = is_align(chars.get(1)) {
        out.fill = chars.first().copied();
        out.align = Some(a);
        pos = 2;
    } else if let Some(a) = is_align(chars.first()) {
        out.align = Some(a);
        pos = 1;
    }
    if let Some(&c @ ('+' | '-' | ' ')) = chars.get(pos) {
        out.sign = Some(c);
        pos += 1;
    }
    if chars.get(pos) == Some(&'z') {
        out.no_neg_0 = true;
        pos += 1;
    }
    if chars.get(pos) == Some(&'#') {
        out.alternate = true;
        pos += 1;
    }
    if out.fill.is_none() && chars.get(pos) == Some(&'0') {
        out.zero_pad = true;
        pos += 1;
    }
    out.width = get_integer(&chars, &mut pos)?;
    let both = || OpError::value("Cannot specify both ',' and '_'.");
    if chars.get(pos) == Some(&',') {
        out.grouping = Some(Grouping::Comma);
        pos += 1;
    }
    if chars.get(pos) == Some(&'_') {
        if out.grouping.is_some() {
            return Err(both());
        }
        out.grouping = Some(Grouping::Underscore);
        pos += 1;
    }
    if chars.get(pos) == Some(&',') && out.grouping == Some(Grouping::Underscore) {
        return Err(both());
    }
    if chars.get(pos) == Some(&'.') {
        pos += 1;
        out.precision = get_integer(&chars, &mut pos)?;
        if out.precision.is_none() {
            return Err(OpError::value("Format specifier missing precision"));
        }
    }
    let rest = chars.get(pos..).unwrap_or(&[]);
    if rest.len() > 1 {
        return Err(OpError::Value(format!(
            "Invalid format specifier '{spec}' for object of type '{type_name}'"
        )));
    }
    if let Some(&t) = rest.first() {
        out.ty = Some(t);
    }
    if let Some(g) = out.grouping {
        let allowed = match out.ty {
            None | Some('d' | 'e' | 'f' | 'g' | 'E' | 'G' | '%' | 'F') => true,
            Some('b' | 'o' | 'x' | 'X') => g == Grouping::Underscore,
            _ => false,
        };
        if !allowed {
            let sep = if g == Grouping::Comma { ',' } else { '_' };
            let t = out.ty.unwrap_or('\0');
            return Err(if (' '..'\u{80}').contains(&t) && t != ' ' {
                OpError::Value(format!("Cannot specify '{sep}' with '{t}'."))
            } else {
                OpError::Value(format!("Cannot specify '{sep}' with '\\x{:x}'.", t as u32))
            });
        }
    }
    Ok(out)
}

/// The pieces of a formatted number (`NumberFieldWidths`' inputs).
struct NumberParts<'a> {
    sign: Option<char>,
    prefix: &'a str,
    digits: &'a str,
    remainder: &'a str,
}

/// Inserts thousands separators into `digits`, zero-filling to at least
/// `min_width` characters without a leading separator
/// (`_PyUnicode_InsertThousandsGrouping`).
fn group_digits(digits: &str, min_width: usize, sep: Option<(char, usize)>) -> String {
    let Some((sep, every)) = sep else {
        let zeros = min_width.saturating_sub(digits.len());
        let mut s = "0".repeat(zeros);
        s.push_str(digits);
        return s;
    };
    let bytes = digits.as_bytes();
    let mut remaining = bytes.len() as i64;
    let mut min_width = min_width as i64;
    let mut pieces: Vec<u8> = Vec::with_capacity(bytes.len() * 4 / 3 + 2);
    let mut first = true;
    loop {
        let l = (every as i64).min(remaining.max(min_width).max(1));
        let n_zeros = (l - remaining).max(0);
        let n_chars = remaining.min(l).max(0);
        if !first {
            pieces.push(b'\0');
        }
        first = false;
        let end = remaining as usize;
        let start = end - n_chars as usize;
        for &b in bytes[start..end].iter().rev() {
            pieces.push(b);
        }
        pieces.extend(std::iter::repeat_n(b'0', n_zeros as usize));
        remaining -= n_chars;
        min_width -= l;
        if remaining <= 0 && min_width <= 0 {
            break;
        }
        min_width -= 1;
    }
    pieces
        .iter()
        .rev()
        .map(|&b| if b == 0 { sep } else { char::from(b) })
        .collect()
}

/// Lays out a number with fill, alignment and grouping (`fill_number`).
fn layout_number(
    parts: &NumberParts<'_>,
    fill: char,
    align: Align,
    width: usize,
    sep: Option<(char, usize)>,
) -> OpResult<String> {
    let n_sign = usize::from(parts.sign.is_some());
    let n_prefix = parts.prefix.chars().count();
    let n_remainder = parts.remainder.chars().count();
    let min_width = if fill == '0' && align == Align::AfterSign {
        width.saturating_sub(n_sign + n_prefix + n_remainder)
    } else {
        0
    };
    check_str_len(min_width)?;
    let grouped = if parts.digits.is_empty() {
        String::new()
    } else {
        group_digits(parts.digits, min_width, sep)
    };
    let used = n_sign + n_prefix + grouped.len() + n_remainder;
    let pad = width.saturating_sub(used);
    check_str_len(used.saturating_add(pad.saturating_mul(fill.len_utf8())))?;
    let (lpad, spad, rpad) = match align {
        Align::Left => (0, 0, pad),
        Align::Center => (pad / 2, 0, pad - pad / 2),
        Align::AfterSign => (0, pad, 0),
        Align::Right => (pad, 0, 0),
    };
    let mut out = String::with_capacity(used + pad);
    out.extend(std::iter::repeat_n(fill, lpad));
    if let Some(s) = parts.sign {
        out.push(s);
    }
    out.push_str(parts.prefix);
    out.extend(std::iter::repeat_n(fill, spad));
    out.push_str(&grouped);
    out.push_str(parts.remainder);
    out.extend(std::iter::repeat_n(fill, rpad));
    Ok(out)
}

/// Fill and alignment for numbers: the `0` flag means fill `0`, align `=`.
fn number_fill_align(spec: &FormatSpec) -> (char, Align) {
    let fill = spec.fill.unwrap_or(if spec.zero_pad { '0' } else { ' ' });
    let align = spec.align.unwrap_or(if spec.zero_pad {
        Align::AfterSign
    } else {
        Align::Right
    });
    (fill, align)
}

/// The sign character to print for a number.
fn sign_char(negative: bool, sign: Option<char>) -> Option<char> {
    match (negative, sign) {
        (true, _) => Some('-'),
        (false, Some('+')) => Some('+'),
        (false, Some(' ')) => Some(' '),
        _ => None,
    }
}

/// `format(value, spec)` for an int (`_PyLong_FormatAdvancedWriter`).
///
/// Types `b c d o x X n` format the int; `e E f F g G %` convert it to a
/// float first. Errors carry CPython's messages (`Unknown format code 's'
/// for object of type 'int'`, `Precision not allowed in integer format
/// specifier`, `%c arg not in range(0x110000)`...).
pub fn format_int(value: &BigInt, spec: &str, type_name: &str) -> OpResult<String> {
    if spec.is_empty() {
        return int_to_decimal(value, INT_MAX_STR_DIGITS);
    }
    let spec = parse_format_spec(spec, Some('d'), type_name)?;
    let ty = spec.ty.unwrap_or('d');
    match ty {
        'b' | 'c' | 'd' | 'o' | 'x' | 'X' | 'n' => format_int_internal(value, &spec, ty),
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%' => format_float_internal(int_to_f64(value)?, &spec),
        other => Err(unknown_code(other, type_name)),
    }
}

/// `format_long_internal`.
fn format_int_internal(value: &BigInt, spec: &FormatSpec, ty: char) -> OpResult<String> {
    if spec.precision.is_some() {
        return Err(OpError::value(
            "Precision not allowed in integer format specifier",
        ));
    }
    if spec.no_neg_0 {
        return Err(OpError::value(
            "Negative zero coercion (z) not allowed in integer format specifier",
        ));
    }
    let (fill, align) = number_fill_align(spec);
    let width = spec.width.unwrap_or(0);
    if ty == 'c' {
        if spec.sign.is_some() {
            return Err(OpError::value(
                "Sign not allowed with integer format specifier 'c'",
            ));
        }
        if spec.alternate {
            return Err(OpError::value(
                "Alternate form (#) not allowed with integer format specifier 'c'",
            ));
        }
        if value.to_i64().is_none() {
            return Err(OpError::Overflow(
                "Python int too large to convert to C long",
            ));
        }
        let ch = value
            .to_u32()
            .and_then(char::from_u32)
            .or_else(|| value.to_u32().filter(|&v| v < 0x110000).map(|_| '\u{fffd}'));
        let Some(ch) = ch else {
            return Err(OpError::Overflow("%c arg not in range(0x110000)"));
        };
        let mut buf = [0u8; 4];
        let text = ch.encode_utf8(&mut buf);
        let parts = NumberParts {
            sign: None,
            prefix: "",
            digits: "",
            remainder: text,
        };
        return layout_number(&parts, fill, align, width, None);
    }
    let (radix, prefix) = match ty {
        'b' => (2, "0b"),
        'o' => (8, "0o"),
        'x' => (16, "0x"),
        'X' => (16, "0X"),
        _ => (10, ""),
    };
    let digits = if radix == 10 {
        int_to_decimal(&value.abs(), INT_MAX_STR_DIGITS)?
    } else {
        int_to_radix(&value.abs(), radix, false, ty == 'X')
    };
    let prefix = if spec.alternate { prefix } else { "" };
    let sep = match spec.grouping {
        Some(Grouping::Comma) => Some((',', 3)),
        Some(Grouping::Underscore) => Some(('_', if radix == 10 { 3 } else { 4 })),
        None => None,
    };
    let parts = NumberParts {
        sign: sign_char(value.is_negative(), spec.sign),
        prefix,
        digits: &digits,
        remainder: "",
    };
    layout_number(&parts, fill, align, width, sep)
}

/// `format(value, spec)` for a float (`_PyFloat_FormatAdvancedWriter`).
///
/// Types `e E f F g G n %` and none (like `repr`, or `g` with at least one
/// digit after the point when a precision is given).
pub fn format_float(value: f64, spec: &str, type_name: &str) -> OpResult<String> {
    if spec.is_empty() {
        let mut s = String::new();
        push_float_repr(&mut s, value);
        return Ok(s);
    }
    let spec = parse_format_spec(spec, None, type_name)?;
    match spec.ty {
        None | Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'n' | '%') => {
            format_float_internal(value, &spec)
        }
        Some(other) => Err(unknown_code(other, type_name)),
    }
}

/// `format_float_internal`.
fn format_float_internal(value: f64, spec: &FormatSpec) -> OpResult<String> {
    if spec.precision.is_some_and(|p| p > i32::MAX as usize) {
        return Err(OpError::value("precision too big"));
    }
    // A fixed-point float has up to 309 integer digits plus the precision.
    check_str_len(spec.precision.unwrap_or(0).saturating_add(400))?;
    let mut flags = FloatFlags {
        alternate: spec.alternate,
        ..FloatFlags::default()
    };
    let mut ty = spec.ty.unwrap_or('r');
    let mut default_precision = 6;
    if spec.ty.is_none() {
        flags.add_dot_0 = true;
        default_precision = 0;
    }
    if ty == 'n' {
        ty = 'g';
    }
    let mut val = value;
    let mut percent = false;
    if ty == '%' {
        ty = 'f';
        val *= 100.0;
        percent = true;
    }
    let precision = match spec.precision {
        Some(p) => {
            if ty == 'r' {
                ty = 'g';
            }
            p
        }
        None => default_precision,
    };
    flags.upper = matches!(ty, 'E' | 'F' | 'G');
    let style = match ty.to_ascii_lowercase() {
        'e' => FloatStyle::Exponent(precision),
        'f' => FloatStyle::Fixed(precision),
        'g' => FloatStyle::General(precision),
        _ => FloatStyle::Repr,
    };
    let mut body = String::new();
    format_float_abs(&mut body, val, style, flags);
    if percent {
        body.push('%');
    }
    let mut negative = val.is_sign_negative() && !val.is_nan();
    if negative && spec.no_neg_0 {
        let mantissa = body.split(['e', 'E']).next().unwrap_or("");
        if mantissa.bytes().all(|b| !b.is_ascii_digit() || b == b'0') {
            negative = false;
        }
    }
    let split = body
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(body.len());
    let (digits, remainder) = body.split_at(split);
    let sep = match spec.grouping {
        Some(Grouping::Comma) => Some((',', 3)),
        Some(Grouping::Underscore) => Some(('_', 3)),
        None => None,
    };
    let (fill, align) = number_fill_align(spec);
    let parts = NumberParts {
        sign: sign_char(negative, spec.sign),
        prefix: "",
        digits,
        remainder,
    };
    layout_number(&parts, fill, align, spec.width.unwrap_or(0), sep)
}

/// `format(value, spec)` for a str (`format_string_internal`): types `s`
/// and none; precision truncates; default alignment is left.
pub fn format_str(value: &str, spec: &str, type_name: &str) -> OpResult<String> {
    if spec.is_empty() {
        return Ok(value.to_owned());
    }
    let spec = parse_format_spec(spec, Some('s'), type_name)?;
    match spec.ty {
        Some('s') | None => {}
        Some(other) => return Err(unknown_code(other, type_name)),
    }
    match spec.sign {
        Some(' ') => {
            return Err(OpError::value(
                "Space not allowed in string format specifier",
            ));
        }
        Some(_) => {
            return Err(OpError::value(
                "Sign not allowed in string format specifier",
            ));
        }
        None => {}
    }
    if spec.no_neg_0 {
        return Err(OpError::value(
            "Negative zero coercion (z) not allowed in string format specifier",
        ));
    }
    if spec.alternate {
        return Err(OpError::value(
            "Alternate form (#) not allowed in string format specifier",
        ));
    }
    if spec.align == Some(Align::AfterSign) {
        return Err(OpError::value(
            "'=' alignment not allowed in string format specifier",
        ));
    }
    let fill = spec.fill.unwrap_or(if spec.zero_pad { '0' } else { ' ' });
    let mut len = value.chars().count();
    let text = match spec.precision {
        Some(p) if p < len => {
            len = p;
            let end = value.char_indices().nth(p).map_or(value.len(), |(i, _)| i);
            &value[..end]
        }
        _ => value,
    };
    let pad = spec.width.unwrap_or(0).saturating_sub(len);
    check_str_len(
        text.len()
            .saturating_add(pad.saturating_mul(fill.len_utf8())),
    )?;
    let (lpad, rpad) = match spec.align {
        Some(Align::Right) => (pad, 0),
        Some(Align::Center) => (pad / 2, pad - pad / 2),
        _ => (0, pad),
    };
    let mut out = String::with_capacity(text.len() + pad * fill.len_utf8());
    out.extend(std::iter::repeat_n(fill, lpad));
    out.push_str(text);
    out.extend(std::iter::repeat_n(fill, rpad));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn show<T>(r: OpResult<T>) -> String
    where
        T: Into<String>,
    {
        match r {
            Ok(s) => s.into(),
            Err(e) => e.to_string(),
        }
    }

    #[rstest]
    // Generated from CPython 3.11: (value, spec, format(value, spec) or 'Class: message').
    #[case("0", "", "0")]
    #[case("1234", ",", "1,234")]
    #[case("1234", "08,", "0,001,234")]
    #[case("1234", "012,", "0,000,001,234")]
    #[case("1234", "_", "1_234")]
    #[case("255", "#x", "0xff")]
    #[case("255", "#X", "0XFF")]
    #[case("255", "#010x", "0x000000ff")]
    #[case("255", "_b", "1111_1111")]
    #[case("255", "#_b", "0b1111_1111")]
    #[case("-255", "#_x", "-0xff")]
    #[case("65", "c", "A")]
    #[case("65", "5c", "    A")]
    #[case("65", "<5c", "A    ")]
    #[case("-5", "+", "-5")]
    #[case("5", "+", "+5")]
    #[case("5", " ", " 5")]
    #[case("-5", " ", "-5")]
    #[case("-12", "*=6", "-***12")]
    #[case("-12", "06", "-00012")]
    #[case("12", "^7", "  12   ")]
    #[case("12", "*^6", "**12**")]
    #[case("1234567", "_d", "1_234_567")]
    #[case("100000000000000000000", ",", "100,000,000,000,000,000,000")]
    #[case("5", "0=4", "0005")]
    #[case("1234", "0=8,", "0,001,234")]
    #[case("1234", "*=8,", "***1,234")]
    #[case("42", "x", "2a")]
    #[case("42", "o", "52")]
    #[case("42", "#o", "0o52")]
    #[case("42", "b", "101010")]
    #[case("42", "n", "42")]
    #[case("42", "e", "4.200000e+01")]
    #[case("42", ".2f", "42.00")]
    #[case("42", "%", "4200.000000%")]
    #[case("42", "g", "42")]
    #[case("-42", "E", "-4.200000E+01")]
    #[case("42", "10.3e", " 4.200e+01")]
    #[case("0", "#b", "0b0")]
    #[case("0", "+", "+0")]
    #[case("7", "=5", "    7")]
    #[case("7", "<5", "7    ")]
    #[case("12345", ">10,", "    12,345")]
    #[case("-1234", "010,", "-0,001,234")]
    #[case("1234", "10_x", "       4d2")]
    #[case("1048576", "_x", "10_0000")]
    #[case(
        "123",
        "s",
        "ValueError: Unknown format code 's' for object of type 'int'"
    )]
    #[case(
        "1",
        ".2",
        "ValueError: Precision not allowed in integer format specifier"
    )]
    #[case(
        "1",
        "z",
        "ValueError: Negative zero coercion (z) not allowed in integer format specifier"
    )]
    #[case(
        "65",
        "+c",
        "ValueError: Sign not allowed with integer format specifier 'c'"
    )]
    #[case(
        "65",
        "#c",
        "ValueError: Alternate form (#) not allowed with integer format specifier 'c'"
    )]
    #[case("-1", "c", "OverflowError: %c arg not in range(0x110000)")]
    #[case("1114112", "c", "OverflowError: %c arg not in range(0x110000)")]
    #[case("1", ",c", "ValueError: Cannot specify ',' with 'c'.")]
    #[case("1", ",b", "ValueError: Cannot specify ',' with 'b'.")]
    #[case("1", ",x", "ValueError: Cannot specify ',' with 'x'.")]
    #[case("1", "_n", "ValueError: Cannot specify '_' with 'n'.")]
    #[case("1", ",_", "ValueError: Cannot specify both ',' and '_'.")]
    #[case("1", "_,", "ValueError: Cannot specify both ',' and '_'.")]
    #[case("1", ".", "ValueError: Format specifier missing precision")]
    #[case(
        "1",
        "xx",
        "ValueError: Invalid format specifier 'xx' for object of type 'int'"
    )]
    #[case(
        "1",
        "99999999999999999999",
        "ValueError: Too many decimal digits in format string"
    )]
    #[case(
        "1",
        "\u{1}",
        "ValueError: Unknown format code '\\x1' for object of type 'int'"
    )]
    #[case("1", "d", "1")]
    #[case("1234", "+,", "+1,234")]
    #[case("1234", "-08_", "0_001_234")]
    #[case("-1234", " 010_", "-0_001_234")]
    #[case("1234", "é>8", "éééé1234")]
    fn ints_match_python(#[case] value: &str, #[case] spec: &str, #[case] want: &str) {
        let v: BigInt = value.parse().unwrap();
        assert_eq!(
            show(format_int(&v, spec, "int")),
            want,
            "format({value}, {spec:?})"
        );
    }

    #[rstest]
    #[case(1.5, "", "1.5")]
    #[case(1.0, "", "1.0")]
    #[case(1e+16, "", "1e+16")]
    #[case(1.5, ".3", "1.5")]
    #[case(1234.5, ".2", "1.2e+03")]
    #[case(1.0, ".0", "1e+00")]
    #[case(0.1, "10", "       0.1")]
    #[case(-1.5, "+", "-1.5")]
    #[case(1.5, "+", "+1.5")]
    #[case(1.5, " ", " 1.5")]
    #[case(1234.5678, ",.2f", "1,234.57")]
    #[case(1234.5678, "015,.2f", "0,000,001,234.57")]
    #[case(-1234.5678, "015,.2f", "-000,001,234.57")]
    #[case(1234.5678, "_.2f", "1_234.57")]
    #[case(0.5, "%", "50.000000%")]
    #[case(0.125, ".1%", "12.5%")]
    #[case(1e+20, "f", "100000000000000000000.000000")]
    #[case(1e+20, ",", "1e+20")]
    #[case(1e-05, "", "1e-05")]
    #[case(1e-05, "g", "1e-05")]
    #[case(1e-05, "G", "1E-05")]
    #[case(1e+300, "e", "1.000000e+300")]
    #[case(1.5, "E", "1.500000E+00")]
    #[case(f64::INFINITY, "f", "inf")]
    #[case(f64::INFINITY, "F", "INF")]
    #[case(f64::NEG_INFINITY, "010", "-000000inf")]
    #[case(f64::INFINITY, "010", "0000000inf")]
    #[case(f64::NAN, "+", "+nan")]
    #[case(-f64::NAN, "f", "nan")]
    #[case(f64::NAN, "=+8", "+    nan")]
    #[case(-0.0, "", "-0.0")]
    #[case(-0.0, "z", "0.0")]
    #[case(-0.0001, "z.2f", "0.00")]
    #[case(-0.0001, ".2f", "-0.00")]
    #[case(-0.0, "z.1f", "0.0")]
    #[case(0.0001, "z.2f", "0.00")]
    #[case(1.5, "#.0f", "2.")]
    #[case(1.5, "#g", "1.50000")]
    #[case(1.5, "#", "1.5")]
    #[case(
        1.5,
        "d",
        "ValueError: Unknown format code 'd' for object of type 'float'"
    )]
    #[case(
        1.5,
        "x",
        "ValueError: Unknown format code 'x' for object of type 'float'"
    )]
    #[case(
        1.5,
        "s",
        "ValueError: Unknown format code 's' for object of type 'float'"
    )]
    #[case(1.5, "n", "1.5")]
    #[case(1.5, ",n", "ValueError: Cannot specify ',' with 'n'.")]
    #[case(
        1.5,
        "c",
        "ValueError: Unknown format code 'c' for object of type 'float'"
    )]
    #[case(1234.5, "^12", "   1234.5   ")]
    #[case(1234.5, "*<12.1f", "1234.5******")]
    #[case(1234.5, "=12", "      1234.5")]
    #[case(12.0, "08.3f", "0012.000")]
    #[case(-12.0, "08.3f", "-012.000")]
    #[case(12.0, "#08.0f", "0000012.")]
    #[case(1e+100, ".3g", "1e+100")]
    #[case(123456789.0, ",", "123,456,789.0")]
    #[case(123456789.0, "_", "123_456_789.0")]
    #[case(1234.0, "015,", "0,000,001,234.0")]
    #[case(1.234e-06, ".2e", "1.23e-06")]
    #[case(2.5, ".0f", "2")]
    #[case(3.5, ".0f", "4")]
    #[case(1.0, ".2", "1.0")]
    #[case(1e+22, ".25", "10000000000000000000000.0")]
    #[case(1.0, "_e", "1.000000e+00")]
    #[case(
        1.0,
        ".500f",
        "1.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    )]
    fn floats_match_python(#[case] value: f64, #[case] spec: &str, #[case] want: &str) {
        assert_eq!(
            show(format_float(value, spec, "float")),
            want,
            "format({value}, {spec:?})"
        );
    }

    #[rstest]
    #[case("ab", "", "ab")]
    #[case("ab", "5", "ab   ")]
    #[case("ab", "<5", "ab   ")]
    #[case("ab", ">5", "   ab")]
    #[case("ab", "^5", " ab  ")]
    #[case("ab", "*^6", "**ab**")]
    #[case("abc", ".2", "ab")]
    #[case("abc", "5.2", "ab   ")]
    #[case("ab", "05", "ab000")]
    #[case("ab", "s", "ab")]
    #[case(
        "ab",
        "x",
        "ValueError: Unknown format code 'x' for object of type 'str'"
    )]
    #[case(
        "ab",
        "d",
        "ValueError: Unknown format code 'd' for object of type 'str'"
    )]
    #[case("ab", "+", "ValueError: Sign not allowed in string format specifier")]
    #[case("ab", " ", "ValueError: Space not allowed in string format specifier")]
    #[case("ab", "-", "ValueError: Sign not allowed in string format specifier")]
    #[case(
        "ab",
        "#",
        "ValueError: Alternate form (#) not allowed in string format specifier"
    )]
    #[case(
        "ab",
        "=5",
        "ValueError: '=' alignment not allowed in string format specifier"
    )]
    #[case("ab", ",", "ValueError: Cannot specify ',' with 's'.")]
    #[case("ab", "_", "ValueError: Cannot specify '_' with 's'.")]
    #[case(
        "ab",
        "z",
        "ValueError: Negative zero coercion (z) not allowed in string format specifier"
    )]
    #[case("ab", ".", "ValueError: Format specifier missing precision")]
    #[case("ab", ".0", "")]
    #[case(
        "ab",
        "xyz",
        "ValueError: Invalid format specifier 'xyz' for object of type 'str'"
    )]
    #[case("ab", "é^6", "ééabéé")]
    #[case("日本", "^6", "  日本  ")]
    #[case("ab", "010", "ab00000000")]
    #[case("ab", "0<5", "ab000")]
    #[case("ab", "=^5", "=ab==")]
    #[case("ab", "^", "ab")]
    #[case("ab", "1", "ab")]
    #[case(
        "ab",
        "\u{5}",
        "ValueError: Unknown format code '\\x5' for object of type 'str'"
    )]
    fn strs_match_python(#[case] value: &str, #[case] spec: &str, #[case] want: &str) {
        assert_eq!(
            show(format_str(value, spec, "str")),
            want,
            "format({value:?}, {spec:?})"
        );
    }

    #[test]
    fn type_name_appears_in_messages() {
        let one = BigInt::from(1);
        assert_eq!(
            format_int(&one, "s", "bool").unwrap_err().to_string(),
            "ValueError: Unknown format code 's' for object of type 'bool'"
        );
    }

    #[test]
    fn huge_width_and_precision_do_not_panic() {
        let one = BigInt::from(1);
        assert!(format_int(&one, "99999999999999999999999", "int").is_err());
        assert!(format_float(1.0, ".99999999999", "float").is_err());
        assert_eq!(format_str("abc", ".99999999999", "str").unwrap(), "abc");
        assert_eq!(
            format_str("abc", "99999999999", "str"),
            Err(OpError::Memory)
        );
        assert_eq!(
            format_int(&one, "099999999999", "int"),
            Err(OpError::Memory)
        );
        assert_eq!(
            format_int(&one, "99999999999,", "int"),
            Err(OpError::Memory)
        );
        assert_eq!(
            format_float(1.0, ".2000000000f", "float"),
            Err(OpError::Memory)
        );
    }
}
