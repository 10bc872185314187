//! Character predicates and case mappings exactly as CPython 3.11 answers
//! them (`Objects/unicodectype.c`, Unicode 14.0.0), over the tables that
//! `gen_unicode_db.py` generates into `unicode_db.rs`.
//!
//! `unicode_db.rs` is generated (`python3 runtime/src/ops/gen_unicode_db.py >
//! runtime/src/ops/unicode_db.rs`, with CPython 3.11) and left alone by
//! rustfmt, so regenerating it gives the committed file byte for byte.
//!
//! ASCII takes a fast path everywhere; other characters cost one binary
//! search over a few hundred ranges.

use super::unicode_db as db;

/// True when `c` lies in one of the sorted inclusive `ranges`.
fn in_ranges(ranges: &[(u32, u32)], c: char) -> bool {
    let c = c as u32;
    ranges
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// `Py_UNICODE_ISPRINTABLE`: what `str.isprintable` and `repr` test.
pub fn is_printable(c: char) -> bool {
    if c.is_ascii() {
        return (' '..='~').contains(&c);
    }
    in_ranges(db::PRINTABLE, c)
}

/// `Py_UNICODE_ISALPHA`.
pub fn is_alpha(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    in_ranges(db::ALPHA, c)
}

/// `Py_UNICODE_ISDECIMAL`.
pub fn is_decimal(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    in_ranges(db::DECIMAL, c)
}

/// `Py_UNICODE_TODECIMAL`: the value of a decimal digit character.
pub fn decimal_value(c: char) -> Option<u32> {
    if c.is_ascii() {
        return c.to_digit(10);
    }
    let cp = c as u32;
    let i = db::DECIMAL.partition_point(|&(_, hi)| hi < cp);
    let &(lo, hi) = db::DECIMAL.get(i)?;
    (lo <= cp && cp <= hi).then(|| (cp - lo) % 10)
}

/// `Py_UNICODE_ISDIGIT`.
pub fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    in_ranges(db::DIGIT, c)
}

/// `Py_UNICODE_ISNUMERIC`.
pub fn is_numeric(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    in_ranges(db::NUMERIC, c)
}

/// `Py_UNICODE_ISALNUM`: alpha, decimal, digit or numeric.
pub fn is_alnum(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    is_alpha(c) || is_decimal(c) || is_digit(c) || is_numeric(c)
}

/// `Py_UNICODE_ISSPACE`: what `str.split()` and `str.strip()` treat as
/// whitespace (includes `\x1c`..`\x1f`, `\x85`, `\xa0`, ...).
pub fn is_space(c: char) -> bool {
    if c.is_ascii() {
        return matches!(c, '\t'..='\r' | '\x1c'..='\x1f' | ' ');
    }
    in_ranges(db::SPACE, c)
}

/// `Py_UNICODE_ISUPPER`.
pub fn is_upper(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_uppercase();
    }
    in_ranges(db::UPPER, c)
}

/// `Py_UNICODE_ISLOWER`.
pub fn is_lower(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_lowercase();
    }
    in_ranges(db::LOWER, c)
}

/// `Py_UNICODE_ISTITLE`: titlecase letters (`ǅ`, `ᾈ`, ...).
pub fn is_title(c: char) -> bool {
    !c.is_ascii() && in_ranges(db::TITLE, c)
}

/// `_PyUnicode_IsCased`.
pub fn is_cased(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    in_ranges(db::CASED, c)
}

/// `_PyUnicode_IsCaseIgnorable`.
pub fn is_case_ignorable(c: char) -> bool {
    if c.is_ascii() {
        return matches!(c, '\'' | '.' | ':' | '^' | '`');
    }
    in_ranges(db::CASE_IGNORABLE, c)
}

/// `_PyUnicode_IsXidStart` (and `_`): may start an identifier.
pub fn is_xid_start(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic() || c == '_';
    }
    in_ranges(db::XID_START, c)
}

/// `_PyUnicode_IsXidContinue`: may continue an identifier.
pub fn is_xid_continue(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    in_ranges(db::XID_CONTINUE, c)
}

/// Looks `c` up in a sorted mapping table.
fn lookup(map: &'static [(char, &'static str)], c: char) -> Option<&'static str> {
    map.binary_search_by_key(&c, |&(k, _)| k)
        .ok()
        .and_then(|i| map.get(i))
        .map(|&(_, v)| v)
}

/// Appends the full uppercase mapping of `c` (`_PyUnicode_ToUpperFull`).
pub fn push_upper(out: &mut String, c: char) {
    if c.is_ascii() {
        out.push(c.to_ascii_uppercase());
    } else if let Some(m) = lookup(db::UPPER_MAP, c) {
        out.push_str(m);
    } else {
        out.push(c);
    }
}

/// Appends the full lowercase mapping of `c` (`_PyUnicode_ToLowerFull`),
/// without the final-sigma rule (the caller applies it to `Σ`).
pub fn push_lower(out: &mut String, c: char) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else if c == '\u{3a3}' {
        out.push('\u{3c3}');
    } else if let Some(m) = lookup(db::LOWER_MAP, c) {
        out.push_str(m);
    } else {
        out.push(c);
    }
}

/// Appends the full titlecase mapping of `c` (`_PyUnicode_ToTitleFull`).
pub fn push_title(out: &mut String, c: char) {
    if let Some(m) = lookup(db::TITLE_MAP, c) {
        out.push_str(m);
    } else {
        push_upper(out, c);
    }
}

/// Appends the full case folding of `c` (`_PyUnicode_ToFoldedFull`).
pub fn push_fold(out: &mut String, c: char) {
    if let Some(m) = lookup(db::FOLD_MAP, c) {
        out.push_str(m);
    } else {
        push_lower(out, c);
    }
}

#[cfg(test)]
#[allow(clippy::too_many_arguments)]
mod tests {
    use super::*;
    use rstest::rstest;

    // Answers observed from CPython 3.11: (char, isprintable, isalpha,
    // isdecimal, isdigit, isnumeric, isspace, isupper, islower).
    #[rstest]
    #[case('a', true, true, false, false, false, false, false, true)]
    #[case('\n', false, false, false, false, false, true, false, false)]
    #[case('\u{a0}', false, false, false, false, false, true, false, false)]
    #[case('\u{ad}', false, false, false, false, false, false, false, false)]
    #[case('é', true, true, false, false, false, false, false, true)]
    #[case('\u{663}', true, false, true, true, true, false, false, false)]
    #[case('²', true, false, false, true, true, false, false, false)]
    #[case('½', true, false, false, false, true, false, false, false)]
    #[case('一', true, true, false, false, true, false, false, false)]
    #[case('\u{2003}', false, false, false, false, false, true, false, false)]
    #[case('\u{1c}', false, false, false, false, false, true, false, false)]
    #[case('Σ', true, true, false, false, false, false, true, false)]
    #[case('\u{e000}', false, false, false, false, false, false, false, false)]
    #[case('\u{1f600}', true, false, false, false, false, false, false, false)]
    #[case('ǅ', true, true, false, false, false, false, false, false)]
    fn predicates(
        #[case] c: char,
        #[case] printable: bool,
        #[case] alpha: bool,
        #[case] decimal: bool,
        #[case] digit: bool,
        #[case] numeric: bool,
        #[case] space: bool,
        #[case] upper: bool,
        #[case] lower: bool,
    ) {
        assert_eq!(is_printable(c), printable, "printable {c:?}");
        assert_eq!(is_alpha(c), alpha, "alpha {c:?}");
        assert_eq!(is_decimal(c), decimal, "decimal {c:?}");
        assert_eq!(is_digit(c), digit, "digit {c:?}");
        assert_eq!(is_numeric(c), numeric, "numeric {c:?}");
        assert_eq!(is_space(c), space, "space {c:?}");
        assert_eq!(is_upper(c), upper, "upper {c:?}");
        assert_eq!(is_lower(c), lower, "lower {c:?}");
    }

    #[rstest]
    #[case('7', Some(7))]
    #[case('\u{663}', Some(3))]
    #[case('\u{ff19}', Some(9))]
    #[case('²', None)]
    #[case('x', None)]
    fn decimal_values(#[case] c: char, #[case] want: Option<u32>) {
        assert_eq!(decimal_value(c), want);
    }

    #[rstest]
    #[case('ß', "SS", "ß", "Ss", "ss")]
    #[case('ǆ', "Ǆ", "ǆ", "ǅ", "ǆ")]
    #[case('İ', "İ", "i\u{307}", "İ", "i\u{307}")]
    #[case('ﬁ', "FI", "ﬁ", "Fi", "fi")]
    #[case('A', "A", "a", "A", "a")]
    fn case_maps(
        #[case] c: char,
        #[case] upper: &str,
        #[case] lower: &str,
        #[case] title: &str,
        #[case] fold: &str,
    ) {
        let run = |f: fn(&mut String, char)| {
            let mut s = String::new();
            f(&mut s, c);
            s
        };
        assert_eq!(run(push_upper), upper);
        assert_eq!(run(push_lower), lower);
        assert_eq!(run(push_title), title);
        assert_eq!(run(push_fold), fold);
    }
}
