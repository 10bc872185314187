//! Expressions: precedence climbing for binary operators, primaries and
//! trailers, displays, comprehensions, call arguments (CPython's
//! `expression` rules).

use super::*;

impl Parser<'_> {
    /// `star_expressions`: a tuple without parentheses when there are commas.
    pub(super) fn star_expressions(&mut self) -> PResult<Expr> {
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

    pub(super) fn starts_expression(&self) -> bool {
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

    pub(super) fn star_expression(&mut self) -> PResult<Expr> {
        if self.peek() == Tok::Star {
            let s = self.bump().start;
            let e = self.bitwise_or()?;
            return Ok(Expr::new(ExprKind::Starred(Box::new(e)), self.span_from(s)));
        }
        self.expression()
    }

    pub(super) fn named_expression(&mut self) -> PResult<Expr> {
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
    pub(super) fn expression(&mut self) -> PResult<Expr> {
        self.enter()?;
        let r = self.expression_inner();
        self.leave();
        r
    }

    pub(super) fn expression_inner(&mut self) -> PResult<Expr> {
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

    pub(super) fn lambda(&mut self) -> PResult<Expr> {
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

    pub(super) fn disjunction(&mut self) -> PResult<Expr> {
        self.boolop(BoolOp::Or)
    }

    pub(super) fn boolop(&mut self, op: BoolOp) -> PResult<Expr> {
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

    pub(super) fn inversion(&mut self) -> PResult<Expr> {
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

    pub(super) fn comparison(&mut self) -> PResult<Expr> {
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

    pub(super) fn bitwise_or(&mut self) -> PResult<Expr> {
        self.binary(1)
    }

    /// Precedence climbing over the left-associative binary operators
    /// (`|` < `^` < `&` < shifts < `+ -` < `* / // % @`).
    pub(super) fn binary(&mut self, min_prec: u8) -> PResult<Expr> {
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

    pub(super) fn factor(&mut self) -> PResult<Expr> {
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

    pub(super) fn power(&mut self) -> PResult<Expr> {
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
    pub(super) fn primary(&mut self) -> PResult<Expr> {
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

    pub(super) fn slices(&mut self) -> PResult<Expr> {
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

    pub(super) fn slice(&mut self) -> PResult<Expr> {
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
    pub(super) fn call_args(&mut self, _lpar: u32) -> PResult<(Vec<Expr>, Vec<Keyword>)> {
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

    pub(super) fn comprehension_clauses(&mut self) -> PResult<Vec<Comprehension>> {
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

    pub(super) fn yield_expr(&mut self) -> PResult<Expr> {
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

    pub(super) fn atom(&mut self) -> PResult<Expr> {
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

    pub(super) fn number(&self, t: Token) -> PResult<Literal> {
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
    pub(super) fn paren(&mut self) -> PResult<Expr> {
        let start = self.bump().start;
        self.paren_inner(start)
    }

    pub(super) fn paren_inner(&mut self, start: u32) -> PResult<Expr> {
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

    pub(super) fn list_display(&mut self) -> PResult<Expr> {
        let start = self.bump().start;
        self.list_inner(start)
    }

    pub(super) fn list_inner(&mut self, start: u32) -> PResult<Expr> {
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

    pub(super) fn brace_display(&mut self) -> PResult<Expr> {
        let start = self.bump().start;
        self.brace_inner(start)
    }

    pub(super) fn brace_inner(&mut self, start: u32) -> PResult<Expr> {
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

    pub(super) fn dict_rest(&mut self, start: u32, first: Option<(Expr, Expr)>) -> PResult<Expr> {
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
}
