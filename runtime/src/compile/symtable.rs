//! Symbol tables: which names are local, global, free or cell variables in
//! each scope, decided at compile time as CPython's `Python/symtable.c`
//! does (`symtable_visit_*` then `analyze_block`).
//!
//! Scopes are the module, each `def`/`lambda`, each class body and each
//! comprehension/generator expression. A scope is found again by the span
//! of the node that creates it ([`SymbolTable::scope_of`]).

use hashbrown::{HashMap, HashSet};

use crate::syntax::ast::*;
use crate::syntax::error::{SyntaxError, SyntaxErrorKind};
use crate::syntax::lexer::error_at;

/// Index of a scope in [`SymbolTable::scopes`].
pub type ScopeId = usize;

/// What kind of body a scope is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    /// The module.
    Module,
    /// A `def` or `lambda`.
    Function,
    /// A class body.
    Class,
    /// A comprehension or generator expression.
    Comprehension,
}

/// How a name is resolved in one scope (CPython's `LOCAL`, `GLOBAL_EXPLICIT`,
/// `GLOBAL_IMPLICIT`, `FREE`, `CELL`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameScope {
    /// Bound in this scope (a fast local in functions, a `locals` entry in
    /// module and class bodies).
    Local,
    /// Declared `global`.
    GlobalExplicit,
    /// Not bound anywhere enclosing: a global or builtin.
    GlobalImplicit,
    /// Bound in an enclosing function (a closure variable).
    Free,
    /// Bound here and captured by an inner scope.
    Cell,
}

const DEF_GLOBAL: u8 = 1;
const DEF_LOCAL: u8 = 2;
const DEF_PARAM: u8 = 4;
const DEF_NONLOCAL: u8 = 8;
const USE: u8 = 16;
const DEF_ANNOT: u8 = 32;

/// One scope's symbols.
#[derive(Clone, Debug)]
pub struct Scope {
    /// Kind of body.
    pub kind: ScopeKind,
    /// Names in order of first appearance with their `DEF_*`/`USE` flags.
    symbols: Vec<(Symbol, u8)>,
    index: HashMap<Symbol, usize>,
    /// Parameters in `co_varnames` order.
    pub params: Vec<Symbol>,
    /// Nested scopes in source order.
    pub children: Vec<ScopeId>,
    /// Contains `yield`.
    pub is_generator: bool,
    /// A class body whose methods use `super()`/`__class__`.
    pub needs_class_cell: bool,
    /// Resolution of each name used or bound here.
    pub resolved: HashMap<Symbol, NameScope>,
    /// Free variables of a class body that only inner scopes need.
    class_passthrough: Vec<Symbol>,
    /// Where each `nonlocal` name is declared (for the error position).
    nonlocal_spans: Vec<(Symbol, Span)>,
    /// The parameters, the start of `co_varnames` (function-like scopes;
    /// the code generator adds the other locals in order of first use).
    pub varnames: Vec<Symbol>,
    /// `co_cellvars`: parameters first, then by name (as CPython 3.11).
    pub cellvars: Vec<Symbol>,
    /// `co_freevars`, sorted by name.
    pub freevars: Vec<Symbol>,
}

impl Scope {
    fn new(kind: ScopeKind) -> Scope {
        Scope {
            kind,
            symbols: Vec::new(),
            index: HashMap::new(),
            params: Vec::new(),
            children: Vec::new(),
            is_generator: false,
            needs_class_cell: false,
            resolved: HashMap::new(),
            class_passthrough: Vec::new(),
            nonlocal_spans: Vec::new(),
            varnames: Vec::new(),
            cellvars: Vec::new(),
            freevars: Vec::new(),
        }
    }

    fn flags(&self, name: Symbol) -> u8 {
        self.index
            .get(&name)
            .and_then(|&i| self.symbols.get(i))
            .map_or(0, |s| s.1)
    }

    fn add(&mut self, name: Symbol, flag: u8) {
        match self.index.get(&name) {
            Some(&i) => {
                if let Some(s) = self.symbols.get_mut(i) {
                    s.1 |= flag;
                }
            }
            None => {
                self.index.insert(name, self.symbols.len());
                self.symbols.push((name, flag));
            }
        }
    }

    /// How `name` resolves here (`GlobalImplicit` for unknown names).
    pub fn lookup(&self, name: Symbol) -> NameScope {
        self.resolved
            .get(&name)
            .copied()
            .unwrap_or(NameScope::GlobalImplicit)
    }

    /// True for `def`, `lambda` and comprehension scopes (fast locals).
    pub fn is_function_like(&self) -> bool {
        matches!(self.kind, ScopeKind::Function | ScopeKind::Comprehension)
    }
}

/// The symbol tables of one module.
#[derive(Clone, Debug)]
pub struct SymbolTable {
    /// All scopes; index 0 is the module.
    pub scopes: Vec<Scope>,
    by_span: HashMap<(u32, u32), ScopeId>,
}

impl SymbolTable {
    /// The scope created by the node at `span` (a `def`/`class` statement,
    /// a lambda or a comprehension expression).
    pub fn scope_of(&self, span: Span) -> Option<ScopeId> {
        self.by_span.get(&(span.start, span.end)).copied()
    }

    /// A scope by id.
    pub fn scope(&self, id: ScopeId) -> Option<&Scope> {
        self.scopes.get(id)
    }
}

struct Builder<'a> {
    src: &'a str,
    filename: &'a str,
    interner: &'a mut Interner,
    scopes: Vec<Scope>,
    by_span: HashMap<(u32, u32), ScopeId>,
    stack: Vec<ScopeId>,
    class_sym: Symbol,
    super_sym: Symbol,
    dot0: Symbol,
    /// The innermost enclosing class name (for private-name mangling).
    private: Option<Symbol>,
    /// Comprehension kinds, for "'yield' inside list comprehension".
    comp_names: HashMap<ScopeId, &'static str>,
}

/// `_Py_Mangle`'s rule: the mangled form of `name` inside class `class`, or
/// `None` when it is not mangled (not `__x`, a dunder, a dotted name, or a
/// class name made only of underscores).
pub fn mangled(class: &str, name: &str) -> Option<String> {
    if !name.starts_with("__") || name.ends_with("__") || name.contains('.') {
        return None;
    }
    let stripped = class.trim_start_matches('_');
    if stripped.is_empty() {
        return None;
    }
    Some(format!("_{stripped}{name}"))
}

/// Build and analyze the symbol tables of `module`. CPython's
/// `_PySymtable_Build`.
pub fn build(
    module: &Module,
    interner: &mut Interner,
    src: &str,
    filename: &str,
) -> Result<SymbolTable, SyntaxError> {
    let class_sym = interner.intern("__class__");
    let super_sym = interner.intern("super");
    let dot0 = interner.intern(".0");
    let mut b = Builder {
        src,
        filename,
        interner,
        scopes: vec![Scope::new(ScopeKind::Module)],
        by_span: HashMap::new(),
        stack: vec![0],
        class_sym,
        super_sym,
        dot0,
        comp_names: HashMap::new(),
        private: None,
    };
    for s in &module.body {
        b.stmt(s)?;
    }
    let mut table = SymbolTable {
        scopes: b.scopes,
        by_span: b.by_span,
    };
    let (src, filename) = (b.src, b.filename);
    let interner: &Interner = b.interner;
    analyze(
        &mut table,
        0,
        &HashSet::new(),
        class_sym,
        interner,
        src,
        filename,
    )?;
    finish(&mut table, interner, class_sym);
    Ok(table)
}

impl Builder<'_> {
    fn err(&self, msg: String, span: Span) -> SyntaxError {
        error_at(
            self.src,
            self.filename,
            SyntaxErrorKind::SyntaxError,
            msg,
            span.start,
            Some(span.end),
        )
    }

    fn cur(&mut self) -> &mut Scope {
        let id = self.stack.last().copied().unwrap_or(0);
        &mut self.scopes[id]
    }

    fn cur_id(&self) -> ScopeId {
        self.stack.last().copied().unwrap_or(0)
    }

    fn push_scope(&mut self, kind: ScopeKind, span: Span) -> ScopeId {
        let id = self.scopes.len();
        self.scopes.push(Scope::new(kind));
        let parent = self.cur_id();
        self.scopes[parent].children.push(id);
        self.by_span.insert((span.start, span.end), id);
        self.stack.push(id);
        id
    }

    fn pop_scope(&mut self) {
        self.stack.pop();
    }

    /// CPython's `_Py_Mangle`: inside a class, `__name` (not ending in
    /// `__`) becomes `_Class__name`.
    fn mangle(&mut self, name: Symbol) -> Symbol {
        let Some(class) = self.private else {
            return name;
        };
        match mangled(self.interner.resolve(class), self.interner.resolve(name)) {
            Some(m) => self.interner.intern(&m),
            None => name,
        }
    }

    fn def(&mut self, name: Symbol, flag: u8) {
        let name = self.mangle(name);
        self.cur().add(name, flag);
    }

    fn stmts(&mut self, body: &[Stmt]) -> Result<(), SyntaxError> {
        for s in body {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn stmt(&mut self, s: &Stmt) -> Result<(), SyntaxError> {
        match &s.kind {
            StmtKind::Expr(e) => self.expr(e),
            StmtKind::Assign { targets, value } => {
                self.expr(value)?;
                for t in targets {
                    self.target(t)?;
                }
                Ok(())
            }
            StmtKind::AugAssign { target, value, .. } => {
                if let ExprKind::Name(n) = target.kind {
                    self.def(n, DEF_LOCAL | USE);
                } else {
                    self.expr(target)?;
                }
                self.expr(value)
            }
            StmtKind::AnnAssign { target, value } => {
                if let ExprKind::Name(n) = target.kind {
                    let m = self.mangle(n);
                    let cur = self.cur().flags(m);
                    if cur & (DEF_GLOBAL | DEF_NONLOCAL) != 0 {
                        let which = if cur & DEF_GLOBAL != 0 {
                            "global"
                        } else {
                            "nonlocal"
                        };
                        return Err(self.err(
                            format!(
                                "annotated name '{}' can't be {which}",
                                self.interner.resolve(n)
                            ),
                            s.span,
                        ));
                    }
                    self.def(n, DEF_LOCAL | DEF_ANNOT);
                } else {
                    self.expr(target)?;
                }
                if let Some(v) = value {
                    self.expr(v)?;
                }
                Ok(())
            }
            StmtKind::FunctionDef(f) => {
                for d in &f.decorators {
                    self.expr(d)?;
                }
                self.defaults(&f.args)?;
                self.def(f.name.name, DEF_LOCAL);
                self.push_scope(ScopeKind::Function, s.span);
                self.params(&f.args)?;
                self.stmts(&f.body)?;
                self.pop_scope();
                Ok(())
            }
            StmtKind::ClassDef(c) => {
                for d in &c.decorators {
                    self.expr(d)?;
                }
                for b in &c.bases {
                    self.expr(b)?;
                }
                for k in &c.keywords {
                    self.expr(&k.value)?;
                }
                self.def(c.name.name, DEF_LOCAL);
                self.push_scope(ScopeKind::Class, s.span);
                let outer = self.private.replace(c.name.name);
                let r = self.stmts(&c.body);
                self.private = outer;
                self.pop_scope();
                r
            }
            StmtKind::Return(v) => {
                if let Some(v) = v {
                    self.expr(v)?;
                }
                Ok(())
            }
            StmtKind::Delete(ts) => {
                for t in ts {
                    self.target(t)?;
                }
                Ok(())
            }
            StmtKind::Pass | StmtKind::Break | StmtKind::Continue => Ok(()),
            StmtKind::If { test, body, orelse } | StmtKind::While { test, body, orelse } => {
                self.expr(test)?;
                self.stmts(body)?;
                self.stmts(orelse)
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => {
                self.target(target)?;
                self.expr(iter)?;
                self.stmts(body)?;
                self.stmts(orelse)
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                self.stmts(body)?;
                for h in handlers {
                    if let Some(t) = &h.typ {
                        self.expr(t)?;
                    }
                    if let Some(n) = h.name {
                        self.def(n.name, DEF_LOCAL);
                    }
                    self.stmts(&h.body)?;
                }
                self.stmts(orelse)?;
                self.stmts(finalbody)
            }
            StmtKind::With { items, body } => {
                for i in items {
                    self.expr(&i.context)?;
                    if let Some(t) = &i.target {
                        self.target(t)?;
                    }
                }
                self.stmts(body)
            }
            StmtKind::Raise { exc, cause } => {
                if let Some(e) = exc {
                    self.expr(e)?;
                }
                if let Some(c) = cause {
                    self.expr(c)?;
                }
                Ok(())
            }
            StmtKind::Assert { test, msg } => {
                self.expr(test)?;
                if let Some(m) = msg {
                    self.expr(m)?;
                }
                Ok(())
            }
            StmtKind::Import(names) => {
                for a in names {
                    let bound = a.asname.map_or(a.first, |i| i.name);
                    self.def(bound, DEF_LOCAL);
                }
                Ok(())
            }
            StmtKind::ImportFrom { names, .. } => {
                if names.is_empty() && self.scopes[self.cur_id()].kind != ScopeKind::Module {
                    let star = Span::new(s.span.end.saturating_sub(1), s.span.end);
                    return Err(self.err("import * only allowed at module level".into(), star));
                }
                for a in names {
                    let bound = a.asname.map_or(a.name, |i| i.name);
                    self.def(bound, DEF_LOCAL);
                }
                Ok(())
            }
            StmtKind::Global(names) => {
                for n in names {
                    let m = self.mangle(n.name);
                    let cur = self.cur().flags(m);
                    let name = self.interner.resolve(m).to_owned();
                    if cur & DEF_NONLOCAL != 0 {
                        return Err(
                            self.err(format!("name '{name}' is nonlocal and global"), s.span)
                        );
                    }
                    if cur & (DEF_PARAM | DEF_LOCAL | USE | DEF_ANNOT) != 0 {
                        let msg = if cur & DEF_PARAM != 0 {
                            format!("name '{name}' is parameter and global")
                        } else if cur & USE != 0 {
                            format!("name '{name}' is used prior to global declaration")
                        } else if cur & DEF_ANNOT != 0 {
                            format!("annotated name '{name}' can't be global")
                        } else {
                            format!("name '{name}' is assigned to before global declaration")
                        };
                        return Err(self.err(msg, s.span));
                    }
                    self.def(n.name, DEF_GLOBAL);
                }
                Ok(())
            }
            StmtKind::Nonlocal(names) => {
                if self.scopes[self.cur_id()].kind == ScopeKind::Module {
                    return Err(self.err(
                        "nonlocal declaration not allowed at module level".into(),
                        s.span,
                    ));
                }
                for n in names {
                    let m = self.mangle(n.name);
                    let cur = self.cur().flags(m);
                    let name = self.interner.resolve(m).to_owned();
                    if cur & DEF_GLOBAL != 0 {
                        return Err(
                            self.err(format!("name '{name}' is nonlocal and global"), s.span)
                        );
                    }
                    if cur & (DEF_PARAM | DEF_LOCAL | USE | DEF_ANNOT) != 0 {
                        let msg = if cur & DEF_PARAM != 0 {
                            format!("name '{name}' is parameter and nonlocal")
                        } else if cur & USE != 0 {
                            format!("name '{name}' is used prior to nonlocal declaration")
                        } else if cur & DEF_ANNOT != 0 {
                            format!("annotated name '{name}' can't be nonlocal")
                        } else {
                            format!("name '{name}' is assigned to before nonlocal declaration")
                        };
                        return Err(self.err(msg, s.span));
                    }
                    self.def(n.name, DEF_NONLOCAL);
                    self.cur().nonlocal_spans.push((m, s.span));
                }
                Ok(())
            }
        }
    }

    fn defaults(&mut self, a: &Arguments) -> Result<(), SyntaxError> {
        for d in &a.defaults {
            self.expr(d)?;
        }
        for d in a.kw_defaults.iter().flatten() {
            self.expr(d)?;
        }
        Ok(())
    }

    fn params(&mut self, a: &Arguments) -> Result<(), SyntaxError> {
        let all = a
            .posonly
            .iter()
            .chain(&a.args)
            .chain(&a.kwonly)
            .chain(a.vararg.iter())
            .chain(a.kwarg.iter());
        for p in all {
            let m = self.mangle(p.name.name);
            if self.cur().flags(m) & DEF_PARAM != 0 {
                return Err(self.err(
                    format!(
                        "duplicate argument '{}' in function definition",
                        self.interner.resolve(p.name.name)
                    ),
                    p.name.span,
                ));
            }
            self.def(p.name.name, DEF_PARAM);
            self.cur().params.push(m);
        }
        Ok(())
    }

    /// An assignment / deletion target.
    fn target(&mut self, t: &Expr) -> Result<(), SyntaxError> {
        match &t.kind {
            ExprKind::Name(n) => {
                self.def(*n, DEF_LOCAL);
                Ok(())
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                for i in items {
                    self.target(i)?;
                }
                Ok(())
            }
            ExprKind::Starred(inner) => self.target(inner),
            _ => self.expr(t),
        }
    }

    fn exprs(&mut self, es: &[Expr]) -> Result<(), SyntaxError> {
        for e in es {
            self.expr(e)?;
        }
        Ok(())
    }

    fn expr(&mut self, e: &Expr) -> Result<(), SyntaxError> {
        match &e.kind {
            ExprKind::BoolOp { values, .. } => self.exprs(values),
            ExprKind::BinOp { left, right, .. } => {
                self.expr(left)?;
                self.expr(right)
            }
            ExprKind::UnaryOp { operand, .. } => self.expr(operand),
            ExprKind::Lambda { args, body } => {
                self.defaults(args)?;
                self.push_scope(ScopeKind::Function, e.span);
                self.params(args)?;
                self.expr(body)?;
                self.pop_scope();
                Ok(())
            }
            ExprKind::IfExp { test, body, orelse } => {
                self.expr(test)?;
                self.expr(body)?;
                self.expr(orelse)
            }
            ExprKind::Dict { keys, values } => {
                for k in keys.iter().flatten() {
                    self.expr(k)?;
                }
                self.exprs(values)
            }
            ExprKind::Set(items) | ExprKind::List(items) | ExprKind::Tuple(items) => {
                self.exprs(items)
            }
            ExprKind::ListComp { elt, generators } => {
                self.comprehension(e.span, "list comprehension", &[elt], generators)
            }
            ExprKind::SetComp { elt, generators } => {
                self.comprehension(e.span, "set comprehension", &[elt], generators)
            }
            ExprKind::DictComp {
                key,
                value,
                generators,
            } => self.comprehension(e.span, "dict comprehension", &[key, value], generators),
            ExprKind::GeneratorExp { elt, generators } => {
                self.comprehension(e.span, "generator expression", &[elt], generators)
            }
            ExprKind::Yield(v) => {
                self.yield_here(e.span)?;
                if let Some(v) = v {
                    self.expr(v)?;
                }
                Ok(())
            }
            ExprKind::YieldFrom(v) => {
                self.yield_here(e.span)?;
                self.expr(v)
            }
            ExprKind::Compare {
                left, comparators, ..
            } => {
                self.expr(left)?;
                self.exprs(comparators)
            }
            ExprKind::Call {
                func,
                args,
                keywords,
            } => {
                self.expr(func)?;
                self.exprs(args)?;
                for k in keywords {
                    self.expr(&k.value)?;
                }
                Ok(())
            }
            ExprKind::JoinedStr(parts) => self.fparts(parts),
            ExprKind::Constant(_) => Ok(()),
            ExprKind::Attribute { value, attr } => {
                // intern the mangled attribute name for the code generator
                self.mangle(attr.name);
                self.expr(value)
            }
            ExprKind::Subscript { value, slice } => {
                self.expr(value)?;
                self.expr(slice)
            }
            ExprKind::Starred(v) => self.expr(v),
            ExprKind::Name(n) => {
                self.def(*n, USE);
                let scope = &self.scopes[self.cur_id()];
                if scope.kind == ScopeKind::Function && (*n == self.super_sym) {
                    let c = self.class_sym;
                    self.def(c, USE);
                }
                Ok(())
            }
            ExprKind::Slice { lower, upper, step } => {
                for p in [lower, upper, step].into_iter().flatten() {
                    self.expr(p)?;
                }
                Ok(())
            }
        }
    }

    fn fparts(&mut self, parts: &[FStringPart]) -> Result<(), SyntaxError> {
        for p in parts {
            if let FStringPart::Field(f) = p {
                self.expr(&f.value)?;
                if let Some(spec) = &f.spec {
                    self.fparts(spec)?;
                }
            }
        }
        Ok(())
    }

    fn yield_here(&mut self, span: Span) -> Result<(), SyntaxError> {
        let id = self.cur_id();
        match self.scopes[id].kind {
            ScopeKind::Module | ScopeKind::Class => {
                Err(self.err("'yield' outside function".into(), span))
            }
            ScopeKind::Comprehension => {
                let what = self.comp_names.get(&id).copied().unwrap_or("comprehension");
                Err(self.err(format!("'yield' inside {what}"), span))
            }
            ScopeKind::Function => {
                self.scopes[id].is_generator = true;
                Ok(())
            }
        }
    }

    fn comprehension(
        &mut self,
        span: Span,
        what: &'static str,
        elts: &[&Expr],
        generators: &[Comprehension],
    ) -> Result<(), SyntaxError> {
        let Some((first, rest)) = generators.split_first() else {
            return Ok(());
        };
        // the outermost iterable is evaluated in the enclosing scope
        self.expr(&first.iter)?;
        let id = self.push_scope(ScopeKind::Comprehension, span);
        self.comp_names.insert(id, what);
        if what == "generator expression" {
            self.scopes[id].is_generator = true;
        }
        let dot0 = self.dot0;
        self.def(dot0, DEF_PARAM);
        self.cur().params.push(dot0);
        self.target(&first.target)?;
        self.exprs(&first.ifs)?;
        for g in rest {
            self.expr(&g.iter)?;
            self.target(&g.target)?;
            self.exprs(&g.ifs)?;
        }
        for e in elts {
            self.expr(e)?;
        }
        self.pop_scope();
        Ok(())
    }
}

/// CPython's `analyze_block`: resolve every name of scope `id` given the
/// names `bound` in enclosing function scopes; returns the free variables
/// this scope needs from its enclosing scopes.
fn analyze(
    table: &mut SymbolTable,
    id: ScopeId,
    bound: &HashSet<Symbol>,
    class_sym: Symbol,
    interner: &Interner,
    src: &str,
    filename: &str,
) -> Result<HashSet<Symbol>, SyntaxError> {
    let kind = table.scopes[id].kind;
    let mut resolved = HashMap::new();
    let mut locals = HashSet::new();
    let mut globals = HashSet::new();
    for &(name, flags) in &table.scopes[id].symbols {
        let r = if flags & DEF_GLOBAL != 0 {
            globals.insert(name);
            NameScope::GlobalExplicit
        } else if flags & DEF_NONLOCAL != 0 {
            if !bound.contains(&name) {
                // CPython reports this at the nonlocal statement; find it
                let msg = format!("no binding for nonlocal '{}' found", interner.resolve(name));
                let span = table.scopes[id]
                    .nonlocal_spans
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map_or(Span::default(), |(_, s)| *s);
                return Err(error_at(
                    src,
                    filename,
                    SyntaxErrorKind::SyntaxError,
                    msg,
                    span.start,
                    Some(span.end),
                ));
            }
            NameScope::Free
        } else if flags & (DEF_LOCAL | DEF_PARAM) != 0 {
            locals.insert(name);
            NameScope::Local
        } else if kind != ScopeKind::Module && bound.contains(&name) {
            NameScope::Free
        } else {
            NameScope::GlobalImplicit
        };
        resolved.insert(name, r);
    }
    let new_bound: HashSet<Symbol> = match kind {
        ScopeKind::Module => HashSet::new(),
        ScopeKind::Class => {
            let mut b = bound.clone();
            b.insert(class_sym);
            b
        }
        ScopeKind::Function | ScopeKind::Comprehension => {
            let mut b: HashSet<Symbol> = bound.difference(&globals).copied().collect();
            b.extend(locals.iter().copied());
            b
        }
    };
    let mut free: HashSet<Symbol> = resolved
        .iter()
        .filter(|(_, r)| **r == NameScope::Free)
        .map(|(n, _)| *n)
        .collect();
    let children = table.scopes[id].children.clone();
    let mut passthrough = Vec::new();
    let mut needs_class_cell = false;
    for child in children {
        let child_free = analyze(table, child, &new_bound, class_sym, interner, src, filename)?;
        let mut names: Vec<Symbol> = child_free.into_iter().collect();
        names.sort();
        for n in names {
            if kind == ScopeKind::Class && n == class_sym {
                needs_class_cell = true;
                continue;
            }
            match resolved.get(&n).copied() {
                Some(NameScope::Local) if kind != ScopeKind::Class => {
                    resolved.insert(n, NameScope::Cell);
                }
                Some(NameScope::Cell) => {}
                Some(NameScope::Local) => {
                    // a class binds it, but its methods see the enclosing function's
                    if !passthrough.contains(&n) {
                        passthrough.push(n);
                    }
                    free.insert(n);
                }
                Some(NameScope::Free) => {
                    free.insert(n);
                }
                Some(NameScope::GlobalExplicit) | Some(NameScope::GlobalImplicit) | None => {
                    if kind == ScopeKind::Class && resolved.contains_key(&n) {
                        if !passthrough.contains(&n) {
                            passthrough.push(n);
                        }
                    } else {
                        resolved.insert(n, NameScope::Free);
                    }
                    free.insert(n);
                }
            }
        }
    }
    let scope = &mut table.scopes[id];
    scope.resolved = resolved;
    scope.class_passthrough = passthrough;
    scope.needs_class_cell = needs_class_cell;
    Ok(free)
}

/// Compute `varnames`, `cellvars`, `freevars` of every scope.
fn finish(table: &mut SymbolTable, interner: &Interner, class_sym: Symbol) {
    for scope in &mut table.scopes {
        let mut cells: Vec<Symbol> = scope
            .resolved
            .iter()
            .filter(|(_, r)| **r == NameScope::Cell)
            .map(|(n, _)| *n)
            .collect();
        if scope.needs_class_cell {
            cells.push(class_sym);
        }
        // CPython 3.11's localsplus order: cells that are parameters first,
        // in parameter order, then the others by name
        let param_pos = |n: &Symbol| {
            scope
                .params
                .iter()
                .position(|p| p == n)
                .unwrap_or(usize::MAX)
        };
        cells.sort_by(|a, b| {
            param_pos(a)
                .cmp(&param_pos(b))
                .then_with(|| interner.resolve(*a).cmp(interner.resolve(*b)))
        });
        cells.dedup();
        let mut frees: Vec<Symbol> = scope
            .resolved
            .iter()
            .filter(|(_, r)| **r == NameScope::Free)
            .map(|(n, _)| *n)
            .collect();
        frees.extend(scope.class_passthrough.iter().copied());
        frees.sort_by(|a, b| interner.resolve(*a).cmp(interner.resolve(*b)));
        frees.dedup();
        if scope.is_function_like() {
            // the code generator appends the other locals as it uses them
            scope.varnames = scope.params.clone();
        }
        scope.cellvars = cells;
        scope.freevars = frees;
    }
}
