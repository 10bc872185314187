//! `str.format`: the replacement-field grammar of CPython 3.11
//! (`Objects/stringlib/unicode_format.h`): literal text with `{{`/`}}`,
//! fields `{name!conv:spec}` where `name` is an auto number (`{}`), an
//! index (`{0}`) or a keyword (`{x}`), followed by `.attr` and `[key]`
//! accessors, and `spec` may itself contain fields (`{:{}}`), two levels
//! deep at most.
//!
//! The object work (looking arguments up, `getattr`, `__getitem__`,
//! `repr`/`str`/`ascii`, `__format__`) belongs to the VM, which implements
//! [`FormatHost`]; [`str_format`] drives it in CPython's exact order, so
//! the first error CPython would raise is the one raised here.

use super::error::OpError;
use super::unicode::decimal_value;

/// How deep format specs may nest fields (`build_string`'s `recursion_depth`).
pub const MAX_RECURSION_DEPTH: u32 = 2;

/// A `!r`, `!s` or `!a` conversion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conversion {
    /// `!r`: `repr()`.
    Repr,
    /// `!s`: `str()`.
    Str,
    /// `!a`: `ascii()`.
    Ascii,
}

/// One accessor after the first part of a field name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accessor<'a> {
    /// `.name`: `getattr(obj, name)`.
    Attr(&'a str),
    /// `[12]`: `obj[12]` with an int key (all decimal digits).
    Index(usize),
    /// `[key]`: `obj['key']` with a str key.
    Key(&'a str),
}

/// The argument a field refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldArg<'a> {
    /// A positional argument (explicit `{0}` or automatic `{}`).
    Index(usize),
    /// A keyword argument `{name}`.
    Name(&'a str),
}

/// What [`str_format`] needs from the object model. `Value` is an owned
/// reference; every method consumes the values it is given.
pub trait FormatHost {
    /// An owned reference to a Python object.
    type Value;
    /// The VM's exception type; `OpError`s convert into it.
    type Error: From<OpError>;
    /// `args[index]`; when out of range raise [`replacement_index_error`].
    fn positional(&mut self, index: usize) -> Result<Self::Value, Self::Error>;
    /// `kwargs[name]`; when missing raise `KeyError(name)`.
    fn keyword(&mut self, name: &str) -> Result<Self::Value, Self::Error>;
    /// `getattr(obj, name)`.
    fn attribute(&mut self, obj: Self::Value, name: &str) -> Result<Self::Value, Self::Error>;
    /// `obj[index]` with an int.
    fn item_index(&mut self, obj: Self::Value, index: usize) -> Result<Self::Value, Self::Error>;
    /// `obj[key]` with a str.
    fn item_key(&mut self, obj: Self::Value, key: &str) -> Result<Self::Value, Self::Error>;
    /// `repr(obj)`, `str(obj)` or `ascii(obj)` as a str object.
    fn convert(
        &mut self,
        obj: Self::Value,
        conversion: Conversion,
    ) -> Result<Self::Value, Self::Error>;
    /// Appends `format(obj, spec)` to `out`.
    fn format(&mut self, obj: Self::Value, spec: &str, out: &mut String)
    -> Result<(), Self::Error>;
}

/// `IndexError: Replacement index 5 out of range for positional args tuple`.
pub fn replacement_index_error(index: usize) -> OpError {
    OpError::Index(format!(
        "Replacement index {index} out of range for positional args tuple"
    ))
}

/// A piece of a format string (what `MarkupIterator_next` yields).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Literal text (a `{{` or `}}` escape yields its single brace).
    Literal(&'a str),
    /// A replacement field.
    Field(Field<'a>),
}

/// A replacement field, as parsed (`parse_field`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field<'a> {
    /// The field name with its accessors (`0.attr[key]`), possibly empty.
    pub name: &'a str,
    /// The conversion character after `!`, unchecked.
    pub conversion: Option<char>,
    /// The raw format spec after `:`.
    pub spec: &'a str,
    /// True when the spec contains `{` (it must be expanded first).
    pub spec_needs_expanding: bool,
}

/// Iterates over the pieces of a format string (`MarkupIterator`).
#[derive(Debug, Clone)]
pub struct Pieces<'a> {
    rest: &'a str,
    failed: bool,
}

/// Splits a format string into pieces, lazily, as CPython does.
pub fn pieces(format: &str) -> Pieces<'_> {
    Pieces {
        rest: format,
        failed: false,
    }
}

impl<'a> Iterator for Pieces<'a> {
    type Item = Result<Piece<'a>, OpError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() || self.failed {
            return None;
        }
        let r = self.next_piece();
        if r.is_err() {
            self.failed = true;
        }
        Some(r)
    }
}

impl<'a> Pieces<'a> {
    fn next_piece(&mut self) -> Result<Piece<'a>, OpError> {
        let s = self.rest;
        let Some(brace) = s.find(['{', '}']) else {
            self.rest = "";
            return Ok(Piece::Literal(s));
        };
        let c = s.as_bytes()[brace];
        let after = &s[brace + 1..];
        let doubled = after.as_bytes().first() == Some(&c);
        if c == b'}' && !doubled {
            return Err(OpError::value("Single '}' encountered in format string"));
        }
        if c == b'{' && after.is_empty() {
            return Err(OpError::value("Single '{' encountered in format string"));
        }
        if doubled {
            self.rest = &after[1..];
            return Ok(Piece::Literal(&s[..=brace]));
        }
        if brace > 0 {
            // Literal text first; the field comes on the next call.
            self.rest = &s[brace..];
            return Ok(Piece::Literal(&s[..brace]));
        }
        let (field, rest) = parse_field(after)?;
        self.rest = rest;
        Ok(Piece::Field(field))
    }
}

/// `parse_field`: the text after a `{`; returns the field and what follows
/// its closing `}`.
fn parse_field(s: &str) -> Result<(Field<'_>, &str), OpError> {
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut stop = None;
    while i < bytes.len() {
        let c = bytes[i];
        i += 1;
        match c {
            b'{' => return Err(OpError::value("unexpected '{' in field name")),
            b'[' => {
                while i < bytes.len() && bytes[i] != b']' {
                    i += 1;
                }
            }
            b'}' | b':' | b'!' => {
                stop = Some(c);
                break;
            }
            _ => {}
        }
    }
    let name_end = if stop.is_some() { i - 1 } else { i };
    let name = &s[..name_end];
    let mut field = Field {
        name,
        conversion: None,
        spec: "",
        spec_needs_expanding: false,
    };
    match stop {
        Some(b'}') => Ok((field, &s[i..])),
        Some(c @ (b'!' | b':')) => {
            if c == b'!' {
                let Some(conv) = s[i..].chars().next() else {
                    return Err(OpError::value(
                        "end of string while looking for conversion specifier",
                    ));
                };
                field.conversion = Some(conv);
                i += conv.len_utf8();
                if let Some(&next) = bytes.get(i) {
                    i += 1;
                    if next == b'}' {
                        return Ok((field, &s[i..]));
                    }
                    if next != b':' {
                        return Err(OpError::value("expected ':' after conversion specifier"));
                    }
                }
            }
            let spec_start = i;
            let mut depth = 1;
            while i < bytes.len() {
                let c = bytes[i];
                i += 1;
                match c {
                    b'{' => {
                        field.spec_needs_expanding = true;
                        depth += 1;
                    }
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            field.spec = &s[spec_start..i - 1];
                            return Ok((field, &s[i..]));
                        }
                    }
                    _ => {}
                }
            }
            Err(OpError::value("unmatched '{' in format spec"))
        }
        _ => Err(OpError::value("expected '}' before end of string")),
    }
}

/// `get_integer` of `unicode_format.h`: `Ok(None)` when `s` is empty or
/// not all decimal digits.
fn get_integer(s: &str) -> Result<Option<usize>, OpError> {
    if s.is_empty() {
        return Ok(None);
    }
    let mut value: usize = 0;
    for c in s.chars() {
        let Some(d) = decimal_value(c) else {
            return Ok(None);
        };
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(d as usize))
            .filter(|&v| v <= isize::MAX as usize)
            .ok_or_else(|| OpError::value("Too many decimal digits in format string"))?;
    }
    Ok(Some(value))
}

/// Automatic versus manual field numbering state (`AutoNumber`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AutoNumber {
    state: NumberingState,
    next: usize,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum NumberingState {
    #[default]
    Init,
    Auto,
    Manual,
}

/// `field_name_split`: the first part of a field name resolved to an
/// argument (assigning automatic numbers), and the accessors after it.
pub fn split_field_name<'a>(
    name: &'a str,
    numbering: &mut AutoNumber,
) -> Result<(FieldArg<'a>, Accessors<'a>), OpError> {
    let first_end = name.find(['.', '[']).unwrap_or(name.len());
    let first = &name[..first_end];
    let index = get_integer(first)?;
    let empty = first.is_empty();
    if empty || index.is_some() {
        if numbering.state == NumberingState::Init {
            numbering.state = if empty {
                NumberingState::Auto
            } else {
                NumberingState::Manual
            };
        }
        match (numbering.state, empty) {
            (NumberingState::Manual, true) => {
                return Err(OpError::value(
                    "cannot switch from manual field specification to automatic field numbering",
                ));
            }
            (NumberingState::Auto, false) => {
                return Err(OpError::value(
                    "cannot switch from automatic field numbering to manual field specification",
                ));
            }
            _ => {}
        }
    }
    let arg = match index {
        Some(i) => FieldArg::Index(i),
        None if empty => {
            let i = numbering.next;
            numbering.next += 1;
            FieldArg::Index(i)
        }
        None => FieldArg::Name(first),
    };
    Ok((
        arg,
        Accessors {
            rest: &name[first_end..],
        },
    ))
}

/// The `.attr` / `[key]` accessors of a field name (`FieldNameIterator`),
/// parsed lazily so errors come in CPython's order.
#[derive(Debug, Clone)]
pub struct Accessors<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Accessors<'a> {
    type Item = Result<Accessor<'a>, OpError>;

    fn next(&mut self) -> Option<Self::Item> {
        let s = self.rest;
        let first = *s.as_bytes().first()?;
        let body = &s[1..];
        let result = match first {
            b'.' => {
                let end = body.find(['.', '[']).unwrap_or(body.len());
                self.rest = &body[end..];
                let attr = &body[..end];
                if attr.is_empty() {
                    Err(OpError::value("Empty attribute in format string"))
                } else {
                    Ok(Accessor::Attr(attr))
                }
            }
            b'[' => match body.find(']') {
                None => {
                    self.rest = "";
                    Err(OpError::value("Missing ']' in format string"))
                }
                Some(end) => {
                    self.rest = &body[end + 1..];
                    let key = &body[..end];
                    if key.is_empty() {
                        Err(OpError::value("Empty attribute in format string"))
                    } else {
                        get_integer(key).map(|i| match i {
                            Some(i) => Accessor::Index(i),
                            None => Accessor::Key(key),
                        })
                    }
                }
            },
            _ => Err(OpError::value(
                "Only '.' or '[' may follow ']' in format field specifier",
            )),
        };
        if result.is_err() {
            self.rest = "";
        }
        Some(result)
    }
}

/// Checks a conversion character (`do_conversion`).
pub fn conversion(c: char) -> Result<Conversion, OpError> {
    match c {
        'r' => Ok(Conversion::Repr),
        's' => Ok(Conversion::Str),
        'a' => Ok(Conversion::Ascii),
        c if (c as u32) > 32 && (c as u32) < 127 => {
            Err(OpError::Value(format!("Unknown conversion specifier {c}")))
        }
        c => Err(OpError::Value(format!(
            "Unknown conversion specifier \\x{:x}",
            c as u32
        ))),
    }
}

/// `format.format(*args, **kwargs)` (`build_string`), driving `host` for
/// every object operation.
pub fn str_format<H: FormatHost>(format: &str, host: &mut H) -> Result<String, H::Error> {
    let mut out = String::with_capacity(format.len() + 16);
    let mut numbering = AutoNumber::default();
    build_string(format, host, MAX_RECURSION_DEPTH, &mut numbering, &mut out)?;
    Ok(out)
}

fn build_string<H: FormatHost>(
    format: &str,
    host: &mut H,
    depth: u32,
    numbering: &mut AutoNumber,
    out: &mut String,
) -> Result<(), H::Error> {
    if depth == 0 {
        return Err(OpError::value("Max string recursion exceeded").into());
    }
    for piece in pieces(format) {
        match piece? {
            Piece::Literal(text) => out.push_str(text),
            Piece::Field(field) => render_field(&field, host, depth, numbering, out)?,
        }
    }
    Ok(())
}

fn render_field<H: FormatHost>(
    field: &Field<'_>,
    host: &mut H,
    depth: u32,
    numbering: &mut AutoNumber,
    out: &mut String,
) -> Result<(), H::Error> {
    let (arg, accessors) = split_field_name(field.name, numbering)?;
    let mut obj = match arg {
        FieldArg::Index(i) => host.positional(i)?,
        FieldArg::Name(n) => host.keyword(n)?,
    };
    for accessor in accessors {
        obj = match accessor? {
            Accessor::Attr(name) => host.attribute(obj, name)?,
            Accessor::Index(i) => host.item_index(obj, i)?,
            Accessor::Key(k) => host.item_key(obj, k)?,
        };
    }
    if let Some(c) = field.conversion {
        obj = host.convert(obj, conversion(c)?)?;
    }
    if field.spec_needs_expanding {
        let mut spec = String::new();
        build_string(field.spec, host, depth - 1, numbering, &mut spec)?;
        host.format(obj, &spec, out)
    } else {
        host.format(obj, field.spec, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::format_spec::{format_int, format_str};
    use crate::ops::str_repr::str_repr;
    use num_bigint::BigInt;
    use rstest::rstest;

    /// A tiny object model: ints, strs, lists of ints, str-keyed maps.
    #[derive(Debug, Clone)]
    enum Val {
        Int(i64),
        Str(String),
        List(Vec<i64>),
        Map(Vec<(String, i64)>),
    }

    struct Mock {
        args: Vec<Val>,
        kwargs: Vec<(String, Val)>,
    }

    impl FormatHost for Mock {
        type Value = Val;
        type Error = OpError;
        fn positional(&mut self, index: usize) -> Result<Val, OpError> {
            self.args
                .get(index)
                .cloned()
                .ok_or_else(|| replacement_index_error(index))
        }
        fn keyword(&mut self, name: &str) -> Result<Val, OpError> {
            self.kwargs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .ok_or_else(|| OpError::Key(str_repr(name)))
        }
        fn attribute(&mut self, obj: Val, name: &str) -> Result<Val, OpError> {
            match (obj, name) {
                (Val::Int(i), "real") => Ok(Val::Int(i)),
                (Val::Int(_), "imag") => Ok(Val::Int(0)),
                _ => Err(OpError::Type(format!("no attribute {name}"))),
            }
        }
        fn item_index(&mut self, obj: Val, index: usize) -> Result<Val, OpError> {
            match obj {
                Val::List(v) => v
                    .get(index)
                    .map(|&i| Val::Int(i))
                    .ok_or(OpError::Index("list index out of range".into())),
                _ => Err(OpError::Type("not subscriptable".into())),
            }
        }
        fn item_key(&mut self, obj: Val, key: &str) -> Result<Val, OpError> {
            match obj {
                Val::Map(m) => m
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|&(_, v)| Val::Int(v))
                    .ok_or(OpError::Key(str_repr(key))),
                _ => Err(OpError::Type("not subscriptable".into())),
            }
        }
        fn convert(&mut self, obj: Val, conversion: Conversion) -> Result<Val, OpError> {
            Ok(Val::Str(match (obj, conversion) {
                (Val::Str(s), Conversion::Str) => s,
                (Val::Str(s), _) => str_repr(&s),
                (Val::Int(i), _) => i.to_string(),
                (other, _) => format!("{other:?}"),
            }))
        }
        fn format(&mut self, obj: Val, spec: &str, out: &mut String) -> Result<(), OpError> {
            let text = match obj {
                Val::Int(i) => format_int(&BigInt::from(i), spec, "int")?,
                Val::Str(s) => format_str(&s, spec, "str")?,
                other => format!("{other:?}"),
            };
            out.push_str(&text);
            Ok(())
        }
    }

    fn ints(v: &[i64]) -> Vec<Val> {
        v.iter().map(|&i| Val::Int(i)).collect()
    }

    fn run(fmt: &str, args: Vec<Val>, kwargs: Vec<(String, Val)>) -> String {
        match str_format(fmt, &mut Mock { args, kwargs }) {
            Ok(s) => s,
            Err(e) => e.to_string(),
        }
    }

    // Expected answers observed from CPython 3.11's str.format.
    #[rstest]
    #[case("{}{}", &[1, 2], "12")]
    #[case("{0}{}", &[1, 2], "ValueError: cannot switch from manual field specification to automatic field numbering")]
    #[case("{}{0}", &[1, 2], "ValueError: cannot switch from automatic field numbering to manual field specification")]
    #[case("}", &[], "ValueError: Single '}' encountered in format string")]
    #[case("{", &[], "ValueError: Single '{' encountered in format string")]
    #[case("a}b", &[], "ValueError: Single '}' encountered in format string")]
    #[case("{0", &[1], "ValueError: expected '}' before end of string")]
    #[case("{0:", &[1], "ValueError: unmatched '{' in format spec")]
    #[case("{0!", &[1], "ValueError: end of string while looking for conversion specifier")]
    #[case("{0!x}", &[1], "ValueError: Unknown conversion specifier x")]
    #[case("{0!rr}", &[1], "ValueError: expected ':' after conversion specifier")]
    #[case("{0.}", &[1], "ValueError: Empty attribute in format string")]
    #[case("{0.real.imag}", &[1], "0")]
    #[case("{:{}}", &[3, 5], "    3")]
    #[case("{:{:{}}}", &[3, 5, 6], "ValueError: Max string recursion exceeded")]
    #[case("{5}", &[1], "IndexError: Replacement index 5 out of range for positional args tuple")]
    #[case("{}", &[], "IndexError: Replacement index 0 out of range for positional args tuple")]
    #[case("{12}", &[], "IndexError: Replacement index 12 out of range for positional args tuple")]
    #[case("{{}}{{", &[], "{}{")]
    #[case("{0!}", &[1], "ValueError: unmatched '{' in format spec")]
    #[case("{0:{1!r}}", &[1, 5], "    1")]
    #[case("{0}}", &[1], "ValueError: Single '}' encountered in format string")]
    #[case("{:{}}}", &[1, 2], "ValueError: Single '}' encountered in format string")]
    #[case("{0:}}", &[1], "ValueError: Single '}' encountered in format string")]
    #[case("{0:{}}", &[1, 2], "ValueError: cannot switch from manual field specification to automatic field numbering")]
    #[case("{:{1}}", &[1, 2], "ValueError: cannot switch from automatic field numbering to manual field specification")]
    #[case("{.real}", &[5], "5")]
    #[case("{0:x{}}", &[1, 2], "ValueError: cannot switch from manual field specification to automatic field numbering")]
    #[case("{0:{{}}}", &[1], "ValueError: Invalid format specifier '{}' for object of type 'int'")]
    #[case("{!}", &[1], "ValueError: unmatched '{' in format spec")]
    #[case("{0..real}", &[1], "ValueError: Empty attribute in format string")]
    #[case("{00}", &[7], "7")]
    #[case("{0.a", &[1], "ValueError: expected '}' before end of string")]
    #[case("{999999999999999999999999999999}", &[1], "ValueError: Too many decimal digits in format string")]
    #[case("{\u{660}}", &[4], "4")]
    #[case("a{0:>3}b{0:<3}c", &[7], "a  7b7  c")]
    #[case("{0:{{}}", &[1], "ValueError: unmatched '{' in format spec")]
    #[case("x{0!s:>3}y", &[4], "x  4y")]
    #[case("{0[1]}", &[1], "TypeError: not subscriptable")]
    fn positional_cases(#[case] fmt: &str, #[case] args: &[i64], #[case] want: &str) {
        assert_eq!(run(fmt, ints(args), vec![]), want);
    }

    #[test]
    fn items_keys_and_conversions() {
        let list = Val::List((0..11).collect());
        assert_eq!(run("{0[10]}", vec![list.clone()], vec![]), "10");
        assert_eq!(
            run("{0[0}", vec![list.clone()], vec![]),
            "ValueError: expected '}' before end of string"
        );
        assert_eq!(
            run("{0[0]x}", vec![list.clone()], vec![]),
            "ValueError: Only '.' or '[' may follow ']' in format field specifier"
        );
        assert_eq!(
            run("{0[0]", vec![list.clone()], vec![]),
            "ValueError: expected '}' before end of string"
        );
        assert_eq!(run("{[0]}", vec![list], vec![]), "0");
        let map = Val::Map(vec![("a".into(), 9), ("-1".into(), 8)]);
        assert_eq!(run("{0[a]}{0[-1]}", vec![map.clone()], vec![]), "98");
        assert_eq!(
            run("{0[]}", vec![map], vec![]),
            "ValueError: Empty attribute in format string"
        );
        let kw = vec![
            ("a".to_owned(), Val::Int(1)),
            (" 0 ".to_owned(), Val::Int(4)),
            ("-1".to_owned(), Val::Int(3)),
        ];
        assert_eq!(run("{a}{ 0 }{-1}", vec![], kw.clone()), "143");
        assert_eq!(run("{b}", vec![], kw.clone()), "KeyError: 'b'");
        assert_eq!(run("{0]}", vec![Val::Int(1)], kw), "KeyError: '0]'");
        let s = vec![Val::Str("a".into())];
        assert_eq!(run("{0!r:>5}", s.clone(), vec![]), "  'a'");
        assert_eq!(
            run(
                "{!r}{!a}{!s}",
                vec![
                    Val::Str("x".into()),
                    Val::Str("y".into()),
                    Val::Str("z".into())
                ],
                vec![]
            ),
            "'x''y'z"
        );
        assert_eq!(run("{:}", s, vec![]), "a");
        assert_eq!(
            run("{0!\u{1}}", vec![Val::Int(1)], vec![]),
            "ValueError: Unknown conversion specifier \\x1"
        );
    }

    #[test]
    fn pieces_borrow_the_input() {
        let all: Vec<_> = pieces("ab{{c}}d{0!r:>{1}}e")
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            all,
            vec![
                Piece::Literal("ab{"),
                Piece::Literal("c}"),
                Piece::Literal("d"),
                Piece::Field(Field {
                    name: "0",
                    conversion: Some('r'),
                    spec: ">{1}",
                    spec_needs_expanding: true
                }),
                Piece::Literal("e"),
            ]
        );
    }
}
