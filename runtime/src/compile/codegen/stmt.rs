//! Statements and control flow: assignments, `if`/`while`/`for`,
//! `try`/`except`/`finally`, `with`, and the unwinding of frame blocks for
//! `break`/`continue`/`return` (CPython's `compiler_visit_stmt`,
//! `compiler_try_except`, `compiler_with`, `compiler_unwind_fblock`).

use super::*;

impl<'a> Compiler<'a> {
    pub(super) fn stmts(&mut self, body: &'a [Stmt]) -> CResult<()> {
        for s in body {
            self.stmt(s)?;
        }
        Ok(())
    }

    pub(super) fn stmt(&mut self, s: &'a Stmt) -> CResult<()> {
        let saved = self.set_loc(s.span);
        let r = self.stmt_inner(s);
        self.restore_loc(saved);
        r
    }

    pub(super) fn in_function(&self) -> bool {
        matches!(
            self.unit_ref().kind,
            CodeKind::Function | CodeKind::Comprehension
        )
    }

    pub(super) fn stmt_inner(&mut self, s: &'a Stmt) -> CResult<()> {
        match &s.kind {
            StmtKind::Expr(e) => {
                if matches!(e.kind, ExprKind::Constant(_)) {
                    // CPython drops constant expression statements
                    self.emit(Instr::Nop);
                    return Ok(());
                }
                self.expr(e)?;
                self.emit(Instr::PopTop);
            }
            StmtKind::Assign { targets, value } => {
                self.expr(value)?;
                let n = targets.len();
                for (i, t) in targets.iter().enumerate() {
                    if i + 1 < n {
                        self.emit(Instr::Copy(1));
                    }
                    self.assign_target(t)?;
                }
            }
            StmtKind::AugAssign { target, op, value } => self.aug_assign(target, *op, value)?,
            StmtKind::AnnAssign { target, value } => match value {
                Some(v) => {
                    self.expr(v)?;
                    self.assign_target(target)?;
                }
                None => match &target.kind {
                    ExprKind::Attribute { value, .. } => {
                        self.expr(value)?;
                        self.emit(Instr::PopTop);
                    }
                    ExprKind::Subscript { value, slice } => {
                        self.expr(value)?;
                        self.emit(Instr::PopTop);
                        self.expr(slice)?;
                        self.emit(Instr::PopTop);
                    }
                    _ => {}
                },
            },
            StmtKind::FunctionDef(f) => self.function_def(f, s.span)?,
            StmtKind::ClassDef(c) => self.class_def(c, s.span)?,
            StmtKind::Return(v) => {
                if !self.in_function() {
                    return Err(self.err("'return' outside function", s.span));
                }
                match v {
                    Some(v) => self.expr(v)?,
                    None => self.load_const(Constant::None),
                }
                self.return_value()?;
            }
            StmtKind::Delete(targets) => {
                for t in targets {
                    self.delete_target(t)?;
                }
            }
            StmtKind::Pass => self.emit(Instr::Nop),
            StmtKind::Break => self.break_continue(true, s.span)?,
            StmtKind::Continue => self.break_continue(false, s.span)?,
            StmtKind::If { test, body, orelse } => {
                let end = self.new_label();
                let else_l = if orelse.is_empty() {
                    end
                } else {
                    self.new_label()
                };
                self.jump_if(test, false, else_l)?;
                self.stmts(body)?;
                if !orelse.is_empty() {
                    self.emit(Instr::Jump(end));
                    self.bind(else_l);
                    self.stmts(orelse)?;
                }
                self.bind(end);
            }
            StmtKind::While { test, body, orelse } => {
                let start = self.new_label();
                let exit = self.new_label();
                let anchor = self.new_label();
                self.bind(start);
                let always = matches!(fold(test), Some(Constant::True));
                if !always {
                    self.jump_if(test, false, anchor)?;
                }
                let hl = self.handler_len();
                self.push_fblock(FBlockKind::WhileLoop { start, exit }, hl);
                self.stmts(body)?;
                self.pop_fblock();
                self.emit(Instr::Jump(start));
                self.bind(anchor);
                self.stmts(orelse)?;
                self.bind(exit);
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => {
                let start = self.new_label();
                let cleanup = self.new_label();
                let exit = self.new_label();
                self.iter_expr(iter)?;
                self.emit(Instr::GetIter);
                self.bind(start);
                self.emit(Instr::ForIter(cleanup));
                self.assign_target(target)?;
                let hl = self.handler_len();
                self.push_fblock(FBlockKind::ForLoop { start, exit }, hl);
                self.stmts(body)?;
                self.pop_fblock();
                self.emit(Instr::Jump(start));
                self.bind(cleanup);
                self.stmts(orelse)?;
                self.bind(exit);
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                if finalbody.is_empty() {
                    self.try_except(body, handlers, orelse)?;
                } else {
                    self.try_finally(body, handlers, orelse, finalbody)?;
                }
            }
            StmtKind::With { items, body } => self.with(items, body)?,
            StmtKind::Raise { exc, cause } => {
                let mut n = 0;
                if let Some(e) = exc {
                    self.expr(e)?;
                    n = 1;
                    if let Some(c) = cause {
                        self.expr(c)?;
                        n = 2;
                    }
                }
                self.emit(Instr::Raise(n));
            }
            StmtKind::Assert { test, msg } => {
                let end = self.new_label();
                self.jump_if(test, true, end)?;
                self.emit(Instr::LoadAssertionError);
                if let Some(m) = msg {
                    self.expr(m)?;
                    self.emit(Instr::Call(1));
                }
                self.emit(Instr::Raise(1));
                self.bind(end);
            }
            StmtKind::Import(names) => {
                for a in names {
                    let n = self.name_index(a.name);
                    self.emit(Instr::ImportName(n));
                    match a.asname {
                        Some(asname) => self.name_op(asname.name, Ctx::Store, asname.span)?,
                        None if a.dotted => {
                            self.emit(Instr::PopTop);
                            let f = self.name_index(a.first);
                            self.emit(Instr::ImportName(f));
                            self.name_op(a.first, Ctx::Store, a.span)?;
                        }
                        None => self.name_op(a.first, Ctx::Store, a.span)?,
                    }
                }
            }
            StmtKind::ImportFrom { module, names } => {
                if self.unit_ref().kind != CodeKind::Module
                    && self.interner.resolve(module.name) == "__future__"
                {
                    return Err(self.err(
                        "from __future__ imports must occur at the beginning of the file",
                        s.span,
                    ));
                }
                let n = self.name_index(module.name);
                self.emit(Instr::ImportName(n));
                if names.is_empty() {
                    self.emit(Instr::ImportStar);
                } else {
                    for a in names {
                        let i = self.name_index(a.name);
                        self.emit(Instr::ImportFrom(i));
                        let (bound, span) = a.asname.map_or((a.name, a.span), |i| (i.name, i.span));
                        self.name_op(bound, Ctx::Store, span)?;
                    }
                    self.emit(Instr::PopTop);
                }
            }
            StmtKind::Global(_) | StmtKind::Nonlocal(_) => {}
        }
        Ok(())
    }

    pub(super) fn aug_assign(
        &mut self,
        target: &'a Expr,
        op: BinaryOperator,
        value: &'a Expr,
    ) -> CResult<()> {
        match &target.kind {
            ExprKind::Name(n) => {
                self.name_op(*n, Ctx::Load, target.span)?;
                self.expr(value)?;
                let l = self.set_loc(target.span);
                self.emit(Instr::InplaceOp(op));
                self.restore_loc(l);
                self.name_op(*n, Ctx::Store, target.span)?;
            }
            ExprKind::Attribute { value: obj, attr } => {
                self.expr(obj)?;
                let i = self.attr_index(attr.name);
                self.emit(Instr::Copy(1));
                let l = self.set_loc(target.span);
                self.emit(Instr::LoadAttr(i));
                self.restore_loc(l);
                self.expr(value)?;
                let l = self.set_loc(target.span);
                self.emit(Instr::InplaceOp(op));
                self.emit(Instr::Swap(2));
                self.emit(Instr::StoreAttr(i));
                self.restore_loc(l);
            }
            ExprKind::Subscript { value: obj, slice } => {
                self.expr(obj)?;
                self.expr(slice)?;
                self.emit(Instr::Copy(2));
                self.emit(Instr::Copy(2));
                let l = self.set_loc(target.span);
                self.emit(Instr::BinarySubscr);
                self.restore_loc(l);
                self.expr(value)?;
                let l = self.set_loc(target.span);
                self.emit(Instr::InplaceOp(op));
                self.emit(Instr::Swap(3));
                self.emit(Instr::Swap(2));
                self.emit(Instr::StoreSubscr);
                self.restore_loc(l);
            }
            _ => {
                return Err(self.err("illegal expression for augmented assignment", target.span));
            }
        }
        Ok(())
    }

    /// Store TOS into `t`. CPython's `compiler_visit_expr` in Store context.
    pub(super) fn assign_target(&mut self, t: &'a Expr) -> CResult<()> {
        match &t.kind {
            ExprKind::Name(n) => self.name_op(*n, Ctx::Store, t.span),
            ExprKind::Attribute { value, attr } => {
                self.expr(value)?;
                let i = self.attr_index(attr.name);
                let l = self.set_loc(t.span);
                self.emit(Instr::StoreAttr(i));
                self.restore_loc(l);
                Ok(())
            }
            ExprKind::Subscript { value, slice } => {
                self.expr(value)?;
                self.expr(slice)?;
                let l = self.set_loc(t.span);
                self.emit(Instr::StoreSubscr);
                self.restore_loc(l);
                Ok(())
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                let mut star: Option<usize> = None;
                for (i, it) in items.iter().enumerate() {
                    if matches!(it.kind, ExprKind::Starred(_)) {
                        if star.is_some() {
                            return Err(
                                self.err("multiple starred expressions in assignment", t.span)
                            );
                        }
                        star = Some(i);
                    }
                }
                let l = self.set_loc(t.span);
                match star {
                    Some(i) => {
                        let before = u16::try_from(i);
                        let after = u16::try_from(items.len() - i - 1);
                        match (before, after) {
                            (Ok(before), Ok(after)) => self.emit(Instr::UnpackEx { before, after }),
                            _ => {
                                return Err(self.err(
                                    "too many expressions in star-unpacking assignment",
                                    t.span,
                                ));
                            }
                        }
                    }
                    None => self.emit(Instr::UnpackSequence(items.len() as u32)),
                }
                self.restore_loc(l);
                for it in items {
                    match &it.kind {
                        ExprKind::Starred(inner) => self.assign_target(inner)?,
                        _ => self.assign_target(it)?,
                    }
                }
                Ok(())
            }
            ExprKind::Starred(_) => Err(self.err(
                "starred assignment target must be in a list or tuple",
                t.span,
            )),
            _ => Err(self.err("cannot assign to expression", t.span)),
        }
    }

    pub(super) fn delete_target(&mut self, t: &'a Expr) -> CResult<()> {
        match &t.kind {
            ExprKind::Name(n) => self.name_op(*n, Ctx::Del, t.span),
            ExprKind::Attribute { value, attr } => {
                self.expr(value)?;
                let i = self.attr_index(attr.name);
                let l = self.set_loc(t.span);
                self.emit(Instr::DeleteAttr(i));
                self.restore_loc(l);
                Ok(())
            }
            ExprKind::Subscript { value, slice } => {
                self.expr(value)?;
                self.expr(slice)?;
                let l = self.set_loc(t.span);
                self.emit(Instr::DeleteSubscr);
                self.restore_loc(l);
                Ok(())
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                for i in items {
                    self.delete_target(i)?;
                }
                Ok(())
            }
            _ => Err(self.err("cannot delete expression", t.span)),
        }
    }

    // ----- control flow -----

    /// Jump to `target` if the truth of `e` equals `cond` (CPython's
    /// `compiler_jump_if`, with the `not`/`and`/`or` short cuts).
    pub(super) fn jump_if(&mut self, e: &'a Expr, cond: bool, target: Label) -> CResult<()> {
        match &e.kind {
            ExprKind::UnaryOp {
                op: UnaryOperator::Not,
                operand,
            } => self.jump_if(operand, !cond, target),
            ExprKind::BoolOp { op, values } => {
                let is_or = *op == BoolOp::Or;
                // `a or b` jumps when true if any is true
                let (last, rest) = match values.split_last() {
                    Some(x) => x,
                    None => return Ok(()),
                };
                if is_or == cond {
                    for v in rest {
                        self.jump_if(v, cond, target)?;
                    }
                    self.jump_if(last, cond, target)
                } else {
                    let skip = self.new_label();
                    for v in rest {
                        self.jump_if(v, !cond, skip)?;
                    }
                    self.jump_if(last, cond, target)?;
                    self.bind(skip);
                    Ok(())
                }
            }
            _ => {
                self.expr(e)?;
                let l = self.set_loc(e.span);
                self.emit(if cond {
                    Instr::PopJumpIfTrue(target)
                } else {
                    Instr::PopJumpIfFalse(target)
                });
                self.restore_loc(l);
                Ok(())
            }
        }
    }

    pub(super) fn break_continue(&mut self, is_break: bool, span: Span) -> CResult<()> {
        let loop_idx = self.unit_ref().fblocks.iter().rposition(|f| {
            matches!(
                f.kind,
                FBlockKind::WhileLoop { .. } | FBlockKind::ForLoop { .. }
            )
        });
        let Some(idx) = loop_idx else {
            return Err(self.err(
                if is_break {
                    "'break' outside loop"
                } else {
                    "'continue' not properly in loop"
                },
                span,
            ));
        };
        let fb = self.unit_ref().fblocks[idx].clone();
        let saved = self.unwind_to(idx + 1, false)?;
        self.unit().handler_stack.truncate(fb.handler_len);
        match fb.kind {
            FBlockKind::WhileLoop { start, exit } => {
                self.emit(Instr::Jump(if is_break { exit } else { start }));
            }
            FBlockKind::ForLoop { start, exit } => {
                if is_break {
                    self.emit(Instr::PopTop);
                    self.emit(Instr::Jump(exit));
                } else {
                    self.emit(Instr::Jump(start));
                }
            }
            _ => {}
        }
        self.restore_blocks(saved);
        Ok(())
    }

    /// `return`: unwind every frame block, keeping the value on top.
    pub(super) fn return_value(&mut self) -> CResult<()> {
        let saved = self.unwind_to(0, true)?;
        self.emit(Instr::ReturnValue);
        self.restore_blocks(saved);
        Ok(())
    }

    /// Emit the exit code of the frame blocks above index `level`,
    /// innermost first, each compiled with the blocks and handlers that
    /// enclose it (CPython's `compiler_unwind_fblock_stack`). The blocks
    /// and handlers stay truncated for the caller's final jump or return;
    /// [`Compiler::restore_blocks`] puts them back.
    pub(super) fn unwind_to(
        &mut self,
        level: usize,
        preserve_tos: bool,
    ) -> CResult<SavedBlocks<'a>> {
        let saved_fblocks = self.unit_ref().fblocks.clone();
        let saved_handlers = self.unit_ref().handler_stack.clone();
        let mut i = saved_fblocks.len();
        while i > level {
            i -= 1;
            let fb = saved_fblocks[i].clone();
            {
                let u = self.unit();
                u.fblocks.truncate(i);
                u.handler_stack.truncate(fb.handler_len);
            }
            if let Err(e) = self.unwind_one(&fb, preserve_tos) {
                self.restore_blocks((saved_fblocks, saved_handlers));
                return Err(e);
            }
        }
        Ok((saved_fblocks, saved_handlers))
    }

    pub(super) fn restore_blocks(&mut self, saved: SavedBlocks<'a>) {
        let u = self.unit();
        u.fblocks = saved.0;
        u.handler_stack = saved.1;
    }

    pub(super) fn unwind_one(&mut self, fb: &FBlock<'a>, preserve_tos: bool) -> CResult<()> {
        match &fb.kind {
            FBlockKind::WhileLoop { .. } | FBlockKind::TryExcept => {}
            FBlockKind::ForLoop { .. } => {
                if preserve_tos {
                    self.emit(Instr::Swap(2));
                }
                self.emit(Instr::PopTop);
            }
            FBlockKind::FinallyTry { body } => {
                if preserve_tos {
                    let hl = self.handler_len();
                    self.push_fblock(FBlockKind::PopValue, hl);
                }
                let r = self.stmts(body);
                if preserve_tos {
                    self.pop_fblock();
                }
                r?;
            }
            FBlockKind::PopValue => {
                if preserve_tos {
                    self.emit(Instr::Swap(2));
                }
                self.emit(Instr::PopTop);
            }
            FBlockKind::FinallyEnd => {
                if preserve_tos {
                    self.emit(Instr::Swap(2));
                }
                self.emit(Instr::PopTop);
                if preserve_tos {
                    self.emit(Instr::Swap(2));
                }
                self.emit(Instr::PopExcept);
            }
            FBlockKind::With => {
                if preserve_tos {
                    self.emit(Instr::Swap(2));
                }
                self.call_exit_with_nones();
            }
            FBlockKind::HandlerCleanup { name } => {
                if preserve_tos {
                    self.emit(Instr::Swap(2));
                }
                self.emit(Instr::PopExcept);
                if let Some(n) = name {
                    self.clear_name(*n)?;
                }
            }
        }
        Ok(())
    }

    pub(super) fn call_exit_with_nones(&mut self) {
        self.load_const(Constant::None);
        self.load_const(Constant::None);
        self.load_const(Constant::None);
        self.emit(Instr::Call(3));
        self.emit(Instr::PopTop);
    }

    /// `name = None; del name` (end of `except E as name:`).
    pub(super) fn clear_name(&mut self, n: Symbol) -> CResult<()> {
        self.load_const(Constant::None);
        self.name_op(n, Ctx::Store, Span::default())?;
        self.name_op(n, Ctx::Del, Span::default())
    }

    /// `try`/`except`/`else` (CPython's `compiler_try_except`).
    pub(super) fn try_except(
        &mut self,
        body: &'a [Stmt],
        handlers: &'a [ExceptHandler],
        orelse: &'a [Stmt],
    ) -> CResult<()> {
        let end = self.new_label();
        let hl = self.handler_len();
        let (h, h_label) = self.new_handler();
        self.push_handler(h);
        self.push_fblock(FBlockKind::TryExcept, hl);
        self.stmts(body)?;
        self.pop_fblock();
        self.pop_handler();
        self.stmts(orelse)?;
        self.emit(Instr::Jump(end));

        // handlers: [exc]
        self.bind(h_label);
        self.unit().depth = (self.unit_ref().handlers[h as usize].depth + 1) as i32;
        let hl_cleanup = self.handler_len();
        let (c, c_label) = {
            // the cleanup handler's depth is the depth before PushExcInfo
            // pushes `prev` below the exception: [.., prev]
            let (id, l) = self.new_handler();
            (id, l)
        };
        // the cleanup handler keeps `prev`: its depth is d+1
        self.push_handler(c);
        self.emit(Instr::PushExcInfo);
        let n = handlers.len();
        for (i, hd) in handlers.iter().enumerate() {
            let saved = self.set_loc(hd.span);
            if hd.typ.is_none() && i + 1 < n {
                return Err(self.err("default 'except:' must be last", hd.span));
            }
            let next = self.new_label();
            if let Some(t) = &hd.typ {
                self.expr(t)?;
                self.emit(Instr::CheckExcMatch);
                self.emit(Instr::PopJumpIfFalse(next));
            }
            match hd.name {
                Some(name) => {
                    self.name_op(name.name, Ctx::Store, name.span)?;
                    let (hc, hc_label) = self.new_handler();
                    self.push_handler(hc);
                    self.push_fblock(
                        FBlockKind::HandlerCleanup {
                            name: Some(name.name),
                        },
                        hl_cleanup,
                    );
                    self.stmts(&hd.body)?;
                    self.pop_fblock();
                    self.pop_handler();
                    // leaving the handler: outside the cleanup handler
                    self.pop_handler();
                    self.emit(Instr::PopExcept);
                    self.clear_name(name.name)?;
                    self.emit(Instr::Jump(end));
                    self.push_handler(c);
                    // exception inside the handler body: [prev, exc2]
                    self.bind(hc_label);
                    self.clear_name(name.name)?;
                    self.emit(Instr::Reraise);
                }
                None => {
                    self.emit(Instr::PopTop);
                    self.push_fblock(FBlockKind::HandlerCleanup { name: None }, hl_cleanup);
                    self.stmts(&hd.body)?;
                    self.pop_fblock();
                    self.pop_handler();
                    self.emit(Instr::PopExcept);
                    self.emit(Instr::Jump(end));
                    self.push_handler(c);
                }
            }
            self.bind(next);
            self.restore_loc(saved);
        }
        // no clause matched: [prev, exc]
        self.emit(Instr::Reraise);
        self.pop_handler();
        self.bind(c_label);
        self.emit(Instr::Swap(2));
        self.emit(Instr::PopExcept);
        self.emit(Instr::Reraise);
        self.bind(end);
        Ok(())
    }

    /// `try`/.../`finally` (CPython's `compiler_try_finally`).
    pub(super) fn try_finally(
        &mut self,
        body: &'a [Stmt],
        handlers: &'a [ExceptHandler],
        orelse: &'a [Stmt],
        finalbody: &'a [Stmt],
    ) -> CResult<()> {
        let end = self.new_label();
        let hl = self.handler_len();
        let (h, h_label) = self.new_handler();
        self.push_handler(h);
        self.push_fblock(FBlockKind::FinallyTry { body: finalbody }, hl);
        if handlers.is_empty() {
            self.stmts(body)?;
        } else {
            self.try_except(body, handlers, orelse)?;
        }
        self.pop_fblock();
        self.pop_handler();
        self.stmts(finalbody)?;
        self.emit(Instr::Jump(end));

        // exceptional path: [exc]
        self.bind(h_label);
        let hl2 = self.handler_len();
        let (c, c_label) = self.new_handler();
        self.push_handler(c);
        self.emit(Instr::PushExcInfo);
        self.push_fblock(FBlockKind::FinallyEnd, hl2);
        self.stmts(finalbody)?;
        self.pop_fblock();
        self.emit(Instr::Reraise);
        self.pop_handler();
        self.bind(c_label);
        self.emit(Instr::Swap(2));
        self.emit(Instr::PopExcept);
        self.emit(Instr::Reraise);
        self.bind(end);
        Ok(())
    }

    pub(super) fn with(&mut self, items: &'a [WithItem], body: &'a [Stmt]) -> CResult<()> {
        let Some((item, rest)) = items.split_first() else {
            return self.stmts(body);
        };
        let end = self.new_label();
        self.expr(&item.context)?;
        let l = self.set_loc(item.context.span);
        self.emit(Instr::BeforeWith);
        self.restore_loc(l);
        // [exit, value]: the handler keeps `exit`
        self.unit().depth -= 1;
        let hl = self.handler_len();
        let (h, h_label) = self.new_handler();
        self.unit().depth += 1;
        self.push_handler(h);
        self.push_fblock(FBlockKind::With, hl);
        match &item.target {
            Some(t) => self.assign_target(t)?,
            None => self.emit(Instr::PopTop),
        }
        if rest.is_empty() {
            self.stmts(body)?;
        } else {
            self.with(rest, body)?;
        }
        self.pop_fblock();
        self.pop_handler();
        let l = self.set_loc(item.context.span);
        self.call_exit_with_nones();
        self.emit(Instr::Jump(end));

        // [exit, exc]
        self.bind(h_label);
        let (c, c_label) = {
            // cleanup keeps [exit, prev]
            self.unit().depth += 0;
            self.new_handler()
        };
        // new_handler took the current depth [exit, exc] = d+2 which is
        // exactly [exit, prev] after PushExcInfo replaced exc by prev below
        self.push_handler(c);
        self.emit(Instr::PushExcInfo);
        self.emit(Instr::WithExceptStart);
        let suppress = self.new_label();
        self.emit(Instr::PopJumpIfTrue(suppress));
        self.emit(Instr::Reraise);
        self.pop_handler();
        self.bind(c_label);
        self.emit(Instr::Swap(2));
        self.emit(Instr::PopExcept);
        self.emit(Instr::Reraise);
        self.bind(suppress);
        self.emit(Instr::PopTop);
        self.emit(Instr::PopExcept);
        self.emit(Instr::PopTop);
        self.restore_loc(l);
        self.bind(end);
        Ok(())
    }
}
