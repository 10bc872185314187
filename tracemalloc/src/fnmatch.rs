//! Shell-style file name patterns with the exact semantics of Python's
//! `fnmatch.fnmatch` on POSIX (`fnmatch.translate` then a regex match).
//!
//! `*` matches any text (slashes and newlines too), `?` one character,
//! `[seq]` one character of the set and `[!seq]` one not in it, where `a-z`
//! is a range. Every pattern is valid, as in Python: a `[` without its `]`
//! matches itself, an empty range (`[z-a]`) never matches. Matching is
//! iterative (greedy star with one back-track point), so it is linear in
//! practice and never recursive, whatever the pattern.

/// One compiled pattern element.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    /// A literal character.
    Char(char),
    /// `?`
    Any,
    /// `*` (consecutive stars compressed into one).
    Star,
    /// `[...]`
    Set(CharSet),
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct CharSet {
    negated: bool,
    /// A set that can never match (`(?!)` in the regex).
    empty: bool,
    items: Vec<SetItem>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SetItem {
    Char(char),
    Range(char, char),
}

impl CharSet {
    fn matches(&self, c: char) -> bool {
        if self.empty {
            return false;
        }
        let hit = self.items.iter().any(|item| match *item {
            SetItem::Char(x) => x == c,
            SetItem::Range(lo, hi) => lo <= c && c <= hi,
        });
        hit != self.negated
    }
}

/// A compiled `fnmatch` pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    tokens: Vec<Token>,
}

impl Pattern {
    /// Compiles `pattern` as `fnmatch.translate` does. Never fails.
    pub fn new(pattern: &str) -> Self {
        let pat: Vec<char> = pattern.chars().collect();
        let n = pat.len();
        let mut tokens = Vec::new();
        let mut i = 0;
        while let Some(&c) = pat.get(i) {
            i += 1;
            match c {
                '*' => {
                    if tokens.last() != Some(&Token::Star) {
                        tokens.push(Token::Star);
                    }
                }
                '?' => tokens.push(Token::Any),
                '[' => {
                    let mut j = i;
                    if pat.get(j) == Some(&'!') {
                        j += 1;
                    }
                    if pat.get(j) == Some(&']') {
                        j += 1;
                    }
                    while j < n && pat.get(j) != Some(&']') {
                        j += 1;
                    }
                    if j >= n {
                        tokens.push(Token::Char('['));
                    } else {
                        tokens.push(Token::Set(parse_set(pat.get(i..j).unwrap_or(&[]))));
                        i = j + 1;
                    }
                }
                c => tokens.push(Token::Char(c)),
            }
        }
        Pattern { tokens }
    }

    /// `fnmatch.fnmatchcase(name, pattern)` (on POSIX `fnmatch` is the same:
    /// `os.path.normcase` changes nothing).
    pub fn matches(&self, name: &str) -> bool {
        let text: Vec<char> = name.chars().collect();
        let toks = &self.tokens;
        let (mut t, mut p) = (0usize, 0usize);
        // Where the last star was, and which text position it resumes from.
        let mut star: Option<(usize, usize)> = None;
        loop {
            match toks.get(p) {
                Some(Token::Star) => {
                    star = Some((p, t));
                    p += 1;
                    continue;
                }
                Some(tok) => {
                    if let Some(&c) = text.get(t) {
                        let ok = match tok {
                            Token::Char(x) => *x == c,
                            Token::Any => true,
                            Token::Set(set) => set.matches(c),
                            Token::Star => false,
                        };
                        if ok {
                            p += 1;
                            t += 1;
                            continue;
                        }
                    }
                }
                None => {
                    if t == text.len() {
                        return true;
                    }
                }
            }
            // Mismatch: let the last star swallow one more character.
            match star {
                Some((sp, st)) if st < text.len() => {
                    star = Some((sp, st + 1));
                    p = sp + 1;
                    t = st + 1;
                }
                _ => return false,
            }
        }
    }
}

/// The set between `[` and `]` (`stuff`), as `fnmatch.translate` turns it
/// into a regex class: split at the hyphens that make ranges, drop empty
/// ranges together with their end points, everything else literal.
fn parse_set(stuff: &[char]) -> CharSet {
    let negated = stuff.first() == Some(&'!');
    let chunks: Vec<Vec<char>> = if !stuff.contains(&'-') {
        vec![stuff.to_vec()]
    } else {
        let j = stuff.len();
        let mut chunks: Vec<Vec<char>> = Vec::new();
        let mut i = 0usize;
        let mut k = if negated { 2 } else { 1 };
        loop {
            let found = (k..j).find(|&x| stuff.get(x) == Some(&'-'));
            let Some(at) = found else { break };
            chunks.push(stuff.get(i..at).unwrap_or(&[]).to_vec());
            i = at + 1;
            k = at + 3;
        }
        let last = stuff.get(i..j).unwrap_or(&[]).to_vec();
        if !last.is_empty() {
            chunks.push(last);
        } else if let Some(prev) = chunks.last_mut() {
            prev.push('-');
        }
        // Remove empty ranges (invalid in a regex), right to left.
        let mut k = chunks.len();
        while k > 1 {
            k -= 1;
            let (prev_last, cur_first) = match (chunks.get(k - 1), chunks.get(k)) {
                (Some(a), Some(b)) => (a.last().copied(), b.first().copied()),
                _ => (None, None),
            };
            if let (Some(a), Some(b)) = (prev_last, cur_first)
                && a > b
            {
                let cur = chunks.remove(k);
                if let Some(prev) = chunks.get_mut(k - 1) {
                    prev.pop();
                    prev.extend(cur.into_iter().skip(1));
                }
            }
        }
        chunks
    };
    // The regex text would be the chunks joined by range hyphens; `!` alone
    // (a negated empty set) matches any character, an empty set nothing.
    let total: usize = chunks.iter().map(Vec::len).sum::<usize>() + chunks.len().saturating_sub(1);
    if total == 0 {
        return CharSet {
            negated: false,
            empty: true,
            items: Vec::new(),
        };
    }
    if negated && total == 1 {
        return CharSet {
            negated: true,
            empty: false,
            items: Vec::new(),
        };
    }
    let mut items = Vec::new();
    let mut pending_lo: Option<char> = None;
    let count = chunks.len();
    for (ci, chunk) in chunks.iter().enumerate() {
        let body: &[char] = if ci == 0 && negated {
            chunk.get(1..).unwrap_or(&[])
        } else {
            chunk
        };
        let mut start = 0;
        if ci > 0 {
            match (pending_lo.take(), body.first()) {
                (Some(lo), Some(&hi)) => {
                    items.push(SetItem::Range(lo, hi));
                    start = 1;
                }
                (Some(lo), None) => {
                    items.push(SetItem::Char(lo));
                    items.push(SetItem::Char('-'));
                }
                (None, _) => items.push(SetItem::Char('-')),
            }
        }
        let rest = body.get(start..).unwrap_or(&[]);
        let (literals, lo) = if ci + 1 < count {
            match rest.split_last() {
                Some((last, init)) => (init, Some(*last)),
                None => (rest, None),
            }
        } else {
            (rest, None)
        };
        items.extend(literals.iter().map(|&c| SetItem::Char(c)));
        pending_lo = lo;
    }
    if let Some(lo) = pending_lo {
        items.push(SetItem::Char(lo));
    }
    CharSet {
        negated,
        empty: false,
        items,
    }
}
