//! The abstract syntax tree: CPython's `Parser/Python.asdl`, restricted to
//! the language pymm runs (no `async`, `match`, walrus, `@`-less type
//! annotations are parsed and dropped).
//!
//! Positions are [`Span`]s of UTF-8 byte offsets into the decoded source;
//! [`LineIndex`] turns them into lines and columns. Identifiers are
//! [`Symbol`]s interned by an [`Interner`] owned by the parse result, so the
//! tree holds no identifier strings.
//!
//! Depth: the parser refuses trees deeper than
//! `parser::MAX_NESTING` levels, so every recursive
//! walk of the tree (the symbol table, the compiler, `Drop`) is bounded.

use hashbrown::HashMap;

use num_bigint::BigInt;

pub use crate::compile::code::{BinaryOperator, Conversion, UnaryOperator};

/// A byte range `start..end` of the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// The span `start..end`.
    pub fn new(start: u32, end: u32) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// An interned identifier (index into an [`Interner`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(pub u32);

/// Identifier interner: each distinct identifier is stored once.
#[derive(Clone, Debug, Default)]
pub struct Interner {
    names: Vec<Box<str>>,
    map: HashMap<Box<str>, Symbol>,
}

impl Interner {
    /// An empty interner.
    pub fn new() -> Interner {
        Interner::default()
    }

    /// The symbol for `name`, adding it if new.
    pub fn intern(&mut self, name: &str) -> Symbol {
        if let Some(&s) = self.map.get(name) {
            return s;
        }
        let sym = Symbol(u32::try_from(self.names.len()).unwrap_or(u32::MAX));
        self.names.push(name.into());
        self.map.insert(name.into(), sym);
        sym
    }

    /// The symbol for `name` if it was interned.
    pub fn lookup(&self, name: &str) -> Option<Symbol> {
        self.map.get(name).copied()
    }

    /// The text of `sym` (`""` for a symbol from another interner).
    pub fn resolve(&self, sym: Symbol) -> &str {
        self.names.get(sym.0 as usize).map_or("", |s| s)
    }

    /// Number of distinct identifiers.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True if nothing was interned.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// An identifier with its position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ident {
    /// The name.
    pub name: Symbol,
    /// Where it is written.
    pub span: Span,
}

/// Byte offset → (line, column) conversion for one source text.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    /// Index the line starts of `source` (`\n` ends a line).
    pub fn new(source: &str) -> LineIndex {
        let mut starts = vec![0];
        for (i, b) in source.bytes().enumerate() {
            if b == b'\n' {
                starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
        }
        LineIndex { starts }
    }

    /// 1-based line and 0-based byte column of `offset`.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        (u32::try_from(line).unwrap_or(u32::MAX), offset - start)
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: u32) -> u32 {
        self.starts
            .get((line as usize).saturating_sub(1))
            .copied()
            .unwrap_or(0)
    }

    /// Number of lines.
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

/// A parsed module.
#[derive(Clone, Debug, PartialEq)]
pub struct Module {
    /// The statements.
    pub body: Vec<Stmt>,
}

/// A statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    /// What it is.
    pub kind: StmtKind,
    /// Its source range.
    pub span: Span,
}

/// The statements.
#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// An expression statement.
    Expr(Expr),
    /// `t1 = t2 = value` (targets in source order).
    Assign {
        /// Targets (names, attributes, subscripts, tuples/lists, starred).
        targets: Vec<Expr>,
        /// The value.
        value: Expr,
    },
    /// `target op= value`.
    AugAssign {
        /// A name, attribute or subscript.
        target: Expr,
        /// The operator.
        op: BinaryOperator,
        /// The value.
        value: Expr,
    },
    /// `target: annotation [= value]` (the annotation is dropped; a bare
    /// simple-name annotation still makes the name local, as CPython).
    AnnAssign {
        /// The target.
        target: Expr,
        /// The value, if any.
        value: Option<Expr>,
    },
    /// `def`.
    FunctionDef(Box<FunctionDef>),
    /// `class`.
    ClassDef(Box<ClassDef>),
    /// `return [value]`.
    Return(Option<Expr>),
    /// `del t1, t2`.
    Delete(Vec<Expr>),
    /// `pass`.
    Pass,
    /// `break`.
    Break,
    /// `continue`.
    Continue,
    /// `if test: body else: orelse` (`elif` nests in `orelse`).
    If {
        /// Condition.
        test: Expr,
        /// Then-branch.
        body: Vec<Stmt>,
        /// Else-branch (possibly empty).
        orelse: Vec<Stmt>,
    },
    /// `while test: body else: orelse`.
    While {
        /// Condition.
        test: Expr,
        /// Loop body.
        body: Vec<Stmt>,
        /// Runs when the loop ends without `break`.
        orelse: Vec<Stmt>,
    },
    /// `for target in iter: body else: orelse`.
    For {
        /// Loop target.
        target: Expr,
        /// Iterated expression.
        iter: Expr,
        /// Loop body.
        body: Vec<Stmt>,
        /// Runs when the loop ends without `break`.
        orelse: Vec<Stmt>,
    },
    /// `try` with `except`/`else`/`finally`.
    Try {
        /// Protected body.
        body: Vec<Stmt>,
        /// Except clauses.
        handlers: Vec<ExceptHandler>,
        /// Runs if the body raised nothing.
        orelse: Vec<Stmt>,
        /// Always runs.
        finalbody: Vec<Stmt>,
    },
    /// `with a as x, b: body`.
    With {
        /// The context managers.
        items: Vec<WithItem>,
        /// The body.
        body: Vec<Stmt>,
    },
    /// `raise [exc [from cause]]`.
    Raise {
        /// The exception.
        exc: Option<Expr>,
        /// The cause.
        cause: Option<Expr>,
    },
    /// `assert test [, msg]`.
    Assert {
        /// The condition.
        test: Expr,
        /// The message.
        msg: Option<Expr>,
    },
    /// `import a.b as c, d`.
    Import(Vec<Alias>),
    /// `from module import a as b, c` / `from module import *`.
    ImportFrom {
        /// The module.
        module: Alias,
        /// The imported names; empty for `*`.
        names: Vec<Alias>,
    },
    /// `global a, b`.
    Global(Vec<Ident>),
    /// `nonlocal a, b`.
    Nonlocal(Vec<Ident>),
}

/// A (possibly dotted) imported name with its optional `as` name.
#[derive(Clone, Debug, PartialEq)]
pub struct Alias {
    /// The whole dotted name (`a.b.c`) as one symbol.
    pub name: Symbol,
    /// The first component (`a`), what `import a.b.c` binds.
    pub first: Symbol,
    /// True if the name has dots.
    pub dotted: bool,
    /// `as` name.
    pub asname: Option<Ident>,
    /// Source range of the name.
    pub span: Span,
}

/// `def name(args): body`.
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionDef {
    /// The name.
    pub name: Ident,
    /// The parameters.
    pub args: Arguments,
    /// The body.
    pub body: Vec<Stmt>,
    /// Decorators, outermost first.
    pub decorators: Vec<Expr>,
}

/// `class name(bases, keywords): body`.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassDef {
    /// The name.
    pub name: Ident,
    /// Positional bases (may contain `Starred`).
    pub bases: Vec<Expr>,
    /// `metaclass=...` and other keywords.
    pub keywords: Vec<Keyword>,
    /// The body.
    pub body: Vec<Stmt>,
    /// Decorators, outermost first.
    pub decorators: Vec<Expr>,
}

/// An `except [type [as name]]:` clause.
#[derive(Clone, Debug, PartialEq)]
pub struct ExceptHandler {
    /// The matched type (bare `except:` when `None`).
    pub typ: Option<Expr>,
    /// The `as` name.
    pub name: Option<Ident>,
    /// The body.
    pub body: Vec<Stmt>,
    /// The `except ...:` header range.
    pub span: Span,
}

/// One `expr [as target]` of a `with`.
#[derive(Clone, Debug, PartialEq)]
pub struct WithItem {
    /// The context manager.
    pub context: Expr,
    /// The target.
    pub target: Option<Expr>,
}

/// A parameter name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arg {
    /// The parameter.
    pub name: Ident,
}

/// A parameter list (`ast.arguments`).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Arguments {
    /// Positional-only parameters (before `/`).
    pub posonly: Vec<Arg>,
    /// Positional-or-keyword parameters.
    pub args: Vec<Arg>,
    /// `*args`.
    pub vararg: Option<Arg>,
    /// Keyword-only parameters.
    pub kwonly: Vec<Arg>,
    /// Defaults of keyword-only parameters (same length as `kwonly`).
    pub kw_defaults: Vec<Option<Expr>>,
    /// `**kwargs`.
    pub kwarg: Option<Arg>,
    /// Defaults of the last `defaults.len()` positional parameters.
    pub defaults: Vec<Expr>,
}

/// `name=value` in a call or class header; `**value` when `arg` is `None`.
#[derive(Clone, Debug, PartialEq)]
pub struct Keyword {
    /// The keyword.
    pub arg: Option<Ident>,
    /// The value.
    pub value: Expr,
    /// The whole `name=value` range.
    pub span: Span,
}

/// One `for target in iter if cond...` of a comprehension.
#[derive(Clone, Debug, PartialEq)]
pub struct Comprehension {
    /// Loop target.
    pub target: Expr,
    /// Iterated expression.
    pub iter: Expr,
    /// Filters.
    pub ifs: Vec<Expr>,
}

/// `and` / `or`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoolOp {
    /// `and`.
    And,
    /// `or`.
    Or,
}

/// Comparison operators (chained in [`ExprKind::Compare`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`.
    Eq,
    /// `!=`.
    NotEq,
    /// `<`.
    Lt,
    /// `<=`.
    LtE,
    /// `>`.
    Gt,
    /// `>=`.
    GtE,
    /// `is`.
    Is,
    /// `is not`.
    IsNot,
    /// `in`.
    In,
    /// `not in`.
    NotIn,
}

/// A literal value.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// `None`.
    None,
    /// `True`.
    True,
    /// `False`.
    False,
    /// `...`.
    Ellipsis,
    /// An integer.
    Int(BigInt),
    /// A float.
    Float(f64),
    /// A string (concatenated, escapes processed).
    Str(String),
    /// A bytes literal.
    Bytes(Vec<u8>),
}

/// A piece of an f-string.
#[derive(Clone, Debug, PartialEq)]
pub enum FStringPart {
    /// Literal text (`{{`/`}}` already unescaped).
    Literal(String),
    /// A replacement field `{value!conv:spec}`.
    Field(Box<FormattedValue>),
}

/// A replacement field of an f-string.
#[derive(Clone, Debug, PartialEq)]
pub struct FormattedValue {
    /// The expression.
    pub value: Expr,
    /// `!r`/`!s`/`!a`.
    pub conversion: Conversion,
    /// The format spec, itself an f-string (it may contain fields).
    pub spec: Option<Vec<FStringPart>>,
}

/// An expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Its source range.
    pub span: Span,
}

/// The expressions.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// `a and b and c` / `a or b`.
    BoolOp {
        /// Which.
        op: BoolOp,
        /// At least two operands.
        values: Vec<Expr>,
    },
    /// `left op right`.
    BinOp {
        /// Left operand.
        left: Box<Expr>,
        /// Operator.
        op: BinaryOperator,
        /// Right operand.
        right: Box<Expr>,
    },
    /// `op operand` (`not` included).
    UnaryOp {
        /// Operator.
        op: UnaryOperator,
        /// Operand.
        operand: Box<Expr>,
    },
    /// `lambda args: body`.
    Lambda {
        /// Parameters.
        args: Box<Arguments>,
        /// Body.
        body: Box<Expr>,
    },
    /// `body if test else orelse`.
    IfExp {
        /// Condition.
        test: Box<Expr>,
        /// Value if true.
        body: Box<Expr>,
        /// Value if false.
        orelse: Box<Expr>,
    },
    /// `{k: v, **m}`: a `None` key is a `**` unpacking of the value.
    Dict {
        /// Keys.
        keys: Vec<Option<Expr>>,
        /// Values.
        values: Vec<Expr>,
    },
    /// `{a, *b}`.
    Set(Vec<Expr>),
    /// `[elt for ...]`.
    ListComp {
        /// Element.
        elt: Box<Expr>,
        /// `for`/`if` clauses.
        generators: Vec<Comprehension>,
    },
    /// `{elt for ...}`.
    SetComp {
        /// Element.
        elt: Box<Expr>,
        /// `for`/`if` clauses.
        generators: Vec<Comprehension>,
    },
    /// `{key: value for ...}`.
    DictComp {
        /// Key.
        key: Box<Expr>,
        /// Value.
        value: Box<Expr>,
        /// `for`/`if` clauses.
        generators: Vec<Comprehension>,
    },
    /// `(elt for ...)`.
    GeneratorExp {
        /// Element.
        elt: Box<Expr>,
        /// `for`/`if` clauses.
        generators: Vec<Comprehension>,
    },
    /// `yield [value]`.
    Yield(Option<Box<Expr>>),
    /// `yield from value`.
    YieldFrom(Box<Expr>),
    /// `left op1 c1 op2 c2 ...`.
    Compare {
        /// First operand.
        left: Box<Expr>,
        /// Operators.
        ops: Vec<CmpOp>,
        /// Following operands.
        comparators: Vec<Expr>,
    },
    /// `func(args, keywords)`.
    Call {
        /// Callee.
        func: Box<Expr>,
        /// Positional arguments (may contain `Starred`).
        args: Vec<Expr>,
        /// Keyword arguments and `**` unpackings.
        keywords: Vec<Keyword>,
    },
    /// An f-string (after implicit concatenation with other strings).
    JoinedStr(Vec<FStringPart>),
    /// A literal.
    Constant(Literal),
    /// `value.attr`.
    Attribute {
        /// Object.
        value: Box<Expr>,
        /// Attribute name.
        attr: Ident,
    },
    /// `value[slice]`.
    Subscript {
        /// Container.
        value: Box<Expr>,
        /// Key (a `Slice`, a `Tuple` for `a[1, 2:3]`, or any expression).
        slice: Box<Expr>,
    },
    /// `*value` (in calls, displays, assignment targets).
    Starred(Box<Expr>),
    /// A name.
    Name(Symbol),
    /// `[a, b]`.
    List(Vec<Expr>),
    /// `(a, b)` / `a, b`.
    Tuple(Vec<Expr>),
    /// `lower:upper:step` inside a subscript.
    Slice {
        /// Start.
        lower: Option<Box<Expr>>,
        /// Stop.
        upper: Option<Box<Expr>>,
        /// Step.
        step: Option<Box<Expr>>,
    },
}

impl Expr {
    /// A new expression node.
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }
}
