//! Functions, lambdas, classes and comprehensions: each a nested code
//! object, a closure tuple and `MakeFunction` (CPython's
//! `compiler_function`, `compiler_class`, `compiler_comprehension`).

use super::*;

impl<'a> Compiler<'a> {
    /// Push defaults/kwdefaults for `args`; returns the MakeFunction flags.
    pub(super) fn defaults(&mut self, args: &'a Arguments) -> CResult<u8> {
        let mut flags = 0u8;
        if !args.defaults.is_empty() {
            if let Some(c) = fold_items(&args.defaults) {
                self.load_const(c);
            } else {
                for d in &args.defaults {
                    self.expr(d)?;
                }
                self.emit(Instr::BuildTuple(args.defaults.len() as u32));
            }
            flags |= MakeFunctionFlags::DEFAULTS;
        }
        let mut n = 0;
        for (a, d) in args.kwonly.iter().zip(&args.kw_defaults) {
            if let Some(d) = d {
                let m = self.mangle(a.name.name);
                let name = self.s(m);
                self.load_const(Constant::Str(name));
                self.expr(d)?;
                n += 1;
            }
        }
        if n > 0 {
            self.emit(Instr::BuildMap(n));
            flags |= MakeFunctionFlags::KWDEFAULTS;
        }
        Ok(flags)
    }

    /// Push the closure tuple for `code` (if it has free variables) and the
    /// code constant, then `MakeFunction`.
    pub(super) fn make_function(
        &mut self,
        code: Arc<CodeObject>,
        mut flags: u8,
        span: Span,
    ) -> CResult<()> {
        if !code.freevars.is_empty() {
            for name in &code.freevars {
                let sym = self.interner.lookup(name);
                let idx = sym.and_then(|s| self.unit_ref().cell_map.get(&s).copied());
                let Some(idx) = idx else {
                    return Err(self.internal("closure variable not found", span));
                };
                self.emit(Instr::LoadClosure(idx));
            }
            self.emit(Instr::BuildTuple(code.freevars.len() as u32));
            flags |= MakeFunctionFlags::CLOSURE;
        }
        self.load_const(Constant::Code(code));
        self.emit(Instr::MakeFunction(MakeFunctionFlags(flags)));
        Ok(())
    }

    pub(super) fn set_arg_counts(&mut self, args: &Arguments) {
        let u = self.unit();
        u.argcount = (args.posonly.len() + args.args.len()) as u32;
        u.posonlyargcount = args.posonly.len() as u32;
        u.kwonlyargcount = args.kwonly.len() as u32;
        if args.vararg.is_some() {
            u.flags |= CodeFlags::VARARGS;
        }
        if args.kwarg.is_some() {
            u.flags |= CodeFlags::VARKEYWORDS;
        }
    }

    pub(super) fn function_def(&mut self, f: &'a FunctionDef, span: Span) -> CResult<()> {
        for d in &f.decorators {
            self.expr(d)?;
        }
        let flags = self.defaults(&f.args)?;
        let scope = self
            .table
            .scope_of(span)
            .ok_or_else(|| self.internal("function scope", span))?;
        let name = self.s(f.name.name);
        let first_line = self.lines.line_col(span.start).0;
        self.enter_unit(scope, name, first_line)?;
        self.set_arg_counts(&f.args);
        let mut body: &[Stmt] = &f.body;
        match docstring(body) {
            Some(doc) => {
                let c = self.str_const(doc);
                self.const_index(c);
                self.unit().flags |= CodeFlags::HAS_DOCSTRING;
                body = body.get(1..).unwrap_or(&[]);
            }
            None => {
                self.const_index(Constant::None);
            }
        }
        let r = self.stmts(body);
        if let Err(e) = r {
            self.units.pop();
            return Err(e);
        }
        self.load_const(Constant::None);
        self.emit(Instr::ReturnValue);
        let code = self.exit_unit()?;
        self.make_function(code, flags, span)?;
        for _ in &f.decorators {
            self.emit(Instr::Call(1));
        }
        self.name_op(f.name.name, Ctx::Store, f.name.span)
    }

    pub(super) fn class_def(&mut self, c: &'a ClassDef, span: Span) -> CResult<()> {
        for d in &c.decorators {
            self.expr(d)?;
        }
        self.emit(Instr::LoadBuildClass);
        let scope = self
            .table
            .scope_of(span)
            .ok_or_else(|| self.internal("class scope", span))?;
        let name = self.s(c.name.name);
        let first_line = self.lines.line_col(span.start).0;
        self.enter_unit(scope, name.clone(), first_line)?;
        self.unit().private = Some(c.name.name);
        let r = self.class_body(c);
        if let Err(e) = r {
            self.units.pop();
            return Err(e);
        }
        let code = self.exit_unit()?;
        self.make_function(code, 0, span)?;
        self.load_const(Constant::Str(name));
        self.call_helper(2, &c.bases, &c.keywords, span)?;
        for _ in &c.decorators {
            self.emit(Instr::Call(1));
        }
        self.name_op(c.name.name, Ctx::Store, c.name.span)
    }

    pub(super) fn class_body(&mut self, c: &'a ClassDef) -> CResult<()> {
        let n = self.name_index_str(Arc::from("__name__"));
        self.emit(Instr::LoadName(n));
        self.store_name_str("__module__");
        let q = self.unit_ref().qualname.clone();
        self.load_const(Constant::Str(q));
        self.store_name_str("__qualname__");
        let mut body: &[Stmt] = &c.body;
        if let Some(doc) = docstring(body) {
            let k = self.str_const(doc);
            self.load_const(k);
            self.store_name_str("__doc__");
            body = body.get(1..).unwrap_or(&[]);
        }
        self.stmts(body)?;
        let class_cell = self
            .interner
            .lookup("__class__")
            .and_then(|s| self.unit_ref().cell_map.get(&s).copied())
            .filter(|&i| (i as usize) < self.unit_ref().cellvars.len());
        match class_cell {
            Some(i) => {
                self.emit(Instr::LoadClosure(i));
                self.emit(Instr::Copy(1));
                self.store_name_str("__classcell__");
            }
            None => self.load_const(Constant::None),
        }
        self.emit(Instr::ReturnValue);
        Ok(())
    }

    pub(super) fn lambda(
        &mut self,
        args: &'a Arguments,
        body: &'a Expr,
        span: Span,
    ) -> CResult<()> {
        let flags = self.defaults(args)?;
        let scope = self
            .table
            .scope_of(span)
            .ok_or_else(|| self.internal("lambda scope", span))?;
        let first_line = self.lines.line_col(span.start).0;
        self.enter_unit(scope, Arc::from("<lambda>"), first_line)?;
        self.set_arg_counts(args);
        self.const_index(Constant::None);
        let r = self.expr(body);
        if let Err(e) = r {
            self.units.pop();
            return Err(e);
        }
        if self.unit_ref().flags & CodeFlags::GENERATOR != 0 {
            self.emit(Instr::PopTop);
            self.load_const(Constant::None);
        }
        self.emit(Instr::ReturnValue);
        let code = self.exit_unit()?;
        self.make_function(code, flags, span)
    }

    /// A comprehension or generator expression: a nested function called
    /// with the iterator of the outermost iterable (CPython's
    /// `compiler_comprehension`).
    pub(super) fn comprehension(
        &mut self,
        e: &'a Expr,
        name: &str,
        generators: &'a [Comprehension],
        elt: &'a Expr,
        value: Option<&'a Expr>,
    ) -> CResult<()> {
        let Some(first) = generators.first() else {
            return Err(self.internal("empty comprehension", e.span));
        };
        let scope = self
            .table
            .scope_of(e.span)
            .ok_or_else(|| self.internal("comprehension scope", e.span))?;
        let first_line = self.lines.line_col(e.span.start).0;
        self.enter_unit(scope, Arc::from(name), first_line)?;
        self.unit().argcount = 1;
        let r = self.comprehension_body(e, generators, elt, value);
        if let Err(err) = r {
            self.units.pop();
            return Err(err);
        }
        let code = self.exit_unit()?;
        self.make_function(code, 0, e.span)?;
        self.iter_expr(&first.iter)?;
        let l = self.set_loc(e.span);
        self.emit(Instr::GetIter);
        self.emit(Instr::Call(1));
        self.restore_loc(l);
        Ok(())
    }

    pub(super) fn comprehension_body(
        &mut self,
        e: &'a Expr,
        generators: &'a [Comprehension],
        elt: &'a Expr,
        value: Option<&'a Expr>,
    ) -> CResult<()> {
        let l = self.set_loc(e.span);
        let is_gen = matches!(e.kind, ExprKind::GeneratorExp { .. });
        match e.kind {
            ExprKind::ListComp { .. } => self.emit(Instr::BuildList(0)),
            ExprKind::SetComp { .. } => self.emit(Instr::BuildSet(0)),
            ExprKind::DictComp { .. } => self.emit(Instr::BuildMap(0)),
            _ => {}
        }
        self.comp_generator(e, generators, 0, elt, value, is_gen)?;
        if is_gen {
            self.load_const(Constant::None);
        }
        self.emit(Instr::ReturnValue);
        self.restore_loc(l);
        Ok(())
    }

    pub(super) fn comp_generator(
        &mut self,
        e: &'a Expr,
        generators: &'a [Comprehension],
        index: usize,
        elt: &'a Expr,
        value: Option<&'a Expr>,
        is_gen: bool,
    ) -> CResult<()> {
        let Some(g) = generators.get(index) else {
            // innermost: the element
            let depth = generators.len() as u32 + 1;
            match &e.kind {
                ExprKind::GeneratorExp { .. } => {
                    self.expr(elt)?;
                    self.emit(Instr::YieldValue);
                    self.emit(Instr::PopTop);
                }
                ExprKind::ListComp { .. } => {
                    self.expr(elt)?;
                    self.emit(Instr::ListAppend(depth));
                }
                ExprKind::SetComp { .. } => {
                    self.expr(elt)?;
                    self.emit(Instr::SetAdd(depth));
                }
                _ => {
                    self.expr(elt)?;
                    if let Some(v) = value {
                        self.expr(v)?;
                    }
                    self.emit(Instr::MapAdd(depth));
                }
            }
            let _ = is_gen;
            return Ok(());
        };
        let start = self.new_label();
        let anchor = self.new_label();
        if index == 0 {
            self.emit(Instr::LoadFast(0));
        } else {
            self.iter_expr(&g.iter)?;
            self.emit(Instr::GetIter);
        }
        self.bind(start);
        self.emit(Instr::ForIter(anchor));
        self.assign_target(&g.target)?;
        for cond in &g.ifs {
            self.jump_if(cond, false, start)?;
        }
        self.comp_generator(e, generators, index + 1, elt, value, is_gen)?;
        self.emit(Instr::Jump(start));
        self.bind(anchor);
        Ok(())
    }
}
