//! The `str` method algorithms with CPython 3.11's semantics
//! (`Objects/unicodeobject.c`, `Objects/stringlib/`): splitting, stripping,
//! searching, replacing, case mapping, predicates, justification, plus
//! `sys.getsizeof(str)` and a deterministic hash for the VM's tables.
//!
//! Python indexes strs by code point; these functions take and return
//! code point indices. ASCII text (the common case) is indexed in O(1);
//! other text costs a scan to convert between byte and code point offsets.
//! Search results borrow from the input: no allocation where none is needed.

use super::check_str_len;
use super::error::{OpError, OpResult};
use super::unicode;

/// `str.find` & co. bounds: CPython's `ADJUST_INDICES` on code point
/// indices (`None` means "not given").
fn adjust_indices(start: Option<i64>, end: Option<i64>, len: i64) -> (i64, i64) {
    let mut end = end.unwrap_or(len);
    if end > len {
        end = len;
    } else if end < 0 {
        end = (end + len).max(0);
    }
    let mut start = start.unwrap_or(0);
    if start < 0 {
        start = (start + len).max(0);
    }
    (start, end)
}

/// Number of code points in `s` (`len(s)`).
pub fn char_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// Byte offset of code point `idx` (clamped to the end).
fn byte_offset(s: &str, idx: usize) -> usize {
    if s.is_ascii() {
        idx.min(s.len())
    } else {
        s.char_indices().nth(idx).map_or(s.len(), |(b, _)| b)
    }
}

/// Code point index of byte offset `b` (a char boundary).
fn char_index(s: &str, b: usize) -> usize {
    if s.is_ascii() {
        b
    } else {
        s.get(..b).map_or(0, |p| p.chars().count())
    }
}

/// The window `s[start:end]` for the searching methods, with its code
/// point offset, or `None` when the window is empty past the end.
fn window(s: &str, start: Option<i64>, end: Option<i64>) -> (&str, i64, i64) {
    let len = char_len(s) as i64;
    let (start, end) = adjust_indices(start, end, len);
    if start >= end || start > len {
        return ("", start, end);
    }
    let b0 = byte_offset(s, start as usize);
    let b1 = byte_offset(s, end as usize);
    (&s[b0..b1], start, end)
}

/// `str.find(sub, start, end)`: lowest index of `sub`, or -1.
pub fn find(s: &str, sub: &str, start: Option<i64>, end: Option<i64>) -> i64 {
    let (w, start, end) = window(s, start, end);
    if end - start < char_len(sub) as i64 {
        return -1;
    }
    w.find(sub).map_or(-1, |b| start + char_index(w, b) as i64)
}

/// `str.rfind(sub, start, end)`: highest index of `sub`, or -1.
pub fn rfind(s: &str, sub: &str, start: Option<i64>, end: Option<i64>) -> i64 {
    let (w, start, end) = window(s, start, end);
    if end - start < char_len(sub) as i64 {
        return -1;
    }
    w.rfind(sub).map_or(-1, |b| start + char_index(w, b) as i64)
}

/// `ValueError: substring not found` of `str.index`/`str.rindex`.
fn not_found() -> OpError {
    OpError::value("substring not found")
}

/// `str.index(sub, start, end)`.
pub fn index(s: &str, sub: &str, start: Option<i64>, end: Option<i64>) -> OpResult<i64> {
    match find(s, sub, start, end) {
        -1 => Err(not_found()),
        i => Ok(i),
    }
}

/// `str.rindex(sub, start, end)`.
pub fn rindex(s: &str, sub: &str, start: Option<i64>, end: Option<i64>) -> OpResult<i64> {
    match rfind(s, sub, start, end) {
        -1 => Err(not_found()),
        i => Ok(i),
    }
}

/// `str.count(sub, start, end)`: non-overlapping occurrences; an empty
/// `sub` counts the positions between code points (`len + 1`).
pub fn count(s: &str, sub: &str, start: Option<i64>, end: Option<i64>) -> i64 {
    let (w, start, end) = window(s, start, end);
    if end - start < char_len(sub) as i64 {
        return 0;
    }
    if sub.is_empty() {
        return end - start + 1;
    }
    w.matches(sub).count() as i64
}

/// `tailmatch`: does `s[start:end]` start (or end) with `sub`?
fn tailmatch(s: &str, sub: &str, start: Option<i64>, end: Option<i64>, at_end: bool) -> bool {
    let len = char_len(s) as i64;
    let (start, end) = adjust_indices(start, end, len);
    let sub_len = char_len(sub) as i64;
    if end - sub_len < start {
        return false;
    }
    if sub.is_empty() {
        return true;
    }
    let b0 = byte_offset(s, start as usize);
    let b1 = byte_offset(s, end as usize);
    let w = &s[b0..b1];
    if at_end {
        w.ends_with(sub)
    } else {
        w.starts_with(sub)
    }
}

/// `str.startswith(prefix, start, end)`; a tuple of prefixes is any match.
pub fn startswith(s: &str, prefixes: &[&str], start: Option<i64>, end: Option<i64>) -> bool {
    prefixes.iter().any(|p| tailmatch(s, p, start, end, false))
}

/// `str.endswith(suffix, start, end)`; a tuple of suffixes is any match.
pub fn endswith(s: &str, suffixes: &[&str], start: Option<i64>, end: Option<i64>) -> bool {
    suffixes.iter().any(|p| tailmatch(s, p, start, end, true))
}

/// `ValueError: empty separator`.
fn empty_separator() -> OpError {
    OpError::value("empty separator")
}

/// Turns Python's `maxsplit` (negative = unlimited) into a count.
fn max_count(maxsplit: i64) -> usize {
    usize::try_from(maxsplit).unwrap_or(usize::MAX)
}

/// `str.split()` / `str.split(None, maxsplit)`: runs of whitespace
/// separate, leading and trailing whitespace is dropped.
pub fn split_whitespace(s: &str, maxsplit: i64) -> Vec<&str> {
    let mut out = Vec::new();
    let mut left = max_count(maxsplit);
    let mut rest = s.trim_start_matches(unicode::is_space);
    while !rest.is_empty() {
        if left == 0 {
            out.push(rest);
            return out;
        }
        let end = rest.find(unicode::is_space).unwrap_or(rest.len());
        out.push(&rest[..end]);
        left -= 1;
        rest = rest[end..].trim_start_matches(unicode::is_space);
    }
    out
}

/// `str.rsplit()` / `str.rsplit(None, maxsplit)`.
pub fn rsplit_whitespace(s: &str, maxsplit: i64) -> Vec<&str> {
    let mut out = Vec::new();
    let mut left = max_count(maxsplit);
    let mut rest = s.trim_end_matches(unicode::is_space);
    while !rest.is_empty() {
        if left == 0 {
            out.push(rest);
            break;
        }
        let start = rest
            .rfind(unicode::is_space)
            .map_or(0, |b| b + next_char_len(rest, b));
        out.push(&rest[start..]);
        left -= 1;
        rest = rest[..start].trim_end_matches(unicode::is_space);
    }
    out.reverse();
    out
}

fn next_char_len(s: &str, b: usize) -> usize {
    s[b..].chars().next().map_or(1, char::len_utf8)
}

/// `str.split(sep, maxsplit)`. Error: `ValueError: empty separator`.
pub fn split<'a>(s: &'a str, sep: &str, maxsplit: i64) -> OpResult<Vec<&'a str>> {
    if sep.is_empty() {
        return Err(empty_separator());
    }
    let n = max_count(maxsplit);
    Ok(if n == usize::MAX {
        s.split(sep).collect()
    } else {
        s.splitn(n.saturating_add(1), sep).collect()
    })
}

/// `str.rsplit(sep, maxsplit)`. Error: `ValueError: empty separator`.
pub fn rsplit<'a>(s: &'a str, sep: &str, maxsplit: i64) -> OpResult<Vec<&'a str>> {
    if sep.is_empty() {
        return Err(empty_separator());
    }
    let n = max_count(maxsplit);
    let mut v: Vec<&str> = if n == usize::MAX {
        s.rsplit(sep).collect()
    } else {
        s.rsplitn(n.saturating_add(1), sep).collect()
    };
    v.reverse();
    Ok(v)
}

/// Python's line boundaries (`STRINGLIB_ISLINEBREAK`).
pub fn is_linebreak(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\x0b'
            | '\x0c'
            | '\x1c'
            | '\x1d'
            | '\x1e'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// `str.splitlines(keepends)`: `\r\n` is one boundary.
pub fn splitlines(s: &str, keepends: bool) -> Vec<&str> {
    let mut out = Vec::new();
    let mut j = 0;
    let mut iter = s.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if !is_linebreak(c) {
            continue;
        }
        let mut next = i + c.len_utf8();
        if c == '\r' && iter.peek().is_some_and(|&(_, d)| d == '\n') {
            iter.next();
            next += 1;
        }
        out.push(&s[j..if keepends { next } else { i }]);
        j = next;
    }
    if j < s.len() {
        out.push(&s[j..]);
    }
    out
}

/// `str.partition(sep)`. Error: `ValueError: empty separator`.
pub fn partition<'a>(s: &'a str, sep: &str) -> OpResult<(&'a str, &'a str, &'a str)> {
    if sep.is_empty() {
        return Err(empty_separator());
    }
    Ok(match s.find(sep) {
        Some(b) => (&s[..b], &s[b..b + sep.len()], &s[b + sep.len()..]),
        None => (s, "", ""),
    })
}

/// `str.rpartition(sep)`. Error: `ValueError: empty separator`.
pub fn rpartition<'a>(s: &'a str, sep: &str) -> OpResult<(&'a str, &'a str, &'a str)> {
    if sep.is_empty() {
        return Err(empty_separator());
    }
    Ok(match s.rfind(sep) {
        Some(b) => (&s[..b], &s[b..b + sep.len()], &s[b + sep.len()..]),
        None => ("", "", s),
    })
}

/// `str.strip(chars)`: `None` strips whitespace (`str.isspace`).
pub fn strip<'a>(s: &'a str, chars: Option<&str>) -> &'a str {
    rstrip(lstrip(s, chars), chars)
}

/// `str.lstrip(chars)`.
pub fn lstrip<'a>(s: &'a str, chars: Option<&str>) -> &'a str {
    match chars {
        None => s.trim_start_matches(unicode::is_space),
        Some(set) => s.trim_start_matches(|c| set.contains(c)),
    }
}

/// `str.rstrip(chars)`.
pub fn rstrip<'a>(s: &'a str, chars: Option<&str>) -> &'a str {
    match chars {
        None => s.trim_end_matches(unicode::is_space),
        Some(set) => s.trim_end_matches(|c| set.contains(c)),
    }
}

/// `str.replace(old, new, count)`: `count < 0` replaces all; an empty
/// `old` inserts `new` around every code point. `MemoryError` past
/// [`MAX_STR_BYTES`](super::MAX_STR_BYTES).
pub fn replace(s: &str, old: &str, new: &str, count: i64) -> OpResult<String> {
    let max = max_count(count);
    if max == 0 || old == new {
        return Ok(s.to_owned());
    }
    let occurrences = if old.is_empty() {
        char_len(s) + 1
    } else {
        s.matches(old).count()
    }
    .min(max);
    let size = s.len() as u128 + occurrences as u128 * new.len() as u128;
    check_str_len(usize::try_from(size).unwrap_or(usize::MAX))?;
    if old.is_empty() {
        let mut out = String::with_capacity(size as usize);
        let mut left = occurrences;
        for (i, c) in s.char_indices() {
            if left == 0 {
                out.push_str(&s[i..]);
                return Ok(out);
            }
            out.push_str(new);
            out.push(c);
            left -= 1;
        }
        if left > 0 {
            out.push_str(new);
        }
        return Ok(out);
    }
    Ok(s.replacen(old, new, occurrences))
}

/// `lower_ucs4`: the lowercase of the code point at `i`, with the
/// final-sigma rule for `Σ` (`handle_capital_sigma`).
fn push_lower_at(out: &mut String, chars: &[char], i: usize) {
    let Some(&c) = chars.get(i) else { return };
    if c != '\u{3a3}' {
        unicode::push_lower(out, c);
        return;
    }
    let before = chars[..i]
        .iter()
        .rev()
        .find(|&&d| !unicode::is_case_ignorable(d));
    let mut final_sigma = before.is_some_and(|&d| unicode::is_cased(d));
    if final_sigma {
        let after = chars[i + 1..]
            .iter()
            .find(|&&d| !unicode::is_case_ignorable(d));
        final_sigma = after.is_none_or(|&d| !unicode::is_cased(d));
    }
    out.push(if final_sigma { '\u{3c2}' } else { '\u{3c3}' });
}

/// `str.lower()` (full mappings, final sigma).
pub fn lower(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for i in 0..chars.len() {
        push_lower_at(&mut out, &chars, i);
    }
    out
}

/// `str.upper()` (full mappings: `'ß'.upper() == 'SS'`).
pub fn upper(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_uppercase();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        unicode::push_upper(&mut out, c);
    }
    out
}

/// `str.casefold()`.
pub fn casefold(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        unicode::push_fold(&mut out, c);
    }
    out
}

/// `str.capitalize()` (3.8+: the first character in titlecase, the rest
/// lowercased).
pub fn capitalize(s: &str) -> String {
    if s.is_ascii() {
        let mut out = s.to_ascii_lowercase();
        if let Some(first) = out.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        return out;
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    if let Some(&first) = chars.first() {
        unicode::push_title(&mut out, first);
    }
    for i in 1..chars.len() {
        push_lower_at(&mut out, &chars, i);
    }
    out
}

/// `str.title()`: titlecase after an uncased character, lowercase after a
/// cased one (`"they're".title() == "They'Re"`).
pub fn title(s: &str) -> String {
    if s.is_ascii() {
        let mut previous_is_cased = false;
        return s
            .chars()
            .map(|c| {
                let out = if previous_is_cased {
                    c.to_ascii_lowercase()
                } else {
                    c.to_ascii_uppercase()
                };
                previous_is_cased = c.is_ascii_alphabetic();
                out
            })
            .collect();
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut previous_is_cased = false;
    for (i, &c) in chars.iter().enumerate() {
        if previous_is_cased {
            push_lower_at(&mut out, &chars, i);
        } else {
            unicode::push_title(&mut out, c);
        }
        previous_is_cased = unicode::is_cased(c);
    }
    out
}

/// `str.swapcase()`.
pub fn swapcase(s: &str) -> String {
    if s.is_ascii() {
        return s
            .chars()
            .map(|c| {
                if c.is_ascii_uppercase() {
                    c.to_ascii_lowercase()
                } else {
                    c.to_ascii_uppercase()
                }
            })
            .collect();
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if unicode::is_upper(c) {
            push_lower_at(&mut out, &chars, i);
        } else if unicode::is_lower(c) {
            unicode::push_upper(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

/// True when `s` is non-empty and every character satisfies `pred`.
fn all_nonempty(s: &str, pred: fn(char) -> bool) -> bool {
    !s.is_empty() && s.chars().all(pred)
}

/// `str.isdigit()`.
pub fn isdigit(s: &str) -> bool {
    all_nonempty(s, unicode::is_digit)
}
/// `str.isdecimal()`.
pub fn isdecimal(s: &str) -> bool {
    all_nonempty(s, unicode::is_decimal)
}
/// `str.isnumeric()`.
pub fn isnumeric(s: &str) -> bool {
    all_nonempty(s, unicode::is_numeric)
}
/// `str.isalpha()`.
pub fn isalpha(s: &str) -> bool {
    all_nonempty(s, unicode::is_alpha)
}
/// `str.isalnum()`.
pub fn isalnum(s: &str) -> bool {
    all_nonempty(s, unicode::is_alnum)
}
/// `str.isspace()`.
pub fn isspace(s: &str) -> bool {
    all_nonempty(s, unicode::is_space)
}
/// `str.isprintable()` (true for the empty string).
pub fn isprintable(s: &str) -> bool {
    s.chars().all(unicode::is_printable)
}
/// `str.isascii()` (true for the empty string).
pub fn isascii(s: &str) -> bool {
    s.is_ascii()
}

/// `str.isupper()`: at least one cased character and no lowercase or
/// titlecase one.
pub fn isupper(s: &str) -> bool {
    let mut cased = false;
    for c in s.chars() {
        if unicode::is_lower(c) || unicode::is_title(c) {
            return false;
        }
        cased |= unicode::is_upper(c);
    }
    cased
}

/// `str.islower()`.
pub fn islower(s: &str) -> bool {
    let mut cased = false;
    for c in s.chars() {
        if unicode::is_upper(c) || unicode::is_title(c) {
            return false;
        }
        cased |= unicode::is_lower(c);
    }
    cased
}

/// `str.istitle()`.
pub fn istitle(s: &str) -> bool {
    let mut cased = false;
    let mut previous_is_cased = false;
    for c in s.chars() {
        if unicode::is_upper(c) || unicode::is_title(c) {
            if previous_is_cased {
                return false;
            }
            previous_is_cased = true;
            cased = true;
        } else if unicode::is_lower(c) {
            if !previous_is_cased {
                return false;
            }
            previous_is_cased = true;
            cased = true;
        } else {
            previous_is_cased = false;
        }
    }
    cased
}

/// `str.isidentifier()`.
pub fn isidentifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(unicode::is_xid_start) && chars.all(unicode::is_xid_continue)
}

/// Checks a `fillchar` argument (`str.center`, `ljust`, `rjust`).
///
/// Error: `TypeError: The fill character must be exactly one character long`.
pub fn fill_char(fill: &str) -> OpResult<char> {
    let mut it = fill.chars();
    match (it.next(), it.next()) {
        (Some(c), None) => Ok(c),
        _ => Err(OpError::Type(
            "The fill character must be exactly one character long".into(),
        )),
    }
}

/// `pad(self, left, right, fill)`.
fn pad(s: &str, left: usize, right: usize, fill: char) -> OpResult<String> {
    let extra = (left as u128 + right as u128) * fill.len_utf8() as u128;
    check_str_len(usize::try_from(s.len() as u128 + extra).unwrap_or(usize::MAX))?;
    let mut out = String::with_capacity(s.len() + (left + right) * fill.len_utf8());
    out.extend(std::iter::repeat_n(fill, left));
    out.push_str(s);
    out.extend(std::iter::repeat_n(fill, right));
    Ok(out)
}

/// How much `s` falls short of `width` code points.
fn shortfall(s: &str, width: i64) -> usize {
    usize::try_from(width)
        .unwrap_or(0)
        .saturating_sub(char_len(s))
}

/// `str.ljust(width, fill)`.
pub fn ljust(s: &str, width: i64, fill: char) -> OpResult<String> {
    pad(s, 0, shortfall(s, width), fill)
}

/// `str.rjust(width, fill)`.
pub fn rjust(s: &str, width: i64, fill: char) -> OpResult<String> {
    pad(s, shortfall(s, width), 0, fill)
}

/// `str.center(width, fill)`: CPython puts the odd extra character on the
/// left when both the margin and the width are odd.
pub fn center(s: &str, width: i64, fill: char) -> OpResult<String> {
    let marg = shortfall(s, width);
    let w = usize::try_from(width).unwrap_or(0);
    let left = marg / 2 + (marg & w & 1);
    pad(s, left, marg - left, fill)
}

/// `str.zfill(width)`: zeros after a leading sign.
pub fn zfill(s: &str, width: i64) -> OpResult<String> {
    let fill = shortfall(s, width);
    if fill == 0 {
        return Ok(s.to_owned());
    }
    check_str_len(s.len().saturating_add(fill))?;
    let mut out = String::with_capacity(s.len() + fill);
    let (sign, rest) = match s.as_bytes().first() {
        Some(b'+' | b'-') => s.split_at(1),
        _ => ("", s),
    };
    out.push_str(sign);
    out.extend(std::iter::repeat_n('0', fill));
    out.push_str(rest);
    Ok(out)
}

/// `str.expandtabs(tabsize)`: columns restart after `\n` and `\r`; a
/// `tabsize <= 0` removes tabs.
pub fn expandtabs(s: &str, tabsize: i64) -> OpResult<String> {
    let mut out = String::with_capacity(s.len());
    let mut column: u64 = 0;
    let tab = u64::try_from(tabsize).unwrap_or(0);
    for c in s.chars() {
        match c {
            '\t' => {
                if tab > 0 {
                    let n = tab - column % tab;
                    check_str_len(usize::try_from(out.len() as u64 + n).unwrap_or(usize::MAX))?;
                    out.extend(std::iter::repeat_n(' ', n as usize));
                    column += n;
                }
            }
            '\n' | '\r' => {
                out.push(c);
                column = 0;
            }
            _ => {
                out.push(c);
                column += 1;
            }
        }
    }
    Ok(out)
}

/// `sys.getsizeof(s)` for a str in CPython 3.11 (compact representation):
/// ASCII `49 + len`, Latin-1 `73 + len`, UCS-2 `74 + 2*len`, UCS-4
/// `76 + 4*len` (a header of 48 or 72 bytes, then `len + 1` units).
pub fn str_sizeof(s: &str) -> usize {
    let (len, max) = s
        .chars()
        .fold((0usize, 0u32), |(n, m), c| (n + 1, m.max(c as u32)));
    match max {
        0..=0x7f => 48 + len + 1,
        0x80..=0xff => 72 + len + 1,
        0x100..=0xffff => 72 + 2 * (len + 1),
        _ => 72 + 4 * (len + 1),
    }
}

/// A fast deterministic hash of a str for the VM's own tables.
///
/// CPython's str hash is SipHash keyed at random per process, so no
/// script can depend on its values; this one is FxHash-style (a multiply
/// and rotate per 8 bytes), never returns `-1`, and is stable across runs.
pub fn str_hash(s: &str) -> i64 {
    const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let mut h: u64 = s.len() as u64;
    let mut chunks = s.as_bytes().chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
    }
    // A final avalanche so short keys spread over the low bits tables use.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    let v = h as i64;
    if v == -1 { -2 } else { v }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    // All expected values below were generated by running the same calls
    // on CPython 3.11.

    #[rstest]
    #[case("a b  c ", -1, &["a", "b", "c"], &["a", "b", "c"])]
    #[case("a b  c ", 0, &["a b  c "], &["a b  c"])]
    #[case("a b  c ", 1, &["a", "b  c "], &["a b", "c"])]
    #[case("a b  c ", 2, &["a", "b", "c "], &["a", "b", "c"])]
    #[case(" a b  c ", -1, &["a", "b", "c"], &["a", "b", "c"])]
    #[case(" a b  c ", 0, &["a b  c "], &[" a b  c"])]
    #[case(" a b  c ", 1, &["a", "b  c "], &[" a b", "c"])]
    #[case(" a b  c ", 2, &["a", "b", "c "], &[" a", "b", "c"])]
    #[case("", -1, &[], &[])]
    #[case("", 0, &[], &[])]
    #[case("", 1, &[], &[])]
    #[case("", 2, &[], &[])]
    #[case("   ", -1, &[], &[])]
    #[case("   ", 0, &[], &[])]
    #[case("   ", 1, &[], &[])]
    #[case("   ", 2, &[], &[])]
    #[case("a　b\u{1c}c\u{85}d", -1, &["a", "b", "c", "d"], &["a", "b", "c", "d"])]
    #[case("a　b\u{1c}c\u{85}d", 0, &["a　b\u{1c}c\u{85}d"], &["a　b\u{1c}c\u{85}d"])]
    #[case("a　b\u{1c}c\u{85}d", 1, &["a", "b\u{1c}c\u{85}d"], &["a　b\u{1c}c", "d"])]
    #[case("a　b\u{1c}c\u{85}d", 2, &["a", "b", "c\u{85}d"], &["a　b", "c", "d"])]
    #[case("one", -1, &["one"], &["one"])]
    #[case("one", 0, &["one"], &["one"])]
    #[case("one", 1, &["one"], &["one"])]
    #[case("one", 2, &["one"], &["one"])]
    #[case("\té\tü ", -1, &["é", "ü"], &["é", "ü"])]
    #[case("\té\tü ", 0, &["é\tü "], &["\té\tü"])]
    #[case("\té\tü ", 1, &["é", "ü "], &["\té", "ü"])]
    #[case("\té\tü ", 2, &["é", "ü"], &["é", "ü"])]
    #[case("x\ny", -1, &["x", "y"], &["x", "y"])]
    #[case("x\ny", 0, &["x\ny"], &["x\ny"])]
    #[case("x\ny", 1, &["x", "y"], &["x", "y"])]
    #[case("x\ny", 2, &["x", "y"], &["x", "y"])]
    fn whitespace_split(
        #[case] s: &str,
        #[case] max: i64,
        #[case] split: &[&str],
        #[case] rsplit: &[&str],
    ) {
        assert_eq!(split_whitespace(s, max), split, "{s:?}.split(None, {max})");
        assert_eq!(
            rsplit_whitespace(s, max),
            rsplit,
            "{s:?}.rsplit(None, {max})"
        );
    }

    #[rstest]
    #[case("a,b,,c", ",", -1, &["a", "b", "", "c"], &["a", "b", "", "c"])]
    #[case("a,b,,c", ",", 0, &["a,b,,c"], &["a,b,,c"])]
    #[case("a,b,,c", ",", 1, &["a", "b,,c"], &["a,b,", "c"])]
    #[case("a,b,,c", ",", 2, &["a", "b", ",c"], &["a,b", "", "c"])]
    #[case("", ",", -1, &[""], &[""])]
    #[case("", ",", 0, &[""], &[""])]
    #[case("", ",", 1, &[""], &[""])]
    #[case("", ",", 2, &[""], &[""])]
    #[case("aaa", "aa", -1, &["", "a"], &["a", ""])]
    #[case("aaa", "aa", 0, &["aaa"], &["aaa"])]
    #[case("aaa", "aa", 1, &["", "a"], &["a", ""])]
    #[case("aaa", "aa", 2, &["", "a"], &["a", ""])]
    #[case("aaaa", "aa", -1, &["", "", ""], &["", "", ""])]
    #[case("aaaa", "aa", 0, &["aaaa"], &["aaaa"])]
    #[case("aaaa", "aa", 1, &["", "aa"], &["aa", ""])]
    #[case("aaaa", "aa", 2, &["", "", ""], &["", "", ""])]
    #[case("a::b::", "::", -1, &["a", "b", ""], &["a", "b", ""])]
    #[case("a::b::", "::", 0, &["a::b::"], &["a::b::"])]
    #[case("a::b::", "::", 1, &["a", "b::"], &["a::b", ""])]
    #[case("a::b::", "::", 2, &["a", "b", ""], &["a", "b", ""])]
    #[case("é,ü,", ",", -1, &["é", "ü", ""], &["é", "ü", ""])]
    #[case("é,ü,", ",", 0, &["é,ü,"], &["é,ü,"])]
    #[case("é,ü,", ",", 1, &["é", "ü,"], &["é,ü", ""])]
    #[case("é,ü,", ",", 2, &["é", "ü", ""], &["é", "ü", ""])]
    #[case(",", ",", -1, &["", ""], &["", ""])]
    #[case(",", ",", 0, &[","], &[","])]
    #[case(",", ",", 1, &["", ""], &["", ""])]
    #[case(",", ",", 2, &["", ""], &["", ""])]
    fn sep_split(
        #[case] s: &str,
        #[case] sep: &str,
        #[case] max: i64,
        #[case] want: &[&str],
        #[case] rwant: &[&str],
    ) {
        assert_eq!(split(s, sep, max).unwrap(), want);
        assert_eq!(rsplit(s, sep, max).unwrap(), rwant);
    }

    #[test]
    fn empty_separator_errors() {
        assert_eq!(split("a", "", -1), Err(OpError::value("empty separator")));
        assert_eq!(rsplit("a", "", -1), Err(OpError::value("empty separator")));
        assert_eq!(partition("a", ""), Err(OpError::value("empty separator")));
        assert_eq!(rpartition("a", ""), Err(OpError::value("empty separator")));
    }

    #[rstest]
    #[case("x\ny\r\nz\rw\u{b}v\u{c}u\u{1c}t\u{1d}s\u{1e}r\u{85}q\u{2028}p\u{2029}o", &["x", "y", "z", "w", "v", "u", "t", "s", "r", "q", "p", "o"], &["x\n", "y\r\n", "z\r", "w\u{b}", "v\u{c}", "u\u{1c}", "t\u{1d}", "s\u{1e}", "r\u{85}", "q\u{2028}", "p\u{2029}", "o"])]
    #[case("a\n\nb\n", &["a", "", "b"], &["a\n", "\n", "b\n"])]
    #[case("", &[], &[])]
    #[case("a\r", &["a"], &["a\r"])]
    #[case("\r\n\r\n", &["", ""], &["\r\n", "\r\n"])]
    #[case("a\r\r\nb", &["a", "", "b"], &["a\r", "\r\n", "b"])]
    #[case("no break", &["no break"], &["no break"])]
    fn lines(#[case] s: &str, #[case] plain: &[&str], #[case] kept: &[&str]) {
        assert_eq!(splitlines(s, false), plain);
        assert_eq!(splitlines(s, true), kept);
    }

    #[rstest]
    #[case("  xax  ", None, "xax", "xax  ", "  xax")]
    #[case("xxaxx", Some("x"), "a", "axx", "xxa")]
    #[case("\u{1c} a \u{85}", None, "a", "a \u{85}", "\u{1c} a")]
    #[case("abcba", Some("ab"), "c", "cba", "abc")]
    #[case("", None, "", "", "")]
    #[case("   ", None, "", "", "")]
    #[case("éaé", Some("é"), "a", "aé", "éa")]
    #[case("　a\u{2028}", None, "a", "a\u{2028}", "　a")]
    fn strips(
        #[case] s: &str,
        #[case] chars: Option<&str>,
        #[case] both: &str,
        #[case] left: &str,
        #[case] right: &str,
    ) {
        assert_eq!(strip(s, chars), both);
        assert_eq!(lstrip(s, chars), left);
        assert_eq!(rstrip(s, chars), right);
    }

    #[rstest]
    #[case("aaa", "a", "b", 2, "bba")]
    #[case("abc", "", "-", -1, "-a-b-c-")]
    #[case("abc", "", "-", 2, "-a-bc")]
    #[case("", "", "x", -1, "x")]
    #[case("abc", "b", "", -1, "ac")]
    #[case("aaaa", "aa", "b", -1, "bb")]
    #[case("aaa", "a", "b", 0, "aaa")]
    #[case("éé", "é", "e", -1, "ee")]
    #[case("éé", "", "-", -1, "-é-é-")]
    #[case("abc", "x", "y", -1, "abc")]
    #[case("abab", "ab", "ab", -1, "abab")]
    #[case("", "", "x", 0, "")]
    fn replaces(
        #[case] s: &str,
        #[case] old: &str,
        #[case] new: &str,
        #[case] n: i64,
        #[case] want: &str,
    ) {
        assert_eq!(replace(s, old, new, n).unwrap(), want);
    }

    #[rstest]
    #[case("abcabc", "bc", None, None, 1, 4, 2)]
    #[case("abcabc", "bc", Some(2), None, 4, 4, 1)]
    #[case("abcabc", "bc", Some(0), Some(4), 1, 1, 1)]
    #[case("abc", "", Some(3), None, 3, 3, 1)]
    #[case("abc", "", Some(4), None, -1, -1, 0)]
    #[case("abc", "", None, None, 0, 3, 4)]
    #[case("abc", "", Some(-1), None, 2, 3, 2)]
    #[case("abc", "", Some(1), None, 1, 3, 3)]
    #[case("aaaa", "aa", None, None, 0, 2, 2)]
    #[case("aaaa", "aa", Some(1), None, 1, 2, 1)]
    #[case("éaéa", "a", None, None, 1, 3, 2)]
    #[case("éaéa", "a", Some(2), None, 3, 3, 1)]
    #[case("éaéa", "é", Some(-2), None, 2, 2, 1)]
    #[case("abc", "c", Some(-100), Some(100), 2, 2, 1)]
    #[case("abc", "abcd", None, None, -1, -1, 0)]
    #[case("abc", "a", None, Some(-3), -1, -1, 0)]
    #[case("abc", "", Some(5), Some(2), -1, -1, 0)]
    #[case("日本日本", "本", None, Some(-1), 1, 1, 1)]
    fn searches(
        #[case] s: &str,
        #[case] sub: &str,
        #[case] start: Option<i64>,
        #[case] end: Option<i64>,
        #[case] f: i64,
        #[case] rf: i64,
        #[case] n: i64,
    ) {
        assert_eq!(find(s, sub, start, end), f, "find");
        assert_eq!(rfind(s, sub, start, end), rf, "rfind");
        assert_eq!(count(s, sub, start, end), n, "count");
        assert_eq!(index(s, sub, start, end).ok(), (f >= 0).then_some(f));
        assert_eq!(rindex(s, sub, start, end).ok(), (rf >= 0).then_some(rf));
    }

    #[test]
    fn index_errors() {
        assert_eq!(
            index("a", "b", None, None),
            Err(OpError::value("substring not found"))
        );
        assert_eq!(
            rindex("a", "b", None, None),
            Err(OpError::value("substring not found"))
        );
    }

    #[rstest]
    #[case("abc", "", Some(3), None, true, true)]
    #[case("abc", "", Some(4), None, false, false)]
    #[case("abc", "bc", Some(-2), None, true, true)]
    #[case("abc", "b", Some(1), Some(2), true, true)]
    #[case("abc", "ab", None, Some(1), false, false)]
    #[case("éab", "ab", Some(1), None, true, true)]
    #[case("éab", "é", None, None, true, false)]
    #[case("abc", "abc", None, None, true, true)]
    #[case("abc", "abcd", None, None, false, false)]
    #[case("abc", "c", None, Some(-1), false, false)]
    #[case("", "", None, None, true, true)]
    #[case("", "", Some(1), None, false, false)]
    fn tails(
        #[case] s: &str,
        #[case] sub: &str,
        #[case] start: Option<i64>,
        #[case] end: Option<i64>,
        #[case] sw: bool,
        #[case] ew: bool,
    ) {
        assert_eq!(startswith(s, &[sub], start, end), sw, "startswith");
        assert_eq!(endswith(s, &[sub], start, end), ew, "endswith");
        assert_eq!(startswith(s, &["\u{0}zz", sub], start, end), sw, "tuple");
    }

    #[test]
    fn partitions() {
        assert_eq!(partition("a,b", ",").unwrap(), ("a", ",", "b"));
        assert_eq!(partition("ab", ",").unwrap(), ("ab", "", ""));
        assert_eq!(rpartition("a,b,c", ",").unwrap(), ("a,b", ",", "c"));
        assert_eq!(rpartition("ab", ",").unwrap(), ("", "", "ab"));
    }

    #[rstest]
    #[case(
        "hello world",
        "hello world",
        "HELLO WORLD",
        "hello world",
        "Hello world",
        "Hello World",
        "HELLO WORLD"
    )]
    #[case(
        "they're bill's",
        "they're bill's",
        "THEY'RE BILL'S",
        "they're bill's",
        "They're bill's",
        "They'Re Bill'S",
        "THEY'RE BILL'S"
    )]
    #[case("ǆa ǅb", "ǆa ǆb", "ǄA ǄB", "ǆa ǆb", "ǅa ǆb", "ǅa ǅb", "ǄA ǅB")]
    #[case(
        "hELLO wORLD",
        "hello world",
        "HELLO WORLD",
        "hello world",
        "Hello world",
        "Hello World",
        "Hello World"
    )]
    #[case("ǆa", "ǆa", "ǄA", "ǆa", "ǅa", "ǅa", "ǄA")]
    #[case("ßa", "ßa", "SSA", "ssa", "Ssa", "Ssa", "SSA")]
    #[case("aBΣ", "abς", "ABΣ", "abσ", "Abς", "Abς", "Abς")]
    #[case("ΑΣ", "ας", "ΑΣ", "ασ", "Ας", "Ας", "ας")]
    #[case("MASSE", "masse", "MASSE", "masse", "Masse", "Masse", "masse")]
    #[case(
        "Straße", "straße", "STRASSE", "strasse", "Straße", "Straße", "sTRASSE"
    )]
    #[case("ΣΑΣ", "σας", "ΣΑΣ", "σασ", "Σας", "Σας", "σας")]
    #[case("AΣ.", "aς.", "AΣ.", "aσ.", "Aς.", "Aς.", "aς.")]
    #[case("Σ", "σ", "Σ", "σ", "Σ", "Σ", "σ")]
    #[case("AΣb", "aσb", "AΣB", "aσb", "Aσb", "Aσb", "aσB")]
    #[case("AΣ́", "aς́", "AΣ́", "aσ́", "Aς́", "Aς́", "aς́")]
    #[case("ﬁre", "ﬁre", "FIRE", "fire", "Fire", "Fire", "FIRE")]
    #[case("İx", "i̇x", "İX", "i̇x", "İx", "İx", "i̇X")]
    #[case("", "", "", "", "", "", "")]
    #[case("a1b2", "a1b2", "A1B2", "a1b2", "A1b2", "A1B2", "A1B2")]
    #[case("ΣΣ a", "σς a", "ΣΣ A", "σσ a", "Σς a", "Σς A", "σς A")]
    #[case("x Σ", "x σ", "X Σ", "x σ", "X σ", "X Σ", "X σ")]
    fn case_mappings(
        #[case] s: &str,
        #[case] lo: &str,
        #[case] up: &str,
        #[case] fold: &str,
        #[case] cap: &str,
        #[case] tit: &str,
        #[case] swap: &str,
    ) {
        assert_eq!(lower(s), lo, "lower");
        assert_eq!(upper(s), up, "upper");
        assert_eq!(casefold(s), fold, "casefold");
        assert_eq!(capitalize(s), cap, "capitalize");
        assert_eq!(title(s), tit, "title");
        assert_eq!(swapcase(s), swap, "swapcase");
    }

    #[rstest]
    #[case("", "00000010000")]
    #[case("abc", "00011010101")]
    #[case("ABC", "00011011001")]
    #[case("Abc", "00011010011")]
    #[case("Hello World", "00000010010")]
    #[case("Hello world", "00000010000")]
    #[case("ǅa", "00011010011")]
    #[case("A1", "00001011011")]
    #[case("1", "11101010000")]
    #[case("_a1", "00000010101")]
    #[case("1a", "00001010100")]
    #[case("é", "00011010101")]
    #[case("²", "10101010000")]
    #[case("٣", "11101010000")]
    #[case("½", "00101010000")]
    #[case(" \t", "00000100000")]
    #[case("a b", "00000010100")]
    #[case("a\n", "00000000100")]
    #[case("一", "00111010001")]
    #[case("Ⅷ", "00101011011")]
    #[case("ab_", "00000010101")]
    #[case("x²", "00001010100")]
    #[case("ǅ", "00011010011")]
    #[case("ⅷ", "00101010101")]
    fn predicates(#[case] s: &str, #[case] want: &str) {
        let fs: [fn(&str) -> bool; 11] = [
            isdigit,
            isdecimal,
            isnumeric,
            isalpha,
            isalnum,
            isspace,
            isprintable,
            isupper,
            islower,
            istitle,
            isidentifier,
        ];
        let got: String = fs.iter().map(|f| if f(s) { '1' } else { '0' }).collect();
        assert_eq!(got, want, "{s:?}");
        assert!(isascii("") && isascii("a") && !isascii("é"));
    }

    #[rstest]
    #[case("ab", 0, '*', "ab", "ab", "ab")]
    #[case("ab", 3, '*', "ab*", "*ab", "*ab")]
    #[case("ab", 4, '*', "ab**", "**ab", "*ab*")]
    #[case("ab", 5, '*', "ab***", "***ab", "**ab*")]
    #[case("ab", 6, '*', "ab****", "****ab", "**ab**")]
    #[case("ab", 7, '*', "ab*****", "*****ab", "***ab**")]
    #[case("abc", 4, '*', "abc*", "*abc", "abc*")]
    #[case("abc", 7, '*', "abc****", "****abc", "**abc**")]
    #[case("é", 4, 'ü', "éüüü", "üüüé", "üéüü")]
    #[case("ab", -5, ' ', "ab", "ab", "ab")]
    fn justify(
        #[case] s: &str,
        #[case] w: i64,
        #[case] f: char,
        #[case] l: &str,
        #[case] r: &str,
        #[case] c: &str,
    ) {
        assert_eq!(ljust(s, w, f).unwrap(), l);
        assert_eq!(rjust(s, w, f).unwrap(), r);
        assert_eq!(center(s, w, f).unwrap(), c);
    }

    #[test]
    fn fill_char_checks() {
        assert_eq!(fill_char("*"), Ok('*'));
        assert_eq!(fill_char("é"), Ok('é'));
        let err = OpError::Type("The fill character must be exactly one character long".into());
        assert_eq!(fill_char("ab"), Err(err.clone()));
        assert_eq!(fill_char(""), Err(err));
    }

    #[test]
    fn huge_widths_are_memory_errors() {
        assert_eq!(ljust("a", i64::MAX, ' '), Err(OpError::Memory));
        assert_eq!(center("a", 1 << 40, ' '), Err(OpError::Memory));
        assert_eq!(zfill("a", 1 << 40), Err(OpError::Memory));
        assert_eq!(expandtabs("\t", i64::MAX), Err(OpError::Memory));
        let big = "ab".repeat(1000);
        assert_eq!(
            replace(&big, "", &"x".repeat(1 << 20), -1),
            Err(OpError::Memory)
        );
    }

    #[rstest]
    #[case("-42", 6, "-00042")]
    #[case("+x", 4, "+00x")]
    #[case("abc", 2, "abc")]
    #[case("", 3, "000")]
    #[case("42", 5, "00042")]
    #[case("-", 3, "-00")]
    #[case("é", 3, "00é")]
    fn zfills(#[case] s: &str, #[case] w: i64, #[case] want: &str) {
        assert_eq!(zfill(s, w).unwrap(), want);
    }

    #[rstest]
    #[case("a\tbc\td\n\tx", 8, "a       bc      d\n        x")]
    #[case("a\tb", 0, "ab")]
    #[case("ab\r\tc", 4, "ab\r    c")]
    #[case("\t", 1, " ")]
    #[case("é\tx", 4, "é   x")]
    #[case("a\tb", -1, "ab")]
    #[case("12345678\t", 8, "12345678        ")]
    fn tabs(#[case] s: &str, #[case] t: i64, #[case] want: &str) {
        assert_eq!(expandtabs(s, t).unwrap(), want);
    }

    #[rstest]
    #[case("", 49)]
    #[case("a", 50)]
    #[case("abc", 52)]
    #[case("é", 74)]
    #[case("éa", 75)]
    #[case("Ā", 76)]
    #[case("abĀ", 80)]
    #[case("😀", 80)]
    #[case("a😀", 84)]
    #[case(
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        149
    )]
    fn sizes(#[case] s: &str, #[case] want: usize) {
        assert_eq!(str_sizeof(s), want);
    }

    #[test]
    fn hash_is_deterministic_and_spreads() {
        assert_eq!(str_hash("abc"), str_hash("abc"));
        assert_ne!(str_hash("abc"), str_hash("abd"));
        assert_ne!(str_hash(""), -1);
        let low_bits: std::collections::HashSet<i64> =
            (0..64).map(|i| str_hash(&format!("k{i}")) & 63).collect();
        assert!(low_bits.len() > 32, "poor spread: {}", low_bits.len());
    }
}
