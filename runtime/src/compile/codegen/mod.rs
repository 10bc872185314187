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
//!
//! This module holds units, emission, labels, handlers and name
//! resolution; `stmt`, `function` and `expr` compile statements, nested
//! scopes and expressions.

mod expr;
mod function;
mod stmt;

use hashbrown::HashMap;
use std::sync::Arc;

use super::code::*;
use super::optimize::{fold, fold_items, literal_constant};
use super::symtable::{NameScope, ScopeId, ScopeKind, SymbolTable};
use crate::syntax::ast::*;
use crate::syntax::error::{SyntaxError, SyntaxErrorKind};
use crate::syntax::lexer::error_at;

pub(super) type Label = u32;

/// CPython's `STACK_USE_GUIDELINE`: displays with more items are built
/// incrementally.
pub(super) const STACK_USE_GUIDELINE: usize = 30;
pub(super) type CResult<T> = Result<T, SyntaxError>;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Ctx {
    Load,
    Store,
    Del,
}

#[derive(Clone)]
pub(super) enum FBlockKind<'a> {
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
pub(super) struct FBlock<'a> {
    kind: FBlockKind<'a>,
    /// Length of the handler stack before this block installed its handler.
    handler_len: usize,
}

pub(super) type SavedBlocks<'a> = (Vec<FBlock<'a>>, Vec<u32>);

pub(super) struct Handler {
    label: Label,
    depth: u32,
}

pub(super) struct Unit<'a> {
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

pub(super) fn scope_code_kind(k: ScopeKind) -> CodeKind {
    match k {
        ScopeKind::Module => CodeKind::Module,
        ScopeKind::Function => CodeKind::Function,
        ScopeKind::Class => CodeKind::Class,
        ScopeKind::Comprehension => CodeKind::Comprehension,
    }
}

pub(super) fn docstring(body: &[Stmt]) -> Option<&str> {
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

    pub(super) fn s(&mut self, sym: Symbol) -> Arc<str> {
        if let Some(s) = self.strs.get(&sym) {
            return s.clone();
        }
        let s: Arc<str> = Arc::from(self.interner.resolve(sym));
        self.strs.insert(sym, s.clone());
        s
    }

    pub(super) fn err(&self, msg: impl Into<String>, span: Span) -> SyntaxError {
        error_at(
            self.src,
            &self.filename,
            SyntaxErrorKind::SyntaxError,
            msg,
            span.start,
            Some(span.end),
        )
    }

    pub(super) fn internal(&self, what: &str, span: Span) -> SyntaxError {
        self.err(format!("internal compiler error: {what}"), span)
    }

    pub(super) fn unit(&mut self) -> &mut Unit<'a> {
        // `compile_module` pushes the module unit first and pops it last
        let n = self.units.len();
        &mut self.units[n - 1]
    }

    pub(super) fn unit_ref(&self) -> &Unit<'a> {
        let n = self.units.len();
        &self.units[n - 1]
    }

    pub(super) fn location(&self, span: Span) -> Location {
        let (line, col) = self.lines.line_col(span.start);
        let (end_line, end_col) = self.lines.line_col(span.end);
        Location {
            line,
            end_line,
            col,
            end_col,
        }
    }

    pub(super) fn set_loc(&mut self, span: Span) -> Location {
        let l = self.location(span);
        std::mem::replace(&mut self.unit().loc, l)
    }

    pub(super) fn restore_loc(&mut self, l: Location) {
        self.unit().loc = l;
    }

    pub(super) fn emit(&mut self, i: Instr) {
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

    pub(super) fn new_label(&mut self) -> Label {
        let u = self.unit();
        u.labels.push(None);
        u.label_depth.push(None);
        (u.labels.len() - 1) as Label
    }

    pub(super) fn bind(&mut self, l: Label) {
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
    pub(super) fn new_handler(&mut self) -> (u32, Label) {
        let label = self.new_label();
        let u = self.unit();
        let depth = u.depth.max(0) as u32;
        if let Some(slot) = u.label_depth.get_mut(label as usize) {
            *slot = Some(u.depth + 1);
        }
        u.handlers.push(Handler { label, depth });
        ((u.handlers.len() - 1) as u32, label)
    }

    pub(super) fn push_handler(&mut self, h: u32) {
        self.unit().handler_stack.push(h);
    }

    pub(super) fn pop_handler(&mut self) {
        self.unit().handler_stack.pop();
    }

    pub(super) fn push_fblock(&mut self, kind: FBlockKind<'a>, handler_len: usize) {
        self.unit().fblocks.push(FBlock { kind, handler_len });
    }

    pub(super) fn pop_fblock(&mut self) {
        self.unit().fblocks.pop();
    }

    pub(super) fn handler_len(&self) -> usize {
        self.unit_ref().handler_stack.len()
    }

    pub(super) fn load_const(&mut self, c: Constant) {
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

    pub(super) fn const_index(&mut self, c: Constant) -> u32 {
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

    pub(super) fn name_index(&mut self, sym: Symbol) -> u32 {
        let s = self.s(sym);
        self.name_index_str(s)
    }

    pub(super) fn name_index_str(&mut self, s: Arc<str>) -> u32 {
        let u = self.unit();
        if let Some(&i) = u.name_map.get(&s) {
            return i;
        }
        let i = u.names.len() as u32;
        u.names.push(s.clone());
        u.name_map.insert(s, i);
        i
    }

    pub(super) fn str_const(&mut self, s: &str) -> Constant {
        Constant::Str(Arc::from(s))
    }

    // ----- units -----

    pub(super) fn enter_unit(
        &mut self,
        scope: ScopeId,
        name: Arc<str>,
        first_line: u32,
    ) -> CResult<()> {
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

    pub(super) fn exit_unit(&mut self) -> CResult<Arc<CodeObject>> {
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
        // `from __future__` imports may only open the module (after the
        // docstring): CPython's `future_parse`
        let mut leading = true;
        for st in body {
            let is_future = matches!(&st.kind, StmtKind::ImportFrom { module, .. }
                if self.interner.resolve(module.name) == "__future__");
            if is_future {
                if !leading {
                    return Err(self.err(
                        "from __future__ imports must occur at the beginning of the file",
                        st.span,
                    ));
                }
                self.check_future(st)?;
            } else {
                leading = false;
            }
        }
        self.stmts(body)?;
        self.load_const(Constant::None);
        self.emit(Instr::ReturnValue);
        self.exit_unit()
    }

    /// The features of a `from __future__ import ...` (3.11's list).
    fn check_future(&self, st: &Stmt) -> CResult<()> {
        const FEATURES: [&str; 10] = [
            "nested_scopes",
            "generators",
            "division",
            "absolute_import",
            "with_statement",
            "print_function",
            "unicode_literals",
            "barry_as_FLUFL",
            "generator_stop",
            "annotations",
        ];
        if let StmtKind::ImportFrom { names, .. } = &st.kind {
            for a in names {
                let name = self.interner.resolve(a.name);
                if name == "braces" {
                    return Err(self.err_at_start("not a chance", st.span));
                }
                if !FEATURES.contains(&name) {
                    return Err(
                        self.err_at_start(format!("future feature {name} is not defined"), st.span)
                    );
                }
            }
            if names.is_empty() {
                return Err(self.err_at_start("future feature * is not defined", st.span));
            }
        }
        Ok(())
    }

    fn err_at_start(&self, msg: impl Into<String>, span: Span) -> SyntaxError {
        error_at(
            self.src,
            &self.filename,
            SyntaxErrorKind::SyntaxError,
            msg,
            span.start,
            None,
        )
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
    pub(super) fn mangle(&self, sym: Symbol) -> Symbol {
        let Some(class) = self.units.last().and_then(|u| u.private) else {
            return sym;
        };
        match super::symtable::mangled(self.interner.resolve(class), self.interner.resolve(sym)) {
            Some(m) => self.interner.lookup(&m).unwrap_or(sym),
            None => sym,
        }
    }

    pub(super) fn attr_index(&mut self, attr: Symbol) -> u32 {
        let m = self.mangle(attr);
        self.name_index(m)
    }

    pub(super) fn name_op(&mut self, sym: Symbol, ctx: Ctx, span: Span) -> CResult<()> {
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

    pub(super) fn store_name_str(&mut self, name: &str) {
        let n = self.name_index_str(Arc::from(name));
        self.emit(Instr::StoreName(n));
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Seq {
    List,
    Tuple,
    Set,
}
