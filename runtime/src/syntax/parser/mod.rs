//! Recursive-descent parser: tokens → a [`Module`], with CPython 3.11's
//! error messages for the common mistakes (CPython uses a PEG parser with a
//! second "invalid_*" pass; this parser reports the same texts at the same
//! places for the cases pymm's tests check, and "invalid syntax" at the
//! offending token otherwise).
//!
//! Nesting is bounded by [`MAX_NESTING`]: every recursive parse function
//! and every left-associative loop iteration counts one level, so the tree
//! depth (and with it every later recursive walk) is bounded and deep input
//! gets a `RecursionError`-kind error instead of a stack overflow.
//!
//! This module holds the entry points, token access and error reporting;
//! `stmt`, `expr` and `strings` hold the grammar's statements, expressions
//! and string literals (f-strings included).

mod expr;
mod stmt;
mod strings;

use std::cell::Cell;

use num_bigint::BigInt;
use num_traits::Num;

use super::ast::*;
use super::error::{SyntaxError, SyntaxErrorKind};
use super::lexer::{Tok, Token, Tokens, error_at, tokenize};

/// Deepest nesting of expressions and blocks the parser accepts (CPython 3.11
/// accepts about as much: 1000 nested `not` compile, 10000 do not).
pub const MAX_NESTING: usize = 1000;

/// The message of the nesting-limit error (CPython's compiler says this
/// when its recursion limit is hit).
pub const RECURSION_MSG: &str = "maximum recursion depth exceeded during compilation";

pub(super) type PResult<T> = Result<T, SyntaxError>;

/// Parse a whole module. `src` must be decoded with newlines normalized to
/// `\n`. CPython's `_PyPegen_run_parser` for `file_input`.
pub fn parse_module(src: &str, filename: &str) -> Result<(Module, Interner), SyntaxError> {
    let toks = tokenize(src, filename);
    let mut interner = Interner::new();
    let body = {
        let mut p = Parser::new(src, filename, &toks, &mut interner, 0);
        p.file()
            .map_err(|e| tokenizer_errors_first(e, &toks, p.furthest.get(), src, filename))?
    };
    Ok((Module { body }, interner))
}

/// CPython's `_PyPegen_tokenize_full_source_to_check_for_errors`: after a
/// parse error, the rest of the source is tokenized; an error the
/// tokenizer raises itself there (an unterminated string, an invalid
/// character, an unmatched bracket...; not the indentation and line
/// continuation errors, which CPython's parser raises) replaces the
/// parser's error, and so does a bracket left open at the end of input
/// that was opened on a line before the furthest token the parser read.
fn tokenizer_errors_first(
    e: SyntaxError,
    toks: &Tokens,
    furthest: usize,
    src: &str,
    filename: &str,
) -> SyntaxError {
    if e.kind == SyntaxErrorKind::RecursionError {
        return e;
    }
    if let Some(lex) = &toks.error {
        let raised_by_parser = lex.kind != SyntaxErrorKind::SyntaxError
            || lex.msg == "unexpected character after line continuation character"
            || lex.msg == "unexpected EOF while parsing";
        if !raised_by_parser {
            return lex.clone();
        }
        return e;
    }
    if let Some((c, at)) = toks.unclosed {
        let lines = LineIndex::new(src);
        let open_line = lines.line_col(at).0;
        let last = toks
            .tokens
            .get(furthest)
            .or(toks.tokens.last())
            .map_or(0, |t| lines.line_col(t.start).0);
        if last > open_line {
            return error_at(
                src,
                filename,
                SyntaxErrorKind::SyntaxError,
                format!("'{}' was never closed", c as char),
                at,
                None,
            );
        }
    }
    e
}

/// Parse the input of `eval` (CPython's `eval_input`: one expression
/// list, then only newlines).
pub fn parse_expression(src: &str, filename: &str) -> Result<(Expr, Interner), SyntaxError> {
    let toks = tokenize(src, filename);
    let mut interner = Interner::new();
    let e = {
        let mut p = Parser::new(src, filename, &toks, &mut interner, 0);
        p.eval_input()
            .map_err(|e| tokenizer_errors_first(e, &toks, p.furthest.get(), src, filename))?
    };
    Ok((e, interner))
}

pub(super) struct Parser<'a> {
    src: &'a str,
    filename: &'a str,
    toks: &'a [Token],
    lex: &'a Tokens,
    pos: usize,
    interner: &'a mut Interner,
    depth: usize,
    /// Nesting of f-string format specs (CPython allows 2 levels).
    fstring_depth: usize,
    /// End of the string token being decoded: CPython 3.11 reports
    /// f-string errors there.
    fstring_tok_end: u32,
    /// The furthest token the parser has looked at (CPython's
    /// `p->tokens[p->fill - 1]`), for [`tokenizer_errors_first`].
    furthest: Cell<usize>,
}

/// Context in which an expression is an assignment/deletion target.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum TargetCtx {
    /// `a = ...` with `here` = the "Maybe you meant '=='" variant.
    Assign { here: bool },
    /// `for` targets, `with ... as`, comprehension targets.
    Store,
    /// `del`.
    Del,
}

pub(super) fn expr_name(e: &Expr) -> &'static str {
    match &e.kind {
        ExprKind::Attribute { .. } => "attribute",
        ExprKind::Subscript { .. } => "subscript",
        ExprKind::Starred(_) => "starred",
        ExprKind::Name(_) => "name",
        ExprKind::List(_) => "list",
        ExprKind::Tuple(_) => "tuple",
        ExprKind::Lambda { .. } => "lambda",
        ExprKind::Call { .. } => "function call",
        ExprKind::BoolOp { .. } | ExprKind::BinOp { .. } | ExprKind::UnaryOp { .. } => "expression",
        ExprKind::GeneratorExp { .. } => "generator expression",
        ExprKind::Yield(_) | ExprKind::YieldFrom(_) => "yield expression",
        ExprKind::ListComp { .. } => "list comprehension",
        ExprKind::SetComp { .. } => "set comprehension",
        ExprKind::DictComp { .. } => "dict comprehension",
        ExprKind::Dict { .. } => "dict literal",
        ExprKind::Set(_) => "set display",
        ExprKind::JoinedStr(_) => "f-string expression",
        ExprKind::Constant(Literal::None) => "None",
        ExprKind::Constant(Literal::True) => "True",
        ExprKind::Constant(Literal::False) => "False",
        ExprKind::Constant(Literal::Ellipsis) => "ellipsis",
        ExprKind::Constant(_) => "literal",
        ExprKind::Compare { .. } => "comparison",
        ExprKind::IfExp { .. } => "conditional expression",
        ExprKind::Slice { .. } => "slice",
    }
}

pub(super) fn binop_of(t: Tok) -> Option<(BinaryOperator, u8)> {
    use BinaryOperator as B;
    Some(match t {
        Tok::VBar => (B::Or, 1),
        Tok::Circumflex => (B::Xor, 2),
        Tok::Amper => (B::And, 3),
        Tok::LeftShift => (B::LShift, 4),
        Tok::RightShift => (B::RShift, 4),
        Tok::Plus => (B::Add, 5),
        Tok::Minus => (B::Sub, 5),
        Tok::Star => (B::Mul, 6),
        Tok::Slash => (B::TrueDiv, 6),
        Tok::DoubleSlash => (B::FloorDiv, 6),
        Tok::Percent => (B::Mod, 6),
        Tok::At => (B::MatMul, 6),
        _ => return None,
    })
}

pub(super) fn augop_of(t: Tok) -> Option<BinaryOperator> {
    use BinaryOperator as B;
    Some(match t {
        Tok::PlusEqual => B::Add,
        Tok::MinEqual => B::Sub,
        Tok::StarEqual => B::Mul,
        Tok::AtEqual => B::MatMul,
        Tok::SlashEqual => B::TrueDiv,
        Tok::DoubleSlashEqual => B::FloorDiv,
        Tok::PercentEqual => B::Mod,
        Tok::DoubleStarEqual => B::Pow,
        Tok::LeftShiftEqual => B::LShift,
        Tok::RightShiftEqual => B::RShift,
        Tok::AmperEqual => B::And,
        Tok::VBarEqual => B::Or,
        Tok::CircumflexEqual => B::Xor,
        _ => return None,
    })
}

impl<'a> Parser<'a> {
    pub(super) fn new(
        src: &'a str,
        filename: &'a str,
        lex: &'a Tokens,
        interner: &'a mut Interner,
        depth: usize,
    ) -> Parser<'a> {
        Parser {
            src,
            filename,
            toks: &lex.tokens,
            lex,
            pos: 0,
            interner,
            depth,
            fstring_depth: 0,
            fstring_tok_end: 0,
            furthest: Cell::new(0),
        }
    }

    // ----- token access -----

    pub(super) fn tok(&self) -> Token {
        self.furthest.set(self.furthest.get().max(self.pos));
        self.toks.get(self.pos).copied().unwrap_or(Token {
            kind: Tok::EndMarker,
            start: self.src.len() as u32,
            end: self.src.len() as u32,
        })
    }

    pub(super) fn peek(&self) -> Tok {
        self.tok().kind
    }

    pub(super) fn peek_at(&self, k: usize) -> Tok {
        self.furthest.set(self.furthest.get().max(self.pos + k));
        self.toks
            .get(self.pos + k)
            .map_or(Tok::EndMarker, |t| t.kind)
    }

    pub(super) fn bump(&mut self) -> Token {
        let t = self.tok();
        if self.pos < self.toks.len() && !matches!(t.kind, Tok::EndMarker | Tok::Error) {
            self.pos += 1;
        }
        t
    }

    pub(super) fn eat(&mut self, k: Tok) -> bool {
        if self.peek() == k {
            self.bump();
            true
        } else {
            false
        }
    }

    pub(super) fn prev_end(&self) -> u32 {
        self.pos
            .checked_sub(1)
            .and_then(|i| self.toks.get(i))
            .map_or(0, |t| t.end)
    }

    pub(super) fn text(&self, t: Token) -> &'a str {
        self.src.get(t.start as usize..t.end as usize).unwrap_or("")
    }

    pub(super) fn span_from(&self, start: u32) -> Span {
        Span::new(start, self.prev_end().max(start))
    }

    // ----- errors -----

    pub(super) fn error(
        &self,
        kind: SyntaxErrorKind,
        msg: impl Into<String>,
        start: u32,
        end: Option<u32>,
    ) -> SyntaxError {
        error_at(self.src, self.filename, kind, msg, start, end)
    }

    pub(super) fn syntax_at(&self, msg: impl Into<String>, span: Span) -> SyntaxError {
        self.error(
            SyntaxErrorKind::SyntaxError,
            msg,
            span.start,
            Some(span.end),
        )
    }

    /// The error for an unexpected current token: the tokenizer's own
    /// error, "was never closed" at the end of input, "unexpected indent",
    /// or "invalid syntax".
    pub(super) fn unexpected(&self) -> SyntaxError {
        let t = self.tok();
        match t.kind {
            Tok::Error => {
                if let Some(e) = &self.lex.error {
                    return e.clone();
                }
            }
            Tok::EndMarker | Tok::Newline | Tok::Dedent
                if t.start as usize >= self.src.len() || t.kind == Tok::EndMarker =>
            {
                if let Some((c, at)) = self.lex.unclosed {
                    return self.error(
                        SyntaxErrorKind::SyntaxError,
                        format!("'{}' was never closed", c as char),
                        at,
                        None,
                    );
                }
            }
            Tok::Indent => {
                return self.error(
                    SyntaxErrorKind::IndentationError,
                    "unexpected indent",
                    t.end.saturating_sub(1),
                    None,
                );
            }
            _ => {}
        }
        if let Some((c, at)) = self.lex.unclosed
            && self.toks.last().is_some_and(|l| l.kind == Tok::EndMarker)
            && self.toks[self.pos..]
                .iter()
                .all(|t| matches!(t.kind, Tok::Newline | Tok::EndMarker | Tok::Dedent))
        {
            return self.error(
                SyntaxErrorKind::SyntaxError,
                format!("'{}' was never closed", c as char),
                at,
                None,
            );
        }
        if t.kind == Tok::Name && self.text(t) == "print" {
            // handled by callers that know the context
        }
        self.error(
            SyntaxErrorKind::SyntaxError,
            "invalid syntax",
            t.start,
            Some(t.end),
        )
    }

    pub(super) fn expect(&mut self, k: Tok) -> PResult<Token> {
        if self.peek() == k {
            Ok(self.bump())
        } else {
            Err(self.unexpected())
        }
    }

    /// `expected ':'`, reported at the end of the previous token.
    /// `':'` after a compound statement's header: "expected ':'" when the
    /// line ends instead (CPython's `invalid_*_stmt` rules), at the end of
    /// the line.
    pub(super) fn expect_colon(&mut self) -> PResult<()> {
        self.colon(false)
    }

    /// A forced `&&':'` of CPython's grammar (`def`, `try`, `else`,
    /// `finally`): any other token is "expected ':'".
    pub(super) fn expect_forced_colon(&mut self) -> PResult<()> {
        self.colon(true)
    }

    pub(super) fn colon(&mut self, forced: bool) -> PResult<()> {
        if self.eat(Tok::Colon) {
            return Ok(());
        }
        let t = self.tok();
        match t.kind {
            Tok::Error | Tok::EndMarker | Tok::Indent | Tok::Dedent => Err(self.unexpected()),
            Tok::Newline => Err(self.error(
                SyntaxErrorKind::SyntaxError,
                "expected ':'",
                t.start,
                Some(t.start),
            )),
            _ if forced => Err(self.error(
                SyntaxErrorKind::SyntaxError,
                "expected ':'",
                t.start,
                Some(t.end),
            )),
            _ => Err(self.unexpected()),
        }
    }

    /// The closing bracket `close` after `last`, the item parsed last.
    pub(super) fn close(&mut self, close: Tok, last: Option<&Expr>) -> PResult<()> {
        if self.eat(close) {
            return Ok(());
        }
        match last {
            Some(a) => Err(self.forgot_comma(a)),
            None => Err(self.unexpected()),
        }
    }

    /// CPython's `invalid_expression` hint inside brackets: two
    /// expressions side by side (`f(a b)`) are "invalid syntax. Perhaps you
    /// forgot a comma?", spanning both; otherwise the generic error.
    pub(super) fn forgot_comma(&mut self, a: &Expr) -> SyntaxError {
        let generic = self.unexpected();
        let t = self.tok();
        let starts = matches!(
            t.kind,
            Tok::Name
                | Tok::Number
                | Tok::String
                | Tok::LBrace
                | Tok::None
                | Tok::True
                | Tok::False
                | Tok::Ellipsis
                | Tok::Lambda
                | Tok::Not
                | Tok::Tilde
        );
        if !starts {
            return generic;
        }
        if let ExprKind::Name(n) = a.kind {
            let name = self.interner.resolve(n);
            // `print x` and `f"..."`-like NAME STRING are other errors
            if name == "print" || name == "exec" || t.kind == Tok::String {
                return generic;
            }
        }
        let save = self.pos;
        let b = self.expression();
        self.pos = save;
        match b {
            Ok(b) => self.syntax_at(
                "invalid syntax. Perhaps you forgot a comma?",
                Span::new(a.span.start, b.span.end),
            ),
            Err(_) => generic,
        }
    }

    pub(super) fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(SyntaxError::without_position(
                SyntaxErrorKind::RecursionError,
                RECURSION_MSG,
                self.filename,
            ));
        }
        Ok(())
    }

    pub(super) fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    pub(super) fn ident(&mut self) -> PResult<Ident> {
        let t = self.tok();
        if t.kind != Tok::Name {
            return Err(self.unexpected());
        }
        self.bump();
        let name = self.interner.intern(self.text(t));
        Ok(Ident {
            name,
            span: Span::new(t.start, t.end),
        })
    }

    pub(super) fn unsupported(&self, what: &str, span: Span) -> SyntaxError {
        self.syntax_at(format!("{what} not supported by pymm"), span)
    }

    pub(super) fn eval_input(&mut self) -> PResult<Expr> {
        if matches!(
            self.peek(),
            Tok::Star | Tok::Yield | Tok::Indent | Tok::Newline
        ) {
            return Err(self.unexpected());
        }
        let start = self.tok().start;
        let first = self.expression()?;
        let e = if self.peek() == Tok::Comma {
            let mut items = vec![first];
            while self.eat(Tok::Comma) {
                if matches!(self.peek(), Tok::Newline | Tok::EndMarker) {
                    break;
                }
                items.push(self.expression()?);
            }
            Expr::new(ExprKind::Tuple(items), self.span_from(start))
        } else {
            first
        };
        while self.eat(Tok::Newline) {}
        if self.peek() != Tok::EndMarker {
            return Err(self.unexpected());
        }
        Ok(e)
    }
}

pub(super) fn push_literal(parts: &mut Vec<FStringPart>, s: String) {
    if s.is_empty() {
        return;
    }
    if let Some(FStringPart::Literal(last)) = parts.last_mut() {
        last.push_str(&s);
    } else {
        parts.push(FStringPart::Literal(s));
    }
}
