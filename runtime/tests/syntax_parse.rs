//! The parser against CPython 3.11's own: for each snippet (every
//! construct of the language), the tree printed in the format of Python's
//! `ast.dump(ast.parse(src))` must equal what CPython 3.11.7 printed
//! (recorded, so the test needs no Python). Expression contexts
//! (`Load`/`Store`/`Del`), which pymm's tree leaves implicit, are derived
//! from the position of each node.

use rstest::rstest;
use runtime::syntax::ast::*;
use runtime::syntax::parse_module;

struct Dumper<'a> {
    i: &'a Interner,
    out: String,
}

#[derive(Clone, Copy, PartialEq)]
enum Ctx {
    Load,
    Store,
    Del,
}

fn py_str(s: &str) -> String {
    let q = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut o = String::new();
    o.push(q);
    for c in s.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\t' => o.push_str("\\t"),
            '\r' => o.push_str("\\r"),
            c if c == q => {
                o.push('\\');
                o.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                o.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => o.push(c),
        }
    }
    o.push(q);
    o
}

fn py_bytes(b: &[u8]) -> String {
    let mut o = String::from("b'");
    for &c in b {
        match c {
            b'\\' => o.push_str("\\\\"),
            b'\'' => o.push_str("\\'"),
            b'\n' => o.push_str("\\n"),
            b'\t' => o.push_str("\\t"),
            b'\r' => o.push_str("\\r"),
            32..=126 => o.push(c as char),
            _ => o.push_str(&format!("\\x{c:02x}")),
        }
    }
    o.push('\'');
    o
}

fn binop(op: BinaryOperator) -> &'static str {
    match op {
        BinaryOperator::Add => "Add",
        BinaryOperator::Sub => "Sub",
        BinaryOperator::Mul => "Mult",
        BinaryOperator::MatMul => "MatMult",
        BinaryOperator::TrueDiv => "Div",
        BinaryOperator::FloorDiv => "FloorDiv",
        BinaryOperator::Mod => "Mod",
        BinaryOperator::Pow => "Pow",
        BinaryOperator::LShift => "LShift",
        BinaryOperator::RShift => "RShift",
        BinaryOperator::And => "BitAnd",
        BinaryOperator::Or => "BitOr",
        BinaryOperator::Xor => "BitXor",
    }
}

impl Dumper<'_> {
    fn w(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn name(&self, s: Symbol) -> String {
        py_str(self.i.resolve(s))
    }

    fn list<T>(&mut self, items: &[T], mut f: impl FnMut(&mut Self, &T)) {
        self.w("[");
        for (k, it) in items.iter().enumerate() {
            if k > 0 {
                self.w(", ");
            }
            f(self, it);
        }
        self.w("]");
    }

    fn stmts(&mut self, body: &[Stmt]) {
        self.list(body, |d, s| d.stmt(s));
    }

    fn exprs(&mut self, es: &[Expr], ctx: Ctx) {
        self.list(es, |d, e| d.expr(e, ctx));
    }

    fn stmt(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Expr(e) => {
                self.w("Expr(value=");
                self.expr(e, Ctx::Load);
                self.w(")");
            }
            StmtKind::Assign { targets, value } => {
                self.w("Assign(targets=");
                self.exprs(targets, Ctx::Store);
                self.w(", value=");
                self.expr(value, Ctx::Load);
                self.w(")");
            }
            StmtKind::AugAssign { target, op, value } => {
                self.w("AugAssign(target=");
                self.expr(target, Ctx::Store);
                self.w(&format!(", op={}(), value=", binop(*op)));
                self.expr(value, Ctx::Load);
                self.w(")");
            }
            StmtKind::AnnAssign { .. } => self.w("AnnAssign(?)"),
            StmtKind::FunctionDef(f) => {
                self.w(&format!(
                    "FunctionDef(name={}, args=",
                    self.name(f.name.name)
                ));
                self.arguments(&f.args);
                self.w(", body=");
                self.stmts(&f.body);
                self.w(", decorator_list=");
                self.exprs(&f.decorators, Ctx::Load);
                self.w(")");
            }
            StmtKind::ClassDef(c) => {
                self.w(&format!("ClassDef(name={}, bases=", self.name(c.name.name)));
                self.exprs(&c.bases, Ctx::Load);
                self.w(", keywords=");
                self.list(&c.keywords, |d, k| d.keyword(k));
                self.w(", body=");
                self.stmts(&c.body);
                self.w(", decorator_list=");
                self.exprs(&c.decorators, Ctx::Load);
                self.w(")");
            }
            StmtKind::Return(v) => match v {
                Some(v) => {
                    self.w("Return(value=");
                    self.expr(v, Ctx::Load);
                    self.w(")");
                }
                None => self.w("Return()"),
            },
            StmtKind::Delete(ts) => {
                self.w("Delete(targets=");
                self.exprs(ts, Ctx::Del);
                self.w(")");
            }
            StmtKind::Pass => self.w("Pass()"),
            StmtKind::Break => self.w("Break()"),
            StmtKind::Continue => self.w("Continue()"),
            StmtKind::If { test, body, orelse } | StmtKind::While { test, body, orelse } => {
                self.w(if matches!(s.kind, StmtKind::If { .. }) {
                    "If(test="
                } else {
                    "While(test="
                });
                self.expr(test, Ctx::Load);
                self.w(", body=");
                self.stmts(body);
                self.w(", orelse=");
                self.stmts(orelse);
                self.w(")");
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => {
                self.w("For(target=");
                self.expr(target, Ctx::Store);
                self.w(", iter=");
                self.expr(iter, Ctx::Load);
                self.w(", body=");
                self.stmts(body);
                self.w(", orelse=");
                self.stmts(orelse);
                self.w(")");
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                self.w("Try(body=");
                self.stmts(body);
                self.w(", handlers=");
                self.list(handlers, |d, h| {
                    d.w("ExceptHandler(");
                    if let Some(t) = &h.typ {
                        d.w("type=");
                        d.expr(t, Ctx::Load);
                        d.w(", ");
                    }
                    if let Some(n) = h.name {
                        let n = d.name(n.name);
                        d.w(&format!("name={n}, "));
                    }
                    d.w("body=");
                    d.stmts(&h.body);
                    d.w(")");
                });
                self.w(", orelse=");
                self.stmts(orelse);
                self.w(", finalbody=");
                self.stmts(finalbody);
                self.w(")");
            }
            StmtKind::With { items, body } => {
                self.w("With(items=");
                self.list(items, |d, it| {
                    d.w("withitem(context_expr=");
                    d.expr(&it.context, Ctx::Load);
                    if let Some(t) = &it.target {
                        d.w(", optional_vars=");
                        d.expr(t, Ctx::Store);
                    }
                    d.w(")");
                });
                self.w(", body=");
                self.stmts(body);
                self.w(")");
            }
            StmtKind::Raise { exc, cause } => {
                self.w("Raise(");
                if let Some(e) = exc {
                    self.w("exc=");
                    self.expr(e, Ctx::Load);
                }
                if let Some(c) = cause {
                    self.w(", cause=");
                    self.expr(c, Ctx::Load);
                }
                self.w(")");
            }
            StmtKind::Assert { test, msg } => {
                self.w("Assert(test=");
                self.expr(test, Ctx::Load);
                if let Some(m) = msg {
                    self.w(", msg=");
                    self.expr(m, Ctx::Load);
                }
                self.w(")");
            }
            StmtKind::Import(names) => {
                self.w("Import(names=");
                self.list(names, |d, a| d.alias(a));
                self.w(")");
            }
            StmtKind::ImportFrom { module, names } => {
                self.w(&format!(
                    "ImportFrom(module={}, names=",
                    self.name(module.name)
                ));
                if names.is_empty() {
                    self.w("[alias(name='*')]");
                } else {
                    self.list(names, |d, a| d.alias(a));
                }
                self.w(", level=0)");
            }
            StmtKind::Global(ns) | StmtKind::Nonlocal(ns) => {
                self.w(if matches!(s.kind, StmtKind::Global(_)) {
                    "Global(names="
                } else {
                    "Nonlocal(names="
                });
                self.list(ns, |d, n| {
                    let n = d.name(n.name);
                    d.w(&n);
                });
                self.w(")");
            }
        }
    }

    fn alias(&mut self, a: &Alias) {
        self.w(&format!("alias(name={}", self.name(a.name)));
        if let Some(n) = a.asname {
            self.w(&format!(", asname={}", self.name(n.name)));
        }
        self.w(")");
    }

    fn keyword(&mut self, k: &Keyword) {
        self.w("keyword(");
        if let Some(a) = k.arg {
            self.w(&format!("arg={}, ", self.name(a.name)));
        }
        self.w("value=");
        self.expr(&k.value, Ctx::Load);
        self.w(")");
    }

    fn arg(&mut self, a: &Arg) {
        self.w(&format!("arg(arg={})", self.name(a.name.name)));
    }

    fn arguments(&mut self, a: &Arguments) {
        self.w("arguments(posonlyargs=");
        self.list(&a.posonly, |d, x| d.arg(x));
        self.w(", args=");
        self.list(&a.args, |d, x| d.arg(x));
        if let Some(v) = &a.vararg {
            self.w(", vararg=");
            self.arg(v);
        }
        self.w(", kwonlyargs=");
        self.list(&a.kwonly, |d, x| d.arg(x));
        self.w(", kw_defaults=");
        self.list(&a.kw_defaults, |d, x| match x {
            Some(e) => d.expr(e, Ctx::Load),
            None => d.w("None"),
        });
        if let Some(k) = &a.kwarg {
            self.w(", kwarg=");
            self.arg(k);
        }
        self.w(", defaults=");
        self.exprs(&a.defaults, Ctx::Load);
        self.w(")");
    }

    fn ctx(&mut self, ctx: Ctx) {
        self.w(match ctx {
            Ctx::Load => "ctx=Load()",
            Ctx::Store => "ctx=Store()",
            Ctx::Del => "ctx=Del()",
        });
    }

    fn comps(&mut self, gens: &[Comprehension]) {
        self.list(gens, |d, g| {
            d.w("comprehension(target=");
            d.expr(&g.target, Ctx::Store);
            d.w(", iter=");
            d.expr(&g.iter, Ctx::Load);
            d.w(", ifs=");
            d.exprs(&g.ifs, Ctx::Load);
            d.w(", is_async=0)");
        });
    }

    fn fparts(&mut self, parts: &[FStringPart]) {
        self.w("JoinedStr(values=");
        self.list(parts, |d, p| match p {
            FStringPart::Literal(s) => d.w(&format!("Constant(value={})", py_str(s))),
            FStringPart::Field(f) => {
                d.w("FormattedValue(value=");
                d.expr(&f.value, Ctx::Load);
                let c = match f.conversion {
                    Conversion::None => -1,
                    Conversion::Str => 115,
                    Conversion::Repr => 114,
                    Conversion::Ascii => 97,
                };
                d.w(&format!(", conversion={c}"));
                if let Some(spec) = &f.spec {
                    d.w(", format_spec=");
                    d.fparts(spec);
                }
                d.w(")");
            }
        });
        self.w(")");
    }

    fn expr(&mut self, e: &Expr, ctx: Ctx) {
        match &e.kind {
            ExprKind::BoolOp { op, values } => {
                self.w(if *op == BoolOp::And {
                    "BoolOp(op=And(), values="
                } else {
                    "BoolOp(op=Or(), values="
                });
                self.exprs(values, Ctx::Load);
                self.w(")");
            }
            ExprKind::BinOp { left, op, right } => {
                self.w("BinOp(left=");
                self.expr(left, Ctx::Load);
                self.w(&format!(", op={}(), right=", binop(*op)));
                self.expr(right, Ctx::Load);
                self.w(")");
            }
            ExprKind::UnaryOp { op, operand } => {
                let o = match op {
                    UnaryOperator::Neg => "USub",
                    UnaryOperator::Pos => "UAdd",
                    UnaryOperator::Invert => "Invert",
                    UnaryOperator::Not => "Not",
                };
                self.w(&format!("UnaryOp(op={o}(), operand="));
                self.expr(operand, Ctx::Load);
                self.w(")");
            }
            ExprKind::Lambda { args, body } => {
                self.w("Lambda(args=");
                self.arguments(args);
                self.w(", body=");
                self.expr(body, Ctx::Load);
                self.w(")");
            }
            ExprKind::IfExp { test, body, orelse } => {
                self.w("IfExp(test=");
                self.expr(test, Ctx::Load);
                self.w(", body=");
                self.expr(body, Ctx::Load);
                self.w(", orelse=");
                self.expr(orelse, Ctx::Load);
                self.w(")");
            }
            ExprKind::Dict { keys, values } => {
                self.w("Dict(keys=");
                self.list(keys, |d, k| match k {
                    Some(k) => d.expr(k, Ctx::Load),
                    None => d.w("None"),
                });
                self.w(", values=");
                self.exprs(values, Ctx::Load);
                self.w(")");
            }
            ExprKind::Set(items) => {
                self.w("Set(elts=");
                self.exprs(items, Ctx::Load);
                self.w(")");
            }
            ExprKind::ListComp { elt, generators }
            | ExprKind::SetComp { elt, generators }
            | ExprKind::GeneratorExp { elt, generators } => {
                let n = match e.kind {
                    ExprKind::ListComp { .. } => "ListComp",
                    ExprKind::SetComp { .. } => "SetComp",
                    _ => "GeneratorExp",
                };
                self.w(&format!("{n}(elt="));
                self.expr(elt, Ctx::Load);
                self.w(", generators=");
                self.comps(generators);
                self.w(")");
            }
            ExprKind::DictComp {
                key,
                value,
                generators,
            } => {
                self.w("DictComp(key=");
                self.expr(key, Ctx::Load);
                self.w(", value=");
                self.expr(value, Ctx::Load);
                self.w(", generators=");
                self.comps(generators);
                self.w(")");
            }
            ExprKind::Yield(v) => match v {
                Some(v) => {
                    self.w("Yield(value=");
                    self.expr(v, Ctx::Load);
                    self.w(")");
                }
                None => self.w("Yield()"),
            },
            ExprKind::YieldFrom(v) => {
                self.w("YieldFrom(value=");
                self.expr(v, Ctx::Load);
                self.w(")");
            }
            ExprKind::Compare {
                left,
                ops,
                comparators,
            } => {
                self.w("Compare(left=");
                self.expr(left, Ctx::Load);
                self.w(", ops=");
                self.list(ops, |d, o| {
                    d.w(match o {
                        CmpOp::Eq => "Eq()",
                        CmpOp::NotEq => "NotEq()",
                        CmpOp::Lt => "Lt()",
                        CmpOp::LtE => "LtE()",
                        CmpOp::Gt => "Gt()",
                        CmpOp::GtE => "GtE()",
                        CmpOp::Is => "Is()",
                        CmpOp::IsNot => "IsNot()",
                        CmpOp::In => "In()",
                        CmpOp::NotIn => "NotIn()",
                    })
                });
                self.w(", comparators=");
                self.exprs(comparators, Ctx::Load);
                self.w(")");
            }
            ExprKind::Call {
                func,
                args,
                keywords,
            } => {
                self.w("Call(func=");
                self.expr(func, Ctx::Load);
                self.w(", args=");
                self.exprs(args, Ctx::Load);
                self.w(", keywords=");
                self.list(keywords, |d, k| d.keyword(k));
                self.w(")");
            }
            ExprKind::JoinedStr(parts) => self.fparts(parts),
            ExprKind::Constant(l) => {
                let v = match l {
                    Literal::None => "None".to_owned(),
                    Literal::True => "True".to_owned(),
                    Literal::False => "False".to_owned(),
                    Literal::Ellipsis => "Ellipsis".to_owned(),
                    Literal::Int(i) => i.to_string(),
                    Literal::Float(f) => {
                        if f.fract() == 0.0 && f.abs() < 1e16 {
                            format!("{f:.1}")
                        } else {
                            format!("{f}")
                        }
                    }
                    Literal::Str(s) => py_str(s),
                    Literal::Bytes(b) => py_bytes(b),
                };
                self.w(&format!("Constant(value={v})"));
            }
            ExprKind::Attribute { value, attr } => {
                self.w("Attribute(value=");
                self.expr(value, Ctx::Load);
                self.w(&format!(", attr={}, ", self.name(attr.name)));
                self.ctx(ctx);
                self.w(")");
            }
            ExprKind::Subscript { value, slice } => {
                self.w("Subscript(value=");
                self.expr(value, Ctx::Load);
                self.w(", slice=");
                self.expr(slice, Ctx::Load);
                self.w(", ");
                self.ctx(ctx);
                self.w(")");
            }
            ExprKind::Starred(v) => {
                self.w("Starred(value=");
                self.expr(v, ctx);
                self.w(", ");
                self.ctx(ctx);
                self.w(")");
            }
            ExprKind::Name(n) => {
                self.w(&format!("Name(id={}, ", self.name(*n)));
                self.ctx(ctx);
                self.w(")");
            }
            ExprKind::List(items) | ExprKind::Tuple(items) => {
                self.w(if matches!(e.kind, ExprKind::List(_)) {
                    "List(elts="
                } else {
                    "Tuple(elts="
                });
                self.exprs(items, ctx);
                self.w(", ");
                self.ctx(ctx);
                self.w(")");
            }
            ExprKind::Slice { lower, upper, step } => {
                self.w("Slice(");
                let mut first = true;
                for (n, p) in [("lower", lower), ("upper", upper), ("step", step)] {
                    if let Some(p) = p {
                        if !first {
                            self.w(", ");
                        }
                        first = false;
                        self.w(&format!("{n}="));
                        self.expr(p, Ctx::Load);
                    }
                }
                self.w(")");
            }
        }
    }
}

fn dump(src: &str) -> String {
    let (m, interner) = parse_module(src, "x.py").unwrap_or_else(|e| panic!("{e}"));
    let mut d = Dumper {
        i: &interner,
        out: String::new(),
    };
    d.w("Module(body=");
    d.stmts(&m.body);
    d.w(", type_ignores=[])");
    d.out
}

#[rstest]
#[case(
    "x = 1",
    "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=Constant(value=1))], type_ignores=[])"
)]
#[case(
    "a = b = c",
    "Module(body=[Assign(targets=[Name(id='a', ctx=Store()), Name(id='b', ctx=Store())], value=Name(id='c', ctx=Load()))], type_ignores=[])"
)]
#[case(
    "x, y = y, x",
    "Module(body=[Assign(targets=[Tuple(elts=[Name(id='x', ctx=Store()), Name(id='y', ctx=Store())], ctx=Store())], value=Tuple(elts=[Name(id='y', ctx=Load()), Name(id='x', ctx=Load())], ctx=Load()))], type_ignores=[])"
)]
#[case(
    "[a, (b, c)] = d",
    "Module(body=[Assign(targets=[List(elts=[Name(id='a', ctx=Store()), Tuple(elts=[Name(id='b', ctx=Store()), Name(id='c', ctx=Store())], ctx=Store())], ctx=Store())], value=Name(id='d', ctx=Load()))], type_ignores=[])"
)]
#[case(
    "a, *b, c = d",
    "Module(body=[Assign(targets=[Tuple(elts=[Name(id='a', ctx=Store()), Starred(value=Name(id='b', ctx=Store()), ctx=Store()), Name(id='c', ctx=Store())], ctx=Store())], value=Name(id='d', ctx=Load()))], type_ignores=[])"
)]
#[case(
    "x.y = z[1] = w",
    "Module(body=[Assign(targets=[Attribute(value=Name(id='x', ctx=Load()), attr='y', ctx=Store()), Subscript(value=Name(id='z', ctx=Load()), slice=Constant(value=1), ctx=Store())], value=Name(id='w', ctx=Load()))], type_ignores=[])"
)]
#[case(
    "x += 1\ny -= 2\nz *= 3\nw @= 4\nv /= 5\nu //= 6\nt %= 7\ns **= 8\nr <<= 9\nq >>= 1\np &= 2\no |= 3\nn ^= 4",
    "Module(body=[AugAssign(target=Name(id='x', ctx=Store()), op=Add(), value=Constant(value=1)), AugAssign(target=Name(id='y', ctx=Store()), op=Sub(), value=Constant(value=2)), AugAssign(target=Name(id='z', ctx=Store()), op=Mult(), value=Constant(value=3)), AugAssign(target=Name(id='w', ctx=Store()), op=MatMult(), value=Constant(value=4)), AugAssign(target=Name(id='v', ctx=Store()), op=Div(), value=Constant(value=5)), AugAssign(target=Name(id='u', ctx=Store()), op=FloorDiv(), value=Constant(value=6)), AugAssign(target=Name(id='t', ctx=Store()), op=Mod(), value=Constant(value=7)), AugAssign(target=Name(id='s', ctx=Store()), op=Pow(), value=Constant(value=8)), AugAssign(target=Name(id='r', ctx=Store()), op=LShift(), value=Constant(value=9)), AugAssign(target=Name(id='q', ctx=Store()), op=RShift(), value=Constant(value=1)), AugAssign(target=Name(id='p', ctx=Store()), op=BitAnd(), value=Constant(value=2)), AugAssign(target=Name(id='o', ctx=Store()), op=BitOr(), value=Constant(value=3)), AugAssign(target=Name(id='n', ctx=Store()), op=BitXor(), value=Constant(value=4))], type_ignores=[])"
)]
#[case(
    "del a, b.c, d[1], e[1:2], (f, g), [h]",
    "Module(body=[Delete(targets=[Name(id='a', ctx=Del()), Attribute(value=Name(id='b', ctx=Load()), attr='c', ctx=Del()), Subscript(value=Name(id='d', ctx=Load()), slice=Constant(value=1), ctx=Del()), Subscript(value=Name(id='e', ctx=Load()), slice=Slice(lower=Constant(value=1), upper=Constant(value=2)), ctx=Del()), Tuple(elts=[Name(id='f', ctx=Del()), Name(id='g', ctx=Del())], ctx=Del()), List(elts=[Name(id='h', ctx=Del())], ctx=Del())])], type_ignores=[])"
)]
#[case(
    "x = -a + +b * ~c / d // e % f ** g ** h",
    "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=BinOp(left=UnaryOp(op=USub(), operand=Name(id='a', ctx=Load())), op=Add(), right=BinOp(left=BinOp(left=BinOp(left=BinOp(left=UnaryOp(op=UAdd(), operand=Name(id='b', ctx=Load())), op=Mult(), right=UnaryOp(op=Invert(), operand=Name(id='c', ctx=Load()))), op=Div(), right=Name(id='d', ctx=Load())), op=FloorDiv(), right=Name(id='e', ctx=Load())), op=Mod(), right=BinOp(left=Name(id='f', ctx=Load()), op=Pow(), right=BinOp(left=Name(id='g', ctx=Load()), op=Pow(), right=Name(id='h', ctx=Load()))))))], type_ignores=[])"
)]
#[case(
    "x = a << b >> c & d | e ^ f @ g",
    "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=BinOp(left=BinOp(left=BinOp(left=BinOp(left=Name(id='a', ctx=Load()), op=LShift(), right=Name(id='b', ctx=Load())), op=RShift(), right=Name(id='c', ctx=Load())), op=BitAnd(), right=Name(id='d', ctx=Load())), op=BitOr(), right=BinOp(left=Name(id='e', ctx=Load()), op=BitXor(), right=BinOp(left=Name(id='f', ctx=Load()), op=MatMult(), right=Name(id='g', ctx=Load())))))], type_ignores=[])"
)]
#[case(
    "x = a < b <= c == d != e > f >= g is h is not i in j not in k",
    "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=Compare(left=Name(id='a', ctx=Load()), ops=[Lt(), LtE(), Eq(), NotEq(), Gt(), GtE(), Is(), IsNot(), In(), NotIn()], comparators=[Name(id='b', ctx=Load()), Name(id='c', ctx=Load()), Name(id='d', ctx=Load()), Name(id='e', ctx=Load()), Name(id='f', ctx=Load()), Name(id='g', ctx=Load()), Name(id='h', ctx=Load()), Name(id='i', ctx=Load()), Name(id='j', ctx=Load()), Name(id='k', ctx=Load())]))], type_ignores=[])"
)]
#[case(
    "x = not a and b or c and not d",
    "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=BoolOp(op=Or(), values=[BoolOp(op=And(), values=[UnaryOp(op=Not(), operand=Name(id='a', ctx=Load())), Name(id='b', ctx=Load())]), BoolOp(op=And(), values=[Name(id='c', ctx=Load()), UnaryOp(op=Not(), operand=Name(id='d', ctx=Load()))])]))], type_ignores=[])"
)]
#[case(
    "x = a if b else c if d else e",
    "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=IfExp(test=Name(id='b', ctx=Load()), body=Name(id='a', ctx=Load()), orelse=IfExp(test=Name(id='d', ctx=Load()), body=Name(id='c', ctx=Load()), orelse=Name(id='e', ctx=Load()))))], type_ignores=[])"
)]
#[case(
    "x = lambda: 0\ny = lambda a, b=1, *c, d, e=2, **f: a\nz = lambda *, k: k\nw = lambda a, /, b: a",
    "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=Lambda(args=arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]), body=Constant(value=0))), Assign(targets=[Name(id='y', ctx=Store())], value=Lambda(args=arguments(posonlyargs=[], args=[arg(arg='a'), arg(arg='b')], vararg=arg(arg='c'), kwonlyargs=[arg(arg='d'), arg(arg='e')], kw_defaults=[None, Constant(value=2)], kwarg=arg(arg='f'), defaults=[Constant(value=1)]), body=Name(id='a', ctx=Load()))), Assign(targets=[Name(id='z', ctx=Store())], value=Lambda(args=arguments(posonlyargs=[], args=[], kwonlyargs=[arg(arg='k')], kw_defaults=[None], defaults=[]), body=Name(id='k', ctx=Load()))), Assign(targets=[Name(id='w', ctx=Store())], value=Lambda(args=arguments(posonlyargs=[arg(arg='a')], args=[arg(arg='b')], kwonlyargs=[], kw_defaults=[], defaults=[]), body=Name(id='a', ctx=Load())))], type_ignores=[])"
)]
#[case(
    "x = [1, *a, 2]\ny = (1, *b)\nz = {1, *c}\nw = {1: 2, **d, 3: 4}\nv = ()\nu = {}\nt = (1,)",
    "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=List(elts=[Constant(value=1), Starred(value=Name(id='a', ctx=Load()), ctx=Load()), Constant(value=2)], ctx=Load())), Assign(targets=[Name(id='y', ctx=Store())], value=Tuple(elts=[Constant(value=1), Starred(value=Name(id='b', ctx=Load()), ctx=Load())], ctx=Load())), Assign(targets=[Name(id='z', ctx=Store())], value=Set(elts=[Constant(value=1), Starred(value=Name(id='c', ctx=Load()), ctx=Load())])), Assign(targets=[Name(id='w', ctx=Store())], value=Dict(keys=[Constant(value=1), None, Constant(value=3)], values=[Constant(value=2), Name(id='d', ctx=Load()), Constant(value=4)])), Assign(targets=[Name(id='v', ctx=Store())], value=Tuple(elts=[], ctx=Load())), Assign(targets=[Name(id='u', ctx=Store())], value=Dict(keys=[], values=[])), Assign(targets=[Name(id='t', ctx=Store())], value=Tuple(elts=[Constant(value=1)], ctx=Load()))], type_ignores=[])"
)]
#[case(
    "x = [i for i in a if i if not i for j in i]\ny = {i for i in a}\nz = {k: v for k, v in d.items()}\nw = (i for i in a)",
    "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=ListComp(elt=Name(id='i', ctx=Load()), generators=[comprehension(target=Name(id='i', ctx=Store()), iter=Name(id='a', ctx=Load()), ifs=[Name(id='i', ctx=Load()), UnaryOp(op=Not(), operand=Name(id='i', ctx=Load()))], is_async=0), comprehension(target=Name(id='j', ctx=Store()), iter=Name(id='i', ctx=Load()), ifs=[], is_async=0)])), Assign(targets=[Name(id='y', ctx=Store())], value=SetComp(elt=Name(id='i', ctx=Load()), generators=[comprehension(target=Name(id='i', ctx=Store()), iter=Name(id='a', ctx=Load()), ifs=[], is_async=0)])), Assign(targets=[Name(id='z', ctx=Store())], value=DictComp(key=Name(id='k', ctx=Load()), value=Name(id='v', ctx=Load()), generators=[comprehension(target=Tuple(elts=[Name(id='k', ctx=Store()), Name(id='v', ctx=Store())], ctx=Store()), iter=Call(func=Attribute(value=Name(id='d', ctx=Load()), attr='items', ctx=Load()), args=[], keywords=[]), ifs=[], is_async=0)])), Assign(targets=[Name(id='w', ctx=Store())], value=GeneratorExp(elt=Name(id='i', ctx=Load()), generators=[comprehension(target=Name(id='i', ctx=Store()), iter=Name(id='a', ctx=Load()), ifs=[], is_async=0)]))], type_ignores=[])"
)]
#[case(
    "f()\nf(1, 2)\nf(a, b=1)\nf(*a, **k)\nf(1, *a, b=2, **k, c=3)\nf(x for x in y)\no.m(1)(2)[3].n",
    "Module(body=[Expr(value=Call(func=Name(id='f', ctx=Load()), args=[], keywords=[])), Expr(value=Call(func=Name(id='f', ctx=Load()), args=[Constant(value=1), Constant(value=2)], keywords=[])), Expr(value=Call(func=Name(id='f', ctx=Load()), args=[Name(id='a', ctx=Load())], keywords=[keyword(arg='b', value=Constant(value=1))])), Expr(value=Call(func=Name(id='f', ctx=Load()), args=[Starred(value=Name(id='a', ctx=Load()), ctx=Load())], keywords=[keyword(value=Name(id='k', ctx=Load()))])), Expr(value=Call(func=Name(id='f', ctx=Load()), args=[Constant(value=1), Starred(value=Name(id='a', ctx=Load()), ctx=Load())], keywords=[keyword(arg='b', value=Constant(value=2)), keyword(value=Name(id='k', ctx=Load())), keyword(arg='c', value=Constant(value=3))])), Expr(value=Call(func=Name(id='f', ctx=Load()), args=[GeneratorExp(elt=Name(id='x', ctx=Load()), generators=[comprehension(target=Name(id='x', ctx=Store()), iter=Name(id='y', ctx=Load()), ifs=[], is_async=0)])], keywords=[])), Expr(value=Attribute(value=Subscript(value=Call(func=Call(func=Attribute(value=Name(id='o', ctx=Load()), attr='m', ctx=Load()), args=[Constant(value=1)], keywords=[]), args=[Constant(value=2)], keywords=[]), slice=Constant(value=3), ctx=Load()), attr='n', ctx=Load()))], type_ignores=[])"
)]
#[case(
    "a[1]\na[1:2]\na[:]\na[::2]\na[1:2:3]\na[1, 2]\na[1:2, ::3]\na[b][c]",
    "Module(body=[Expr(value=Subscript(value=Name(id='a', ctx=Load()), slice=Constant(value=1), ctx=Load())), Expr(value=Subscript(value=Name(id='a', ctx=Load()), slice=Slice(lower=Constant(value=1), upper=Constant(value=2)), ctx=Load())), Expr(value=Subscript(value=Name(id='a', ctx=Load()), slice=Slice(), ctx=Load())), Expr(value=Subscript(value=Name(id='a', ctx=Load()), slice=Slice(step=Constant(value=2)), ctx=Load())), Expr(value=Subscript(value=Name(id='a', ctx=Load()), slice=Slice(lower=Constant(value=1), upper=Constant(value=2), step=Constant(value=3)), ctx=Load())), Expr(value=Subscript(value=Name(id='a', ctx=Load()), slice=Tuple(elts=[Constant(value=1), Constant(value=2)], ctx=Load()), ctx=Load())), Expr(value=Subscript(value=Name(id='a', ctx=Load()), slice=Tuple(elts=[Slice(lower=Constant(value=1), upper=Constant(value=2)), Slice(step=Constant(value=3))], ctx=Load()), ctx=Load())), Expr(value=Subscript(value=Subscript(value=Name(id='a', ctx=Load()), slice=Name(id='b', ctx=Load()), ctx=Load()), slice=Name(id='c', ctx=Load()), ctx=Load()))], type_ignores=[])"
)]
#[case(
    "x = 'a' 'b'\ny = b'x' b'y'\nz = f'{a}'\nw = f'{a!r:>{b}} {c!s} {d!a} {{}}'\nv = 'x' f'{y}' 'z'\nu = f'{a=}'\nt = f'{a = !s}'\ns = f'{a:{b}.{c}f}'",
    "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=Constant(value='ab')), Assign(targets=[Name(id='y', ctx=Store())], value=Constant(value=b'xy')), Assign(targets=[Name(id='z', ctx=Store())], value=JoinedStr(values=[FormattedValue(value=Name(id='a', ctx=Load()), conversion=-1)])), Assign(targets=[Name(id='w', ctx=Store())], value=JoinedStr(values=[FormattedValue(value=Name(id='a', ctx=Load()), conversion=114, format_spec=JoinedStr(values=[Constant(value='>'), FormattedValue(value=Name(id='b', ctx=Load()), conversion=-1)])), Constant(value=' '), FormattedValue(value=Name(id='c', ctx=Load()), conversion=115), Constant(value=' '), FormattedValue(value=Name(id='d', ctx=Load()), conversion=97), Constant(value=' {}')])), Assign(targets=[Name(id='v', ctx=Store())], value=JoinedStr(values=[Constant(value='x'), FormattedValue(value=Name(id='y', ctx=Load()), conversion=-1), Constant(value='z')])), Assign(targets=[Name(id='u', ctx=Store())], value=JoinedStr(values=[Constant(value='a='), FormattedValue(value=Name(id='a', ctx=Load()), conversion=114)])), Assign(targets=[Name(id='t', ctx=Store())], value=JoinedStr(values=[Constant(value='a = '), FormattedValue(value=Name(id='a', ctx=Load()), conversion=115)])), Assign(targets=[Name(id='s', ctx=Store())], value=JoinedStr(values=[FormattedValue(value=Name(id='a', ctx=Load()), conversion=-1, format_spec=JoinedStr(values=[FormattedValue(value=Name(id='b', ctx=Load()), conversion=-1), Constant(value='.'), FormattedValue(value=Name(id='c', ctx=Load()), conversion=-1), Constant(value='f')]))]))], type_ignores=[])"
)]
#[case(
    "x = 0x_ff + 0o17 + 0b10 + 1_000 + 1.5 + 0.5\ny = 123456789012345678901234567890\nz = ...\nw = None, True, False",
    "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=BinOp(left=BinOp(left=BinOp(left=BinOp(left=BinOp(left=Constant(value=255), op=Add(), right=Constant(value=15)), op=Add(), right=Constant(value=2)), op=Add(), right=Constant(value=1000)), op=Add(), right=Constant(value=1.5)), op=Add(), right=Constant(value=0.5))), Assign(targets=[Name(id='y', ctx=Store())], value=Constant(value=123456789012345678901234567890)), Assign(targets=[Name(id='z', ctx=Store())], value=Constant(value=Ellipsis)), Assign(targets=[Name(id='w', ctx=Store())], value=Tuple(elts=[Constant(value=None), Constant(value=True), Constant(value=False)], ctx=Load()))], type_ignores=[])"
)]
#[case(
    "if a:\n    pass\nelif b:\n    x = 1\nelse:\n    y = 2",
    "Module(body=[If(test=Name(id='a', ctx=Load()), body=[Pass()], orelse=[If(test=Name(id='b', ctx=Load()), body=[Assign(targets=[Name(id='x', ctx=Store())], value=Constant(value=1))], orelse=[Assign(targets=[Name(id='y', ctx=Store())], value=Constant(value=2))])])], type_ignores=[])"
)]
#[case(
    "while x:\n    break\nelse:\n    continue",
    "Module(body=[While(test=Name(id='x', ctx=Load()), body=[Break()], orelse=[Continue()])], type_ignores=[])"
)]
#[case(
    "for i, j in k:\n    pass\nelse:\n    pass",
    "Module(body=[For(target=Tuple(elts=[Name(id='i', ctx=Store()), Name(id='j', ctx=Store())], ctx=Store()), iter=Name(id='k', ctx=Load()), body=[Pass()], orelse=[Pass()])], type_ignores=[])"
)]
#[case(
    "def f(a, b=1, *c, d, e=2, **g):\n    return a\n\ndef h(a, /, b, *, c):\n    return\n\n@dec\n@dec2(1)\ndef i():\n    yield 1\n    x = yield\n    yield from y",
    "Module(body=[FunctionDef(name='f', args=arguments(posonlyargs=[], args=[arg(arg='a'), arg(arg='b')], vararg=arg(arg='c'), kwonlyargs=[arg(arg='d'), arg(arg='e')], kw_defaults=[None, Constant(value=2)], kwarg=arg(arg='g'), defaults=[Constant(value=1)]), body=[Return(value=Name(id='a', ctx=Load()))], decorator_list=[]), FunctionDef(name='h', args=arguments(posonlyargs=[arg(arg='a')], args=[arg(arg='b')], kwonlyargs=[arg(arg='c')], kw_defaults=[None], defaults=[]), body=[Return()], decorator_list=[]), FunctionDef(name='i', args=arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]), body=[Expr(value=Yield(value=Constant(value=1))), Assign(targets=[Name(id='x', ctx=Store())], value=Yield()), Expr(value=YieldFrom(value=Name(id='y', ctx=Load())))], decorator_list=[Name(id='dec', ctx=Load()), Call(func=Name(id='dec2', ctx=Load()), args=[Constant(value=1)], keywords=[])])], type_ignores=[])"
)]
#[case(
    "def f():\n    global a, b\n    def g():\n        nonlocal c\n    return g",
    "Module(body=[FunctionDef(name='f', args=arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]), body=[Global(names=['a', 'b']), FunctionDef(name='g', args=arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]), body=[Nonlocal(names=['c'])], decorator_list=[]), Return(value=Name(id='g', ctx=Load()))], decorator_list=[])], type_ignores=[])"
)]
#[case(
    "class A:\n    '''doc'''\n    x = 1\n\n    def m(self):\n        return super().m()\n\nclass B(A, metaclass=M, **kw):\n    pass\n\n@dec\nclass C(*bases):\n    pass",
    "Module(body=[ClassDef(name='A', bases=[], keywords=[], body=[Expr(value=Constant(value='doc')), Assign(targets=[Name(id='x', ctx=Store())], value=Constant(value=1)), FunctionDef(name='m', args=arguments(posonlyargs=[], args=[arg(arg='self')], kwonlyargs=[], kw_defaults=[], defaults=[]), body=[Return(value=Call(func=Attribute(value=Call(func=Name(id='super', ctx=Load()), args=[], keywords=[]), attr='m', ctx=Load()), args=[], keywords=[]))], decorator_list=[])], decorator_list=[]), ClassDef(name='B', bases=[Name(id='A', ctx=Load())], keywords=[keyword(arg='metaclass', value=Name(id='M', ctx=Load())), keyword(value=Name(id='kw', ctx=Load()))], body=[Pass()], decorator_list=[]), ClassDef(name='C', bases=[Starred(value=Name(id='bases', ctx=Load()), ctx=Load())], keywords=[], body=[Pass()], decorator_list=[Name(id='dec', ctx=Load())])], type_ignores=[])"
)]
#[case(
    "try:\n    a\nexcept E:\n    b\nexcept (F, G) as e:\n    c\nexcept:\n    raise\nelse:\n    d\nfinally:\n    e",
    "Module(body=[Try(body=[Expr(value=Name(id='a', ctx=Load()))], handlers=[ExceptHandler(type=Name(id='E', ctx=Load()), body=[Expr(value=Name(id='b', ctx=Load()))]), ExceptHandler(type=Tuple(elts=[Name(id='F', ctx=Load()), Name(id='G', ctx=Load())], ctx=Load()), name='e', body=[Expr(value=Name(id='c', ctx=Load()))]), ExceptHandler(body=[Raise()])], orelse=[Expr(value=Name(id='d', ctx=Load()))], finalbody=[Expr(value=Name(id='e', ctx=Load()))])], type_ignores=[])"
)]
#[case(
    "try:\n    pass\nfinally:\n    pass",
    "Module(body=[Try(body=[Pass()], handlers=[], orelse=[], finalbody=[Pass()])], type_ignores=[])"
)]
#[case(
    "raise\nraise X\nraise X from Y",
    "Module(body=[Raise(), Raise(exc=Name(id='X', ctx=Load())), Raise(exc=Name(id='X', ctx=Load()), cause=Name(id='Y', ctx=Load()))], type_ignores=[])"
)]
#[case(
    "with a:\n    pass\nwith a as b, c as (d, e):\n    pass\nwith (a as b, c):\n    pass",
    "Module(body=[With(items=[withitem(context_expr=Name(id='a', ctx=Load()))], body=[Pass()]), With(items=[withitem(context_expr=Name(id='a', ctx=Load()), optional_vars=Name(id='b', ctx=Store())), withitem(context_expr=Name(id='c', ctx=Load()), optional_vars=Tuple(elts=[Name(id='d', ctx=Store()), Name(id='e', ctx=Store())], ctx=Store()))], body=[Pass()]), With(items=[withitem(context_expr=Name(id='a', ctx=Load()), optional_vars=Name(id='b', ctx=Store())), withitem(context_expr=Name(id='c', ctx=Load()))], body=[Pass()])], type_ignores=[])"
)]
#[case(
    "import a\nimport a.b.c\nimport a.b as c, d\nfrom a import b, c as d\nfrom a.b import (c,\n    d,)\nfrom m import *",
    "Module(body=[Import(names=[alias(name='a')]), Import(names=[alias(name='a.b.c')]), Import(names=[alias(name='a.b', asname='c'), alias(name='d')]), ImportFrom(module='a', names=[alias(name='b'), alias(name='c', asname='d')], level=0), ImportFrom(module='a.b', names=[alias(name='c'), alias(name='d')], level=0), ImportFrom(module='m', names=[alias(name='*')], level=0)], type_ignores=[])"
)]
#[case(
    "assert x\nassert x, 'msg'\npass; pass\nif x: y = 1; z = 2",
    "Module(body=[Assert(test=Name(id='x', ctx=Load())), Assert(test=Name(id='x', ctx=Load()), msg=Constant(value='msg')), Pass(), Pass(), If(test=Name(id='x', ctx=Load()), body=[Assign(targets=[Name(id='y', ctx=Store())], value=Constant(value=1)), Assign(targets=[Name(id='z', ctx=Store())], value=Constant(value=2))], orelse=[])], type_ignores=[])"
)]
#[case(
    "x = (yield)\n",
    "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=Yield())], type_ignores=[])"
)]
#[case(
    "print(f\"{x!r}\", end='')",
    "Module(body=[Expr(value=Call(func=Name(id='print', ctx=Load()), args=[JoinedStr(values=[FormattedValue(value=Name(id='x', ctx=Load()), conversion=114)])], keywords=[keyword(arg='end', value=Constant(value=''))]))], type_ignores=[])"
)]
#[case(
    "s = '\\n\\t\\\\ \\' \" \\x41'\nr = r'\\n'",
    "Module(body=[Assign(targets=[Name(id='s', ctx=Store())], value=Constant(value='\\n\\t\\\\ \\' \" A')), Assign(targets=[Name(id='r', ctx=Store())], value=Constant(value='\\\\n'))], type_ignores=[])"
)]
#[case(
    "x = [[1, 2], [3, [4, [5]]]]\ny = {'a': [1, {2: 3}], 'b': (4,)}",
    "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=List(elts=[List(elts=[Constant(value=1), Constant(value=2)], ctx=Load()), List(elts=[Constant(value=3), List(elts=[Constant(value=4), List(elts=[Constant(value=5)], ctx=Load())], ctx=Load())], ctx=Load())], ctx=Load())), Assign(targets=[Name(id='y', ctx=Store())], value=Dict(keys=[Constant(value='a'), Constant(value='b')], values=[List(elts=[Constant(value=1), Dict(keys=[Constant(value=2)], values=[Constant(value=3)])], ctx=Load()), Tuple(elts=[Constant(value=4)], ctx=Load())]))], type_ignores=[])"
)]
#[case(
    "x = a.b.c(d)[e].f\ny = a[b:c, d]",
    "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=Attribute(value=Subscript(value=Call(func=Attribute(value=Attribute(value=Name(id='a', ctx=Load()), attr='b', ctx=Load()), attr='c', ctx=Load()), args=[Name(id='d', ctx=Load())], keywords=[]), slice=Name(id='e', ctx=Load()), ctx=Load()), attr='f', ctx=Load())), Assign(targets=[Name(id='y', ctx=Store())], value=Subscript(value=Name(id='a', ctx=Load()), slice=Tuple(elts=[Slice(lower=Name(id='b', ctx=Load()), upper=Name(id='c', ctx=Load())), Name(id='d', ctx=Load())], ctx=Load()), ctx=Load()))], type_ignores=[])"
)]
#[case(
    "if (a and\n        b):\n    pass",
    "Module(body=[If(test=BoolOp(op=And(), values=[Name(id='a', ctx=Load()), Name(id='b', ctx=Load())]), body=[Pass()], orelse=[])], type_ignores=[])"
)]
#[case(
    "x = (\n    1 +\n    2\n)",
    "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=BinOp(left=Constant(value=1), op=Add(), right=Constant(value=2)))], type_ignores=[])"
)]
#[case(
    "def f(*args, **kwargs): pass\ndef g(a, *, b=1, c): pass",
    "Module(body=[FunctionDef(name='f', args=arguments(posonlyargs=[], args=[], vararg=arg(arg='args'), kwonlyargs=[], kw_defaults=[], kwarg=arg(arg='kwargs'), defaults=[]), body=[Pass()], decorator_list=[]), FunctionDef(name='g', args=arguments(posonlyargs=[], args=[arg(arg='a')], kwonlyargs=[arg(arg='b'), arg(arg='c')], kw_defaults=[Constant(value=1), None], defaults=[]), body=[Pass()], decorator_list=[])], type_ignores=[])"
)]
fn tree_matches_cpython(#[case] src: &str, #[case] expected: &str) {
    assert_eq!(dump(src), expected, "source:\n{src}");
}
