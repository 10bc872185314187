//! Statements: simple statements, blocks, compound statements, parameter
//! lists (CPython's `statement`/`block` rules).

use super::*;

impl Parser<'_> {
    pub(super) fn file(&mut self) -> PResult<Vec<Stmt>> {
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
    pub(super) fn statement(&mut self, out: &mut Vec<Stmt>) -> PResult<()> {
        self.enter()?;
        let r = self.statement_inner(out);
        self.leave();
        r
    }

    pub(super) fn statement_inner(&mut self, out: &mut Vec<Stmt>) -> PResult<()> {
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

    pub(super) fn line_ends_with_colon(&self) -> bool {
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

    pub(super) fn simple_stmts(&mut self, out: &mut Vec<Stmt>) -> PResult<()> {
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
    pub(super) fn unexpected_after_expression(&mut self) -> SyntaxError {
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

    pub(super) fn simple_stmt(&mut self) -> PResult<Stmt> {
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

    pub(super) fn at_simple_end(&self) -> bool {
        matches!(self.peek(), Tok::Newline | Tok::Semi | Tok::EndMarker)
    }

    pub(super) fn dotted_name(&mut self) -> PResult<Alias> {
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

    pub(super) fn import_alias(&mut self, dotted_ok: bool) -> PResult<Alias> {
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

    pub(super) fn import_from(&mut self) -> PResult<StmtKind> {
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

    pub(super) fn expr_stmt(&mut self) -> PResult<Stmt> {
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
    pub(super) fn check_target(&self, e: &Expr, ctx: TargetCtx) -> PResult<()> {
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
    pub(super) fn block(&mut self, what: &str, header_start: u32) -> PResult<Vec<Stmt>> {
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

    pub(super) fn if_stmt(&mut self, elif: bool) -> PResult<Stmt> {
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

    pub(super) fn else_block(&mut self) -> PResult<Vec<Stmt>> {
        if self.peek() == Tok::Else {
            let e = self.bump().start;
            self.expect_forced_colon()?;
            self.block("'else' statement", e)
        } else {
            Ok(Vec::new())
        }
    }

    pub(super) fn while_stmt(&mut self) -> PResult<Stmt> {
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

    pub(super) fn for_stmt(&mut self) -> PResult<Stmt> {
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
    pub(super) fn target_list(&mut self) -> PResult<Expr> {
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

    pub(super) fn bitwise_or_or_star(&mut self) -> PResult<Expr> {
        if self.peek() == Tok::Star {
            let s = self.bump().start;
            let e = self.bitwise_or()?;
            return Ok(Expr::new(ExprKind::Starred(Box::new(e)), self.span_from(s)));
        }
        self.bitwise_or()
    }

    pub(super) fn try_stmt(&mut self) -> PResult<Stmt> {
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

    pub(super) fn with_stmt(&mut self) -> PResult<Stmt> {
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
    pub(super) fn paren_with_items(&self) -> bool {
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

    pub(super) fn bitwise_or_or_star_target(&mut self) -> PResult<Expr> {
        // a with-target may be a parenthesized tuple; `as a, b` is not a tuple
        self.bitwise_or_or_star()
    }

    pub(super) fn decorated(&mut self) -> PResult<Stmt> {
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

    pub(super) fn funcdef(&mut self, decorators: Vec<Expr>, start: u32) -> PResult<Stmt> {
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

    pub(super) fn classdef(&mut self, decorators: Vec<Expr>, start: u32) -> PResult<Stmt> {
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

    pub(super) fn unexpected_in_class_bases(&self, genexp: &Expr) -> SyntaxError {
        // CPython points at the `for`
        let f = self
            .toks
            .iter()
            .find(|t| t.kind == Tok::For && t.start >= genexp.span.start)
            .map_or(genexp.span, |t| Span::new(t.start, t.end));
        self.syntax_at("invalid syntax", f)
    }

    /// A parameter list up to `close` (`)` for `def`, `:` for `lambda`).
    pub(super) fn parameters(&mut self, close: Tok) -> PResult<Arguments> {
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

    pub(super) fn annotation(&mut self, close: Tok) -> PResult<()> {
        if close == Tok::RPar && self.eat(Tok::Colon) {
            let _ = self.expression()?;
        }
        Ok(())
    }
}
