//! Code generation: AST + symbol tables → [`CodeObject`]s. CPython's
//! `Python/compile.c` (3.11), emitting the instructions of [`super::code`].
//!
//! Each body being compiled is a [`Unit`]. Jumps name labels that are
//! resolved to instruction indices when the unit finishes; every emitted
//! instruction is tagged with the innermost active exception handler and
//! the tags become the flat exception table. The value-stack depth is
//! tracked as instructions are emitted (each label remembers the depth
//! jumps arrive with), which gives handler depths and `max_stackdepth`.
//! `break`/`continue`/`return` unwind the "frame blocks" (`fblock`s) between
//! them and their target as CPython's `compiler_unwind_fblock` does.

use hashbrown::HashMap;
use std::sync::Arc;

use super::code::*;
use super::optimize::{fold, fold_items, literal_constant};
use super::symtable::{NameScope, ScopeId, ScopeKind, SymbolTable};
use crate::syntax::ast::*;
use crate::syntax::error::{SyntaxError, SyntaxErrorKind};
use crate::syntax::lexer::error_at;

type Label = u32;

/// CPython's `STACK_USE_GUIDELINE`: displays with more items are built
/// incrementally.
const STACK_USE_GUIDELINE: usize = 30;
type CResult<T> = Result<T, SyntaxError>;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Load,
    Store,
    Del,
}

#[derive(Clone)]
enum FBlockKind<'a> {
    WhileLoop {
        start: Label,
        exit: Label,
    },
    ForLoop {
        start: Label,
        exit: Label,
    },
    TryExcept,
    FinallyTry {
        body: &'a [Stmt],
    },
    FinallyEnd,
    With,
    HandlerCleanup {
        name: Option<Symbol>,
    },
    /// A value kept on the stack (the pending return value) while an
    /// inlined `finally` body runs: a `return` inside that body pops it.
    PopValue,
}

#[derive(Clone)]
struct FBlock<'a> {
    kind: FBlockKind<'a>,
    /// Length of the handler stack before this block installed its handler.
    handler_len: usize,
}

type SavedBlocks<'a> = (Vec<FBlock<'a>>, Vec<u32>);

struct Handler {
    label: Label,
    depth: u32,
}

struct Unit<'a> {
    scope: ScopeId,
    /// Class name for private-name mangling (the innermost class).
    private: Option<Symbol>,
    kind: CodeKind,
    name: Arc<str>,
    qualname: Arc<str>,
    first_line: u32,
    flags: u32,
    argcount: u32,
    posonlyargcount: u32,
    kwonlyargcount: u32,
    instrs: Vec<Instr>,
    locs: Vec<Location>,
    handler_of: Vec<Option<u32>>,
    consts: Vec<Constant>,
    const_map: HashMap<Constant, u32>,
    names: Vec<Arc<str>>,
    name_map: HashMap<Arc<str>, u32>,
    varnames: Vec<Arc<str>>,
    var_map: HashMap<Symbol, u32>,
    cellvars: Vec<Arc<str>>,
    freevars: Vec<Arc<str>>,
    cell_map: HashMap<Symbol, u32>,
    cell2arg: Vec<Option<u32>>,
    labels: Vec<Option<u32>>,
    label_depth: Vec<Option<i32>>,
    handlers: Vec<Handler>,
    handler_stack: Vec<u32>,
    fblocks: Vec<FBlock<'a>>,
    depth: i32,
    max_depth: i32,
    loc: Location,
}

/// The code generator for one module.
pub(crate) struct Compiler<'a> {
    src: &'a str,
    filename: Arc<str>,
    lines: LineIndex,
    interner: &'a Interner,
    table: &'a SymbolTable,
    strs: HashMap<Symbol, Arc<str>>,
    units: Vec<Unit<'a>>,
}

fn scope_code_kind(k: ScopeKind) -> CodeKind {
    match k {
        ScopeKind::Module => CodeKind::Module,
        ScopeKind::Function => CodeKind::Function,
        ScopeKind::Class => CodeKind::Class,
        ScopeKind::Comprehension => CodeKind::Comprehension,
    }
}

fn docstring(body: &[Stmt]) -> Option<&str> {
    match body.first().map(|s| &s.kind) {
        Some(StmtKind::Expr(Expr {
            kind: ExprKind::Constant(Literal::Str(s)),
            ..
        })) => Some(s),
        _ => None,
    }
}

impl<'a> Compiler<'a> {
    pub(crate) fn new(
        src: &'a str,
        filename: &str,
        interner: &'a Interner,
        table: &'a SymbolTable,
    ) -> Compiler<'a> {
        Compiler {
            src,
            filename: Arc::from(filename),
            lines: LineIndex::new(src),
            interner,
            table,
            strs: HashMap::new(),
            units: Vec::new(),
        }
    }

    // ----- helpers -----

    fn s(&mut self, sym: Symbol) -> Arc<str> {
        if let Some(s) = self.strs.get(&sym) {
            return s.clone();
        }
        let s: Arc<str> = Arc::from(self.interner.resolve(sym));
        self.strs.insert(sym, s.clone());
        s
    }

    fn err(&self, msg: impl Into<String>, span: Span) -> SyntaxError {
        error_at(
            self.src,
            &self.filename,
            SyntaxErrorKind::SyntaxError,
            msg,
            span.start,
            Some(span.end),
        )
    }

    fn internal(&self, what: &str, span: Span) -> SyntaxError {
        self.err(format!("internal compiler error: {what}"), span)
    }

    fn unit(&mut self) -> &mut Unit<'a> {
        // `compile_module` pushes the module unit first and pops it last
        let n = self.units.len();
        &mut self.units[n - 1]
    }

    fn unit_ref(&self) -> &Unit<'a> {
        let n = self.units.len();
        &self.units[n - 1]
    }

    fn location(&self, span: Span) -> Location {
        let (line, col) = self.lines.line_col(span.start);
        let (end_line, end_col) = self.lines.line_col(span.end);
        Location {
            line,
            end_line,
            col,
            end_col,
        }
    }

    fn set_loc(&mut self, span: Span) -> Location {
        let l = self.location(span);
        std::mem::replace(&mut self.unit().loc, l)
    }

    fn restore_loc(&mut self, l: Location) {
        self.unit().loc = l;
    }

    fn emit(&mut self, i: Instr) {
        let u = self.unit();
        u.instrs.push(i);
        u.locs.push(u.loc);
        u.handler_of.push(u.handler_stack.last().copied());
        if let Some(t) = i.jump_target() {
            let d = u.depth + i.stack_effect(true);
            if let Some(slot) = u.label_depth.get_mut(t as usize)
                && slot.is_none()
            {
                *slot = Some(d);
            }
        }
        u.depth += i.stack_effect(false);
        if u.depth > u.max_depth {
            u.max_depth = u.depth;
        }
    }

    fn new_label(&mut self) -> Label {
        let u = self.unit();
        u.labels.push(None);
        u.label_depth.push(None);
        (u.labels.len() - 1) as Label
    }

    fn bind(&mut self, l: Label) {
        let u = self.unit();
        let pos = u.instrs.len() as u32;
        if let Some(slot) = u.labels.get_mut(l as usize) {
            *slot = Some(pos);
        }
        let after_terminator = u.instrs.last().is_some_and(|i| i.is_terminator());
        let known = u.label_depth.get(l as usize).copied().flatten();
        match (after_terminator, known) {
            (true, Some(d)) => u.depth = d,
            (_, None) => {
                if let Some(slot) = u.label_depth.get_mut(l as usize) {
                    *slot = Some(u.depth);
                }
            }
            _ => {}
        }
    }

    /// A new exception handler whose stack depth is the current one.
    fn new_handler(&mut self) -> (u32, Label) {
        let label = self.new_label();
        let u = self.unit();
        let depth = u.depth.max(0) as u32;
        if let Some(slot) = u.label_depth.get_mut(label as usize) {
            *slot = Some(u.depth + 1);
        }
        u.handlers.push(Handler { label, depth });
        ((u.handlers.len() - 1) as u32, label)
    }

    fn push_handler(&mut self, h: u32) {
        self.unit().handler_stack.push(h);
    }

    fn pop_handler(&mut self) {
        self.unit().handler_stack.pop();
    }

    fn push_fblock(&mut self, kind: FBlockKind<'a>, handler_len: usize) {
        self.unit().fblocks.push(FBlock { kind, handler_len });
    }

    fn pop_fblock(&mut self) {
        self.unit().fblocks.pop();
    }

    fn handler_len(&self) -> usize {
        self.unit_ref().handler_stack.len()
    }

    fn load_const(&mut self, c: Constant) {
        let u = self.unit();
        let idx = match u.const_map.get(&c) {
            Some(&i) => i,
            None => {
                let i = u.consts.len() as u32;
                u.consts.push(c.clone());
                u.const_map.insert(c, i);
                i
            }
        };
        self.emit(Instr::LoadConst(idx));
    }

    fn const_index(&mut self, c: Constant) -> u32 {
        let u = self.unit();
        match u.const_map.get(&c) {
            Some(&i) => i,
            None => {
                let i = u.consts.len() as u32;
                u.consts.push(c.clone());
                u.const_map.insert(c, i);
                i
            }
        }
    }

    fn name_index(&mut self, sym: Symbol) -> u32 {
        let s = self.s(sym);
        self.name_index_str(s)
    }

    fn name_index_str(&mut self, s: Arc<str>) -> u32 {
        let u = self.unit();
        if let Some(&i) = u.name_map.get(&s) {
            return i;
        }
        let i = u.names.len() as u32;
        u.names.push(s.clone());
        u.name_map.insert(s, i);
        i
    }

    fn str_const(&mut self, s: &str) -> Constant {
        Constant::Str(Arc::from(s))
    }

    // ----- units -----

    fn enter_unit(&mut self, scope: ScopeId, name: Arc<str>, first_line: u32) -> CResult<()> {
        let sc = self
            .table
            .scope(scope)
            .ok_or_else(|| self.internal("missing scope", Span::default()))?;
        let kind = scope_code_kind(sc.kind);
        let qualname: Arc<str> = match self.units.last() {
            None => name.clone(),
            Some(p) => match p.kind {
                CodeKind::Module => name.clone(),
                CodeKind::Class | CodeKind::Comprehension => {
                    Arc::from(format!("{}.{}", p.qualname, name))
                }
                CodeKind::Function => Arc::from(format!("{}.<locals>.{}", p.qualname, name)),
            },
        };
        let varnames: Vec<Arc<str>> = sc.varnames.iter().map(|&v| self.s(v)).collect();
        let var_map = sc
            .varnames
            .iter()
            .enumerate()
            .map(|(i, &v)| (v, i as u32))
            .collect();
        let cellvars: Vec<Arc<str>> = sc.cellvars.iter().map(|&v| self.s(v)).collect();
        let freevars: Vec<Arc<str>> = sc.freevars.iter().map(|&v| self.s(v)).collect();
        let mut cell_map = HashMap::new();
        for (i, &c) in sc.cellvars.iter().chain(sc.freevars.iter()).enumerate() {
            cell_map.entry(c).or_insert(i as u32);
        }
        let cell2arg = sc
            .cellvars
            .iter()
            .map(|c| {
                if sc.params.contains(c) {
                    sc.varnames.iter().position(|v| v == c).map(|p| p as u32)
                } else {
                    None
                }
            })
            .collect();
        let mut flags = 0;
        if sc.is_function_like() {
            flags |= CodeFlags::OPTIMIZED | CodeFlags::NEWLOCALS;
        }
        if sc.is_generator {
            flags |= CodeFlags::GENERATOR;
        }
        if sc.cellvars.is_empty() && sc.freevars.is_empty() {
            flags |= CodeFlags::NOFREE;
        }
        if self.units.len() > 1
            || self
                .units
                .last()
                .is_some_and(|u| u.kind != CodeKind::Module)
        {
            flags |= CodeFlags::NESTED;
        }
        let private = self.units.last().and_then(|u| u.private);
        self.units.push(Unit {
            scope,
            private,
            kind,
            name,
            qualname,
            first_line,
            flags,
            argcount: 0,
            posonlyargcount: 0,
            kwonlyargcount: 0,
            instrs: Vec::new(),
            locs: Vec::new(),
            handler_of: Vec::new(),
            consts: Vec::new(),
            const_map: HashMap::new(),
            names: Vec::new(),
            name_map: HashMap::new(),
            varnames,
            var_map,
            cellvars,
            freevars,
            cell_map,
            cell2arg,
            labels: Vec::new(),
            label_depth: Vec::new(),
            handlers: Vec::new(),
            handler_stack: Vec::new(),
            fblocks: Vec::new(),
            depth: 0,
            max_depth: 0,
            loc: Location {
                line: first_line,
                end_line: first_line,
                col: 0,
                end_col: 0,
            },
        });
        Ok(())
    }

    fn exit_unit(&mut self) -> CResult<Arc<CodeObject>> {
        let u = self
            .units
            .pop()
            .ok_or_else(|| self.internal("no unit", Span::default()))?;
        let mut instrs = u.instrs;
        for ins in &mut instrs {
            if let Some(l) = ins.jump_target() {
                let target = u.labels.get(l as usize).copied().flatten().unwrap_or(0);
                *ins = ins.with_jump_target(target);
            }
        }
        let mut table: Vec<ExceptionTableEntry> = Vec::new();
        let mut i = 0;
        while i < u.handler_of.len() {
            let Some(h) = u.handler_of[i] else {
                i += 1;
                continue;
            };
            let start = i;
            while i < u.handler_of.len() && u.handler_of[i] == Some(h) {
                i += 1;
            }
            if let Some(handler) = u.handlers.get(h as usize) {
                let target = u
                    .labels
                    .get(handler.label as usize)
                    .copied()
                    .flatten()
                    .unwrap_or(0);
                table.push(ExceptionTableEntry {
                    start: start as u32,
                    end: i as u32,
                    target,
                    depth: handler.depth,
                });
            }
        }
        Ok(Arc::new(CodeObject {
            name: u.name,
            qualname: u.qualname,
            filename: self.filename.clone(),
            first_line: u.first_line,
            kind: u.kind,
            flags: CodeFlags(u.flags),
            argcount: u.argcount,
            posonlyargcount: u.posonlyargcount,
            kwonlyargcount: u.kwonlyargcount,
            varnames: u.varnames,
            cellvars: u.cellvars,
            freevars: u.freevars,
            cell2arg: u.cell2arg,
            names: u.names,
            consts: u.consts,
            instrs,
            locations: u.locs,
            exception_table: table,
            max_stackdepth: u.max_depth.max(0) as u32,
        }))
    }

    /// Compile the module body. CPython's `compiler_mod`.
    pub(crate) fn module(&mut self, m: &'a Module) -> CResult<Arc<CodeObject>> {
        self.enter_unit(0, Arc::from("<module>"), 1)?;
        self.unit().first_line = 1;
        let mut body: &[Stmt] = &m.body;
        if let Some(doc) = docstring(body) {
            let span = body.first().map_or(Span::default(), |s| s.span);
            let l = self.set_loc(span);
            let c = self.str_const(doc);
            self.load_const(c);
            let n = self.name_index_str(Arc::from("__doc__"));
            self.emit(Instr::StoreName(n));
            self.restore_loc(l);
            body = body.get(1..).unwrap_or(&[]);
        }
        self.stmts(body)?;
        self.load_const(Constant::None);
        self.emit(Instr::ReturnValue);
        self.exit_unit()
    }

    /// Compile the expression of `eval` mode: its value is returned.
    pub(crate) fn eval(&mut self, e: &'a Expr) -> CResult<Arc<CodeObject>> {
        self.enter_unit(0, Arc::from("<module>"), 1)?;
        self.expr(e)?;
        self.emit(Instr::ReturnValue);
        self.exit_unit()
    }

    // ----- names -----

    /// CPython's `_Py_Mangle` with the current class (the symbol table
    /// interned every mangled name).
    fn mangle(&self, sym: Symbol) -> Symbol {
        let Some(class) = self.units.last().and_then(|u| u.private) else {
            return sym;
        };
        match super::symtable::mangled(self.interner.resolve(class), self.interner.resolve(sym)) {
            Some(m) => self.interner.lookup(&m).unwrap_or(sym),
            None => sym,
        }
    }

    fn attr_index(&mut self, attr: Symbol) -> u32 {
        let m = self.mangle(attr);
        self.name_index(m)
    }

    fn name_op(&mut self, sym: Symbol, ctx: Ctx, span: Span) -> CResult<()> {
        let sym = self.mangle(sym);
        let debug = self.interner.lookup("__debug__");
        if Some(sym) == debug {
            if ctx == Ctx::Load {
                self.load_const(Constant::True);
                return Ok(());
            }
            return Err(self.err("cannot assign to __debug__", span));
        }
        let (scope_id, kind) = {
            let u = self.unit_ref();
            (u.scope, u.kind)
        };
        let r = self
            .table
            .scope(scope_id)
            .map_or(NameScope::GlobalImplicit, |s| s.lookup(sym));
        let function_like = matches!(kind, CodeKind::Function | CodeKind::Comprehension);
        let instr = match r {
            NameScope::Local if function_like => {
                // co_varnames: the parameters, then each local in the order
                // the compiler first emits an instruction for it (CPython's
                // `compiler_nameop` adds them lazily)
                let i = match self.unit_ref().var_map.get(&sym) {
                    Some(&i) => i,
                    None => {
                        let name = self.s(sym);
                        let u = self.unit();
                        let i = u.varnames.len() as u32;
                        u.varnames.push(name);
                        u.var_map.insert(sym, i);
                        i
                    }
                };
                match ctx {
                    Ctx::Load => Instr::LoadFast(i),
                    Ctx::Store => Instr::StoreFast(i),
                    Ctx::Del => Instr::DeleteFast(i),
                }
            }
            NameScope::Cell | NameScope::Free => {
                let Some(&i) = self.unit_ref().cell_map.get(&sym) else {
                    return Err(self.internal("unknown cell", span));
                };
                match ctx {
                    Ctx::Load if kind == CodeKind::Class => Instr::LoadClassDeref(i),
                    Ctx::Load => Instr::LoadDeref(i),
                    Ctx::Store => Instr::StoreDeref(i),
                    Ctx::Del => Instr::DeleteDeref(i),
                }
            }
            NameScope::GlobalExplicit => {
                let i = self.name_index(sym);
                match ctx {
                    Ctx::Load => Instr::LoadGlobal(i),
                    Ctx::Store => Instr::StoreGlobal(i),
                    Ctx::Del => Instr::DeleteGlobal(i),
                }
            }
            NameScope::GlobalImplicit if function_like => {
                let i = self.name_index(sym);
                match ctx {
                    Ctx::Load => Instr::LoadGlobal(i),
                    Ctx::Store => Instr::StoreGlobal(i),
                    Ctx::Del => Instr::DeleteGlobal(i),
                }
            }
            NameScope::Local | NameScope::GlobalImplicit => {
                let i = self.name_index(sym);
                match ctx {
                    Ctx::Load => Instr::LoadName(i),
                    Ctx::Store => Instr::StoreName(i),
                    Ctx::Del => Instr::DeleteName(i),
                }
            }
        };
        self.emit(instr);
        Ok(())
    }

    fn store_name_str(&mut self, name: &str) {
        let n = self.name_index_str(Arc::from(name));
        self.emit(Instr::StoreName(n));
    }

    // ----- statements -----

    fn stmts(&mut self, body: &'a [Stmt]) -> CResult<()> {
        for s in body {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn stmt(&mut self, s: &'a Stmt) -> CResult<()> {
        let saved = self.set_loc(s.span);
        let r = self.stmt_inner(s);
        self.restore_loc(saved);
        r
    }

    fn in_function(&self) -> bool {
        matches!(
            self.unit_ref().kind,
            CodeKind::Function | CodeKind::Comprehension
        )
    }

    fn stmt_inner(&mut self, s: &'a Stmt) -> CResult<()> {
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

    fn aug_assign(&mut self, target: &'a Expr, op: BinaryOperator, value: &'a Expr) -> CResult<()> {
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
    fn assign_target(&mut self, t: &'a Expr) -> CResult<()> {
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

    fn delete_target(&mut self, t: &'a Expr) -> CResult<()> {
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
    fn jump_if(&mut self, e: &'a Expr, cond: bool, target: Label) -> CResult<()> {
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

    fn break_continue(&mut self, is_break: bool, span: Span) -> CResult<()> {
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
    fn return_value(&mut self) -> CResult<()> {
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
    fn unwind_to(&mut self, level: usize, preserve_tos: bool) -> CResult<SavedBlocks<'a>> {
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

    fn restore_blocks(&mut self, saved: SavedBlocks<'a>) {
        let u = self.unit();
        u.fblocks = saved.0;
        u.handler_stack = saved.1;
    }

    fn unwind_one(&mut self, fb: &FBlock<'a>, preserve_tos: bool) -> CResult<()> {
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

    fn call_exit_with_nones(&mut self) {
        self.load_const(Constant::None);
        self.load_const(Constant::None);
        self.load_const(Constant::None);
        self.emit(Instr::Call(3));
        self.emit(Instr::PopTop);
    }

    /// `name = None; del name` (end of `except E as name:`).
    fn clear_name(&mut self, n: Symbol) -> CResult<()> {
        self.load_const(Constant::None);
        self.name_op(n, Ctx::Store, Span::default())?;
        self.name_op(n, Ctx::Del, Span::default())
    }

    /// `try`/`except`/`else` (CPython's `compiler_try_except`).
    fn try_except(
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
    fn try_finally(
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

    fn with(&mut self, items: &'a [WithItem], body: &'a [Stmt]) -> CResult<()> {
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

    // ----- functions and classes -----

    /// Push defaults/kwdefaults for `args`; returns the MakeFunction flags.
    fn defaults(&mut self, args: &'a Arguments) -> CResult<u8> {
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
    fn make_function(&mut self, code: Arc<CodeObject>, mut flags: u8, span: Span) -> CResult<()> {
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

    fn set_arg_counts(&mut self, args: &Arguments) {
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

    fn function_def(&mut self, f: &'a FunctionDef, span: Span) -> CResult<()> {
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

    fn class_def(&mut self, c: &'a ClassDef, span: Span) -> CResult<()> {
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

    fn class_body(&mut self, c: &'a ClassDef) -> CResult<()> {
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

    fn lambda(&mut self, args: &'a Arguments, body: &'a Expr, span: Span) -> CResult<()> {
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
    fn comprehension(
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

    fn comprehension_body(
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

    fn comp_generator(
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

    // ----- expressions -----

    fn expr(&mut self, e: &'a Expr) -> CResult<()> {
        let saved = self.set_loc(e.span);
        let r = self.expr_inner(e);
        self.restore_loc(saved);
        r
    }

    fn expr_inner(&mut self, e: &'a Expr) -> CResult<()> {
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
    fn iter_expr(&mut self, e: &'a Expr) -> CResult<()> {
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
    fn compare_last(&mut self, op: CmpOp, e: &'a Expr) -> CResult<()> {
        if matches!(op, CmpOp::In | CmpOp::NotIn) {
            self.iter_expr(e)
        } else {
            self.expr(e)
        }
    }

    fn check_yield(&self, span: Span) -> CResult<()> {
        if self.in_function() {
            Ok(())
        } else {
            Err(self.err("'yield' outside function", span))
        }
    }

    fn compare(&mut self, left: &'a Expr, ops: &[CmpOp], comparators: &'a [Expr]) -> CResult<()> {
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
    fn sequence_display(&mut self, items: &'a [Expr], kind: Seq) -> CResult<()> {
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
    fn dict_display(&mut self, keys: &'a [Option<Expr>], values: &'a [Expr]) -> CResult<()> {
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
    fn subdict(
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

    fn call(
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

    fn kwnames(&mut self, keywords: &[Keyword]) {
        let names: Vec<Constant> = keywords
            .iter()
            .filter_map(|k| k.arg)
            .map(|a| Constant::Str(self.s(a.name)))
            .collect();
        self.load_const(Constant::Tuple(names.into()));
    }

    /// Arguments after the callable (and `extra` already-pushed positional
    /// arguments). CPython's `compiler_call_helper`.
    fn call_helper(
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

    fn joined_str(&mut self, parts: &'a [FStringPart]) -> CResult<()> {
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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Seq {
    List,
    Tuple,
    Set,
}
