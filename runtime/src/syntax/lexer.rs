//! The tokenizer: CPython's `Parser/tokenizer.c` for pymm's subset.
//!
//! Produces a flat `Vec<Token>` (12 bytes a token, spans as byte offsets:
//! no allocation per token) with `Newline`/`Indent`/`Dedent` tokens from
//! the indentation stack, as CPython's tokenizer does. A tokenizer error
//! does not stop the parse at once: the token stream ends with a
//! [`Tok::Error`] token and the error is kept in [`Tokens::error`], so the
//! parser reports it only when it reaches it (as CPython's parser, which
//! pulls tokens lazily, does) and an earlier syntax error wins.

use super::error::{SyntaxError, SyntaxErrorKind};

/// CPython's `MAXINDENT`: "too many levels of indentation".
pub const MAX_INDENT: usize = 100;
/// CPython's `MAXLEVEL`: "too many nested parentheses".
pub const MAX_PAREN_LEVEL: usize = 200;

/// Token kinds.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tok {
    /// An identifier (not a keyword).
    Name,
    /// A numeric literal (decoded by the parser).
    Number,
    /// A string literal with its prefix and quotes (decoded by the parser).
    String,
    /// End of a logical line.
    Newline,
    /// Indentation increased.
    Indent,
    /// Indentation decreased (one per level).
    Dedent,
    /// End of input.
    EndMarker,
    /// The tokenizer failed here: [`Tokens::error`] says why.
    Error,
    /// A character that starts no token (`$`, `?`, `!` alone...): "invalid
    /// syntax" when the parser meets it.
    BadChar,
    // punctuation
    LPar,
    RPar,
    LSqb,
    RSqb,
    LBrace,
    RBrace,
    Colon,
    Comma,
    Semi,
    Plus,
    Minus,
    Star,
    Slash,
    VBar,
    Amper,
    Less,
    Greater,
    Equal,
    Dot,
    Percent,
    EqEqual,
    NotEqual,
    LessEqual,
    GreaterEqual,
    Tilde,
    Circumflex,
    LeftShift,
    RightShift,
    DoubleStar,
    PlusEqual,
    MinEqual,
    StarEqual,
    SlashEqual,
    PercentEqual,
    AmperEqual,
    VBarEqual,
    CircumflexEqual,
    LeftShiftEqual,
    RightShiftEqual,
    DoubleStarEqual,
    DoubleSlash,
    DoubleSlashEqual,
    At,
    AtEqual,
    RArrow,
    Ellipsis,
    ColonEqual,
    // keywords
    False,
    None,
    True,
    And,
    As,
    Assert,
    Async,
    Await,
    Break,
    Class,
    Continue,
    Def,
    Del,
    Elif,
    Else,
    Except,
    Finally,
    For,
    From,
    Global,
    If,
    Import,
    In,
    Is,
    Lambda,
    Nonlocal,
    Not,
    Or,
    Pass,
    Raise,
    Return,
    Try,
    While,
    With,
    Yield,
}

impl Tok {
    /// The keyword token for `name`, if it is one.
    pub fn keyword(name: &str) -> Option<Tok> {
        Some(match name {
            "False" => Tok::False,
            "None" => Tok::None,
            "True" => Tok::True,
            "and" => Tok::And,
            "as" => Tok::As,
            "assert" => Tok::Assert,
            "async" => Tok::Async,
            "await" => Tok::Await,
            "break" => Tok::Break,
            "class" => Tok::Class,
            "continue" => Tok::Continue,
            "def" => Tok::Def,
            "del" => Tok::Del,
            "elif" => Tok::Elif,
            "else" => Tok::Else,
            "except" => Tok::Except,
            "finally" => Tok::Finally,
            "for" => Tok::For,
            "from" => Tok::From,
            "global" => Tok::Global,
            "if" => Tok::If,
            "import" => Tok::Import,
            "in" => Tok::In,
            "is" => Tok::Is,
            "lambda" => Tok::Lambda,
            "nonlocal" => Tok::Nonlocal,
            "not" => Tok::Not,
            "or" => Tok::Or,
            "pass" => Tok::Pass,
            "raise" => Tok::Raise,
            "return" => Tok::Return,
            "try" => Tok::Try,
            "while" => Tok::While,
            "with" => Tok::With,
            "yield" => Tok::Yield,
            _ => return None,
        })
    }

    /// True for keywords (`if`, `None`...).
    pub fn is_keyword(self) -> bool {
        (self as u8) >= (Tok::False as u8)
    }
}

/// One token: kind and byte span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// The kind.
    pub kind: Tok,
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

/// The result of tokenizing a source text.
#[derive(Clone, Debug)]
pub struct Tokens {
    /// The tokens; the last one is `EndMarker` or `Error`.
    pub tokens: Vec<Token>,
    /// Why the tokenizer stopped, when the last token is `Error`.
    pub error: Option<SyntaxError>,
    /// The innermost bracket still open at the end of input (char, byte
    /// offset): the parser reports "'(' was never closed" for an error at
    /// the end of input.
    pub unclosed: Option<(u8, u32)>,
}

/// Build a [`SyntaxError`] at a byte range of `src`.
pub(crate) fn error_at(
    src: &str,
    filename: &str,
    kind: SyntaxErrorKind,
    msg: impl Into<String>,
    start: u32,
    end: Option<u32>,
) -> SyntaxError {
    let start = (start as usize).min(src.len());
    let line_start = src
        .get(..start)
        .and_then(|s| s.rfind('\n'))
        .map_or(0, |p| p + 1);
    let line_end = src
        .get(start..)
        .and_then(|s| s.find('\n'))
        .map_or(src.len(), |p| start + p);
    let line_no = src
        .get(..start)
        .map_or(0, |s| s.bytes().filter(|&b| b == b'\n').count())
        + 1;
    let text = src.get(line_start..line_end).unwrap_or("").to_owned();
    let chars_before = |off: usize| src.get(line_start..off).map_or(0, |s| s.chars().count());
    let col = chars_before(start) + 1;
    let end_col = match end {
        Some(e) => {
            let e = (e as usize).clamp(start, line_end.max(start));
            chars_before(e) + 1
        }
        None => 0,
    };
    let line = u32::try_from(line_no).unwrap_or(u32::MAX);
    SyntaxError {
        kind,
        msg: msg.into(),
        filename: filename.to_owned(),
        line,
        col: u32::try_from(col).unwrap_or(u32::MAX),
        end_line: if end.is_some() { line } else { 0 },
        end_col: u32::try_from(end_col).unwrap_or(u32::MAX),
        text: Some(text),
    }
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    filename: &'a str,
    pos: usize,
    tokens: Vec<Token>,
    indents: Vec<(u32, u32)>,
    parens: Vec<(u8, u32)>,
    at_line_start: bool,
}

/// CPython's identifier rule (PEP 3131): `_` or XID_Start, then
/// XID_Continue (NFKC normalization is not applied).
fn is_name_start(c: char) -> bool {
    c == '_' || c.is_ascii_alphabetic() || (!c.is_ascii() && crate::ops::unicode::is_xid_start(c))
}

fn is_name_continue(c: char) -> bool {
    c == '_'
        || c.is_ascii_alphanumeric()
        || (!c.is_ascii() && crate::ops::unicode::is_xid_continue(c))
}

/// Tokenize `src` (already decoded, newlines normalized to `\n`).
/// CPython's `tok_get` loop.
pub fn tokenize(src: &str, filename: &str) -> Tokens {
    let mut lx = Lexer {
        src,
        bytes: src.as_bytes(),
        filename,
        pos: 0,
        tokens: Vec::with_capacity(src.len() / 4 + 8),
        indents: vec![(0, 0)],
        parens: Vec::new(),
        at_line_start: true,
    };
    let error = lx.run().err();
    let unclosed = lx.parens.last().copied();
    let mut tokens = lx.tokens;
    if error.is_some() {
        let p = u32::try_from(lx.pos).unwrap_or(u32::MAX);
        tokens.push(Token {
            kind: Tok::Error,
            start: p,
            end: p,
        });
    }
    Tokens {
        tokens,
        error,
        unclosed,
    }
}

impl Lexer<'_> {
    fn off(&self, p: usize) -> u32 {
        u32::try_from(p).unwrap_or(u32::MAX)
    }

    fn push(&mut self, kind: Tok, start: usize, end: usize) {
        let (start, end) = (self.off(start), self.off(end));
        self.tokens.push(Token { kind, start, end });
    }

    fn err(
        &self,
        kind: SyntaxErrorKind,
        msg: impl Into<String>,
        start: usize,
        end: Option<usize>,
    ) -> SyntaxError {
        error_at(
            self.src,
            self.filename,
            kind,
            msg,
            self.off(start),
            end.map(|e| self.off(e)),
        )
    }

    fn syntax(&self, msg: impl Into<String>, start: usize, end: Option<usize>) -> SyntaxError {
        self.err(SyntaxErrorKind::SyntaxError, msg, start, end)
    }

    fn peek(&self, k: usize) -> u8 {
        self.bytes.get(self.pos + k).copied().unwrap_or(0)
    }

    /// The line CPython's tokenizer is on at the end of input (a final
    /// newline does not start a new line).
    fn eof_line(&self) -> usize {
        (self.line_number(self.bytes.len()) - usize::from(self.bytes.last() == Some(&b'\n'))).max(1)
    }

    fn line_number(&self, p: usize) -> usize {
        self.bytes
            .get(..p)
            .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count())
            + 1
    }

    fn run(&mut self) -> Result<(), SyntaxError> {
        loop {
            if self.at_line_start && self.parens.is_empty() {
                if self.indentation()? {
                    break;
                }
                continue;
            }
            let c = self.peek(0);
            let start = self.pos;
            match c {
                0 if self.pos >= self.bytes.len() => {
                    self.finish();
                    break;
                }
                b' ' | b'\t' | 0x0c => self.pos += 1,
                b'#' => {
                    while self.pos < self.bytes.len() && self.peek(0) != b'\n' {
                        self.pos += 1;
                    }
                    // CPython's NEWLINE token after a comment starts at the `#`
                    if self.peek(0) == b'\n' && self.parens.is_empty() {
                        self.pos += 1;
                        self.push(Tok::Newline, start, self.pos);
                        self.at_line_start = true;
                    }
                }
                b'\n' => {
                    self.pos += 1;
                    if self.parens.is_empty() {
                        self.push(Tok::Newline, start, start + 1);
                        self.at_line_start = true;
                    }
                }
                b'\\' => {
                    if self.peek(1) == b'\n' {
                        self.pos += 2;
                        if self.pos >= self.bytes.len() {
                            return Err(self.syntax(
                                "unexpected EOF while parsing",
                                start + 1,
                                None,
                            ));
                        }
                    } else if self.pos + 1 >= self.bytes.len() {
                        return Err(self.syntax("unexpected EOF while parsing", start + 1, None));
                    } else {
                        return Err(self.syntax(
                            "unexpected character after line continuation character",
                            start + 1,
                            None,
                        ));
                    }
                }
                b'0'..=b'9' => self.number()?,
                b'.' if self.peek(1).is_ascii_digit() => self.number()?,
                b'\'' | b'"' => self.string(start, start)?,
                _ => {
                    let ch = self
                        .src
                        .get(self.pos..)
                        .and_then(|s| s.chars().next())
                        .unwrap_or('\0');
                    if is_name_start(ch) {
                        self.name_or_string()?;
                    } else if !self.operator()? {
                        let len = ch.len_utf8();
                        if ch.is_ascii() && !ch.is_ascii_control() {
                            self.pos += len;
                            self.push(Tok::BadChar, start, start + len);
                        } else if !crate::ops::unicode::is_printable(ch) {
                            return Err(self.syntax(
                                format!("invalid non-printable character U+{:04X}", ch as u32),
                                start,
                                None,
                            ));
                        } else {
                            return Err(self.syntax(
                                format!("invalid character '{ch}' (U+{:04X})", ch as u32),
                                start,
                                None,
                            ));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// At the start of a logical line: measure the indentation, skip blank
    /// and comment-only lines, emit `Indent`/`Dedent`. Returns true at end
    /// of input.
    fn indentation(&mut self) -> Result<bool, SyntaxError> {
        let line_start = self.pos;
        let (mut col, mut altcol) = (0u32, 0u32);
        loop {
            match self.peek(0) {
                b' ' => {
                    col += 1;
                    altcol += 1;
                }
                b'\t' => {
                    col = (col / 8 + 1) * 8;
                    altcol += 1;
                }
                0x0c => {
                    col = 0;
                    altcol = 0;
                }
                _ => break,
            }
            self.pos += 1;
        }
        let c = self.peek(0);
        if self.pos >= self.bytes.len() {
            self.finish();
            return Ok(true);
        }
        if c == b'#' || c == b'\n' {
            // blank line: no tokens, no indentation change
            while self.pos < self.bytes.len() && self.peek(0) != b'\n' {
                self.pos += 1;
            }
            if self.pos < self.bytes.len() {
                self.pos += 1;
            }
            return Ok(false);
        }
        self.at_line_start = false;
        let &(top, alttop) = self.indents.last().unwrap_or(&(0, 0));
        let tab_error = |lx: &Self| {
            lx.err(
                SyntaxErrorKind::TabError,
                "inconsistent use of tabs and spaces in indentation",
                line_start,
                None,
            )
        };
        if col == top {
            if altcol != alttop {
                return Err(tab_error(self));
            }
        } else if col > top {
            if altcol <= alttop {
                return Err(tab_error(self));
            }
            if self.indents.len() >= MAX_INDENT {
                return Err(self.err(
                    SyntaxErrorKind::IndentationError,
                    "too many levels of indentation",
                    self.pos,
                    None,
                ));
            }
            self.indents.push((col, altcol));
            self.push(Tok::Indent, line_start, self.pos);
        } else {
            while self.indents.last().is_some_and(|&(t, _)| col < t) {
                self.indents.pop();
                self.push(Tok::Dedent, self.pos, self.pos);
            }
            let &(top, alttop) = self.indents.last().unwrap_or(&(0, 0));
            if col != top {
                let line_end = self
                    .src
                    .get(self.pos..)
                    .and_then(|s| s.find('\n'))
                    .map_or(self.bytes.len(), |p| self.pos + p);
                return Err(self.err(
                    SyntaxErrorKind::IndentationError,
                    "unindent does not match any outer indentation level",
                    line_end,
                    None,
                ));
            }
            if altcol != alttop {
                return Err(tab_error(self));
            }
        }
        Ok(false)
    }

    fn finish(&mut self) {
        let p = self.bytes.len();
        if let Some(last) = self.tokens.last()
            && !matches!(last.kind, Tok::Newline | Tok::Indent | Tok::Dedent)
        {
            self.push(Tok::Newline, p, p);
        }
        while self.indents.len() > 1 {
            self.indents.pop();
            self.push(Tok::Dedent, p, p);
        }
        self.push(Tok::EndMarker, p, p);
        self.pos = p;
    }

    fn name_or_string(&mut self) -> Result<(), SyntaxError> {
        let start = self.pos;
        // string prefixes
        let mut p = self.pos;
        while p < self.bytes.len()
            && p - start < 3
            && matches!(
                self.bytes.get(p),
                Some(b'r' | b'R' | b'b' | b'B' | b'u' | b'U' | b'f' | b'F')
            )
        {
            p += 1;
        }
        if p > start && matches!(self.bytes.get(p), Some(b'\'' | b'"')) {
            let prefix = self.src.get(start..p).unwrap_or("").to_ascii_lowercase();
            if matches!(
                prefix.as_str(),
                "r" | "b" | "u" | "f" | "br" | "rb" | "fr" | "rf"
            ) {
                self.pos = p;
                return self.string(start, p);
            }
        }
        let rest = self.src.get(self.pos..).unwrap_or("");
        let mut end = self.pos;
        for (i, ch) in rest.char_indices() {
            if i == 0 || is_name_continue(ch) {
                end = self.pos + i + ch.len_utf8();
            } else {
                break;
            }
        }
        self.pos = end;
        let text = self.src.get(start..end).unwrap_or("");
        let kind = Tok::keyword(text).unwrap_or(Tok::Name);
        self.push(kind, start, end);
        Ok(())
    }

    /// A string literal; `start` is its first byte (prefix), `q` the
    /// opening quote.
    fn string(&mut self, start: usize, q: usize) -> Result<(), SyntaxError> {
        let quote = self.bytes.get(q).copied().unwrap_or(b'\'');
        let triple = self.bytes.get(q + 1) == Some(&quote) && self.bytes.get(q + 2) == Some(&quote);
        let mut p = q + if triple { 3 } else { 1 };
        loop {
            let Some(&c) = self.bytes.get(p) else {
                let msg = if triple {
                    format!(
                        "unterminated triple-quoted string literal (detected at line {})",
                        self.eof_line()
                    )
                } else {
                    format!(
                        "unterminated string literal (detected at line {})",
                        self.eof_line()
                    )
                };
                return Err(self.syntax(msg, start, Some(start)));
            };
            if c == b'\\' {
                p += 2;
                continue;
            }
            if c == b'\n' && !triple {
                let msg = format!(
                    "unterminated string literal (detected at line {})",
                    self.line_number(p)
                );
                return Err(self.syntax(msg, start, Some(start)));
            }
            if c == quote {
                if !triple {
                    p += 1;
                    break;
                }
                if self.bytes.get(p + 1) == Some(&quote) && self.bytes.get(p + 2) == Some(&quote) {
                    p += 3;
                    break;
                }
            }
            p += 1;
        }
        let p = p.min(self.bytes.len());
        self.pos = p;
        self.push(Tok::String, start, p);
        Ok(())
    }

    fn number(&mut self) -> Result<(), SyntaxError> {
        let start = self.pos;
        let b = self.bytes;
        let at = |p: usize| b.get(p).copied().unwrap_or(0);
        let mut p = start;
        // digits with single underscores between them; returns false on a bad underscore
        let digits = |p: &mut usize, ok: &dyn Fn(u8) -> bool| -> Result<usize, usize> {
            let s = *p;
            loop {
                if ok(at(*p)) {
                    *p += 1;
                } else if at(*p) == b'_' {
                    if *p == s || !ok(at(*p + 1)) {
                        return Err(*p);
                    }
                    *p += 1;
                } else {
                    break;
                }
            }
            Ok(*p - s)
        };
        if at(p) == b'0' && matches!(at(p + 1), b'x' | b'X' | b'o' | b'O' | b'b' | b'B') {
            let (name, ok): (&str, &dyn Fn(u8) -> bool) = match at(p + 1) {
                b'x' | b'X' => ("hexadecimal", &|c: u8| c.is_ascii_hexdigit()),
                b'o' | b'O' => ("octal", &|c: u8| (b'0'..=b'7').contains(&c)),
                _ => ("binary", &|c: u8| c == b'0' || c == b'1'),
            };
            p += 2;
            if at(p) == b'_' {
                p += 1;
            }
            let n = digits(&mut p, ok).map_err(|e| {
                self.syntax(format!("invalid {name} literal"), e.min(b.len()), None)
            })?;
            if at(p).is_ascii_digit() && name != "hexadecimal" {
                // CPython reports the offending digit
                return Err(self.syntax(
                    format!("invalid digit '{}' in {name} literal", at(p) as char),
                    p,
                    None,
                ));
            }
            if n == 0 {
                return Err(self.syntax(format!("invalid {name} literal"), p - 1, None));
            }
            self.pos = p;
            self.end_of_number(name)?;
            self.push(Tok::Number, start, self.pos);
            return Ok(());
        }
        let mut is_float = false;
        if at(p) != b'.' {
            digits(&mut p, &|c: u8| c.is_ascii_digit())
                .map_err(|e| self.syntax("invalid decimal literal", e.min(b.len()), None))?;
        }
        if at(p) == b'.' {
            is_float = true;
            p += 1;
            if at(p).is_ascii_digit() {
                digits(&mut p, &|c: u8| c.is_ascii_digit())
                    .map_err(|e| self.syntax("invalid decimal literal", e.min(b.len()), None))?;
            }
        }
        if matches!(at(p), b'e' | b'E') {
            let e = p;
            p += 1;
            let signed = matches!(at(p), b'+' | b'-');
            if signed {
                p += 1;
            }
            if !at(p).is_ascii_digit() {
                if signed {
                    return Err(self.syntax("invalid decimal literal", p - 1, None));
                }
                // `1else`: the number ends before the `e`
                p = e;
            } else {
                is_float = true;
                digits(&mut p, &|c: u8| c.is_ascii_digit())
                    .map_err(|e| self.syntax("invalid decimal literal", e.min(b.len()), None))?;
            }
        }
        if matches!(at(p), b'j' | b'J') {
            return Err(self.syntax(
                "complex literals are not supported by pymm",
                start,
                Some(p + 1),
            ));
        }
        if !is_float {
            let text = self.src.get(start..p).unwrap_or("");
            if text.len() > 1
                && text.starts_with('0')
                && text.bytes().any(|c| c != b'0' && c != b'_')
            {
                return Err(self.syntax(
                    "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers",
                    start,
                    Some(start + 1),
                ));
            }
        }
        self.pos = p;
        self.end_of_number("decimal")?;
        self.push(Tok::Number, start, p);
        Ok(())
    }

    /// CPython's `verify_end_of_number`: a number may not run into a name,
    /// except for the keywords that may follow it.
    fn end_of_number(&mut self, kind: &str) -> Result<(), SyntaxError> {
        let rest = self.src.get(self.pos..).unwrap_or("");
        let Some(ch) = rest.chars().next() else {
            return Ok(());
        };
        if !is_name_continue(ch) {
            return Ok(());
        }
        for kw in ["and", "else", "for", "if", "in", "is", "not", "or"] {
            if rest.starts_with(kw) {
                return Ok(());
            }
        }
        Err(self.syntax(
            format!("invalid {kind} literal"),
            self.pos.saturating_sub(1),
            None,
        ))
    }

    fn operator(&mut self) -> Result<bool, SyntaxError> {
        let start = self.pos;
        let (c0, c1, c2) = (self.peek(0), self.peek(1), self.peek(2));
        let three = match (c0, c1, c2) {
            (b'*', b'*', b'=') => Some(Tok::DoubleStarEqual),
            (b'/', b'/', b'=') => Some(Tok::DoubleSlashEqual),
            (b'<', b'<', b'=') => Some(Tok::LeftShiftEqual),
            (b'>', b'>', b'=') => Some(Tok::RightShiftEqual),
            (b'.', b'.', b'.') => Some(Tok::Ellipsis),
            _ => None,
        };
        if let Some(t) = three {
            self.pos += 3;
            self.push(t, start, start + 3);
            return Ok(true);
        }
        let two = match (c0, c1) {
            (b'=', b'=') => Some(Tok::EqEqual),
            (b'!', b'=') => Some(Tok::NotEqual),
            (b'<', b'>') => None,
            (b'<', b'=') => Some(Tok::LessEqual),
            (b'>', b'=') => Some(Tok::GreaterEqual),
            (b'<', b'<') => Some(Tok::LeftShift),
            (b'>', b'>') => Some(Tok::RightShift),
            (b'*', b'*') => Some(Tok::DoubleStar),
            (b'/', b'/') => Some(Tok::DoubleSlash),
            (b'+', b'=') => Some(Tok::PlusEqual),
            (b'-', b'=') => Some(Tok::MinEqual),
            (b'*', b'=') => Some(Tok::StarEqual),
            (b'/', b'=') => Some(Tok::SlashEqual),
            (b'%', b'=') => Some(Tok::PercentEqual),
            (b'&', b'=') => Some(Tok::AmperEqual),
            (b'|', b'=') => Some(Tok::VBarEqual),
            (b'^', b'=') => Some(Tok::CircumflexEqual),
            (b'@', b'=') => Some(Tok::AtEqual),
            (b'-', b'>') => Some(Tok::RArrow),
            (b':', b'=') => Some(Tok::ColonEqual),
            _ => None,
        };
        if let Some(t) = two {
            self.pos += 2;
            self.push(t, start, start + 2);
            return Ok(true);
        }
        let one = match c0 {
            b'(' => Tok::LPar,
            b')' => Tok::RPar,
            b'[' => Tok::LSqb,
            b']' => Tok::RSqb,
            b'{' => Tok::LBrace,
            b'}' => Tok::RBrace,
            b':' => Tok::Colon,
            b',' => Tok::Comma,
            b';' => Tok::Semi,
            b'+' => Tok::Plus,
            b'-' => Tok::Minus,
            b'*' => Tok::Star,
            b'/' => Tok::Slash,
            b'|' => Tok::VBar,
            b'&' => Tok::Amper,
            b'<' => Tok::Less,
            b'>' => Tok::Greater,
            b'=' => Tok::Equal,
            b'.' => Tok::Dot,
            b'%' => Tok::Percent,
            b'~' => Tok::Tilde,
            b'^' => Tok::Circumflex,
            b'@' => Tok::At,
            _ => return Ok(false),
        };
        match one {
            Tok::LPar | Tok::LSqb | Tok::LBrace => {
                if self.parens.len() >= MAX_PAREN_LEVEL {
                    return Err(self.syntax("too many nested parentheses", start, None));
                }
                self.parens.push((c0, self.off(start)));
            }
            Tok::RPar | Tok::RSqb | Tok::RBrace => match self.parens.pop() {
                None => {
                    return Err(self.syntax(
                        format!("unmatched '{}'", c0 as char),
                        start,
                        Some(start),
                    ));
                }
                Some((open, at)) => {
                    let expected = match open {
                        b'(' => b')',
                        b'[' => b']',
                        _ => b'}',
                    };
                    if expected != c0 {
                        let open_line = self.line_number(at as usize);
                        let msg = if open_line != self.line_number(start) {
                            format!(
                                "closing parenthesis '{}' does not match opening parenthesis '{}' on line {open_line}",
                                c0 as char, open as char
                            )
                        } else {
                            format!(
                                "closing parenthesis '{}' does not match opening parenthesis '{}'",
                                c0 as char, open as char
                            )
                        };
                        return Err(self.syntax(msg, start, Some(start)));
                    }
                }
            },
            _ => {}
        }
        self.pos += 1;
        self.push(one, start, start + 1);
        Ok(true)
    }
}
