//! Recursive-descent parser: tokens → [`ast::Module`], with CPython 3.11's
//! error messages for the common mistakes (CPython uses a PEG parser with a
//! second "invalid_*" pass; this parser reports the same texts at the same
//! places for the cases pymm's tests check, and "invalid syntax" at the
//! offending token otherwise).
//!
//! Nesting is bounded by [`MAX_NESTING`]: every recursive parse function
//! and every left-associative loop iteration counts one level, so the tree
//! depth (and with it every later recursive walk) is bounded and deep input
//! gets a `RecursionError`-kind error instead of a stack overflow.

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

type PResult<T> = Result<T, SyntaxError>;

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

struct Parser<'a> {
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
enum TargetCtx {
    /// `a = ...` with `here` = the "Maybe you meant '=='" variant.
    Assign { here: bool },
    /// `for` targets, `with ... as`, comprehension targets.
    Store,
    /// `del`.
    Del,
}

fn expr_name(e: &Expr) -> &'static str {
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

fn binop_of(t: Tok) -> Option<(BinaryOperator, u8)> {
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

fn augop_of(t: Tok) -> Option<BinaryOperator> {
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
    fn new(
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

    fn tok(&self) -> Token {
        self.furthest.set(self.furthest.get().max(self.pos));
        self.toks.get(self.pos).copied().unwrap_or(Token {
            kind: Tok::EndMarker,
            start: self.src.len() as u32,
            end: self.src.len() as u32,
        })
    }

    fn peek(&self) -> Tok {
        self.tok().kind
    }

    fn peek_at(&self, k: usize) -> Tok {
        self.furthest.set(self.furthest.get().max(self.pos + k));
        self.toks
            .get(self.pos + k)
            .map_or(Tok::EndMarker, |t| t.kind)
    }

    fn bump(&mut self) -> Token {
        let t = self.tok();
        if self.pos < self.toks.len() && !matches!(t.kind, Tok::EndMarker | Tok::Error) {
            self.pos += 1;
        }
        t
    }

    fn eat(&mut self, k: Tok) -> bool {
        if self.peek() == k {
            self.bump();
            true
        } else {
            false
        }
    }

    fn prev_end(&self) -> u32 {
        self.pos
            .checked_sub(1)
            .and_then(|i| self.toks.get(i))
            .map_or(0, |t| t.end)
    }

    fn text(&self, t: Token) -> &'a str {
        self.src.get(t.start as usize..t.end as usize).unwrap_or("")
    }

    fn span_from(&self, start: u32) -> Span {
        Span::new(start, self.prev_end().max(start))
    }

    // ----- errors -----

    fn error(
        &self,
        kind: SyntaxErrorKind,
        msg: impl Into<String>,
        start: u32,
        end: Option<u32>,
    ) -> SyntaxError {
        error_at(self.src, self.filename, kind, msg, start, end)
    }

    fn syntax_at(&self, msg: impl Into<String>, span: Span) -> SyntaxError {
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
    fn unexpected(&self) -> SyntaxError {
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

    fn expect(&mut self, k: Tok) -> PResult<Token> {
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
    fn expect_colon(&mut self) -> PResult<()> {
        self.colon(false)
    }

    /// A forced `&&':'` of CPython's grammar (`def`, `try`, `else`,
    /// `finally`): any other token is "expected ':'".
    fn expect_forced_colon(&mut self) -> PResult<()> {
        self.colon(true)
    }

    fn colon(&mut self, forced: bool) -> PResult<()> {
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
    fn close(&mut self, close: Tok, last: Option<&Expr>) -> PResult<()> {
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
    fn forgot_comma(&mut self, a: &Expr) -> SyntaxError {
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

    fn enter(&mut self) -> PResult<()> {
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

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn ident(&mut self) -> PResult<Ident> {
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

    fn unsupported(&self, what: &str, span: Span) -> SyntaxError {
        self.syntax_at(format!("{what} not supported by pymm"), span)
    }

    fn eval_input(&mut self) -> PResult<Expr> {
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

    // ----- statements -----

    fn file(&mut self) -> PResult<Vec<Stmt>> {
        let mut body = Vec::new();
        loop {
            match self.peek() {
                Tok::EndMarker => break,
                Tok::Newline => {
                    self.bump();
                }
                _ => self.statement(&mut body)?,
            }
        }
        Ok(body)
    }

    /// One statement (a simple-statement line may add several).
    fn statement(&mut self, out: &mut Vec<Stmt>) -> PResult<()> {
        self.enter()?;
        let r = self.statement_inner(out);
        self.leave();
        r
    }

    fn statement_inner(&mut self, out: &mut Vec<Stmt>) -> PResult<()> {
        let t = self.tok();
        match t.kind {
            Tok::If => out.push(self.if_stmt(false)?),
            Tok::While => out.push(self.while_stmt()?),
            Tok::For => out.push(self.for_stmt()?),
            Tok::Try => out.push(self.try_stmt()?),
            Tok::With => out.push(self.with_stmt()?),
            Tok::Def => out.push(self.funcdef(Vec::new(), t.start)?),
            Tok::Class => out.push(self.classdef(Vec::new(), t.start)?),
            Tok::At => out.push(self.decorated()?),
            Tok::Async => {
                return Err(self.unsupported("'async' is", Span::new(t.start, t.end)));
            }
            Tok::Name
                if self.text(t) == "match"
                    && !matches!(
                        self.peek_at(1),
                        Tok::Equal | Tok::Dot | Tok::LPar | Tok::LSqb | Tok::Newline | Tok::Comma
                    )
                    && !self.peek_at(1).is_keyword()
                    && augop_of(self.peek_at(1)).is_none()
                    && binop_of(self.peek_at(1)).is_none()
                    && self.line_ends_with_colon() =>
            {
                return Err(self.syntax_at(
                    "'match' statements are not supported by pymm",
                    Span::new(t.start, t.end),
                ));
            }
            Tok::Indent => return Err(self.unexpected()),
            _ => self.simple_stmts(out)?,
        }
        Ok(())
    }

    fn line_ends_with_colon(&self) -> bool {
        let mut i = self.pos;
        let mut last = Tok::Newline;
        while let Some(t) = self.toks.get(i) {
            if matches!(t.kind, Tok::Newline | Tok::EndMarker | Tok::Error) {
                break;
            }
            last = t.kind;
            i += 1;
        }
        last == Tok::Colon
    }

    fn simple_stmts(&mut self, out: &mut Vec<Stmt>) -> PResult<()> {
        loop {
            let s = self.simple_stmt()?;
            out.push(s);
            if self.eat(Tok::Semi) {
                if matches!(self.peek(), Tok::Newline) {
                    break;
                }
                continue;
            }
            break;
        }
        if !self.eat(Tok::Newline) {
            return Err(self.unexpected_after_expression());
        }
        Ok(())
    }

    /// "invalid syntax" at a token that cannot follow a complete
    /// expression. CPython's second pass tries to read another expression
    /// there (`invalid_expression`), which decides how far the source was
    /// read for [`tokenizer_errors_first`]; so does this.
    fn unexpected_after_expression(&mut self) -> SyntaxError {
        let e = self.unexpected();
        if matches!(
            self.peek(),
            Tok::Name | Tok::Number | Tok::String | Tok::LBrace | Tok::LSqb | Tok::LPar
        ) {
            let save = self.pos;
            let _ = self.expression();
            self.pos = save;
        }
        e
    }

    fn simple_stmt(&mut self) -> PResult<Stmt> {
        let t = self.tok();
        let start = t.start;
        let kind = match t.kind {
            Tok::Pass => {
                self.bump();
                StmtKind::Pass
            }
            Tok::Break => {
                self.bump();
                StmtKind::Break
            }
            Tok::Continue => {
                self.bump();
                StmtKind::Continue
            }
            Tok::Return => {
                self.bump();
                if self.at_simple_end() {
                    StmtKind::Return(None)
                } else {
                    StmtKind::Return(Some(self.star_expressions()?))
                }
            }
            Tok::Raise => {
                self.bump();
                if self.at_simple_end() {
                    StmtKind::Raise {
                        exc: None,
                        cause: None,
                    }
                } else {
                    let exc = self.expression()?;
                    let cause = if self.eat(Tok::From) {
                        Some(self.expression()?)
                    } else {
                        None
                    };
                    StmtKind::Raise {
                        exc: Some(exc),
                        cause,
                    }
                }
            }
            Tok::Global | Tok::Nonlocal => {
                self.bump();
                let mut names = vec![self.ident()?];
                while self.eat(Tok::Comma) {
                    names.push(self.ident()?);
                }
                if t.kind == Tok::Global {
                    StmtKind::Global(names)
                } else {
                    StmtKind::Nonlocal(names)
                }
            }
            Tok::Del => {
                self.bump();
                let mut targets = Vec::new();
                loop {
                    let e = self.bitwise_or_or_star()?;
                    self.check_target(&e, TargetCtx::Del)?;
                    targets.push(e);
                    if !self.eat(Tok::Comma) || self.at_simple_end() {
                        break;
                    }
                }
                StmtKind::Delete(targets)
            }
            Tok::Assert => {
                self.bump();
                let test = self.expression()?;
                let msg = if self.eat(Tok::Comma) {
                    Some(self.expression()?)
                } else {
                    None
                };
                StmtKind::Assert { test, msg }
            }
            Tok::Import => {
                self.bump();
                let mut names = vec![self.import_alias(true)?];
                while self.eat(Tok::Comma) {
                    names.push(self.import_alias(true)?);
                }
                StmtKind::Import(names)
            }
            Tok::From => self.import_from()?,
            _ => return self.expr_stmt(),
        };
        Ok(Stmt {
            kind,
            span: self.span_from(start),
        })
    }

    fn at_simple_end(&self) -> bool {
        matches!(self.peek(), Tok::Newline | Tok::Semi | Tok::EndMarker)
    }

    fn dotted_name(&mut self) -> PResult<Alias> {
        let first = self.ident()?;
        let mut name = self.interner.resolve(first.name).to_owned();
        let mut dotted = false;
        while self.peek() == Tok::Dot {
            self.bump();
            let part = self.ident()?;
            name.push('.');
            name.push_str(self.interner.resolve(part.name));
            dotted = true;
        }
        let span = self.span_from(first.span.start);
        let name = self.interner.intern(&name);
        Ok(Alias {
            name,
            first: first.name,
            dotted,
            asname: None,
            span,
        })
    }

    fn import_alias(&mut self, dotted_ok: bool) -> PResult<Alias> {
        let mut a = if dotted_ok {
            self.dotted_name()?
        } else {
            let id = self.ident()?;
            Alias {
                name: id.name,
                first: id.name,
                dotted: false,
                asname: None,
                span: id.span,
            }
        };
        if self.eat(Tok::As) {
            a.asname = Some(self.ident()?);
        }
        Ok(a)
    }

    fn import_from(&mut self) -> PResult<StmtKind> {
        self.bump(); // from
        if matches!(self.peek(), Tok::Dot | Tok::Ellipsis) {
            let t = self.tok();
            return Err(self.unsupported("relative imports are", Span::new(t.start, t.end)));
        }
        let module = self.dotted_name()?;
        self.expect(Tok::Import)?;
        if self.peek() == Tok::Star {
            self.bump();
            return Ok(StmtKind::ImportFrom {
                module,
                names: Vec::new(),
            });
        }
        let paren = self.eat(Tok::LPar);
        let mut names = vec![self.import_alias(false)?];
        while self.eat(Tok::Comma) {
            if paren && self.peek() == Tok::RPar {
                break;
            }
            names.push(self.import_alias(false)?);
        }
        if paren {
            self.expect(Tok::RPar)?;
        }
        Ok(StmtKind::ImportFrom { module, names })
    }

    fn expr_stmt(&mut self) -> PResult<Stmt> {
        let start = self.tok().start;
        let first = if self.peek() == Tok::Yield {
            self.yield_expr()?
        } else {
            self.star_expressions()?
        };
        if let Some(op) = augop_of(self.peek()) {
            match &first.kind {
                ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => {}
                _ => {
                    return Err(self.syntax_at(
                        format!(
                            "'{}' is an illegal expression for augmented assignment",
                            expr_name(&first)
                        ),
                        first.span,
                    ));
                }
            }
            self.bump();
            let value = if self.peek() == Tok::Yield {
                self.yield_expr()?
            } else {
                self.star_expressions()?
            };
            return Ok(Stmt {
                kind: StmtKind::AugAssign {
                    target: first,
                    op,
                    value,
                },
                span: self.span_from(start),
            });
        }
        if self.peek() == Tok::Colon {
            // annotated assignment: the annotation is parsed and dropped
            let single = matches!(
                first.kind,
                ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. }
            );
            if !single {
                // CPython's `invalid_assignment`: only when an annotation follows
                let save = self.pos;
                self.bump();
                let annotated = self.expression().is_ok();
                self.pos = save;
                if !annotated {
                    return Err(self.unexpected());
                }
                let msg = match first.kind {
                    ExprKind::Tuple(_) => "only single target (not tuple) can be annotated",
                    ExprKind::List(_) => "only single target (not list) can be annotated",
                    _ => "illegal target for annotation",
                };
                return Err(self.syntax_at(msg, first.span));
            }
            self.bump();
            let _annotation = self.expression()?;
            let value = if self.eat(Tok::Equal) {
                Some(if self.peek() == Tok::Yield {
                    self.yield_expr()?
                } else {
                    self.star_expressions()?
                })
            } else {
                None
            };
            return Ok(Stmt {
                kind: StmtKind::AnnAssign {
                    target: first,
                    value,
                },
                span: self.span_from(start),
            });
        }
        if self.peek() == Tok::Equal {
            let mut exprs = vec![first];
            while self.eat(Tok::Equal) {
                let e = if self.peek() == Tok::Yield {
                    self.yield_expr()?
                } else {
                    self.star_expressions()?
                };
                exprs.push(e);
            }
            let value = exprs.pop().ok_or_else(|| self.unexpected())?;
            let here = exprs.len() == 1;
            for t in &exprs {
                self.check_target(t, TargetCtx::Assign { here })?;
            }
            if !self.at_simple_end() {
                return Err(self.unexpected_after_expression());
            }
            return Ok(Stmt {
                kind: StmtKind::Assign {
                    targets: exprs,
                    value,
                },
                span: self.span_from(start),
            });
        }
        if !self.at_simple_end() {
            // `print 'x'`: CPython's legacy-print hint
            if let ExprKind::Name(n) = first.kind {
                let name = self.interner.resolve(n);
                if (name == "print" || name == "exec")
                    && matches!(self.peek(), Tok::String | Tok::Number | Tok::Name)
                {
                    let mut end = self.tok().end;
                    let mut i = self.pos;
                    while let Some(t) = self.toks.get(i) {
                        if matches!(
                            t.kind,
                            Tok::Newline | Tok::EndMarker | Tok::Error | Tok::Semi
                        ) {
                            break;
                        }
                        end = t.end;
                        i += 1;
                    }
                    return Err(self.syntax_at(
                        format!(
                            "Missing parentheses in call to '{name}'. Did you mean {name}(...)?"
                        ),
                        Span::new(first.span.start, end),
                    ));
                }
            }
            if self.peek() == Tok::If || matches!(first.kind, ExprKind::Starred(_)) {
                return Err(self.unexpected());
            }
        }
        Ok(Stmt {
            span: first.span,
            kind: StmtKind::Expr(first),
        })
    }

    /// Validate an assignment / `del` / `for` target (CPython's
    /// `invalid_assignment`, `invalid_del_stmt`, `invalid_for_target`).
    fn check_target(&self, e: &Expr, ctx: TargetCtx) -> PResult<()> {
        match &e.kind {
            ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => Ok(()),
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                let inner = match ctx {
                    TargetCtx::Assign { .. } => TargetCtx::Assign { here: false },
                    c => c,
                };
                for i in items {
                    self.check_target(i, inner)?;
                }
                Ok(())
            }
            ExprKind::Starred(inner) if ctx != TargetCtx::Del => {
                let c = match ctx {
                    TargetCtx::Assign { .. } => TargetCtx::Assign { here: false },
                    c => c,
                };
                self.check_target(inner, c)
            }
            _ => {
                let name = expr_name(e);
                let msg = match ctx {
                    TargetCtx::Del => format!("cannot delete {name}"),
                    TargetCtx::Assign { here: true }
                        if !matches!(
                            e.kind,
                            ExprKind::Constant(Literal::True | Literal::False | Literal::None)
                                | ExprKind::Yield(_)
                                | ExprKind::YieldFrom(_)
                        ) =>
                    {
                        format!(
                            "cannot assign to {name} here. Maybe you meant '==' instead of '='?"
                        )
                    }
                    _ if matches!(e.kind, ExprKind::Yield(_) | ExprKind::YieldFrom(_)) => {
                        "assignment to yield expression not possible".to_owned()
                    }
                    _ => format!("cannot assign to {name}"),
                };
                Err(self.syntax_at(msg, e.span))
            }
        }
    }

    /// The body after a compound statement's `:`.
    fn block(&mut self, what: &str, header_start: u32) -> PResult<Vec<Stmt>> {
        let mut body = Vec::new();
        if self.peek() != Tok::Newline {
            self.simple_stmts(&mut body)?;
            return Ok(body);
        }
        self.bump();
        if self.peek() != Tok::Indent {
            if matches!(self.peek(), Tok::Error | Tok::EndMarker) && self.lex.error.is_some() {
                return Err(self.unexpected());
            }
            let t = self.tok();
            let (line, _) = LineIndex::new(self.src).line_col(header_start);
            let end = if t.kind == Tok::Dedent {
                self.toks
                    .get(self.pos..)
                    .and_then(|r| r.iter().find(|t| t.kind != Tok::Dedent))
                    .map_or(t.end, |t| t.end)
            } else {
                t.end
            };
            let start = if t.kind == Tok::EndMarker {
                t.start
            } else {
                self.toks
                    .get(self.pos..)
                    .and_then(|r| r.iter().find(|t| t.kind != Tok::Dedent))
                    .map_or(t.start, |t| t.start)
            };
            return Err(self.error(
                SyntaxErrorKind::IndentationError,
                format!("expected an indented block after {what} on line {line}"),
                start,
                Some(end),
            ));
        }
        self.bump();
        loop {
            match self.peek() {
                Tok::Dedent => {
                    self.bump();
                    break;
                }
                Tok::EndMarker | Tok::Error => return Err(self.unexpected()),
                Tok::Newline => {
                    self.bump();
                }
                _ => self.statement(&mut body)?,
            }
        }
        Ok(body)
    }

    fn if_stmt(&mut self, elif: bool) -> PResult<Stmt> {
        let start = self.bump().start;
        let test = self.named_expression()?;
        self.expect_colon()?;
        let body = self.block(
            if elif {
                "'elif' statement"
            } else {
                "'if' statement"
            },
            start,
        )?;
        let orelse = match self.peek() {
            Tok::Elif => {
                self.enter()?;
                let s = self.if_stmt(true);
                self.leave();
                vec![s?]
            }
            Tok::Else => {
                let e = self.bump().start;
                self.expect_forced_colon()?;
                self.block("'else' statement", e)?
            }
            _ => Vec::new(),
        };
        Ok(Stmt {
            kind: StmtKind::If { test, body, orelse },
            span: self.span_from(start),
        })
    }

    fn else_block(&mut self) -> PResult<Vec<Stmt>> {
        if self.peek() == Tok::Else {
            let e = self.bump().start;
            self.expect_forced_colon()?;
            self.block("'else' statement", e)
        } else {
            Ok(Vec::new())
        }
    }

    fn while_stmt(&mut self) -> PResult<Stmt> {
        let start = self.bump().start;
        let test = self.named_expression()?;
        self.expect_colon()?;
        let body = self.block("'while' statement", start)?;
        let orelse = self.else_block()?;
        Ok(Stmt {
            kind: StmtKind::While { test, body, orelse },
            span: self.span_from(start),
        })
    }

    fn for_stmt(&mut self) -> PResult<Stmt> {
        let start = self.bump().start;
        let target = self.target_list()?;
        self.check_target(&target, TargetCtx::Store)?;
        self.expect(Tok::In)?;
        let iter = self.star_expressions()?;
        self.expect_colon()?;
        let body = self.block("'for' statement", start)?;
        let orelse = self.else_block()?;
        Ok(Stmt {
            kind: StmtKind::For {
                target,
                iter,
                body,
                orelse,
            },
            span: self.span_from(start),
        })
    }

    /// `for` targets: star_targets (a tuple without parentheses allowed).
    fn target_list(&mut self) -> PResult<Expr> {
        let start = self.tok().start;
        let first = self.bitwise_or_or_star()?;
        if self.peek() != Tok::Comma {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat(Tok::Comma) {
            if matches!(self.peek(), Tok::In | Tok::Equal) {
                break;
            }
            items.push(self.bitwise_or_or_star()?);
        }
        Ok(Expr::new(ExprKind::Tuple(items), self.span_from(start)))
    }

    fn bitwise_or_or_star(&mut self) -> PResult<Expr> {
        if self.peek() == Tok::Star {
            let s = self.bump().start;
            let e = self.bitwise_or()?;
            return Ok(Expr::new(ExprKind::Starred(Box::new(e)), self.span_from(s)));
        }
        self.bitwise_or()
    }

    fn try_stmt(&mut self) -> PResult<Stmt> {
        let start = self.bump().start;
        self.expect_forced_colon()?;
        let body = self.block("'try' statement", start)?;
        let mut handlers = Vec::new();
        while self.peek() == Tok::Except {
            let hs = self.bump().start;
            if self.peek() == Tok::Star {
                let t = self.tok();
                return Err(self.unsupported("'except*' is", Span::new(t.start, t.end)));
            }
            let (typ, name) = if self.peek() == Tok::Colon {
                (None, None)
            } else {
                let t = self.expression()?;
                let t = if self.peek() == Tok::Comma {
                    // `except A, B:` is an error in Python 3
                    let c = self.tok();
                    return Err(self.syntax_at(
                        "multiple exception types must be parenthesized",
                        Span::new(t.span.start, c.end).to(t.span),
                    ));
                } else {
                    t
                };
                let n = if self.eat(Tok::As) {
                    Some(self.ident()?)
                } else {
                    None
                };
                (Some(t), n)
            };
            let hspan = self.span_from(hs);
            self.expect_colon()?;
            let hbody = self.block("'except' statement", hs)?;
            handlers.push(ExceptHandler {
                typ,
                name,
                body: hbody,
                span: hspan,
            });
        }
        let orelse = if !handlers.is_empty() {
            self.else_block()?
        } else {
            Vec::new()
        };
        let finalbody = if self.peek() == Tok::Finally {
            let f = self.bump().start;
            self.expect_forced_colon()?;
            self.block("'finally' statement", f)?
        } else {
            Vec::new()
        };
        if handlers.is_empty() && finalbody.is_empty() {
            let t = self.tok();
            if matches!(t.kind, Tok::Error) {
                return Err(self.unexpected());
            }
            let t = if matches!(t.kind, Tok::Dedent | Tok::Newline) {
                self.toks
                    .get(self.pos..)
                    .and_then(|r| {
                        r.iter()
                            .find(|t| !matches!(t.kind, Tok::Dedent | Tok::Newline))
                    })
                    .copied()
                    .unwrap_or(t)
            } else {
                t
            };
            if t.kind == Tok::EndMarker {
                // CPython points after the last line of the body
                let e = self.prev_end();
                return Err(self.error(
                    SyntaxErrorKind::SyntaxError,
                    "expected 'except' or 'finally' block",
                    e.saturating_sub(1),
                    None,
                ));
            }
            return Err(self.error(
                SyntaxErrorKind::SyntaxError,
                "expected 'except' or 'finally' block",
                t.start,
                Some(t.end),
            ));
        }
        Ok(Stmt {
            kind: StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            },
            span: self.span_from(start),
        })
    }

    fn with_stmt(&mut self) -> PResult<Stmt> {
        let start = self.bump().start;
        let mut items = Vec::new();
        // `with (a as b, c):` parenthesized form
        let paren_form = self.peek() == Tok::LPar && self.paren_with_items();
        if paren_form {
            self.bump();
        }
        loop {
            let context = self.expression()?;
            let target = if self.eat(Tok::As) {
                let t = self.bitwise_or_or_star_target()?;
                self.check_target(&t, TargetCtx::Store)?;
                Some(t)
            } else {
                None
            };
            items.push(WithItem { context, target });
            if !self.eat(Tok::Comma) {
                break;
            }
            if paren_form && self.peek() == Tok::RPar {
                break;
            }
        }
        if paren_form {
            self.expect(Tok::RPar)?;
        }
        self.expect_colon()?;
        let body = self.block("'with' statement", start)?;
        Ok(Stmt {
            kind: StmtKind::With { items, body },
            span: self.span_from(start),
        })
    }

    /// True if the `(` after `with` encloses with-items (it is followed,
    /// after its matching `)`, by `:`) and contains a top-level `as`.
    fn paren_with_items(&self) -> bool {
        let mut depth = 0usize;
        let mut saw_as = false;
        for (i, t) in self.toks.iter().enumerate().skip(self.pos) {
            match t.kind {
                Tok::LPar | Tok::LSqb | Tok::LBrace => depth += 1,
                Tok::RPar | Tok::RSqb | Tok::RBrace => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return saw_as
                            && self.toks.get(i + 1).is_some_and(|t| t.kind == Tok::Colon);
                    }
                }
                Tok::As if depth == 1 => saw_as = true,
                Tok::Newline | Tok::EndMarker | Tok::Error => return false,
                _ => {}
            }
        }
        false
    }

    fn bitwise_or_or_star_target(&mut self) -> PResult<Expr> {
        // a with-target may be a parenthesized tuple; `as a, b` is not a tuple
        self.bitwise_or_or_star()
    }

    fn decorated(&mut self) -> PResult<Stmt> {
        let start = self.tok().start;
        let mut decorators = Vec::new();
        while self.peek() == Tok::At {
            self.bump();
            decorators.push(self.named_expression()?);
            self.expect(Tok::Newline)?;
        }
        match self.peek() {
            Tok::Def => self.funcdef(decorators, start),
            Tok::Class => self.classdef(decorators, start),
            Tok::Async => {
                let t = self.tok();
                Err(self.unsupported("'async' is", Span::new(t.start, t.end)))
            }
            _ => Err(self.unexpected()),
        }
    }

    fn funcdef(&mut self, decorators: Vec<Expr>, start: u32) -> PResult<Stmt> {
        let def = self.bump().start;
        let name = self.ident()?;
        if self.peek() != Tok::LPar && !matches!(self.peek(), Tok::Error | Tok::EndMarker) {
            let t = self.tok();
            return Err(self.syntax_at("expected '('", Span::new(t.start, t.end)));
        }
        self.expect(Tok::LPar)?;
        let args = self.parameters(Tok::RPar)?;
        self.expect(Tok::RPar)?;
        if self.eat(Tok::RArrow) {
            let _returns = self.expression()?;
        }
        self.expect_forced_colon()?;
        let body = self.block("function definition", def)?;
        Ok(Stmt {
            kind: StmtKind::FunctionDef(Box::new(FunctionDef {
                name,
                args,
                body,
                decorators,
            })),
            span: self.span_from(start),
        })
    }

    fn classdef(&mut self, decorators: Vec<Expr>, start: u32) -> PResult<Stmt> {
        let cls = self.bump().start;
        let name = self.ident()?;
        let (mut bases, mut keywords) = (Vec::new(), Vec::new());
        if self.peek() == Tok::LPar {
            let lp = self.bump().start;
            let (b, k) = self.call_args(lp)?;
            if let [only] = b.as_slice()
                && matches!(only.kind, ExprKind::GeneratorExp { .. })
                && keywords.is_empty()
            {
                return Err(self.unexpected_in_class_bases(only));
            }
            bases = b;
            keywords = k;
            self.expect(Tok::RPar)?;
        }
        self.expect_colon()?;
        let body = self.block("class definition", cls)?;
        Ok(Stmt {
            kind: StmtKind::ClassDef(Box::new(ClassDef {
                name,
                bases,
                keywords,
                body,
                decorators,
            })),
            span: self.span_from(start),
        })
    }

    fn unexpected_in_class_bases(&self, genexp: &Expr) -> SyntaxError {
        // CPython points at the `for`
        let f = self
            .toks
            .iter()
            .find(|t| t.kind == Tok::For && t.start >= genexp.span.start)
            .map_or(genexp.span, |t| Span::new(t.start, t.end));
        self.syntax_at("invalid syntax", f)
    }

    /// A parameter list up to `close` (`)` for `def`, `:` for `lambda`).
    fn parameters(&mut self, close: Tok) -> PResult<Arguments> {
        let mut a = Arguments::default();
        let mut seen_default = false;
        let mut star_seen = false;
        let mut bare_star: Option<Span> = None;
        loop {
            if self.peek() == close {
                break;
            }
            let t = self.tok();
            match t.kind {
                Tok::Slash => {
                    self.bump();
                    if star_seen || !a.posonly.is_empty() || a.args.is_empty() {
                        return Err(self.syntax_at(
                            if star_seen {
                                "/ must be ahead of *"
                            } else if a.args.is_empty() {
                                "at least one argument must precede /"
                            } else {
                                "/ may appear only once"
                            },
                            Span::new(t.start, t.end),
                        ));
                    }
                    a.posonly = std::mem::take(&mut a.args);
                }
                Tok::Star => {
                    self.bump();
                    if star_seen {
                        return Err(self.syntax_at(
                            "* argument may appear only once",
                            Span::new(t.start, t.end),
                        ));
                    }
                    star_seen = true;
                    if self.peek() == Tok::Name {
                        let name = self.ident()?;
                        self.annotation(close)?;
                        a.vararg = Some(Arg { name });
                    } else {
                        bare_star = Some(Span::new(t.start, t.end));
                    }
                }
                Tok::DoubleStar => {
                    self.bump();
                    let name = self.ident()?;
                    self.annotation(close)?;
                    a.kwarg = Some(Arg { name });
                    self.eat(Tok::Comma);
                    if self.peek() != close {
                        let t = self.tok();
                        return Err(self.syntax_at(
                            "arguments cannot follow var-keyword argument",
                            Span::new(t.start, t.end),
                        ));
                    }
                    break;
                }
                Tok::Name => {
                    let name = self.ident()?;
                    self.annotation(close)?;
                    let default = if self.eat(Tok::Equal) {
                        Some(self.expression()?)
                    } else {
                        None
                    };
                    if star_seen {
                        bare_star = None;
                        a.kwonly.push(Arg { name });
                        a.kw_defaults.push(default);
                    } else {
                        match default {
                            Some(d) => {
                                seen_default = true;
                                a.defaults.push(d);
                            }
                            None if seen_default => {
                                return Err(self.syntax_at(
                                    "non-default argument follows default argument",
                                    name.span,
                                ));
                            }
                            None => {}
                        }
                        a.args.push(Arg { name });
                    }
                }
                _ => return Err(self.unexpected()),
            }
            if !self.eat(Tok::Comma) {
                break;
            }
        }
        if let Some(s) = bare_star {
            return Err(self.syntax_at("named arguments must follow bare *", s));
        }
        Ok(a)
    }

    fn annotation(&mut self, close: Tok) -> PResult<()> {
        if close == Tok::RPar && self.eat(Tok::Colon) {
            let _ = self.expression()?;
        }
        Ok(())
    }

    // ----- expressions -----

    /// `star_expressions`: a tuple without parentheses when there are commas.
    fn star_expressions(&mut self) -> PResult<Expr> {
        let start = self.tok().start;
        let first = self.star_expression()?;
        if self.peek() != Tok::Comma {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat(Tok::Comma) {
            if !self.starts_expression() {
                break;
            }
            items.push(self.star_expression()?);
        }
        Ok(Expr::new(ExprKind::Tuple(items), self.span_from(start)))
    }

    fn starts_expression(&self) -> bool {
        matches!(
            self.peek(),
            Tok::Name
                | Tok::Number
                | Tok::String
                | Tok::LPar
                | Tok::LSqb
                | Tok::LBrace
                | Tok::Minus
                | Tok::Plus
                | Tok::Tilde
                | Tok::Not
                | Tok::Lambda
                | Tok::Star
                | Tok::None
                | Tok::True
                | Tok::False
                | Tok::Ellipsis
                | Tok::Await
                | Tok::Yield
        )
    }

    fn star_expression(&mut self) -> PResult<Expr> {
        if self.peek() == Tok::Star {
            let s = self.bump().start;
            let e = self.bitwise_or()?;
            return Ok(Expr::new(ExprKind::Starred(Box::new(e)), self.span_from(s)));
        }
        self.expression()
    }

    fn named_expression(&mut self) -> PResult<Expr> {
        let e = self.expression()?;
        if self.peek() == Tok::ColonEqual {
            let t = self.tok();
            return Err(self.unsupported(
                "assignment expressions (':=') are",
                Span::new(t.start, t.end),
            ));
        }
        Ok(e)
    }

    /// `expression`: conditional expression, lambda, or disjunction.
    fn expression(&mut self) -> PResult<Expr> {
        self.enter()?;
        let r = self.expression_inner();
        self.leave();
        r
    }

    fn expression_inner(&mut self) -> PResult<Expr> {
        if self.peek() == Tok::Lambda {
            return self.lambda();
        }
        let start = self.tok().start;
        let mut body = self.disjunction()?;
        // `a if b else c if d else e`: right-nested, handled by a loop
        let mut chain: Vec<(Expr, Expr)> = Vec::new();
        while self.peek() == Tok::If {
            self.bump();
            let test = self.disjunction()?;
            if self.peek() != Tok::Else {
                if matches!(self.peek(), Tok::Error) {
                    return Err(self.unexpected());
                }
                return Err(self.syntax_at(
                    "expected 'else' after 'if' expression",
                    self.span_from(start),
                ));
            }
            self.bump();
            self.enter()?;
            chain.push((body, test));
            if self.peek() == Tok::Lambda {
                body = self.lambda()?;
                break;
            }
            body = self.disjunction()?;
        }
        let n = chain.len();
        while let Some((b, test)) = chain.pop() {
            let span = b.span.to(body.span);
            body = Expr::new(
                ExprKind::IfExp {
                    test: Box::new(test),
                    body: Box::new(b),
                    orelse: Box::new(body),
                },
                span,
            );
        }
        for _ in 0..n {
            self.leave();
        }
        Ok(body)
    }

    fn lambda(&mut self) -> PResult<Expr> {
        let start = self.bump().start;
        let args = self.parameters(Tok::Colon)?;
        self.expect(Tok::Colon)?;
        let body = self.expression()?;
        Ok(Expr::new(
            ExprKind::Lambda {
                args: Box::new(args),
                body: Box::new(body),
            },
            self.span_from(start),
        ))
    }

    fn disjunction(&mut self) -> PResult<Expr> {
        self.boolop(BoolOp::Or)
    }

    fn boolop(&mut self, op: BoolOp) -> PResult<Expr> {
        let (tok, sub) = match op {
            BoolOp::Or => (Tok::Or, BoolOp::And),
            BoolOp::And => (Tok::And, BoolOp::And),
        };
        let first = if op == BoolOp::Or {
            self.boolop(sub)?
        } else {
            self.inversion()?
        };
        if self.peek() != tok {
            return Ok(first);
        }
        let start = first.span.start;
        let mut values = vec![first];
        while self.eat(tok) {
            values.push(if op == BoolOp::Or {
                self.boolop(sub)?
            } else {
                self.inversion()?
            });
        }
        Ok(Expr::new(
            ExprKind::BoolOp { op, values },
            self.span_from(start),
        ))
    }

    fn inversion(&mut self) -> PResult<Expr> {
        if self.peek() == Tok::Not {
            let start = self.bump().start;
            self.enter()?;
            let operand = self.inversion();
            self.leave();
            return Ok(Expr::new(
                ExprKind::UnaryOp {
                    op: UnaryOperator::Not,
                    operand: Box::new(operand?),
                },
                self.span_from(start),
            ));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> PResult<Expr> {
        let left = self.bitwise_or()?;
        let mut ops = Vec::new();
        let mut comparators = Vec::new();
        loop {
            let op = match self.peek() {
                Tok::EqEqual => CmpOp::Eq,
                Tok::NotEqual => CmpOp::NotEq,
                Tok::Less => CmpOp::Lt,
                Tok::LessEqual => CmpOp::LtE,
                Tok::Greater => CmpOp::Gt,
                Tok::GreaterEqual => CmpOp::GtE,
                Tok::In => CmpOp::In,
                Tok::Is => {
                    if self.peek_at(1) == Tok::Not {
                        self.bump();
                        CmpOp::IsNot
                    } else {
                        CmpOp::Is
                    }
                }
                Tok::Not if self.peek_at(1) == Tok::In => {
                    self.bump();
                    CmpOp::NotIn
                }
                _ => break,
            };
            self.bump();
            ops.push(op);
            comparators.push(self.bitwise_or()?);
        }
        if ops.is_empty() {
            return Ok(left);
        }
        let start = left.span.start;
        Ok(Expr::new(
            ExprKind::Compare {
                left: Box::new(left),
                ops,
                comparators,
            },
            self.span_from(start),
        ))
    }

    fn bitwise_or(&mut self) -> PResult<Expr> {
        self.binary(1)
    }

    /// Precedence climbing over the left-associative binary operators
    /// (`|` < `^` < `&` < shifts < `+ -` < `* / // % @`).
    fn binary(&mut self, min_prec: u8) -> PResult<Expr> {
        let mut left = self.factor()?;
        let mut levels = 0usize;
        let r = loop {
            let Some((op, prec)) = binop_of(self.peek()) else {
                break Ok(left);
            };
            if prec < min_prec {
                break Ok(left);
            }
            self.bump();
            if let Err(e) = self.enter() {
                break Err(e);
            }
            levels += 1;
            let right = match self.binary(prec + 1) {
                Ok(r) => r,
                Err(e) => break Err(e),
            };
            let span = left.span.to(right.span);
            left = Expr::new(
                ExprKind::BinOp {
                    left: Box::new(left),
                    op,
                    right: Box::new(right),
                },
                span,
            );
        };
        for _ in 0..levels {
            self.leave();
        }
        r
    }

    fn factor(&mut self) -> PResult<Expr> {
        let op = match self.peek() {
            Tok::Minus => UnaryOperator::Neg,
            Tok::Plus => UnaryOperator::Pos,
            Tok::Tilde => UnaryOperator::Invert,
            _ => return self.power(),
        };
        let start = self.bump().start;
        self.enter()?;
        let operand = self.factor();
        self.leave();
        Ok(Expr::new(
            ExprKind::UnaryOp {
                op,
                operand: Box::new(operand?),
            },
            self.span_from(start),
        ))
    }

    fn power(&mut self) -> PResult<Expr> {
        if self.peek() == Tok::Await {
            let t = self.tok();
            return Err(self.unsupported("'await' is", Span::new(t.start, t.end)));
        }
        let base = self.primary()?;
        if self.peek() != Tok::DoubleStar {
            return Ok(base);
        }
        self.bump();
        self.enter()?;
        let exp = self.factor();
        self.leave();
        let exp = exp?;
        let span = base.span.to(exp.span);
        Ok(Expr::new(
            ExprKind::BinOp {
                left: Box::new(base),
                op: BinaryOperator::Pow,
                right: Box::new(exp),
            },
            span,
        ))
    }

    /// An atom followed by `.name`, `[...]`, `(...)` trailers.
    fn primary(&mut self) -> PResult<Expr> {
        let mut e = self.atom()?;
        let mut levels = 0usize;
        let r = loop {
            let start = e.span.start;
            match self.peek() {
                Tok::Dot => {
                    self.bump();
                    let attr = match self.ident() {
                        Ok(a) => a,
                        Err(err) => break Err(err),
                    };
                    e = Expr::new(
                        ExprKind::Attribute {
                            value: Box::new(e),
                            attr,
                        },
                        self.span_from(start),
                    );
                }
                Tok::LPar => {
                    let lp = self.bump().start;
                    let (args, keywords) = match self.call_args(lp) {
                        Ok(x) => x,
                        Err(err) => break Err(err),
                    };
                    let last = match keywords.last() {
                        Some(k) => Some(&k.value),
                        None => args.last(),
                    };
                    if let Err(err) = self.close(Tok::RPar, last) {
                        break Err(err);
                    }
                    e = Expr::new(
                        ExprKind::Call {
                            func: Box::new(e),
                            args,
                            keywords,
                        },
                        self.span_from(start),
                    );
                }
                Tok::LSqb => {
                    self.bump();
                    let slice = match self.slices() {
                        Ok(s) => s,
                        Err(err) => break Err(err),
                    };
                    let last = match &slice.kind {
                        ExprKind::Tuple(items) => items.last(),
                        _ => Some(&slice),
                    };
                    if let Err(err) = self.close(Tok::RSqb, last) {
                        break Err(err);
                    }
                    e = Expr::new(
                        ExprKind::Subscript {
                            value: Box::new(e),
                            slice: Box::new(slice),
                        },
                        self.span_from(start),
                    );
                }
                _ => break Ok(e),
            }
            if let Err(err) = self.enter() {
                break Err(err);
            }
            levels += 1;
        };
        for _ in 0..levels {
            self.leave();
        }
        r
    }

    fn slices(&mut self) -> PResult<Expr> {
        let start = self.tok().start;
        let first = self.slice()?;
        if self.peek() != Tok::Comma {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat(Tok::Comma) {
            if self.peek() == Tok::RSqb {
                break;
            }
            items.push(self.slice()?);
        }
        Ok(Expr::new(ExprKind::Tuple(items), self.span_from(start)))
    }

    fn slice(&mut self) -> PResult<Expr> {
        let start = self.tok().start;
        let lower = if matches!(self.peek(), Tok::Colon) {
            None
        } else {
            let e = self.star_expression()?;
            if self.peek() != Tok::Colon {
                return Ok(e);
            }
            Some(Box::new(e))
        };
        self.expect(Tok::Colon)?;
        let upper = if matches!(self.peek(), Tok::Colon | Tok::Comma | Tok::RSqb) {
            None
        } else {
            Some(Box::new(self.expression()?))
        };
        let step = if self.eat(Tok::Colon) {
            if matches!(self.peek(), Tok::Comma | Tok::RSqb) {
                None
            } else {
                Some(Box::new(self.expression()?))
            }
        } else {
            None
        };
        Ok(Expr::new(
            ExprKind::Slice { lower, upper, step },
            self.span_from(start),
        ))
    }

    /// Call arguments up to (not including) `)`.
    fn call_args(&mut self, _lpar: u32) -> PResult<(Vec<Expr>, Vec<Keyword>)> {
        let mut args: Vec<Expr> = Vec::new();
        let mut keywords: Vec<Keyword> = Vec::new();
        let mut seen_kwunpack = false;
        loop {
            if self.peek() == Tok::RPar {
                break;
            }
            let t = self.tok();
            match t.kind {
                Tok::Star => {
                    self.bump();
                    if self.peek() == Tok::RPar || self.peek() == Tok::Comma {
                        return Err(self.unexpected());
                    }
                    let v = self.expression()?;
                    let span = self.span_from(t.start);
                    if seen_kwunpack {
                        return Err(self.syntax_at(
                            "iterable argument unpacking follows keyword argument unpacking",
                            Span::new(t.start, t.end),
                        ));
                    }
                    if self.peek() == Tok::For {
                        return Err(self.syntax_at(
                            "iterable unpacking cannot be used in comprehension",
                            span,
                        ));
                    }
                    args.push(Expr::new(ExprKind::Starred(Box::new(v)), span));
                }
                Tok::DoubleStar => {
                    self.bump();
                    let v = self.expression()?;
                    seen_kwunpack = true;
                    keywords.push(Keyword {
                        arg: None,
                        value: v,
                        span: self.span_from(t.start),
                    });
                }
                _ if (t.kind == Tok::Name
                    || matches!(t.kind, Tok::True | Tok::False | Tok::None))
                    && self.peek_at(1) == Tok::Equal =>
                {
                    if t.kind != Tok::Name {
                        self.bump();
                        self.bump();
                        let _ = self.expression()?;
                        return Err(self.syntax_at(
                            format!("cannot assign to {}", self.text(t)),
                            self.span_from(t.start),
                        ));
                    }
                    let name = self.ident()?;
                    self.bump();
                    let v = self.expression()?;
                    let span = self.span_from(t.start);
                    if keywords
                        .iter()
                        .any(|k| k.arg.is_some_and(|a| a.name == name.name))
                    {
                        return Err(self.syntax_at(
                            format!(
                                "keyword argument repeated: {}",
                                self.interner.resolve(name.name)
                            ),
                            span,
                        ));
                    }
                    keywords.push(Keyword {
                        arg: Some(name),
                        value: v,
                        span,
                    });
                }
                _ => {
                    let v = self.expression()?;
                    if self.peek() == Tok::ColonEqual {
                        let c = self.tok();
                        return Err(self.unsupported(
                            "assignment expressions (':=') are",
                            Span::new(c.start, c.end),
                        ));
                    }
                    let v = if self.peek() == Tok::For {
                        let gens = self.comprehension_clauses()?;
                        let span = self.span_from(v.span.start);
                        let g = Expr::new(
                            ExprKind::GeneratorExp {
                                elt: Box::new(v),
                                generators: gens,
                            },
                            span,
                        );
                        if !args.is_empty()
                            || !keywords.is_empty()
                            || self.peek() == Tok::Comma && self.peek_at(1) != Tok::RPar
                        {
                            return Err(self
                                .syntax_at("Generator expression must be parenthesized", g.span));
                        }
                        g
                    } else {
                        v
                    };
                    if !keywords.is_empty() {
                        // CPython points at the token after the argument
                        let t = self.tok();
                        let at = Span::new(t.start, t.end);
                        let msg = if seen_kwunpack {
                            "positional argument follows keyword argument unpacking"
                        } else {
                            "positional argument follows keyword argument"
                        };
                        return Err(self.syntax_at(msg, at));
                    }
                    args.push(v);
                }
            }
            if !self.eat(Tok::Comma) {
                break;
            }
        }
        Ok((args, keywords))
    }

    fn comprehension_clauses(&mut self) -> PResult<Vec<Comprehension>> {
        let mut gens = Vec::new();
        while self.peek() == Tok::For {
            self.bump();
            let target = self.target_list()?;
            self.check_target(&target, TargetCtx::Store)?;
            self.expect(Tok::In)?;
            let iter = self.disjunction()?;
            let mut ifs = Vec::new();
            while self.eat(Tok::If) {
                ifs.push(self.disjunction()?);
            }
            gens.push(Comprehension { target, iter, ifs });
            if self.peek() == Tok::Async {
                let t = self.tok();
                return Err(self.unsupported("'async' is", Span::new(t.start, t.end)));
            }
        }
        Ok(gens)
    }

    fn yield_expr(&mut self) -> PResult<Expr> {
        let start = self.bump().start;
        if self.eat(Tok::From) {
            let v = self.expression()?;
            return Ok(Expr::new(
                ExprKind::YieldFrom(Box::new(v)),
                self.span_from(start),
            ));
        }
        let v = if self.starts_expression() {
            Some(Box::new(self.star_expressions()?))
        } else {
            None
        };
        Ok(Expr::new(ExprKind::Yield(v), self.span_from(start)))
    }

    fn atom(&mut self) -> PResult<Expr> {
        let t = self.tok();
        let span = Span::new(t.start, t.end);
        let lit = |k: Literal| Ok(Expr::new(ExprKind::Constant(k), span));
        match t.kind {
            Tok::Name => {
                self.bump();
                let sym = self.interner.intern(self.text(t));
                Ok(Expr::new(ExprKind::Name(sym), span))
            }
            Tok::None => {
                self.bump();
                lit(Literal::None)
            }
            Tok::True => {
                self.bump();
                lit(Literal::True)
            }
            Tok::False => {
                self.bump();
                lit(Literal::False)
            }
            Tok::Ellipsis => {
                self.bump();
                lit(Literal::Ellipsis)
            }
            Tok::Number => {
                self.bump();
                let v = self.number(t)?;
                lit(v)
            }
            Tok::String => self.strings(),
            Tok::LPar => self.paren(),
            Tok::LSqb => self.list_display(),
            Tok::LBrace => self.brace_display(),
            _ => Err(self.unexpected()),
        }
    }

    fn number(&self, t: Token) -> PResult<Literal> {
        let text: String = self.text(t).chars().filter(|&c| c != '_').collect();
        let bad = || self.syntax_at("invalid number literal", Span::new(t.start, t.end));
        let lower = text.to_ascii_lowercase();
        let radix = if lower.starts_with("0x") {
            Some(16)
        } else if lower.starts_with("0o") {
            Some(8)
        } else if lower.starts_with("0b") {
            Some(2)
        } else {
            None
        };
        if let Some(r) = radix {
            let digits = text.get(2..).unwrap_or("");
            return BigInt::from_str_radix(digits, r)
                .map(Literal::Int)
                .map_err(|_| bad());
        }
        if lower.contains(['.', 'e']) {
            return lower.parse::<f64>().map(Literal::Float).map_err(|_| bad());
        }
        if text.len() > 4300 {
            return Err(self.syntax_at(
                format!(
                    "Exceeds the limit (4300 digits) for integer string conversion: value has {} digits; use sys.set_int_max_str_digits() to increase the limit - Consider hexadecimal for huge integer literals to avoid decimal conversion limits.",
                    text.len()
                ),
                Span::new(t.start, t.end),
            ));
        }
        BigInt::from_str_radix(&text, 10)
            .map(Literal::Int)
            .map_err(|_| bad())
    }

    /// `( ... )`: group, tuple, generator expression, or yield.
    fn paren(&mut self) -> PResult<Expr> {
        let start = self.bump().start;
        self.paren_inner(start)
    }

    fn paren_inner(&mut self, start: u32) -> PResult<Expr> {
        if self.eat(Tok::RPar) {
            return Ok(Expr::new(
                ExprKind::Tuple(Vec::new()),
                self.span_from(start),
            ));
        }
        if self.peek() == Tok::Yield {
            let y = self.yield_expr()?;
            self.expect(Tok::RPar)?;
            return Ok(y);
        }
        let first = self.star_expression()?;
        if self.peek() == Tok::ColonEqual {
            let t = self.tok();
            return Err(self.unsupported(
                "assignment expressions (':=') are",
                Span::new(t.start, t.end),
            ));
        }
        if self.peek() == Tok::For {
            if matches!(first.kind, ExprKind::Starred(_)) {
                return Err(self.syntax_at(
                    "iterable unpacking cannot be used in comprehension",
                    first.span,
                ));
            }
            let generators = self.comprehension_clauses()?;
            self.expect(Tok::RPar)?;
            return Ok(Expr::new(
                ExprKind::GeneratorExp {
                    elt: Box::new(first),
                    generators,
                },
                self.span_from(start),
            ));
        }
        if self.peek() != Tok::Comma && self.peek() != Tok::RPar {
            return Err(self.forgot_comma(&first));
        }
        if self.eat(Tok::RPar) {
            if let ExprKind::Starred(_) = first.kind {
                return Err(self.syntax_at("cannot use starred expression here", first.span));
            }
            // a parenthesized expression keeps its inner span, as CPython
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat(Tok::Comma) {
            if self.peek() == Tok::RPar {
                break;
            }
            items.push(self.star_expression()?);
        }
        self.close(Tok::RPar, items.last())?;
        Ok(Expr::new(ExprKind::Tuple(items), self.span_from(start)))
    }

    fn list_display(&mut self) -> PResult<Expr> {
        let start = self.bump().start;
        self.list_inner(start)
    }

    fn list_inner(&mut self, start: u32) -> PResult<Expr> {
        if self.eat(Tok::RSqb) {
            return Ok(Expr::new(ExprKind::List(Vec::new()), self.span_from(start)));
        }
        let first = self.star_expression()?;
        if self.peek() == Tok::For {
            if matches!(first.kind, ExprKind::Starred(_)) {
                return Err(self.syntax_at(
                    "iterable unpacking cannot be used in comprehension",
                    first.span,
                ));
            }
            let generators = self.comprehension_clauses()?;
            self.expect(Tok::RSqb)?;
            return Ok(Expr::new(
                ExprKind::ListComp {
                    elt: Box::new(first),
                    generators,
                },
                self.span_from(start),
            ));
        }
        let mut items = vec![first];
        while self.eat(Tok::Comma) {
            if self.peek() == Tok::RSqb {
                break;
            }
            items.push(self.star_expression()?);
        }
        self.close(Tok::RSqb, items.last())?;
        Ok(Expr::new(ExprKind::List(items), self.span_from(start)))
    }

    fn brace_display(&mut self) -> PResult<Expr> {
        let start = self.bump().start;
        self.brace_inner(start)
    }

    fn brace_inner(&mut self, start: u32) -> PResult<Expr> {
        if self.eat(Tok::RBrace) {
            return Ok(Expr::new(
                ExprKind::Dict {
                    keys: Vec::new(),
                    values: Vec::new(),
                },
                self.span_from(start),
            ));
        }
        // first item decides dict or set
        if self.peek() == Tok::DoubleStar {
            return self.dict_rest(start, None);
        }
        let first = self.star_expression()?;
        if self.peek() == Tok::Colon && !matches!(first.kind, ExprKind::Starred(_)) {
            self.bump();
            let value = self.expression()?;
            if self.peek() == Tok::For {
                let generators = self.comprehension_clauses()?;
                self.expect(Tok::RBrace)?;
                return Ok(Expr::new(
                    ExprKind::DictComp {
                        key: Box::new(first),
                        value: Box::new(value),
                        generators,
                    },
                    self.span_from(start),
                ));
            }
            return self.dict_rest(start, Some((first, value)));
        }
        if self.peek() == Tok::For {
            if matches!(first.kind, ExprKind::Starred(_)) {
                return Err(self.syntax_at(
                    "iterable unpacking cannot be used in comprehension",
                    first.span,
                ));
            }
            let generators = self.comprehension_clauses()?;
            self.expect(Tok::RBrace)?;
            return Ok(Expr::new(
                ExprKind::SetComp {
                    elt: Box::new(first),
                    generators,
                },
                self.span_from(start),
            ));
        }
        let mut items = vec![first];
        while self.eat(Tok::Comma) {
            if self.peek() == Tok::RBrace {
                break;
            }
            items.push(self.star_expression()?);
        }
        self.close(Tok::RBrace, items.last())?;
        Ok(Expr::new(ExprKind::Set(items), self.span_from(start)))
    }

    fn dict_rest(&mut self, start: u32, first: Option<(Expr, Expr)>) -> PResult<Expr> {
        let mut keys = Vec::new();
        let mut values = Vec::new();
        let mut need_item = first.is_none();
        if let Some((k, v)) = first {
            keys.push(Some(k));
            values.push(v);
        }
        loop {
            if !need_item {
                if !self.eat(Tok::Comma) {
                    break;
                }
                if self.peek() == Tok::RBrace {
                    break;
                }
            }
            need_item = false;
            if self.eat(Tok::DoubleStar) {
                keys.push(None);
                values.push(self.bitwise_or()?);
                continue;
            }
            let k = self.expression()?;
            if self.peek() != Tok::Colon {
                if matches!(self.peek(), Tok::Comma | Tok::RBrace) {
                    let e = k.span.end;
                    return Err(self.error(
                        SyntaxErrorKind::SyntaxError,
                        "':' expected after dictionary key",
                        e.saturating_sub(1),
                        None,
                    ));
                }
                return Err(self.unexpected());
            }
            self.bump();
            keys.push(Some(k));
            values.push(self.expression()?);
        }
        self.close(Tok::RBrace, values.last())?;
        Ok(Expr::new(
            ExprKind::Dict { keys, values },
            self.span_from(start),
        ))
    }

    // ----- string literals -----

    /// Adjacent string tokens concatenated (CPython's `_PyPegen_concatenate_strings`).
    fn strings(&mut self) -> PResult<Expr> {
        let start = self.tok().start;
        let mut parts: Vec<FStringPart> = Vec::new();
        let mut bytes: Option<Vec<u8>> = None;
        let mut any_f = false;
        let mut any_str = false;
        while self.peek() == Tok::String {
            let t = self.bump();
            let text = self.text(t);
            let qpos = text.find(['\'', '"']).unwrap_or(0);
            let prefix = text.get(..qpos).unwrap_or("").to_ascii_lowercase();
            let is_bytes = prefix.contains('b');
            let raw = prefix.contains('r');
            let is_f = prefix.contains('f');
            let q = text.as_bytes().get(qpos).copied().unwrap_or(b'\'');
            let triple = text.len() >= qpos + 6
                && text.as_bytes().get(qpos + 1) == Some(&q)
                && text.as_bytes().get(qpos + 2) == Some(&q);
            let ql = if triple { 3 } else { 1 };
            let body_start = qpos + ql;
            let body_end = text.len().saturating_sub(ql).max(body_start);
            let body = text.get(body_start..body_end).unwrap_or("");
            let body_off = t.start + body_start as u32;
            if is_bytes {
                if any_str || any_f {
                    return Err(self.mix_error(t));
                }
                if !body.is_ascii() {
                    return Err(self.syntax_at(
                        "bytes can only contain ASCII literal characters",
                        Span::new(t.start, t.end),
                    ));
                }
                let decoded = if raw {
                    body.as_bytes().to_vec()
                } else {
                    self.decode_bytes(body, body_off)?
                };
                bytes
                    .get_or_insert_with(Vec::new)
                    .extend_from_slice(&decoded);
            } else {
                if bytes.is_some() {
                    return Err(self.mix_error(t));
                }
                any_str = true;
                if is_f {
                    any_f = true;
                    self.fstring_tok_end = t.end;
                    self.fstring(body, body_off, raw, &mut parts)?;
                } else {
                    let s = if raw {
                        body.to_owned()
                    } else {
                        self.decode_str(body, body_off)?
                    };
                    push_literal(&mut parts, s);
                }
            }
        }
        let span = self.span_from(start);
        if let Some(b) = bytes {
            return Ok(Expr::new(ExprKind::Constant(Literal::Bytes(b)), span));
        }
        if any_f {
            return Ok(Expr::new(ExprKind::JoinedStr(parts), span));
        }
        let s = match parts.pop() {
            Some(FStringPart::Literal(s)) => s,
            _ => String::new(),
        };
        Ok(Expr::new(ExprKind::Constant(Literal::Str(s)), span))
    }

    fn mix_error(&self, t: Token) -> SyntaxError {
        let e = t.end;
        self.error(
            SyntaxErrorKind::SyntaxError,
            "cannot mix bytes and nonbytes literals",
            e,
            Some(e),
        )
    }

    fn escape_error(&self, msg: &str, off: u32) -> SyntaxError {
        self.error(
            SyntaxErrorKind::SyntaxError,
            format!("(unicode error) {msg}"),
            off,
            None,
        )
    }

    /// Decode the escapes of a non-raw str literal body.
    fn decode_str(&self, body: &str, off: u32) -> PResult<String> {
        if !body.contains('\\') {
            return Ok(body.to_owned());
        }
        let mut out = String::with_capacity(body.len());
        let mut chars = body.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some((_, e)) = chars.next() else {
                out.push('\\');
                break;
            };
            let hex = |chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
                       n: usize,
                       what: &str|
             -> PResult<u32> {
                let mut v = 0u32;
                for k in 0..n {
                    match chars.peek().and_then(|(_, c)| c.to_digit(16)) {
                        Some(d) => {
                            v = v * 16 + d;
                            chars.next();
                        }
                        None => {
                            return Err(self.escape_error(
                                &format!(
                                    "'unicodeescape' codec can't decode bytes in position {}-{}: truncated {what} escape",
                                    i,
                                    i + 1 + k
                                ),
                                off,
                            ));
                        }
                    }
                }
                Ok(v)
            };
            match e {
                '\n' => {}
                '\\' => out.push('\\'),
                '\'' => out.push('\''),
                '"' => out.push('"'),
                'a' => out.push('\x07'),
                'b' => out.push('\x08'),
                'f' => out.push('\x0c'),
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                'v' => out.push('\x0b'),
                '0'..='7' => {
                    let mut v = e.to_digit(8).unwrap_or(0);
                    for _ in 0..2 {
                        match chars.peek().and_then(|(_, c)| c.to_digit(8)) {
                            Some(d) => {
                                v = v * 8 + d;
                                chars.next();
                            }
                            None => break,
                        }
                    }
                    out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                }
                'x' => {
                    let v = hex(&mut chars, 2, "\\xXX")?;
                    out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                }
                'u' | 'U' => {
                    let v = if e == 'u' {
                        hex(&mut chars, 4, "\\uXXXX")?
                    } else {
                        hex(&mut chars, 8, "\\UXXXXXXXX")?
                    };
                    match char::from_u32(v) {
                        Some(c) => out.push(c),
                        None if (0xD800..0xE000).contains(&v) => {
                            return Err(self.syntax_at(
                                "lone surrogates in string literals are not supported by pymm",
                                Span::new(off, off),
                            ));
                        }
                        None => {
                            return Err(self.escape_error(
                                &format!(
                                    "'unicodeescape' codec can't decode bytes in position {}-{}: illegal Unicode character",
                                    i,
                                    i + 9
                                ),
                                off,
                            ));
                        }
                    }
                }
                'N' => {
                    return Err(self.syntax_at(
                        "\\N{...} escapes are not supported by pymm",
                        Span::new(off + i as u32, off + i as u32 + 2),
                    ));
                }
                other => {
                    out.push('\\');
                    out.push(other);
                }
            }
        }
        Ok(out)
    }

    fn decode_bytes(&self, body: &str, off: u32) -> PResult<Vec<u8>> {
        let b = body.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if c != b'\\' {
                out.push(c);
                i += 1;
                continue;
            }
            let Some(&e) = b.get(i + 1) else {
                out.push(b'\\');
                break;
            };
            i += 2;
            match e {
                b'\n' => {}
                b'\\' => out.push(b'\\'),
                b'\'' => out.push(b'\''),
                b'"' => out.push(b'"'),
                b'a' => out.push(7),
                b'b' => out.push(8),
                b'f' => out.push(12),
                b'n' => out.push(b'\n'),
                b'r' => out.push(b'\r'),
                b't' => out.push(b'\t'),
                b'v' => out.push(11),
                b'0'..=b'7' => {
                    let mut v = u32::from(e - b'0');
                    for _ in 0..2 {
                        match b.get(i) {
                            Some(&d @ b'0'..=b'7') => {
                                v = v * 8 + u32::from(d - b'0');
                                i += 1;
                            }
                            _ => break,
                        }
                    }
                    out.push((v & 0xff) as u8);
                }
                b'x' => {
                    let h = |x: Option<&u8>| x.and_then(|c| (*c as char).to_digit(16));
                    match (h(b.get(i)), h(b.get(i + 1))) {
                        (Some(a), Some(c)) => {
                            out.push((a * 16 + c) as u8);
                            i += 2;
                        }
                        _ => {
                            return Err(self.error(
                                SyntaxErrorKind::SyntaxError,
                                format!("(value error) invalid \\x escape at position {}", i - 2),
                                off,
                                None,
                            ));
                        }
                    }
                }
                other => {
                    out.push(b'\\');
                    out.push(other);
                }
            }
        }
        Ok(out)
    }

    /// Parse an f-string body (CPython 3.11's `fstring_find_literal` /
    /// `fstring_find_expr`) into `parts`.
    fn fstring(
        &mut self,
        body: &str,
        off: u32,
        raw: bool,
        parts: &mut Vec<FStringPart>,
    ) -> PResult<()> {
        let b = body.as_bytes();
        let mut i = 0;
        let mut lit_start = 0;
        let mut lit = String::new();
        let flush = |this: &Self, lit: &mut String, from: usize, to: usize| -> PResult<()> {
            let chunk = body.get(from..to).unwrap_or("");
            let s = if raw {
                chunk.to_owned()
            } else {
                this.decode_str(chunk, off + from as u32)?
            };
            lit.push_str(&s);
            Ok(())
        };
        while i < b.len() {
            match b[i] {
                b'\\' if !raw => {
                    // keep escapes (including \N{...}) for decode_str
                    i += if b.get(i + 1) == Some(&b'N') && b.get(i + 2) == Some(&b'{') {
                        body.get(i..).and_then(|s| s.find('}')).map_or(2, |p| p + 1)
                    } else {
                        2
                    };
                }
                b'{' if b.get(i + 1) == Some(&b'{') => {
                    flush(self, &mut lit, lit_start, i + 1)?;
                    i += 2;
                    lit_start = i;
                }
                b'}' if b.get(i + 1) == Some(&b'}') => {
                    flush(self, &mut lit, lit_start, i + 1)?;
                    i += 2;
                    lit_start = i;
                }
                b'}' => {
                    let p = self.fstring_tok_end;
                    return Err(self.error(
                        SyntaxErrorKind::SyntaxError,
                        "f-string: single '}' is not allowed",
                        p,
                        Some(p),
                    ));
                }
                b'{' => {
                    flush(self, &mut lit, lit_start, i)?;
                    let (end, field_parts) = self.fstring_field(body, off, i, raw)?;
                    if !lit.is_empty() {
                        push_literal(parts, std::mem::take(&mut lit));
                    }
                    for fp in field_parts {
                        match fp {
                            FStringPart::Literal(s) => push_literal(parts, s),
                            f => parts.push(f),
                        }
                    }
                    i = end;
                    lit_start = i;
                }
                _ => i += 1,
            }
        }
        flush(self, &mut lit, lit_start, b.len().min(i))?;
        if !lit.is_empty() {
            push_literal(parts, lit);
        }
        Ok(())
    }

    /// One `{...}` field starting at `body[open]`; returns the index after
    /// its `}` and the parts it produces (a `x=` literal, then the field).
    fn fstring_field(
        &mut self,
        body: &str,
        off: u32,
        open: usize,
        raw: bool,
    ) -> PResult<(usize, Vec<FStringPart>)> {
        let b = body.as_bytes();
        let err = |this: &Self, msg: &str, _at: usize| {
            let p = this.fstring_tok_end;
            this.error(
                SyntaxErrorKind::SyntaxError,
                format!("f-string: {msg}"),
                p,
                Some(p),
            )
        };
        if self.fstring_depth >= 2 {
            return Err(err(self, "expressions nested too deeply", open + 1));
        }
        let expr_start = open + 1;
        let mut i = expr_start;
        let mut nest: Vec<u8> = Vec::new();
        let mut quote: Option<(u8, bool)> = None;
        // find the end of the expression
        while i < b.len() {
            let c = b[i];
            if let Some((q, triple)) = quote {
                if c == q {
                    if !triple {
                        quote = None;
                    } else if b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q) {
                        quote = None;
                        i += 2;
                    }
                }
                i += 1;
                continue;
            }
            match c {
                b'\\' => {
                    return Err(err(
                        self,
                        "expression part cannot include a backslash",
                        i + 1,
                    ));
                }
                b'#' => return Err(err(self, "expression part cannot include '#'", i + 1)),
                b'\'' | b'"' => {
                    let triple = b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&c);
                    quote = Some((c, triple));
                    i += if triple { 3 } else { 1 };
                    continue;
                }
                b'(' | b'[' | b'{' => {
                    if nest.len() >= 200 {
                        return Err(err(self, "too many nested parenthesis", i + 1));
                    }
                    nest.push(c);
                }
                b')' | b']' | b'}' if !nest.is_empty() => {
                    nest.pop();
                }
                b'}' => break,
                b')' | b']' => {
                    return Err(err(self, &format!("unmatched '{}'", c as char), i + 1));
                }
                b'!' if nest.is_empty() && b.get(i + 1) != Some(&b'=') => break,
                b':' if nest.is_empty() => break,
                b'=' if nest.is_empty()
                    && b.get(i + 1) != Some(&b'=')
                    && !matches!(b.get(i.wrapping_sub(1)), Some(b'=' | b'!' | b'<' | b'>'))
                    && i > expr_start =>
                {
                    break;
                }
                _ => {}
            }
            i += 1;
        }
        if quote.is_some() {
            return Err(err(self, "unterminated string", i + 1));
        }
        if i >= b.len() {
            return Err(err(self, "expecting '}'", i + 1));
        }
        let expr_text = body.get(expr_start..i).unwrap_or("");
        if expr_text.trim().is_empty() {
            return Err(err(self, "empty expression not allowed", i + 1));
        }
        let value = self.fstring_expr(expr_text, off + expr_start as u32)?;
        let mut out = Vec::new();
        let mut conversion = Conversion::None;
        let mut self_doc = false;
        if b.get(i) == Some(&b'=') {
            i += 1;
            while matches!(b.get(i), Some(b' ' | b'\t' | b'\n')) {
                i += 1;
            }
            out.push(FStringPart::Literal(
                body.get(expr_start..i).unwrap_or("").to_owned(),
            ));
            self_doc = true;
        }
        if b.get(i) == Some(&b'!') {
            conversion = match b.get(i + 1) {
                Some(b's') => Conversion::Str,
                Some(b'r') => Conversion::Repr,
                Some(b'a') => Conversion::Ascii,
                _ => {
                    return Err(err(
                        self,
                        "invalid conversion character: expected 's', 'r', or 'a'",
                        i + 2,
                    ));
                }
            };
            i += 2;
            if !matches!(b.get(i), Some(b':' | b'}')) {
                return Err(err(self, "expecting '}'", i + 1));
            }
        }
        let mut spec = None;
        if b.get(i) == Some(&b':') {
            i += 1;
            // the spec runs to the matching '}', with nested fields
            let spec_start = i;
            let mut depth = 0usize;
            while i < b.len() {
                match b[i] {
                    b'{' => depth += 1,
                    b'}' if depth == 0 => break,
                    b'}' => depth -= 1,
                    _ => {}
                }
                i += 1;
            }
            if i >= b.len() {
                return Err(err(self, "expecting '}'", i + 1));
            }
            let spec_text = body.get(spec_start..i).unwrap_or("");
            let mut spec_parts = Vec::new();
            self.fstring_depth += 1;
            let r = self.fstring(spec_text, off + spec_start as u32, raw, &mut spec_parts);
            self.fstring_depth -= 1;
            r?;
            spec = Some(spec_parts);
        }
        if b.get(i) != Some(&b'}') {
            return Err(err(self, "expecting '}'", i + 1));
        }
        if self_doc && conversion == Conversion::None && spec.is_none() {
            conversion = Conversion::Repr;
        }
        out.push(FStringPart::Field(Box::new(FormattedValue {
            value,
            conversion,
            spec,
        })));
        Ok((i + 1, out))
    }

    /// Parse the expression of an f-string field: tokenized as `(text)`
    /// (so newlines are allowed, as CPython does), positions mapped back
    /// into the whole source.
    fn fstring_expr(&mut self, text: &str, at: u32) -> PResult<Expr> {
        let wrapped = format!("({text})");
        let mut toks = tokenize(&wrapped, self.filename);
        let shift = |x: u32| (x + at).saturating_sub(1);
        for t in &mut toks.tokens {
            t.start = shift(t.start);
            t.end = shift(t.end);
        }
        if let Some(e) = toks.error.take() {
            let p = at;
            return Err(self.error(
                SyntaxErrorKind::SyntaxError,
                format!("f-string: {}", e.msg),
                p,
                Some(p),
            ));
        }
        toks.unclosed = None;
        let depth = self.depth;
        let mut sub = Parser::new(self.src, self.filename, &toks, self.interner, depth);
        sub.fstring_depth = self.fstring_depth;
        sub.enter()?;
        let e = match sub.paren() {
            Ok(e) => e,
            Err(mut e) => {
                if e.kind == SyntaxErrorKind::SyntaxError && !e.msg.starts_with("f-string") {
                    e.msg = format!("f-string: {}", e.msg);
                }
                return Err(e);
            }
        };
        if !matches!(sub.peek(), Tok::Newline | Tok::EndMarker) {
            let t = sub.tok();
            return Err(self.error(
                SyntaxErrorKind::SyntaxError,
                "f-string: invalid syntax",
                t.start,
                Some(t.end),
            ));
        }
        Ok(e)
    }
}

fn push_literal(parts: &mut Vec<FStringPart>, s: String) {
    if s.is_empty() {
        return;
    }
    if let Some(FStringPart::Literal(last)) = parts.last_mut() {
        last.push_str(&s);
    } else {
        parts.push(FStringPart::Literal(s));
    }
}
