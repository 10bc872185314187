//! The format-spec mini-language (`format(value, spec)`, f-string specs):
//! `[[fill]align][sign][#][0][width][,|_][.precision][type]`.

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive};

use super::number::Num;

/// A parsed format spec.
#[derive(Clone, Debug, Default)]
pub struct FormatSpec {
    fill: Option<char>,
    align: Option<char>,
    sign: Option<char>,
    alt: bool,
    zero: bool,
    width: usize,
    grouping: Option<char>,
    precision: Option<usize>,
    /// The presentation type.
    pub ty: Option<char>,
}

fn group(digits: &str, sep: char, every: usize) -> String {
    let n = digits.len();
    let mut out = String::with_capacity(n + n / every);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(every) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

fn exp_fix(s: &str) -> String {
    // Rust's `1.5e2` -> Python's `1.5e+02`.
    match s.split_once('e') {
        Some((m, e)) => {
            let (sign, digits) = match e.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', e),
            };
            format!("{m}e{sign}{digits:0>2}")
        }
        None => s.to_string(),
    }
}

fn strip_zeros(s: &str) -> String {
    let (m, e) = match s.find('e') {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    };
    let m = if m.contains('.') {
        m.trim_end_matches('0').trim_end_matches('.')
    } else {
        m
    };
    format!("{m}{e}")
}

fn format_g(x: f64, prec: usize, alt: bool, upper: bool) -> String {
    let p = prec.max(1);
    if !x.is_finite() {
        return float_special(x, upper);
    }
    if x == 0.0 {
        let s = if alt {
            format!("{:.*}", p - 1, 0.0)
        } else {
            "0".into()
        };
        return if x.is_sign_negative() {
            format!("-{s}")
        } else {
            s
        };
    }
    let e = format!("{:.*e}", p - 1, x);
    let exp: i32 = e
        .split_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .unwrap_or(0);
    let s = if exp >= -4 && exp < p as i32 {
        format!("{:.*}", (p as i32 - 1 - exp).max(0) as usize, x)
    } else {
        exp_fix(&e)
    };
    let s = if alt { s } else { strip_zeros(&s) };
    if upper { s.to_uppercase() } else { s }
}

fn float_special(x: f64, upper: bool) -> String {
    let s = if x.is_nan() {
        "nan"
    } else if x > 0.0 {
        "inf"
    } else {
        "-inf"
    };
    if upper {
        s.to_uppercase()
    } else {
        s.to_string()
    }
}

impl FormatSpec {
    /// Parse a spec; `None` when it is malformed.
    pub fn parse(spec: &str) -> Option<FormatSpec> {
        let chars: Vec<char> = spec.chars().collect();
        let mut i = 0;
        let mut fs = FormatSpec::default();
        let is_align = |c: char| matches!(c, '<' | '>' | '^' | '=');
        if chars.len() >= 2 && is_align(chars[1]) {
            fs.fill = Some(chars[0]);
            fs.align = Some(chars[1]);
            i = 2;
        } else if !chars.is_empty() && is_align(chars[0]) {
            fs.align = Some(chars[0]);
            i = 1;
        }
        if let Some(&c) = chars.get(i)
            && matches!(c, '+' | '-' | ' ')
        {
            fs.sign = Some(c);
            i += 1;
        }
        if chars.get(i) == Some(&'z') {
            i += 1;
        }
        if chars.get(i) == Some(&'#') {
            fs.alt = true;
            i += 1;
        }
        if chars.get(i) == Some(&'0') {
            fs.zero = true;
            i += 1;
        }
        let start = i;
        while chars.get(i).is_some_and(|c| c.is_ascii_digit()) {
            i += 1;
        }
        if i > start {
            fs.width = chars[start..i].iter().collect::<String>().parse().ok()?;
        }
        if let Some(&c) = chars.get(i)
            && (c == ',' || c == '_')
        {
            fs.grouping = Some(c);
            i += 1;
        }
        if chars.get(i) == Some(&'.') {
            i += 1;
            let start = i;
            while chars.get(i).is_some_and(|c| c.is_ascii_digit()) {
                i += 1;
            }
            if i == start {
                return None;
            }
            fs.precision = Some(chars[start..i].iter().collect::<String>().parse().ok()?);
        }
        if let Some(&c) = chars.get(i) {
            fs.ty = Some(c);
            i += 1;
        }
        if i != chars.len() {
            return None;
        }
        Some(fs)
    }

    fn pad(&self, body: &str, sign: &str, default_align: char) -> String {
        let fill = self.fill.unwrap_or(if self.zero && self.align.is_none() {
            '0'
        } else {
            ' '
        });
        let align = self
            .align
            .unwrap_or(if self.zero { '=' } else { default_align });
        let len = body.chars().count() + sign.chars().count();
        if len >= self.width {
            return format!("{sign}{body}");
        }
        let padn = self.width - len;
        let padding: String = std::iter::repeat_n(fill, padn).collect();
        match align {
            '<' => format!("{sign}{body}{padding}"),
            '>' => format!("{padding}{sign}{body}"),
            '^' => {
                let left: String = std::iter::repeat_n(fill, padn / 2).collect();
                let right: String = std::iter::repeat_n(fill, padn - padn / 2).collect();
                format!("{left}{sign}{body}{right}")
            }
            _ => format!("{sign}{padding}{body}"),
        }
    }

    /// Format a str.
    pub fn format_str(&self, s: &str) -> Result<String, String> {
        if let Some(t) = self.ty
            && t != 's'
        {
            return Err(format!(
                "Unknown format code '{t}' for object of type 'str'"
            ));
        }
        if self.sign.is_some() {
            return Err("Sign not allowed in string format specifier".into());
        }
        if self.align == Some('=') {
            return Err("'=' alignment not allowed in string format specifier".into());
        }
        let body: String = match self.precision {
            Some(p) => s.chars().take(p).collect(),
            None => s.to_string(),
        };
        Ok(self.pad(&body, "", '<'))
    }

    /// Format an int or float.
    pub fn format_num(&self, n: &Num, tyname: &str) -> Result<String, String> {
        let is_float = matches!(n, Num::F(_));
        let ty = self.ty;
        let int_ty = matches!(ty, Some('d' | 'b' | 'o' | 'x' | 'X' | 'c' | 'n'));
        if is_float && int_ty {
            return Err(format!(
                "Unknown format code '{}' for object of type 'float'",
                ty.unwrap_or('?')
            ));
        }
        if let Some(t) = ty
            && !matches!(
                t,
                'd' | 'b' | 'o' | 'x' | 'X' | 'c' | 'n' | 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%'
            )
        {
            return Err(format!(
                "Unknown format code '{t}' for object of type '{tyname}'"
            ));
        }
        if !is_float && (int_ty || ty.is_none()) {
            if self.precision.is_some() {
                return Err("Precision not allowed in integer format specifier".into());
            }
            let v: BigInt = match n {
                Num::I(i) => BigInt::from(*i),
                Num::B(b) => b.clone(),
                Num::F(_) => BigInt::from(0),
            };
            if ty == Some('c') {
                let c = v
                    .to_u32()
                    .and_then(char::from_u32)
                    .ok_or("%c arg not in range(0x110000)")?;
                return Ok(self.pad(&c.to_string(), "", '<'));
            }
            let neg = v.is_negative();
            let a = v.abs();
            let (digits, prefix, every) = match ty {
                Some('b') => (a.to_str_radix(2), "0b", 4),
                Some('o') => (a.to_str_radix(8), "0o", 4),
                Some('x') => (a.to_str_radix(16), "0x", 4),
                Some('X') => (a.to_str_radix(16).to_uppercase(), "0X", 4),
                _ => (a.to_string(), "", 3),
            };
            let mut body = match self.grouping {
                Some(g) => group(&digits, g, every),
                None => digits,
            };
            let sign = self.sign_str(neg);
            let prefix = if self.alt { prefix } else { "" };
            let sign = format!("{sign}{prefix}");
            if self.zero && self.align.is_none() && self.grouping.is_some() {
                // Zero padding also groups the padding.
                let want = self.width.saturating_sub(sign.len());
                let g = self.grouping.unwrap_or(',');
                let mut raw: String = body.chars().filter(|c| *c != g).collect();
                while group(&raw, g, every).len() < want {
                    raw.insert(0, '0');
                }
                body = group(&raw, g, every);
            }
            return Ok(self.pad(&body, &sign, '>'));
        }
        let x = match n {
            Num::F(f) => *f,
            Num::I(i) => *i as f64,
            Num::B(b) => b.to_f64().unwrap_or(f64::INFINITY),
        };
        let neg = x.is_sign_negative() && !x.is_nan();
        let a = x.abs();
        let upper = matches!(ty, Some('E' | 'F' | 'G'));
        let mut body = match ty {
            Some('f' | 'F') => {
                if a.is_finite() {
                    format!("{:.*}", self.precision.unwrap_or(6), a)
                } else {
                    float_special(a, upper)
                }
            }
            Some('e' | 'E') => {
                if a.is_finite() {
                    let s = exp_fix(&format!("{:.*e}", self.precision.unwrap_or(6), a));
                    if upper { s.to_uppercase() } else { s }
                } else {
                    float_special(a, upper)
                }
            }
            Some('%') => {
                if a.is_finite() {
                    format!("{:.*}%", self.precision.unwrap_or(6), a * 100.0)
                } else {
                    format!("{}%", float_special(a, false))
                }
            }
            Some('g' | 'G') => format_g(a, self.precision.unwrap_or(6), self.alt, upper),
            _ => match self.precision {
                None => super::text::float_repr(a),
                Some(p) => {
                    let s = format_g(a, p, self.alt, false);
                    if a.is_finite() && !s.contains('.') && !s.contains('e') {
                        format!("{s}.0")
                    } else {
                        s
                    }
                }
            },
        };
        if self.alt
            && matches!(ty, Some('f' | 'F' | 'e' | 'E'))
            && self.precision == Some(0)
            && !body.contains('.')
        {
            if let Some(i) = body.find(['e', 'E']) {
                body.insert(i, '.');
            } else {
                body.push('.');
            }
        }
        if let Some(g) = self.grouping {
            let end = body.find(['.', 'e', 'E', '%']).unwrap_or(body.len());
            let (int_part, rest) = body.split_at(end);
            if int_part.chars().all(|c| c.is_ascii_digit()) {
                body = format!("{}{rest}", group(int_part, g, 3));
            }
        }
        let sign = self.sign_str(neg);
        Ok(self.pad(&body, sign, '>'))
    }

    fn sign_str(&self, neg: bool) -> &'static str {
        if neg {
            "-"
        } else {
            match self.sign {
                Some('+') => "+",
                Some(' ') => " ",
                _ => "",
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(spec: &str, n: Num) -> String {
        FormatSpec::parse(spec)
            .and_then(|s| s.format_num(&n, "x").ok())
            .unwrap_or_default()
    }

    #[test]
    fn number_specs_match_python() {
        assert_eq!(f(".2f", Num::F(1.23456)), "1.23");
        assert_eq!(f(",", Num::I(1234567)), "1,234,567");
        assert_eq!(f("_", Num::I(1234567)), "1_234_567");
        assert_eq!(f("08.3f", Num::F(-1.23456)), "-001.235");
        assert_eq!(f(">6", Num::I(42)), "    42");
        assert_eq!(f("#x", Num::I(255)), "0xff");
        assert_eq!(f("b", Num::I(5)), "101");
        assert_eq!(f(".2e", Num::F(12345.678)), "1.23e+04");
        assert_eq!(f(".1%", Num::F(0.256)), "25.6%");
        assert_eq!(f("g", Num::F(0.00001)), "1e-05");
        assert_eq!(f(".2", Num::F(1.0)), "1.0");
        assert_eq!(f("+d", Num::I(5)), "+5");
        assert_eq!(f(",.2f", Num::F(1234567.891)), "1,234,567.89");
        assert_eq!(f("^7", Num::I(1)), "   1   ");
        assert_eq!(f("05", Num::I(-42)), "-0042");
    }
}
