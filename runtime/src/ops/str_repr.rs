//! `repr(str)`, `ascii(str)` and `repr(bytes)` exactly as CPython 3.11
//! writes them (`unicode_repr`, `PyObject_ASCII`, `PyBytes_Repr`).
//!
//! Quote choice: single quotes, unless the text contains `'` and no `"`.
//! Escapes: `\\`, the chosen quote, `\t`, `\n`, `\r`; other characters below
//! 0x20 and 0x7f as `\xNN`; non-printable characters (as `str.isprintable`)
//! as `\xNN`, `\uNNNN` or `\UNNNNNNNN` by size.

use std::fmt::Write;

use super::unicode::is_printable;

/// Picks CPython's quote for a text: `"` only if it has `'` and no `"`.
fn quote_for(has_single: bool, has_double: bool) -> char {
    if has_single && !has_double { '"' } else { '\'' }
}

/// Writes the escape sequence of a character by its size.
fn push_hex_escape(out: &mut String, c: char) {
    let cp = c as u32;
    // Writing to a String cannot fail.
    let _ = if cp < 0x100 {
        write!(out, "\\x{cp:02x}")
    } else if cp < 0x10000 {
        write!(out, "\\u{cp:04x}")
    } else {
        write!(out, "\\U{cp:08x}")
    };
}

fn repr_into(out: &mut String, s: &str, ascii_only: bool) {
    let quote = quote_for(s.contains('\''), s.contains('"'));
    out.reserve(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            c if c.is_ascii() => push_hex_escape(out, c),
            c if ascii_only || !is_printable(c) => push_hex_escape(out, c),
            c => out.push(c),
        }
    }
    out.push(quote);
}

/// `repr(s)` for a str (`unicode_repr`).
pub fn str_repr(s: &str) -> String {
    let mut out = String::new();
    repr_into(&mut out, s, false);
    out
}

/// Appends `repr(s)` to `out` (no intermediate allocation).
pub fn push_str_repr(out: &mut String, s: &str) {
    repr_into(out, s, false);
}

/// `ascii(s)` for a str: `repr` with every non-ASCII character escaped.
pub fn str_ascii(s: &str) -> String {
    let mut out = String::new();
    repr_into(&mut out, s, true);
    out
}

/// Escapes the non-ASCII characters of an already built repr, as
/// `ascii(obj)` does to `repr(obj)` for any object (`PyObject_ASCII`).
pub fn ascii_escape(repr: &str) -> String {
    let mut out = String::with_capacity(repr.len());
    for c in repr.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            push_hex_escape(&mut out, c);
        }
    }
    out
}

/// `repr(b)` for bytes (`PyBytes_Repr`): `b'...'`, with `\xNN` for every
/// byte outside the printable ASCII range.
pub fn bytes_repr(b: &[u8]) -> String {
    let quote = quote_for(b.contains(&b'\''), b.contains(&b'"'));
    let mut out = String::with_capacity(b.len() + 3);
    out.push('b');
    out.push(quote);
    for &byte in b {
        match byte {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            c if char::from(c) == quote => {
                out.push('\\');
                out.push(quote);
            }
            b' '..=b'~' => out.push(char::from(byte)),
            _ => {
                let _ = write!(out, "\\x{byte:02x}");
            }
        }
    }
    out.push(quote);
    out
}

/// `%.200R`-style truncation used in CPython error messages: the first
/// `max_chars` characters of the repr.
pub fn truncated_repr(s: &str, max_chars: usize) -> String {
    let r = str_repr(s);
    match r.char_indices().nth(max_chars) {
        Some((i, _)) => r[..i].to_owned(),
        None => r,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rstest::rstest;

    // Expected strings observed from CPython 3.11's repr().
    #[rstest]
    #[case("", "''")]
    #[case("abc", "'abc'")]
    #[case("it's", "\"it's\"")]
    #[case("say \"hi\"", "'say \"hi\"'")]
    #[case("both ' and \"", "'both \\' and \"'")]
    #[case("tab\there\nnl\rcr", "'tab\\there\\nnl\\rcr'")]
    #[case("back\\slash", "'back\\\\slash'")]
    #[case("\x00\x1f\x7f", "'\\x00\\x1f\\x7f'")]
    #[case("\u{80}\u{a0}\u{ad}é", "'\\x80\\xa0\\xadé'")]
    #[case("\u{2028}\u{200b}\u{e000}", "'\\u2028\\u200b\\ue000'")]
    #[case("😀\u{e0001}\u{10ffff}", "'😀\\U000e0001\\U0010ffff'")]
    #[case("日本", "'日本'")]
    #[case("\u{3000}", "'\\u3000'")]
    fn repr_matches_python(#[case] s: &str, #[case] want: &str) {
        assert_eq!(str_repr(s), want);
    }

    #[rstest]
    #[case("abc", "'abc'")]
    #[case("é日😀", "'\\xe9\\u65e5\\U0001f600'")]
    #[case("it's ü", "\"it's \\xfc\"")]
    fn ascii_matches_python(#[case] s: &str, #[case] want: &str) {
        assert_eq!(str_ascii(s), want);
        assert_eq!(ascii_escape(&str_repr(s)), want);
    }

    #[rstest]
    #[case(b"", "b''")]
    #[case(b"abc", "b'abc'")]
    #[case(b"it's", "b\"it's\"")]
    #[case(b"'\"", "b'\\'\"'")]
    #[case(b"\x00\n\t\r\x7f\x80\xff\\", "b'\\x00\\n\\t\\r\\x7f\\x80\\xff\\\\'")]
    fn bytes_matches_python(#[case] b: &[u8], #[case] want: &str) {
        assert_eq!(bytes_repr(b), want);
    }

    #[test]
    fn truncation_counts_chars() {
        let long = "é".repeat(300);
        let r = truncated_repr(&long, 200);
        assert_eq!(r.chars().count(), 200);
        assert!(r.starts_with("'é"));
        assert_eq!(truncated_repr("x", 200), "'x'");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn repr_is_quoted_and_printable(s in "\\PC*") {
            let r = str_repr(&s);
            prop_assert!(r.len() >= 2);
            prop_assert!(r.chars().all(|c| c == ' ' || is_printable(c)));
            prop_assert!(str_ascii(&s).is_ascii());
        }
    }
}
