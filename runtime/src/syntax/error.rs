//! [`SyntaxError`]: what the lexer, parser, symbol table and compiler
//! report, printable exactly as CPython 3.11 prints an uncaught
//! `SyntaxError` (`print_error_text` in `Python/pythonrun.c`).

use std::fmt;

/// Which Python exception class the error is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SyntaxErrorKind {
    /// `SyntaxError`.
    SyntaxError,
    /// `IndentationError` (a `SyntaxError` subclass).
    IndentationError,
    /// `TabError` (an `IndentationError` subclass).
    TabError,
    /// `RecursionError`: the source nests deeper than the compiler's limit
    /// ("maximum recursion depth exceeded during compilation", as CPython's
    /// compiler reports it). Has no position.
    RecursionError,
}

impl SyntaxErrorKind {
    /// The Python class name.
    pub fn name(self) -> &'static str {
        match self {
            SyntaxErrorKind::SyntaxError => "SyntaxError",
            SyntaxErrorKind::IndentationError => "IndentationError",
            SyntaxErrorKind::TabError => "TabError",
            SyntaxErrorKind::RecursionError => "RecursionError",
        }
    }
}

/// A compile-time error with CPython's attributes (`msg`, `filename`,
/// `lineno`, `offset`, `end_lineno`, `end_offset`, `text`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// The exception class.
    pub kind: SyntaxErrorKind,
    /// `msg`.
    pub msg: String,
    /// `filename`.
    pub filename: String,
    /// `lineno`, 1-based (0: no position).
    pub line: u32,
    /// `offset`: 1-based column in characters (0: no position).
    pub col: u32,
    /// `end_lineno` (0: none).
    pub end_line: u32,
    /// `end_offset`: 1-based, exclusive (0: none).
    pub end_col: u32,
    /// `text`: the offending source line, without its line terminator.
    pub text: Option<String>,
}

impl SyntaxError {
    /// An error without position (`RecursionError`).
    pub fn without_position(kind: SyntaxErrorKind, msg: impl Into<String>, filename: &str) -> Self {
        SyntaxError {
            kind,
            msg: msg.into(),
            filename: filename.to_owned(),
            line: 0,
            col: 0,
            end_line: 0,
            end_col: 0,
            text: None,
        }
    }
}

impl fmt::Display for SyntaxError {
    /// CPython's output for an uncaught error of this kind (without the
    /// trailing newline):
    /// ```text
    ///   File "x.py", line 3
    ///     def f(:
    ///           ^
    /// SyntaxError: invalid syntax
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            writeln!(f, "  File \"{}\", line {}", self.filename, self.line)?;
            if let Some(text) = &self.text {
                // print_error_text: strip leading whitespace (moving the
                // offsets with it) and the trailing newline.
                let chars: Vec<char> = text.chars().collect();
                let lead = chars
                    .iter()
                    .take_while(|c| matches!(c, ' ' | '\t' | '\x0c'))
                    .count();
                let body: String = chars.get(lead..).unwrap_or(&[]).iter().collect();
                let body = body.trim_end_matches(['\n', '\r']);
                let len = body.chars().count() as i64;
                writeln!(f, "    {body}")?;
                if self.col > 0 {
                    let start = i64::from(self.col) - 1 - lead as i64;
                    // CPython prints one caret for indentation errors
                    let indentation = matches!(
                        self.kind,
                        SyntaxErrorKind::IndentationError | SyntaxErrorKind::TabError
                    );
                    let mut end =
                        if self.end_line == self.line && self.end_col > self.col && !indentation {
                            i64::from(self.end_col) - 1 - lead as i64
                        } else {
                            start + 1
                        };
                    // CPython prints no caret left of the text
                    if start < 0 {
                        return write!(f, "{}: {}", self.kind.name(), self.msg);
                    }
                    let start = start.min(len);
                    if end > len + 1 {
                        end = len + 1;
                    }
                    if end <= start {
                        end = start + 1;
                    }
                    let pad = " ".repeat(usize::try_from(start).unwrap_or(0));
                    let carets = "^".repeat(usize::try_from(end - start).unwrap_or(1));
                    writeln!(f, "    {pad}{carets}")?;
                }
            }
        }
        write!(f, "{}: {}", self.kind.name(), self.msg)
    }
}

impl std::error::Error for SyntaxError {}
