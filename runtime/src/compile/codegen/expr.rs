//! Expressions: names, operators, comparisons, displays, calls,
//! f-strings (CPython's `compiler_visit_expr`, `starunpack_helper`,
//! `compiler_call_helper`).

use super::*;

impl<'a> Compiler<'a> {
    pub(super) fn expr(&mut self, e: &'a Expr) -> CResult<()> {
        let saved = self.set_loc(e.span);
        let r = self.expr_inner(e);
        self.restore_loc(saved);
        r
    }

    pub(super) fn expr_inner(&mut self, e: &'a Expr) -> CResult<()> {
        match &e.kind {
            ExprKind::Constant(l) => self.load_const(literal_constant(l)),
            ExprKind::Name(n) => self.name_op(*n, Ctx::Load, e.span)?,
            ExprKind::BoolOp { op, values } => {
                let end = self.new_label();
                let n = values.len();
                for (i, v) in values.iter().enumerate() {
                    self.expr(v)?;
                    if i + 1 < n {
                        self.emit(match op {
                            BoolOp::And => Instr::JumpIfFalseOrPop(end),
                            BoolOp::Or => Instr::JumpIfTrueOrPop(end),
                        });
                    }
                }
                self.bind(end);
            }
            ExprKind::BinOp { left, op, right } => {
                if let Some(c) = fold(e) {
                    self.load_const(c);
                } else {
                    self.expr(left)?;
                    self.expr(right)?;
                    self.emit(Instr::BinaryOp(*op));
                }
            }
            ExprKind::UnaryOp { op, operand } => {
                if let Some(c) = fold(e) {
                    self.load_const(c);
                } else {
                    self.expr(operand)?;
                    self.emit(Instr::UnaryOp(*op));
                }
            }
            ExprKind::Lambda { args, body } => self.lambda(args, body, e.span)?,
            ExprKind::IfExp { test, body, orelse } => {
                let end = self.new_label();
                let else_l = self.new_label();
                self.jump_if(test, false, else_l)?;
                self.expr(body)?;
                self.emit(Instr::Jump(end));
                self.bind(else_l);
                self.expr(orelse)?;
                self.bind(end);
            }
            ExprKind::Dict { keys, values } => self.dict_display(keys, values)?,
            ExprKind::Set(items) => self.sequence_display(items, Seq::Set)?,
            ExprKind::List(items) => self.sequence_display(items, Seq::List)?,
            ExprKind::Tuple(items) => {
                if let Some(c) = fold(e) {
                    self.load_const(c);
                } else {
                    self.sequence_display(items, Seq::Tuple)?;
                }
            }
            ExprKind::ListComp { elt, generators } => {
                self.comprehension(e, "<listcomp>", generators, elt, None)?
            }
            ExprKind::SetComp { elt, generators } => {
                self.comprehension(e, "<setcomp>", generators, elt, None)?
            }
            ExprKind::DictComp {
                key,
                value,
                generators,
            } => self.comprehension(e, "<dictcomp>", generators, key, Some(value))?,
            ExprKind::GeneratorExp { elt, generators } => {
                self.comprehension(e, "<genexpr>", generators, elt, None)?
            }
            ExprKind::Yield(v) => {
                self.check_yield(e.span)?;
                match v {
                    Some(v) => self.expr(v)?,
                    None => self.load_const(Constant::None),
                }
                self.emit(Instr::YieldValue);
            }
            ExprKind::YieldFrom(v) => {
                self.check_yield(e.span)?;
                self.expr(v)?;
                self.emit(Instr::GetYieldFromIter);
                self.load_const(Constant::None);
                let start = self.new_label();
                let exit = self.new_label();
                self.bind(start);
                self.emit(Instr::Send(exit));
                self.emit(Instr::YieldValue);
                self.emit(Instr::Jump(start));
                self.bind(exit);
            }
            ExprKind::Compare {
                left,
                ops,
                comparators,
            } => self.compare(left, ops, comparators)?,
            ExprKind::Call {
                func,
                args,
                keywords,
            } => self.call(func, args, keywords, e.span)?,
            ExprKind::JoinedStr(parts) => self.joined_str(parts)?,
            ExprKind::Attribute { value, attr } => {
                self.expr(value)?;
                let i = self.attr_index(attr.name);
                self.emit(Instr::LoadAttr(i));
            }
            ExprKind::Subscript { value, slice } => {
                self.expr(value)?;
                self.expr(slice)?;
                self.emit(Instr::BinarySubscr);
            }
            ExprKind::Starred(_) => {
                return Err(self.err("can't use starred expression here", e.span));
            }
            ExprKind::Slice { lower, upper, step } => {
                for p in [lower, upper] {
                    match p {
                        Some(p) => self.expr(p)?,
                        None => self.load_const(Constant::None),
                    }
                }
                match step {
                    Some(s) => {
                        self.expr(s)?;
                        self.emit(Instr::BuildSlice(3));
                    }
                    None => self.emit(Instr::BuildSlice(2)),
                }
            }
        }
        Ok(())
    }

    /// An iterated expression (`for` loops, comprehensions, the right of
    /// `in`): a list display becomes a tuple, constant if it can be
    /// (CPython's `fold_iter`), so no list is allocated.
    pub(super) fn iter_expr(&mut self, e: &'a Expr) -> CResult<()> {
        match &e.kind {
            ExprKind::List(items)
                if !items.iter().any(|i| matches!(i.kind, ExprKind::Starred(_))) =>
            {
                let saved = self.set_loc(e.span);
                let r = match fold_items(items) {
                    Some(c) => {
                        self.load_const(c);
                        Ok(())
                    }
                    None => self.sequence_display(items, Seq::Tuple),
                };
                self.restore_loc(saved);
                r
            }
            _ => self.expr(e),
        }
    }

    /// The last operand of a comparison (`fold_compare`: after `in`/`not
    /// in` it is iterated).
    pub(super) fn compare_last(&mut self, op: CmpOp, e: &'a Expr) -> CResult<()> {
        if matches!(op, CmpOp::In | CmpOp::NotIn) {
            self.iter_expr(e)
        } else {
            self.expr(e)
        }
    }

    pub(super) fn check_yield(&self, span: Span) -> CResult<()> {
        if self.in_function() {
            Ok(())
        } else {
            Err(self.err("'yield' outside function", span))
        }
    }

    pub(super) fn compare(
        &mut self,
        left: &'a Expr,
        ops: &[CmpOp],
        comparators: &'a [Expr],
    ) -> CResult<()> {
        fn instr(op: CmpOp) -> Instr {
            match op {
                CmpOp::Eq => Instr::CompareOp(ComparisonOperator::Eq),
                CmpOp::NotEq => Instr::CompareOp(ComparisonOperator::Ne),
                CmpOp::Lt => Instr::CompareOp(ComparisonOperator::Lt),
                CmpOp::LtE => Instr::CompareOp(ComparisonOperator::Le),
                CmpOp::Gt => Instr::CompareOp(ComparisonOperator::Gt),
                CmpOp::GtE => Instr::CompareOp(ComparisonOperator::Ge),
                CmpOp::Is => Instr::IsOp(false),
                CmpOp::IsNot => Instr::IsOp(true),
                CmpOp::In => Instr::ContainsOp(false),
                CmpOp::NotIn => Instr::ContainsOp(true),
            }
        }
        self.expr(left)?;
        let n = ops.len();
        if n == 1 {
            self.compare_last(ops[0], &comparators[0])?;
            self.emit(instr(ops[0]));
            return Ok(());
        }
        let cleanup = self.new_label();
        let end = self.new_label();
        for i in 0..n - 1 {
            self.expr(&comparators[i])?;
            self.emit(Instr::Swap(2));
            self.emit(Instr::Copy(2));
            self.emit(instr(ops[i]));
            self.emit(Instr::JumpIfFalseOrPop(cleanup));
        }
        self.compare_last(ops[n - 1], &comparators[n - 1])?;
        self.emit(instr(ops[n - 1]));
        self.emit(Instr::Jump(end));
        self.bind(cleanup);
        self.emit(Instr::Swap(2));
        self.emit(Instr::PopTop);
        self.bind(end);
        Ok(())
    }

    /// List, tuple and set displays: CPython 3.11's `starunpack_helper`,
    /// whose instruction choice decides the container's allocation (and so
    /// `sys.getsizeof`): more than two constants are loaded as one tuple
    /// constant and extended into an empty list; more than
    /// `STACK_USE_GUIDELINE` items are appended one by one; a starred item
    /// switches to building by extend/append from that point.
    pub(super) fn sequence_display(&mut self, items: &'a [Expr], kind: Seq) -> CResult<()> {
        let n = items.len();
        type Op = fn(u32) -> Instr;
        let (build, add, extend): (Op, Op, Op) = match kind {
            Seq::Set => (Instr::BuildSet, Instr::SetAdd, Instr::SetUpdate),
            _ => (Instr::BuildList, Instr::ListAppend, Instr::ListExtend),
        };
        let folded = if n > 2 && kind != Seq::Set {
            fold_items(items)
        } else {
            None
        };
        if let Some(c) = folded {
            if kind == Seq::Tuple {
                self.load_const(c);
            } else {
                self.emit(build(0));
                self.load_const(c);
                self.emit(extend(1));
            }
            return Ok(());
        }
        let has_star = items.iter().any(|i| matches!(i.kind, ExprKind::Starred(_)));
        let big = n > STACK_USE_GUIDELINE;
        if !has_star && !big {
            for i in items {
                self.expr(i)?;
            }
            self.emit(match kind {
                Seq::Tuple => Instr::BuildTuple(n as u32),
                _ => build(n as u32),
            });
            return Ok(());
        }
        let mut built = false;
        if big {
            self.emit(build(0));
            built = true;
        }
        for (k, i) in items.iter().enumerate() {
            match &i.kind {
                ExprKind::Starred(inner) => {
                    if !built {
                        self.emit(build(k as u32));
                        built = true;
                    }
                    self.expr(inner)?;
                    self.emit(extend(1));
                }
                _ => {
                    self.expr(i)?;
                    if built {
                        self.emit(add(1));
                    }
                }
            }
        }
        if kind == Seq::Tuple {
            self.emit(Instr::ListToTuple);
        }
        Ok(())
    }

    /// Dict displays: CPython 3.11's `compiler_dict`: runs of `key: value`
    /// items are built with `BuildMap(n)` (more than 16 at a time: an empty
    /// dict and `MapAdd`s), merged with `DictUpdate`, as are `**` items.
    pub(super) fn dict_display(
        &mut self,
        keys: &'a [Option<Expr>],
        values: &'a [Expr],
    ) -> CResult<()> {
        let n = values.len();
        let mut have_dict = false;
        let mut elements = 0usize;
        for i in 0..n {
            if let Some(None) = keys.get(i) {
                if elements > 0 {
                    self.subdict(keys, values, i - elements, i)?;
                    if have_dict {
                        self.emit(Instr::DictUpdate(1));
                    }
                    have_dict = true;
                    elements = 0;
                }
                if !have_dict {
                    self.emit(Instr::BuildMap(0));
                    have_dict = true;
                }
                self.expr(&values[i])?;
                self.emit(Instr::DictUpdate(1));
            } else if elements * 2 > STACK_USE_GUIDELINE {
                self.subdict(keys, values, i - elements, i + 1)?;
                if have_dict {
                    self.emit(Instr::DictUpdate(1));
                }
                have_dict = true;
                elements = 0;
            } else {
                elements += 1;
            }
        }
        if elements > 0 {
            self.subdict(keys, values, n - elements, n)?;
            if have_dict {
                self.emit(Instr::DictUpdate(1));
            }
            have_dict = true;
        }
        if !have_dict {
            self.emit(Instr::BuildMap(0));
        }
        Ok(())
    }

    /// `keys[begin..end]: values[begin..end]` as one dict (CPython's
    /// `compiler_subdict`; its `BUILD_CONST_KEY_MAP` allocates as
    /// `BuildMap(n)` does).
    pub(super) fn subdict(
        &mut self,
        keys: &'a [Option<Expr>],
        values: &'a [Expr],
        begin: usize,
        end: usize,
    ) -> CResult<()> {
        let big = (end - begin) * 2 > STACK_USE_GUIDELINE;
        if big {
            self.emit(Instr::BuildMap(0));
        }
        for (k, v) in keys.iter().zip(values).take(end).skip(begin) {
            if let Some(k) = k {
                self.expr(k)?;
            }
            self.expr(v)?;
            if big {
                self.emit(Instr::MapAdd(1));
            }
        }
        if !big {
            self.emit(Instr::BuildMap((end - begin) as u32));
        }
        Ok(())
    }

    pub(super) fn call(
        &mut self,
        func: &'a Expr,
        args: &'a [Expr],
        keywords: &'a [Keyword],
        span: Span,
    ) -> CResult<()> {
        let simple = !args.iter().any(|a| matches!(a.kind, ExprKind::Starred(_)))
            && keywords.iter().all(|k| k.arg.is_some());
        if let (true, ExprKind::Attribute { value, attr }) = (simple, &func.kind) {
            self.expr(value)?;
            let i = self.attr_index(attr.name);
            let l = self.set_loc(func.span);
            self.emit(Instr::LoadMethod(i));
            self.restore_loc(l);
            for a in args {
                self.expr(a)?;
            }
            for k in keywords {
                self.expr(&k.value)?;
            }
            let n = (args.len() + keywords.len()) as u32;
            let l = self.set_loc(span);
            if keywords.is_empty() {
                self.emit(Instr::CallMethod(n));
            } else {
                self.kwnames(keywords);
                self.emit(Instr::CallMethodKw(n));
            }
            self.restore_loc(l);
            return Ok(());
        }
        self.expr(func)?;
        let l = self.set_loc(span);
        self.call_helper(0, args, keywords, span)?;
        self.restore_loc(l);
        Ok(())
    }

    pub(super) fn kwnames(&mut self, keywords: &[Keyword]) {
        let names: Vec<Constant> = keywords
            .iter()
            .filter_map(|k| k.arg)
            .map(|a| Constant::Str(self.s(a.name)))
            .collect();
        self.load_const(Constant::Tuple(names.into()));
    }

    /// Arguments after the callable (and `extra` already-pushed positional
    /// arguments). CPython's `compiler_call_helper`.
    pub(super) fn call_helper(
        &mut self,
        extra: u32,
        args: &'a [Expr],
        keywords: &'a [Keyword],
        span: Span,
    ) -> CResult<()> {
        let simple = !args.iter().any(|a| matches!(a.kind, ExprKind::Starred(_)))
            && keywords.iter().all(|k| k.arg.is_some());
        if simple {
            for a in args {
                self.expr(a)?;
            }
            for k in keywords {
                self.expr(&k.value)?;
            }
            let n = extra + (args.len() + keywords.len()) as u32;
            let l = self.set_loc(span);
            if keywords.is_empty() {
                self.emit(Instr::Call(n));
            } else {
                self.kwnames(keywords);
                self.emit(Instr::CallKw(n));
            }
            self.restore_loc(l);
            return Ok(());
        }
        // positional arguments as a tuple
        let lead = args
            .iter()
            .take_while(|a| !matches!(a.kind, ExprKind::Starred(_)))
            .count();
        for a in &args[..lead] {
            self.expr(a)?;
        }
        self.emit(Instr::BuildList(extra + lead as u32));
        for a in &args[lead..] {
            match &a.kind {
                ExprKind::Starred(inner) => {
                    self.expr(inner)?;
                    self.emit(Instr::ListExtend(1));
                }
                _ => {
                    self.expr(a)?;
                    self.emit(Instr::ListAppend(1));
                }
            }
        }
        self.emit(Instr::ListToTuple);
        // keyword arguments as a dict
        let has_kwargs = !keywords.is_empty();
        if has_kwargs {
            let mut pending = 0u32;
            let mut built = false;
            for k in keywords {
                match k.arg {
                    Some(name) => {
                        let s = self.s(name.name);
                        self.load_const(Constant::Str(s));
                        self.expr(&k.value)?;
                        pending += 1;
                    }
                    None => {
                        if pending > 0 || !built {
                            self.emit(Instr::BuildMap(pending));
                            if built {
                                self.emit(Instr::DictMerge(1));
                            }
                            built = true;
                            pending = 0;
                        }
                        self.expr(&k.value)?;
                        self.emit(Instr::DictMerge(1));
                    }
                }
            }
            if pending > 0 {
                self.emit(Instr::BuildMap(pending));
                if built {
                    self.emit(Instr::DictMerge(1));
                }
            }
        }
        let l = self.set_loc(span);
        self.emit(Instr::CallEx { has_kwargs });
        self.restore_loc(l);
        Ok(())
    }

    pub(super) fn joined_str(&mut self, parts: &'a [FStringPart]) -> CResult<()> {
        if parts.is_empty() {
            self.load_const(Constant::Str(Arc::from("")));
            return Ok(());
        }
        for p in parts {
            match p {
                FStringPart::Literal(s) => {
                    let c = self.str_const(s);
                    self.load_const(c);
                }
                FStringPart::Field(f) => {
                    self.expr(&f.value)?;
                    let has_spec = match &f.spec {
                        Some(spec) => {
                            self.joined_str(spec)?;
                            true
                        }
                        None => false,
                    };
                    self.emit(Instr::FormatValue {
                        conversion: f.conversion,
                        has_spec,
                    });
                }
            }
        }
        if parts.len() > 1 {
            self.emit(Instr::BuildString(parts.len() as u32));
        }
        Ok(())
    }
}
