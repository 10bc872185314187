//! The tokenizer: token kinds and spans, indentation, line joining,
//! string prefixes, numbers, operators.

use runtime::syntax::lexer::{Tok, tokenize};

fn kinds(src: &str) -> Vec<Tok> {
    let t = tokenize(src, "x.py");
    assert!(t.error.is_none(), "{:?}", t.error);
    t.tokens.iter().map(|t| t.kind).collect()
}

fn texts(src: &str) -> Vec<&str> {
    tokenize(src, "x.py")
        .tokens
        .iter()
        .map(|t| &src[t.start as usize..t.end as usize])
        .collect()
}

use Tok::*;

#[test]
fn indentation_produces_indent_and_dedent() {
    assert_eq!(
        kinds("if x:\n    y\n    if z:\n        w\nv\n"),
        vec![
            If, Name, Colon, Newline, Indent, Name, Newline, If, Name, Colon, Newline, Indent,
            Name, Newline, Dedent, Dedent, Name, Newline, EndMarker
        ]
    );
}

#[test]
fn blank_lines_and_comments_do_not_count() {
    assert_eq!(
        kinds("if x:\n\n    # comment\n  \n    y  # trailing\n\n"),
        vec![
            If, Name, Colon, Newline, Indent, Name, Newline, Dedent, EndMarker
        ]
    );
}

#[test]
fn brackets_and_backslashes_join_lines() {
    assert_eq!(
        kinds("x = (1,\n     2)\n"),
        vec![
            Name, Equal, LPar, Number, Comma, Number, RPar, Newline, EndMarker
        ]
    );
    assert_eq!(
        kinds("x = 1 + \\\n    2\n"),
        vec![Name, Equal, Number, Plus, Number, Newline, EndMarker]
    );
}

#[test]
fn missing_final_newline_is_supplied() {
    assert_eq!(kinds("x"), vec![Name, Newline, EndMarker]);
    assert_eq!(
        kinds("if x:\n    y"),
        vec![
            If, Name, Colon, Newline, Indent, Name, Newline, Dedent, EndMarker
        ]
    );
    assert_eq!(kinds(""), vec![EndMarker]);
}

#[test]
fn tabs_count_to_multiples_of_eight() {
    assert_eq!(
        kinds("if x:\n\ty\n\tz\n"),
        vec![
            If, Name, Colon, Newline, Indent, Name, Newline, Name, Newline, Dedent, EndMarker
        ]
    );
}

#[test]
fn string_prefixes_and_quotes() {
    assert_eq!(
        texts("a = r'x' b\"y\" f'{z}' rb'w' Rb'v' BR\"u\" fr't' u's' '''tq''' \"\"\"d\"q\"\"\"\n"),
        vec![
            "a",
            "=",
            "r'x'",
            "b\"y\"",
            "f'{z}'",
            "rb'w'",
            "Rb'v'",
            "BR\"u\"",
            "fr't'",
            "u's'",
            "'''tq'''",
            "\"\"\"d\"q\"\"\"",
            "\n",
            ""
        ]
    );
    // a name that looks like a prefix
    assert_eq!(
        kinds("rb = br\n"),
        vec![Name, Equal, Name, Newline, EndMarker]
    );
    // escaped quotes and continuation inside a string
    assert_eq!(texts("'a\\'b' 'c\\\nd'\n")[..2], ["'a\\'b'", "'c\\\nd'"]);
}

#[test]
fn numbers() {
    assert_eq!(
        texts("0 0x_1f 0o17 0b1_0 1_000 1.5 .5 5. 1e10 1E-5 1.5e+3 00 0_0\n"),
        vec![
            "0", "0x_1f", "0o17", "0b1_0", "1_000", "1.5", ".5", "5.", "1e10", "1E-5", "1.5e+3",
            "00", "0_0", "\n", ""
        ]
    );
    // a keyword may follow a number directly
    assert_eq!(
        kinds("1if x else 2\n"),
        vec![Number, If, Name, Else, Number, Newline, EndMarker]
    );
}

#[test]
fn operators_take_the_longest_match() {
    assert_eq!(
        texts("a**=b//=c>>=d<<=e->f...g!=h==i<=j>=k:=l@=m\n"),
        vec![
            "a", "**=", "b", "//=", "c", ">>=", "d", "<<=", "e", "->", "f", "...", "g", "!=", "h",
            "==", "i", "<=", "j", ">=", "k", ":=", "l", "@=", "m", "\n", ""
        ]
    );
}

#[test]
fn keywords_and_unicode_names() {
    assert_eq!(
        kinds("for in not is lambda nonlocal\n"),
        vec![For, In, Not, Is, Lambda, Nonlocal, Newline, EndMarker]
    );
    assert_eq!(texts("héllo = ñ\n")[..3], ["héllo", "=", "ñ"]);
}

#[test]
fn errors_end_the_stream_and_are_kept() {
    let t = tokenize("x = 1\ny = 'abc\n", "x.py");
    assert_eq!(t.tokens.last().map(|t| t.kind), Some(Tok::Error));
    let e = t.error.expect("error");
    assert_eq!(
        (e.msg.as_str(), e.line, e.col),
        ("unterminated string literal (detected at line 2)", 2, 5)
    );
    // an unclosed bracket is reported by the parser, at the end of input
    let t = tokenize("f(\n", "x.py");
    assert!(t.error.is_none());
    assert_eq!(t.unclosed, Some((b'(', 1)));
    // characters that start no token
    let t = tokenize("a $ b\n", "x.py");
    assert!(t.tokens.iter().any(|t| t.kind == Tok::BadChar));
}
