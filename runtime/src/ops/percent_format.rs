//! `str % args`: printf-style formatting as CPython 3.11's
//! `PyUnicode_Format` does it: `%[(key)][flags][width|*][.precision|.*][hlL]type`
//! with types `s r a c d i u o x X e E f F g G %`, a tuple, a single value
//! or a mapping on the right, and CPython's errors ("not all arguments
//! converted during string formatting", "not enough arguments for format
//! string", "unsupported format character 'z' (0x7a) at index 1"...).
//!
//! The VM implements [`PercentHost`] (argument access, `str`/`repr`/`ascii`,
//! and classifying a value as a number); [`percent_format`] does the rest.

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive};

use super::check_str_len;
use super::error::OpError;
use super::float_repr::{FloatFlags, FloatStyle, format_float_abs};
use super::number::{INT_MAX_STR_DIGITS, f64_to_int, int_to_decimal, int_to_f64, int_to_radix};
use super::str_format::Conversion;

/// A value seen through the number protocol, as `%d`, `%x`, `%f`, `%c`
/// and `*` need it. The VM maps objects with `__index__`/`__int__`/
/// `__float__` onto `Int`/`Float` as CPython's `PyNumber_*` would.
#[derive(Debug, Clone, PartialEq)]
pub enum PercentNumber {
    /// An int (or bool).
    Int(BigInt),
    /// A float.
    Float(f64),
    /// A str (only `%c` accepts one, of length 1).
    Str(String),
    /// Anything else; carries `type(v).__name__` for the error message.
    Other(String),
}

/// What [`percent_format`] needs from the object model.
pub trait PercentHost {
    /// An owned reference to a Python object.
    type Value;
    /// The VM's exception type; `OpError`s convert into it.
    type Error: From<OpError>;
    /// `Some(n)` when the right operand is a tuple of `n` items.
    fn tuple_len(&self) -> Option<usize>;
    /// True when the right operand is a mapping in CPython's sense
    /// (`PyMapping_Check`: has `__getitem__`, e.g. dict or list) and is
    /// neither a tuple nor a str.
    fn is_mapping(&self) -> bool;
    /// The right operand itself (single-value form).
    fn whole(&mut self) -> Self::Value;
    /// Item `i` of the right operand when it is a tuple (`i < n`).
    fn item(&mut self, i: usize) -> Self::Value;
    /// `right_operand[key]` for `%(key)s`; a miss raises `KeyError(key)`.
    fn key(&mut self, key: &str) -> Result<Self::Value, Self::Error>;
    /// Classifies a value for the numeric conversions.
    fn number(&mut self, v: Self::Value) -> Result<PercentNumber, Self::Error>;
    /// `str(v)`, `repr(v)` or `ascii(v)`.
    fn text(&mut self, v: Self::Value, conversion: Conversion) -> Result<String, Self::Error>;
}

const F_LJUST: u8 = 1;
const F_SIGN: u8 = 2;
const F_BLANK: u8 = 4;
const F_ALT: u8 = 8;
const F_ZERO: u8 = 16;

/// The argument cursor (`arglen`, `argidx` of `struct unicode_formatter_t`).
struct Args<V> {
    arglen: i64,
    argidx: i64,
    keyed: Option<V>,
}

impl<V> Args<V> {
    fn next<H: PercentHost<Value = V>>(&mut self, host: &mut H) -> Result<V, H::Error> {
        if self.argidx < self.arglen {
            let idx = self.argidx;
            self.argidx += 1;
            if self.arglen < 0 {
                return Ok(match self.keyed.take() {
                    Some(v) => v,
                    None => host.whole(),
                });
            }
            return Ok(host.item(idx as usize));
        }
        Err(OpError::Type("not enough arguments for format string".into()).into())
    }
}

fn incomplete() -> OpError {
    OpError::value("incomplete format")
}

/// `format % args` (`PyUnicode_Format`).
pub fn percent_format<H: PercentHost>(format: &str, host: &mut H) -> Result<String, H::Error> {
    let chars: Vec<char> = format.chars().collect();
    let mut args: Args<H::Value> = match host.tuple_len() {
        Some(n) => Args {
            arglen: n as i64,
            argidx: 0,
            keyed: None,
        },
        None => Args {
            arglen: -1,
            argidx: -2,
            keyed: None,
        },
    };
    let mapping = host.tuple_len().is_none() && host.is_mapping();
    let mut out = String::with_capacity(format.len() + 16);
    let mut pos = 0;
    while pos < chars.len() {
        let c = chars[pos];
        pos += 1;
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.get(pos) == Some(&'%') {
            pos += 1;
            out.push('%');
            continue;
        }
        format_arg(&chars, &mut pos, mapping, &mut args, host, &mut out)?;
    }
    if args.argidx < args.arglen && !mapping {
        return Err(
            OpError::Type("not all arguments converted during string formatting".into()).into(),
        );
    }
    Ok(out)
}

/// Reads the next format character, or fails with "incomplete format".
fn read(chars: &[char], pos: &mut usize) -> Result<char, OpError> {
    let c = *chars.get(*pos).ok_or_else(incomplete)?;
    *pos += 1;
    Ok(c)
}

/// `* wants int`, and the int it wants.
fn star_arg<H: PercentHost>(args: &mut Args<H::Value>, host: &mut H) -> Result<BigInt, H::Error> {
    let v = args.next(host)?;
    match host.number(v)? {
        PercentNumber::Int(i) => Ok(i),
        _ => Err(OpError::Type("* wants int".into()).into()),
    }
}

/// One conversion specification, after its `%` (`unicode_format_arg`).
fn format_arg<H: PercentHost>(
    chars: &[char],
    pos: &mut usize,
    mapping: bool,
    args: &mut Args<H::Value>,
    host: &mut H,
    out: &mut String,
) -> Result<(), H::Error> {
    if chars.get(*pos) == Some(&'(') {
        if !mapping {
            return Err(OpError::Type("format requires a mapping".into()).into());
        }
        *pos += 1;
        let start = *pos;
        let mut depth = 1;
        while depth > 0 && *pos < chars.len() {
            match chars[*pos] {
                ')' => depth -= 1,
                '(' => depth += 1,
                _ => {}
            }
            *pos += 1;
        }
        if depth > 0 {
            return Err(OpError::value("incomplete format key").into());
        }
        let key: String = chars[start..*pos - 1].iter().collect();
        args.keyed = Some(host.key(&key)?);
        args.arglen = -1;
        args.argidx = -2;
    }
    let mut flags = 0u8;
    let mut ch = read(chars, pos)?;
    loop {
        match ch {
            '-' => flags |= F_LJUST,
            '+' => flags |= F_SIGN,
            ' ' => flags |= F_BLANK,
            '#' => flags |= F_ALT,
            '0' => flags |= F_ZERO,
            _ => break,
        }
        ch = read(chars, pos)?;
    }
    let mut width: usize = 0;
    if ch == '*' {
        let w = star_arg(args, host)?;
        let w = w.to_i64().ok_or(OpError::Overflow(
            "Python int too large to convert to C ssize_t",
        ))?;
        if w < 0 {
            flags |= F_LJUST;
        }
        width = w.unsigned_abs() as usize;
        ch = read(chars, pos)?;
    } else if let Some(d) = ch.to_digit(10) {
        width = d as usize;
        loop {
            ch = read(chars, pos)?;
            let Some(d) = ch.to_digit(10) else { break };
            width = width
                .checked_mul(10)
                .and_then(|w| w.checked_add(d as usize))
                .filter(|&w| w <= i64::MAX as usize)
                .ok_or_else(|| OpError::value("width too big"))?;
        }
    }
    let mut precision: Option<usize> = None;
    if ch == '.' {
        let mut prec = 0usize;
        ch = read(chars, pos)?;
        if ch == '*' {
            let p = star_arg(args, host)?;
            let p = p.to_i32().ok_or(OpError::Overflow(
                "Python int too large to convert to C int",
            ))?;
            prec = p.max(0) as usize;
            ch = read(chars, pos)?;
        } else if let Some(d) = ch.to_digit(10) {
            prec = d as usize;
            loop {
                ch = read(chars, pos)?;
                let Some(d) = ch.to_digit(10) else { break };
                prec = prec
                    .checked_mul(10)
                    .and_then(|p| p.checked_add(d as usize))
                    .filter(|&p| p <= i32::MAX as usize)
                    .ok_or_else(|| OpError::value("precision too big"))?;
            }
        }
        precision = Some(prec);
    }
    if matches!(ch, 'h' | 'l' | 'L') {
        ch = read(chars, pos)?;
    }
    let v = args.next(host)?;
    let index = *pos - 1;
    match ch {
        's' | 'r' | 'a' => {
            let conv = match ch {
                's' => Conversion::Str,
                'r' => Conversion::Repr,
                _ => Conversion::Ascii,
            };
            let text = host.text(v, conv)?;
            let text = match precision {
                Some(p) => match text.char_indices().nth(p) {
                    Some((b, _)) => &text[..b],
                    None => &text[..],
                },
                None => &text[..],
            };
            output(out, text, false, false, flags, width)?;
        }
        'c' => {
            let c = match host.number(v)? {
                PercentNumber::Int(i) => match i.to_u32() {
                    Some(u) if u < 0x110000 => char::from_u32(u).unwrap_or('\u{fffd}'),
                    _ => return Err(OpError::Overflow("%c arg not in range(0x110000)").into()),
                },
                PercentNumber::Str(s) if s.chars().count() == 1 => {
                    s.chars().next().unwrap_or('\u{fffd}')
                }
                _ => return Err(OpError::Type("%c requires int or char".into()).into()),
            };
            let mut buf = [0u8; 4];
            output(out, c.encode_utf8(&mut buf), false, false, flags, width)?;
        }
        'd' | 'i' | 'u' | 'o' | 'x' | 'X' => {
            let n = host.number(v)?;
            let value = match n {
                PercentNumber::Int(i) => i,
                PercentNumber::Float(f) if matches!(ch, 'd' | 'i' | 'u') => f64_to_int(f)?,
                PercentNumber::Float(_) => return Err(int_required(ch, "float").into()),
                PercentNumber::Str(_) => return Err(number_type_error(ch, "str").into()),
                PercentNumber::Other(t) => return Err(number_type_error(ch, &t).into()),
            };
            let body = format_long(&value, ch, flags & F_ALT != 0, precision)?;
            let alt = flags & F_ALT != 0 && matches!(ch, 'o' | 'x' | 'X');
            output(out, &body, true, alt, flags, width)?;
        }
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
            let x = match host.number(v)? {
                PercentNumber::Float(f) => f,
                PercentNumber::Int(i) => int_to_f64(&i)?,
                PercentNumber::Str(_) => {
                    return Err(OpError::Type("must be real number, not str".into()).into());
                }
                PercentNumber::Other(t) => {
                    return Err(OpError::Type(format!("must be real number, not {t}")).into());
                }
            };
            let prec = precision.unwrap_or(6);
            check_str_len(prec.saturating_add(400))?;
            let style = match ch.to_ascii_lowercase() {
                'e' => FloatStyle::Exponent(prec),
                'f' => FloatStyle::Fixed(prec),
                _ => FloatStyle::General(prec),
            };
            let fl = FloatFlags {
                upper: ch.is_ascii_uppercase(),
                alternate: flags & F_ALT != 0,
                add_dot_0: false,
            };
            let mut body = String::new();
            if x.is_sign_negative() && !x.is_nan() {
                body.push('-');
            }
            format_float_abs(&mut body, x, style, fl);
            output(out, &body, true, false, flags, width)?;
        }
        other => {
            let shown = if (' '..='~').contains(&other) {
                other
            } else {
                '?'
            };
            return Err(OpError::Value(format!(
                "unsupported format character '{shown}' (0x{:x}) at index {index}",
                other as u32
            ))
            .into());
        }
    }
    Ok(())
}

/// `%x format: an integer is required, not float`.
fn int_required(ch: char, type_name: &str) -> OpError {
    OpError::Type(format!(
        "%{ch} format: an integer is required, not {type_name}"
    ))
}

/// The `wrongtype` error of `mainformatlong`.
fn number_type_error(ch: char, type_name: &str) -> OpError {
    if matches!(ch, 'o' | 'x' | 'X') {
        int_required(ch, type_name)
    } else {
        OpError::Type(format!(
            "%{ch} format: a real number is required, not {type_name}"
        ))
    }
}

/// `_PyUnicode_FormatLong`: sign, alternate prefix, digits zero-padded to
/// `precision`.
fn format_long(
    v: &BigInt,
    ch: char,
    alt: bool,
    precision: Option<usize>,
) -> Result<String, OpError> {
    let digits = match ch {
        'o' => int_to_radix(&v.abs(), 8, false, false),
        'x' => int_to_radix(&v.abs(), 16, false, false),
        'X' => int_to_radix(&v.abs(), 16, false, true),
        _ => int_to_decimal(&v.abs(), INT_MAX_STR_DIGITS)?,
    };
    let prec = precision.unwrap_or(0);
    check_str_len(prec.saturating_add(digits.len()))?;
    let mut body = String::with_capacity(digits.len().max(prec) + 3);
    if v.is_negative() {
        body.push('-');
    }
    if alt {
        body.push_str(match ch {
            'o' => "0o",
            'x' => "0x",
            'X' => "0X",
            _ => "",
        });
    }
    body.extend(std::iter::repeat_n('0', prec.saturating_sub(digits.len())));
    body.push_str(&digits);
    Ok(body)
}

/// `unicode_format_arg_output`: sign, prefix, fill and justification.
fn output(
    out: &mut String,
    body: &str,
    numeric: bool,
    alt_prefix: bool,
    flags: u8,
    width: usize,
) -> Result<(), OpError> {
    let mut body = body;
    let mut sign = None;
    if numeric {
        if let Some(rest) = body.strip_prefix('-') {
            sign = Some('-');
            body = rest;
        } else if flags & F_SIGN != 0 {
            sign = Some('+');
        } else if flags & F_BLANK != 0 {
            sign = Some(' ');
        }
    }
    let fill = if numeric && flags & F_ZERO != 0 {
        '0'
    } else {
        ' '
    };
    let mut len = body.chars().count();
    let mut width = width.max(len);
    check_str_len(out.len().saturating_add(width).saturating_add(4))?;
    if let Some(s) = sign {
        if fill != ' ' {
            out.push(s);
        }
        if width > len {
            width -= 1;
        }
    }
    let mut prefix = "";
    if alt_prefix {
        prefix = body.get(..2).unwrap_or("");
        body = body.get(2..).unwrap_or("");
        if fill != ' ' {
            out.push_str(prefix);
        }
        width = width.saturating_sub(2);
        len = len.saturating_sub(2);
    }
    if width > len && flags & F_LJUST == 0 {
        out.extend(std::iter::repeat_n(fill, width - len));
        width = len;
    }
    if fill == ' ' {
        if let Some(s) = sign {
            out.push(s);
        }
        out.push_str(prefix);
    }
    out.push_str(body);
    if width > len {
        out.extend(std::iter::repeat_n(' ', width - len));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::approx_constant)] // 3.14159 is a test input, as in the Python docs
mod tests {
    use super::*;
    use crate::ops::float_repr::float_repr;
    use crate::ops::str_repr::{str_ascii, str_repr};
    use rstest::rstest;

    /// A tiny object model for the tests.
    #[derive(Debug, Clone)]
    enum Val {
        I(i64),
        B(bool),
        F(f64),
        S(&'static str),
        N,
        T(Vec<Val>),
        L(Vec<Val>),
        D(Vec<(String, Val)>),
    }
    use Val::*;

    fn show(v: &Val) -> String {
        match v {
            I(i) => i.to_string(),
            B(b) => {
                if *b {
                    "True".into()
                } else {
                    "False".into()
                }
            }
            F(f) => float_repr(*f),
            S(s) => s.to_string(),
            N => "None".into(),
            T(items) if items.len() == 1 => format!("({},)", reprs(items)),
            T(items) => format!("({})", reprs(items)),
            L(items) => format!("[{}]", reprs(items)),
            D(items) => format!(
                "{{{}}}",
                items
                    .iter()
                    .map(|(k, v)| format!("{}: {}", str_repr(k), repr(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    fn repr(v: &Val) -> String {
        match v {
            S(s) => str_repr(s),
            other => show(other),
        }
    }

    fn reprs(items: &[Val]) -> String {
        items.iter().map(repr).collect::<Vec<_>>().join(", ")
    }

    struct Host(Val);

    impl PercentHost for Host {
        type Value = Val;
        type Error = OpError;
        fn tuple_len(&self) -> Option<usize> {
            match &self.0 {
                T(items) => Some(items.len()),
                _ => None,
            }
        }
        fn is_mapping(&self) -> bool {
            matches!(self.0, D(_) | L(_))
        }
        fn whole(&mut self) -> Val {
            self.0.clone()
        }
        fn item(&mut self, i: usize) -> Val {
            match &self.0 {
                T(items) => items[i].clone(),
                _ => unreachable!("item() on a non-tuple"),
            }
        }
        fn key(&mut self, key: &str) -> Result<Val, OpError> {
            match &self.0 {
                D(items) => items
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, v)| v.clone())
                    .ok_or_else(|| OpError::Key(str_repr(key))),
                _ => Err(OpError::Type("not a dict".into())),
            }
        }
        fn number(&mut self, v: Val) -> Result<PercentNumber, OpError> {
            Ok(match v {
                I(i) => PercentNumber::Int(BigInt::from(i)),
                B(b) => PercentNumber::Int(BigInt::from(u8::from(b))),
                F(f) => PercentNumber::Float(f),
                S(s) => PercentNumber::Str(s.to_owned()),
                N => PercentNumber::Other("NoneType".into()),
                T(_) => PercentNumber::Other("tuple".into()),
                L(_) => PercentNumber::Other("list".into()),
                D(_) => PercentNumber::Other("dict".into()),
            })
        }
        fn text(&mut self, v: Val, conversion: Conversion) -> Result<String, OpError> {
            Ok(match conversion {
                Conversion::Str => show(&v),
                Conversion::Repr => repr(&v),
                Conversion::Ascii => match v {
                    S(s) => str_ascii(s),
                    other => repr(&other),
                },
            })
        }
    }

    fn run(fmt: &str, args: Val) -> String {
        match percent_format(fmt, &mut Host(args)) {
            Ok(s) => s,
            Err(e) => e.to_string(),
        }
    }

    // Expected strings observed from CPython 3.11 (`fmt % args`).
    #[rstest]
    #[case("%5%|%d", T(vec![I(3), I(4)]), "ValueError: unsupported format character '%' (0x25) at index 2")]
    #[case("%5%", T(vec![I(3)]), "ValueError: unsupported format character '%' (0x25) at index 2")]
    #[case("%.3d|%.3x|%#.3x|%#X|%#o|%-05d|%05d|%+05d|% 5d|%-+6d|%#5x|%#05x|%-#6x|", T(vec![I(5), I(-5), I(5), I(255), I(8), I(5), I(-5), I(5), I(5), I(5), I(255), I(255), I(255)]), "005|-005|0x005|0XFF|0o10|5    |-0005|+0005|    5|+5    | 0xff|0x0ff|0xff  |")]
    #[case("%05s|%-5s|%5.2s|%.0s|%5c|%-3c|", T(vec![S("ab"), S("ab"), S("abc"), S("abc"), S("x"), I(65)]), "   ab|ab   |   ab||    x|A  |")]
    #[case("%*s|%-*s|%*d", T(vec![I(-5), S("a"), I(3), S("b"), I(4), I(7)]), "a    |b  |   7")]
    #[case("%.*f|%.*f", T(vec![I(-2), F(1.5), I(1), F(2.25)]), "2|2.2")]
    #[case("%e|%E|%f|%F|%g|%G|%#g|%.0f|%#.0f|%+.1e|% f|%010.3f|%-10.2f|", T(vec![F(1.5), F(1.5), F(1e+20), F(f64::INFINITY), F(1e-05), F(1e-20), F(1.0), F(2.5), F(2.5), F(12345.0), F(1.0), F(-3.14159), F(2.5)]), "1.500000e+00|1.500000E+00|100000000000000000000.000000|INF|1e-05|1E-20|1.00000|2|2.|+1.2e+04| 1.000000|-00003.142|2.50      |")]
    #[case("%d|%i|%u", T(vec![F(3.9), F(-2.5), B(true)]), "3|-2|1")]
    #[case("%r|%a", T(vec![S("é"), S("é")]), "'é'|'\\xe9'")]
    #[case("%hd|%ld|%Lf", T(vec![I(1), I(2), F(3.0)]), "1|2|3.000000")]
    #[case("%10.4s|", T(vec![S("abcdefg")]), "      abcd|")]
    #[case("%05.1f|%-07.2f|%+08.2e|%08.3g", T(vec![F(-2.25), F(2.5), F(12.5), F(-0.0001234)]), "-02.2|2.50   |+1.25e+01|-0.000123")]
    #[case("%010x|%-10X|%+x|% o|%#010o", T(vec![I(-255), I(255), I(10), I(8), I(8)]), "-0000000ff|FF        |+a| 10|0o00000010")]
    #[case("%05c|%5s|%-5r", T(vec![S("x"), N, S("y")]), "    x| None|'y'  ")]
    #[case("%s", T(vec![N]), "None")]
    #[case("%F|%E|%G|%f", T(vec![F(f64::NAN), F(f64::NEG_INFINITY), F(f64::INFINITY), F(-f64::NAN)]), "NAN|-INF|INF|nan")]
    #[case("%010f|%-10f|%+f", T(vec![F(f64::NEG_INFINITY), F(f64::INFINITY), F(f64::NAN)]), "-000000inf|inf       |+nan")]
    #[case("%.2%", T(vec![]), "TypeError: not enough arguments for format string")]
    #[case("%-5%|", T(vec![]), "TypeError: not enough arguments for format string")]
    #[case("%d items", I(3), "3 items")]
    #[case("%s %r %5.2f %x %%", T(vec![S("a"), S("b"), F(3.14159), I(255)]), "a 'b'  3.14 ff %")]
    #[case("%d %d", T(vec![I(1)]), "TypeError: not enough arguments for format string")]
    #[case("%d", T(vec![I(1), I(2)]), "TypeError: not all arguments converted during string formatting")]
    #[case("%s", L(vec![]), "[]")]
    #[case(
        "%d",
        S("x"),
        "TypeError: %d format: a real number is required, not str"
    )]
    #[case(
        "%x",
        F(1.5),
        "TypeError: %x format: an integer is required, not float"
    )]
    #[case("%c", S("ab"), "TypeError: %c requires int or char")]
    #[case("%c", I(1114112), "OverflowError: %c arg not in range(0x110000)")]
    #[case("%(a)s", I(1), "TypeError: format requires a mapping")]
    #[case("%", T(vec![]), "ValueError: incomplete format")]
    #[case(
        "%z",
        I(1),
        "ValueError: unsupported format character 'z' (0x7a) at index 1"
    )]
    #[case("%z", T(vec![]), "TypeError: not enough arguments for format string")]
    #[case("%(x)s-%(y)05d", D(vec![("x".into(), I(1)), ("y".into(), I(2))]), "1-00002")]
    #[case("%s", T(vec![T(vec![I(1), I(2)])]), "(1, 2)")]
    #[case("%i %u", T(vec![I(3), I(4)]), "3 4")]
    #[case("%c%c", T(vec![I(65), S("B")]), "AB")]
    #[case("%5.1s|", S("abc"), "    a|")]
    #[case("% d", I(5), " 5")]
    #[case("%#x", I(0), "0x0")]
    #[case("%.0e", I(5), "5e+00")]
    #[case("%d", F(3.99), "3")]
    #[case("%x", I(-255), "-ff")]
    #[case("%s %s", S("a"), "TypeError: not enough arguments for format string")]
    #[case("%d", B(true), "1")]
    #[case("%x", B(true), "1")]
    #[case(
        "%d",
        S("1"),
        "TypeError: %d format: a real number is required, not str"
    )]
    #[case("%f", S("1"), "TypeError: must be real number, not str")]
    #[case("%c", I(-1), "OverflowError: %c arg not in range(0x110000)")]
    #[case("%c", S("é"), "é")]
    #[case("%s", T(vec![I(1), I(2)]), "TypeError: not all arguments converted during string formatting")]
    #[case("%s %s", L(vec![I(1), I(2)]), "TypeError: not enough arguments for format string")]
    #[case("%(a)s %(b)d", D(vec![("a".into(), S("x")), ("b".into(), F(2.7))]), "x 2")]
    #[case("%(a)s", D(vec![("b".into(), I(1))]), "KeyError: 'a'")]
    #[case("%*d", T(vec![S("x"), I(1)]), "TypeError: * wants int")]
    #[case("%.*d", T(vec![F(1.5), I(1)]), "TypeError: * wants int")]
    #[case("%9999999999999999999999d", I(1), "ValueError: width too big")]
    #[case("%.9999999999d", I(1), "ValueError: precision too big")]
    #[case("%((a))s", D(vec![("(a)".into(), I(3))]), "3")]
    #[case("%-z", T(vec![I(1)]), "ValueError: unsupported format character 'z' (0x7a) at index 2")]
    #[case("%s%", T(vec![I(1)]), "ValueError: incomplete format")]
    #[case("%#.0e", F(1.0), "1.e+00")]
    #[case("%g", F(1e+16), "1e+16")]
    #[case("%.3g", I(100), "100")]
    #[case("%o", I(-8), "-10")]
    #[case(
        "%x",
        F(3.0),
        "TypeError: %x format: an integer is required, not float"
    )]
    #[case(
        "%d",
        F(1e+300),
        "1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160"
    )]
    #[case(
        "%d",
        F(f64::INFINITY),
        "OverflowError: cannot convert float infinity to integer"
    )]
    #[case("%s", T(vec![]), "TypeError: not enough arguments for format string")]
    #[case("%(a", D(vec![("a".into(), I(1))]), "ValueError: incomplete format key")]
    #[case("%(a)", D(vec![("a".into(), I(1))]), "ValueError: incomplete format")]
    #[case("%(a)s %s", D(vec![("a".into(), I(1))]), "TypeError: not enough arguments for format string")]
    #[case("%s %(a)s", D(vec![("a".into(), I(1))]), "{'a': 1} 1")]
    #[case("", L(vec![]), "")]
    #[case("", D(vec![("a".into(), I(1))]), "")]
    #[case(
        "x",
        S("abc"),
        "TypeError: not all arguments converted during string formatting"
    )]
    #[case(
        "x",
        I(5),
        "TypeError: not all arguments converted during string formatting"
    )]
    #[case("%s", D(vec![("a".into(), I(1))]), "{'a': 1}")]
    #[case(
        "%\u{1}",
        I(1),
        "ValueError: unsupported format character '?' (0x1) at index 1"
    )]
    #[case("é%sü%-3sé", T(vec![S("ß"), S("x")]), "éßüx  é")]
    #[case("%c", I(128512), "😀")]
    #[case("%.3s|%-6.2r|", T(vec![S("日本語だ"), S("ab")]), "日本語|'a    |")]
    #[case("%+.3d|% .3d|%+#o", T(vec![I(7), I(7), I(8)]), "+007| 007|+0o10")]
    #[case("%-06.1f|", T(vec![F(3.0)]), "3.0   |")]
    #[case("%0-6d|", T(vec![I(3)]), "3     |")]
    #[case("%#g|%#.3G|%#e", T(vec![F(0.0), F(1e-10), F(0.0)]), "0.00000|1.00E-10|0.000000e+00")]
    #[case("%.1f%%", T(vec![F(99.5)]), "99.5%")]
    fn matches_python(#[case] fmt: &str, #[case] args: Val, #[case] want: &str) {
        assert_eq!(run(fmt, args), want, "{fmt:?}");
    }

    #[test]
    fn huge_widths_are_memory_errors() {
        assert_eq!(run("%99999999999d", I(1)), "MemoryError");
        assert_eq!(run("%.1999999999f", F(1.0)), "MemoryError");
        assert_eq!(run("%.70000f", F(1.0)).len(), 70_002);
    }
}
