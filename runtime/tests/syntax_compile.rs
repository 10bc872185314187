//! The code generator: every construct of the language compiles, to
//! bytecode that passes the verifier (stack depths, indices, handlers),
//! and the key constructs compile to exactly the documented instruction
//! sequences.

mod common;

use std::sync::Arc;

use rstest::rstest;
use runtime::compile::code::{CodeKind, CodeObject, Constant, Instr};
use runtime::compile::compile_module;

fn compile(src: &str) -> Arc<CodeObject> {
    let code = compile_module(src.as_bytes(), "x.py")
        .unwrap_or_else(|e| panic!("{e}\n--- source:\n{src}"));
    if let Err(e) = common::verify(&code) {
        panic!("{e}\n{code}");
    }
    code
}

fn find<'a>(code: &'a CodeObject, qualname: &str) -> Option<&'a CodeObject> {
    if &*code.qualname == qualname {
        return Some(code);
    }
    code.consts.iter().find_map(|c| match c {
        Constant::Code(inner) => find(inner, qualname),
        _ => None,
    })
}

#[test]
fn the_reference_scripts_compile_and_verify() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).expect("tests/data") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "py") {
            let src = std::fs::read(&path).expect("read");
            let code = compile_module(&src, &path.to_string_lossy())
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            common::verify(&code).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            n += 1;
        }
    }
    assert!(n >= 20, "only {n} scripts");
}

#[rstest]
#[case::assignments(
    "a = 1\nb = c = a\nx, y = 1, 2\n[p, (q, r)] = t\na, *b, c = d\n*a, b = c\nobj.attr = 1\nd[k] = v\nd[1:2] = x\nd[::2] = y\n"
)]
#[case::augmented(
    "a += 1\nb -= 2\nc *= 3\nd /= 4\ne //= 5\nf %= 6\ng **= 7\nh <<= 1\ni >>= 1\nj &= 1\nk |= 1\nl ^= 1\nm @= n\no.p += 1\nq[r] += 1\ns[1:2] += [3]\n"
)]
#[case::delete("del a\ndel a.b, c[1], d[1:2], e[::3]\ndel (f, g), [h]\n")]
#[case::expressions(
    "x = -a + +b * ~c / d // e % f ** g\ny = a << b >> c & d | e ^ f\nz = a < b <= c == d != e > f >= g\nw = a is b is not c in d not in e\nv = not a and b or c\nu = a if b else c\nt = lambda p, *q, r=1, **s: (p, q, r, s)\n"
)]
#[case::displays(
    "a = [1, *b, 2]\nc = (1, *d)\ne = {1, *f}\ng = {1: 2, **h, 3: 4}\ni = {**j}\nk = [x for x in y if x for z in x]\nl = {x for x in y}\nm = {k: v for k, v in w}\nn = (x for x in y)\no = ()\np = [[]]\nq = {}\n"
)]
#[case::calls(
    "f()\nf(1, 2)\nf(a=1)\nf(1, *a)\nf(**k)\nf(1, *a, b=2, **k)\no.m()\no.m(1, k=2)\no.m(*a)\no.m(**k)\nf(x for x in y)\n"
)]
#[case::subscripts("a[1]\na[1:2]\na[:]\na[::2]\na[1:2:3]\na[1, 2]\na[1:2, ::3]\n")]
#[case::strings(
    "a = 'x' 'y'\nb = b'x' b'y'\nc = f'{a}'\nd = f'{a!r:>{w}} {b!s} {c!a} {{}}'\ne = rb'\\d' Rb'x'\nf = f'{a=}'\ng = '''\nmulti\n'''\nh = '\\n\\t\\x41\\u00e9\\101'\n"
)]
#[case::numbers(
    "a = 0x_ff + 0o17 + 0b1_0 + 1_000 + 1.5e-3 + .5 + 5. + 1e10\nb = 123456789012345678901234567890\nc = -5\nd = ...\n"
)]
#[case::control(
    "if a:\n    pass\nelif b:\n    pass\nelse:\n    pass\nwhile x:\n    break\nelse:\n    pass\nfor i in r:\n    continue\nelse:\n    pass\nwhile True:\n    if y: break\n"
)]
#[case::functions(
    "def f(a, b=1, *c, d, e=2, **g):\n    return a\ndef h(a, /, b, *, c):\n    pass\n@dec\n@dec2(1)\ndef i():\n    yield 1\n    x = yield\n    yield from y\n    return 2\n"
)]
#[case::closures(
    "def f():\n    x = 1\n    def g():\n        nonlocal x\n        x += 1\n        return x\n    return g\ndef h(a):\n    return lambda: a\ndef k():\n    global G\n    G = 1\n    del G\n"
)]
#[case::classes(
    "class A:\n    '''doc'''\n    x = 1\n    def m(self):\n        return super().m()\nclass B(A, metaclass=M, **kw):\n    pass\nclass C(*bases):\n    y = x\n    def __init__(self):\n        self.__private = 1\n"
)]
#[case::exceptions(
    "try:\n    a\nexcept E:\n    b\nexcept (F, G) as e:\n    c\nexcept:\n    raise\nelse:\n    d\nfinally:\n    e\ntry:\n    pass\nfinally:\n    pass\nraise X from Y\nraise X\n"
)]
#[case::with_statements(
    "with a:\n    pass\nwith a as b, c as (d, e):\n    pass\nwith (a as b, c):\n    pass\n"
)]
#[case::jumps_through_blocks(
    "def f():\n    for i in x:\n        try:\n            with m:\n                if i: break\n                if j: continue\n                return i\n        except E as e:\n            return e\n        finally:\n            return 3\n    while 1:\n        try:\n            continue\n        finally:\n            break\n"
)]
#[case::imports(
    "import a\nimport a.b.c\nimport a.b as c\nfrom a import b, c as d\nfrom a.b import (c,\n    d,)\nfrom m import *\n"
)]
#[case::future(
    "\"\"\"doc\"\"\"\nfrom __future__ import annotations\nfrom __future__ import (division,\n    generator_stop)\nx = 1\n"
)]
#[case::misc(
    "assert x\nassert x, 'msg'\npass; pass\nif x: y = 1; z = 2\nx: int = 1\ny: int\nobj.a: int\nglobal q\nx = \\\n    1\n"
)]
#[case::comprehension_scopes(
    "class K:\n    a = 1\n    b = [a for _ in range(3)]\ndef f(n):\n    return [[i * j * n for j in range(i)] for i in range(n)]\n"
)]
fn construct_compiles_and_verifies(#[case] src: &str) {
    compile(src);
}

fn listing(code: &CodeObject) -> Vec<Instr> {
    code.instrs.clone()
}

#[test]
fn try_except_as_compiles_as_documented() {
    let code = compile("try:\n    a\nexcept E as e:\n    b\n");
    use Instr::*;
    // the precise shape: body, handler entry, match, named binding, cleanup
    let l = listing(&code);
    assert_eq!(&l[..3], &[LoadName(0), PopTop, Jump(23)]);
    assert_eq!(
        &l[3..8],
        &[
            PushExcInfo,
            LoadName(1),
            CheckExcMatch,
            PopJumpIfFalse(19),
            StoreName(2)
        ]
    );
    // the handler body, then leaving it: restore the exception, `e = None; del e`
    assert_eq!(
        &l[8..15],
        &[
            LoadName(3),
            PopTop,
            PopExcept,
            LoadConst(0),
            StoreName(2),
            DeleteName(2),
            Jump(23)
        ]
    );
    // an exception in the handler body also deletes `e`
    assert_eq!(
        &l[15..19],
        &[LoadConst(0), StoreName(2), DeleteName(2), Reraise]
    );
    // no clause matched; then the cleanup handler
    assert_eq!(
        &l[19..],
        &[
            Reraise,
            Swap(2),
            PopExcept,
            Reraise,
            LoadConst(0),
            ReturnValue
        ][..]
    );
    let t: Vec<_> = code
        .exception_table
        .iter()
        .map(|e| (e.start, e.end, e.target, e.depth))
        .collect();
    assert_eq!(
        t,
        vec![(0, 2, 3, 0), (3, 8, 20, 1), (8, 10, 15, 1), (15, 20, 20, 1)]
    );
}

#[test]
fn with_compiles_as_documented() {
    let code = compile("with m as x:\n    y\n");
    use Instr::*;
    let l = listing(&code);
    assert_eq!(
        l,
        vec![
            LoadName(0),
            BeforeWith,
            StoreName(1),
            LoadName(2),
            PopTop,
            LoadConst(0),
            LoadConst(0),
            LoadConst(0),
            Call(3),
            PopTop,
            Jump(23),
            PushExcInfo,
            WithExceptStart,
            PopJumpIfTrue(19),
            Reraise,
            Swap(2),
            PopExcept,
            Reraise,
            PopTop,
            PopExcept,
            PopTop,
            LoadConst(0),
            ReturnValue,
        ]
        .into_iter()
        .enumerate()
        .map(|(i, ins)| match (i, ins) {
            (10, Jump(_)) => Jump(21),
            (13, PopJumpIfTrue(_)) => PopJumpIfTrue(18),
            (_, ins) => ins,
        })
        .collect::<Vec<_>>()
    );
    let t: Vec<_> = code
        .exception_table
        .iter()
        .map(|e| (e.start, e.end, e.target, e.depth))
        .collect();
    assert_eq!(t, vec![(2, 5, 11, 1), (11, 15, 15, 2)]);
}

#[test]
fn return_inside_for_and_with_unwinds_the_stack() {
    let code = compile("def f():\n    with m:\n        for i in x:\n            return i\n");
    let f = find(&code, "f").expect("f");
    use Instr::*;
    let l = listing(f);
    let ret = l.iter().position(|i| *i == ReturnValue).expect("return");
    // value, pop the iterator below it, call __exit__ below it, return
    assert_eq!(
        &l[ret - 9..=ret],
        &[
            LoadFast(0),
            Swap(2),
            PopTop,
            Swap(2),
            LoadConst(0),
            LoadConst(0),
            LoadConst(0),
            Call(3),
            PopTop,
            ReturnValue
        ]
    );
}

#[test]
fn finally_bodies_are_inlined_for_break_continue_and_return() {
    let code = compile(
        "def f():\n    while x:\n        try:\n            break\n        finally:\n            g()\n",
    );
    let f = find(&code, "f").expect("f");
    let calls = f
        .instrs
        .iter()
        .filter(|i| matches!(i, Instr::Call(0)))
        .count();
    // normal path, exceptional path, and the copy before `break`
    assert_eq!(calls, 3);
}

#[test]
fn names_resolve_to_fast_deref_global_and_name_ops() {
    let code = compile(
        "x = 1\ndef f(a):\n    b = a\n    def g():\n        return b + x\n    return g\nclass C:\n    y = x\n",
    );
    use Instr::*;
    assert!(code.instrs.contains(&StoreName(0)));
    let f = find(&code, "f").expect("f");
    assert_eq!(&*f.varnames, &["a".into(), "g".into()][..]);
    assert_eq!(&*f.cellvars, &["b".into()][..]);
    assert!(f.instrs.contains(&LoadFast(0)) && f.instrs.contains(&StoreDeref(0)));
    let g = find(&code, "f.<locals>.g").expect("g");
    assert_eq!(&*g.freevars, &["b".into()][..]);
    assert!(g.instrs.contains(&LoadDeref(0)) && g.instrs.contains(&LoadGlobal(0)));
    let c = find(&code, "C").expect("C");
    assert_eq!(c.kind, CodeKind::Class);
    assert!(c.instrs.iter().any(|i| matches!(i, LoadName(_))));
}

#[test]
fn class_bodies_read_enclosing_function_variables_through_classderef() {
    let code = compile("def f():\n    v = 1\n    class C:\n        w = v\n    return C\n");
    let c = find(&code, "f.<locals>.C").expect("C");
    assert!(c.instrs.contains(&Instr::LoadClassDeref(0)));
    assert_eq!(&*c.freevars, &["v".into()][..]);
}

#[test]
fn super_gives_the_class_a_class_cell() {
    let code = compile("class C:\n    def m(self):\n        return super().m()\n");
    let c = find(&code, "C").expect("C");
    assert_eq!(&*c.cellvars, &["__class__".into()][..]);
    use Instr::*;
    let l = listing(c);
    assert_eq!(
        &l[l.len() - 4..],
        &[LoadClosure(0), Copy(1), StoreName(4), ReturnValue]
    );
    assert_eq!(&*c.names[4], "__classcell__");
    let m = find(&code, "C.m").expect("m");
    assert_eq!(&*m.freevars, &["__class__".into()][..]);
}

#[test]
fn parameters_captured_by_closures_move_into_their_cells() {
    let code = compile("def f(a, b):\n    return lambda: b\n");
    let f = find(&code, "f").expect("f");
    assert_eq!(&*f.cellvars, &["b".into()][..]);
    assert_eq!(f.cell2arg, vec![Some(1)]);
}

#[test]
fn constants_are_folded_and_shared_within_a_code_object() {
    let code =
        compile("a = (1, 2, (3, 'x'))\nb = -5\nc = 1000\nd = 1000\ne = 1.0\nf = 1\ng = True\n");
    assert!(
        code.consts
            .iter()
            .any(|c| matches!(c, Constant::Tuple(t) if t.len() == 3))
    );
    assert!(
        code.consts
            .iter()
            .any(|c| matches!(c, Constant::Int(i) if *i == (-5).into()))
    );
    let thousands = code
        .consts
        .iter()
        .filter(|c| matches!(c, Constant::Int(i) if *i == 1000.into()))
        .count();
    assert_eq!(thousands, 1);
    // 1, 1.0 and True are different constants
    assert!(code.consts.contains(&Constant::Float(1.0)));
    assert!(code.consts.contains(&Constant::Int(1.into())));
    assert!(code.consts.contains(&Constant::True));
}

#[test]
fn docstrings_and_first_lines() {
    let code = compile("'''mod'''\n@d\ndef f():\n    '''doc'''\n    return 1\n");
    let f = find(&code, "f").expect("f");
    assert_eq!(f.first_line, 2);
    assert_eq!(f.consts.first(), Some(&Constant::Str("doc".into())));
    assert!(
        f.flags
            .has(runtime::compile::code::CodeFlags::HAS_DOCSTRING)
    );
    assert_eq!(&*code.names[0], "__doc__");
}

#[test]
fn locations_point_at_the_expression() {
    let code = compile("x = 1\ny = (x +\n     foo())\n");
    let call = code
        .instrs
        .iter()
        .position(|i| matches!(i, Instr::Call(0)))
        .expect("call");
    let loc = code.locations[call];
    assert_eq!(
        (loc.line, loc.col, loc.end_line, loc.end_col),
        (3, 5, 3, 10)
    );
    let add = code
        .instrs
        .iter()
        .position(|i| matches!(i, Instr::BinaryOp(_)))
        .expect("add");
    assert_eq!(
        (code.locations[add].line, code.locations[add].end_line),
        (2, 3)
    );
}

#[test]
fn compile_errors_from_the_code_generator() {
    for (src, msg) in [
        (
            "a, *b, *c = d\n",
            "multiple starred expressions in assignment",
        ),
        (
            "*a = b\n",
            "starred assignment target must be in a list or tuple",
        ),
        ("x = *a\n", "can't use starred expression here"),
        ("return 1\n", "'return' outside function"),
        ("class C:\n    return 1\n", "'return' outside function"),
        ("break\n", "'break' outside loop"),
        (
            "def f():\n    continue\n",
            "'continue' not properly in loop",
        ),
        (
            "try:\n    pass\nexcept:\n    pass\nexcept E:\n    pass\n",
            "default 'except:' must be last",
        ),
        ("__debug__ = 1\n", "cannot assign to __debug__"),
    ] {
        let e = compile_module(src.as_bytes(), "x.py").expect_err(src);
        assert_eq!(e.msg, msg, "{src:?}");
    }
}

#[test]
fn unsupported_constructs_are_named() {
    for (src, msg) in [
        ("async def f(): pass\n", "'async' is not supported by pymm"),
        (
            "def f():\n    await x\n",
            "'await' is not supported by pymm",
        ),
        (
            "match x:\n    case 1: pass\n",
            "'match' statements are not supported by pymm",
        ),
        (
            "(x := 1)\n",
            "assignment expressions (':=') are not supported by pymm",
        ),
        (
            "if x := 1: pass\n",
            "assignment expressions (':=') are not supported by pymm",
        ),
        (
            "from . import x\n",
            "relative imports are not supported by pymm",
        ),
        ("x = 1j\n", "complex literals are not supported by pymm"),
        (
            "try:\n    pass\nexcept* E:\n    pass\n",
            "'except*' is not supported by pymm",
        ),
        (
            "x = '\\N{DASH}'\n",
            "\\N{...} escapes are not supported by pymm",
        ),
    ] {
        let e = compile_module(src.as_bytes(), "x.py").expect_err(src);
        assert_eq!(e.msg, msg, "{src:?}");
    }
    // `match` as a name still works
    compile("match = 1\nmatch(x)\nmatch.y = 2\n");
}

#[test]
fn source_decoding() {
    // BOM, CRLF, coding cookies
    compile_module(b"\xef\xbb\xbfx = 1\r\ny = 2\r\n", "x.py").expect("bom + crlf");
    compile_module(b"# -*- coding: latin-1 -*-\nx = '\xe9'\n", "x.py").expect("latin-1");
    compile_module(b"#!/usr/bin/env python\n# coding=utf-8\nx = 1\n", "x.py")
        .expect("utf-8 cookie");
    let e = compile_module(b"# coding: foo\nx = 1\n", "x.py").unwrap_err();
    assert_eq!(e.to_string(), "SyntaxError: encoding problem: foo");
    let e = compile_module(b"x = 1\ny = '\xff'\n", "x.py").unwrap_err();
    assert_eq!(
        e.to_string(),
        "SyntaxError: Non-UTF-8 code starting with '\\xff' in file x.py on line 2, but no encoding declared; see https://peps.python.org/pep-0263/ for details"
    );
    let e = compile_module(b"x = 1\0\n", "x.py").unwrap_err();
    assert_eq!(
        e.to_string(),
        "  File \"x.py\", line 1\n    x = 1\nSyntaxError: source code cannot contain null bytes"
    );
    // an empty file and a file of comments
    compile("");
    compile("# nothing\n\n   # here\n");
    compile("x = 1");
}

#[test]
fn displays_are_built_as_cpython_builds_them() {
    use Instr::*;
    let body = |src: &str| {
        let code = compile(src);
        let n = code.instrs.len();
        // drop `StoreName; LoadConst None; ReturnValue`
        code.instrs[..n - 3].to_vec()
    };
    // more than two constants: one tuple constant extended into an empty list
    assert_eq!(
        body("x = [1, 2, 3]\n"),
        vec![BuildList(0), LoadConst(0), ListExtend(1)]
    );
    assert_eq!(
        body("x = [1, 2]\n"),
        vec![LoadConst(0), LoadConst(1), BuildList(2)]
    );
    assert_eq!(body("x = (1, 2, 3)\n"), vec![LoadConst(0)]);
    // a starred item: build what came before, then extend/append
    assert_eq!(
        body("x = [a, *b, c]\n"),
        vec![
            LoadName(0),
            BuildList(1),
            LoadName(1),
            ListExtend(1),
            LoadName(2),
            ListAppend(1)
        ]
    );
    // more than 30 items: appended one by one
    let many = (0..31)
        .map(|i| format!("a{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let l = body(&format!("x = [{many}]\n"));
    assert_eq!(l[0], BuildList(0));
    assert_eq!(l.iter().filter(|i| **i == ListAppend(1)).count(), 31);
    // dicts: up to 16 pairs at once, then an empty dict grown by MapAdd
    assert_eq!(
        body("x = {a: 1, **b}\n"),
        vec![
            LoadName(0),
            LoadConst(0),
            BuildMap(1),
            LoadName(1),
            DictUpdate(1)
        ]
    );
    let pairs = (0..17)
        .map(|i| format!("k{i}: {i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let l = body(&format!("x = {{{pairs}}}\n"));
    assert_eq!(l[0], BuildMap(0));
    assert_eq!(l.iter().filter(|i| **i == MapAdd(1)).count(), 17);
}

#[test]
fn eval_mode_compiles_one_expression_list() {
    use runtime::compile::compile_eval;
    for src in [
        "x + 1",
        "1\n\n",
        "(1,\n2)",
        "1 if x else 2",
        "lambda: (yield)",
        "a, b",
        "[i for i in x]",
        "f'{x}'",
    ] {
        let code =
            compile_eval(src.as_bytes(), "<string>").unwrap_or_else(|e| panic!("{src:?}: {e}"));
        common::verify(&code).unwrap_or_else(|e| panic!("{src:?}: {e}"));
        assert_eq!(code.instrs.last(), Some(&Instr::ReturnValue));
    }
    let code = compile_eval(b"1, 2", "<string>").expect("tuple");
    assert_eq!(code.instrs, vec![Instr::LoadConst(0), Instr::ReturnValue]);
    // CPython 3.11's errors for compile(src, 'x', 'eval')
    for (src, kind, msg, col) in [
        (" 1", "IndentationError", "unexpected indent", 1),
        ("1;", "SyntaxError", "invalid syntax", 2),
        ("x = 1", "SyntaxError", "invalid syntax", 3),
        ("*a", "SyntaxError", "invalid syntax", 1),
        ("yield 1", "SyntaxError", "invalid syntax", 1),
    ] {
        let e = compile_eval(src.as_bytes(), "x").expect_err(src);
        assert_eq!(
            (e.kind.name(), e.msg.as_str(), e.line, e.col),
            (kind, msg, 1, col),
            "{src:?}"
        );
    }
}

#[test]
fn constant_expressions_fold_as_cpythons_ast_optimizer_folds_them() {
    let consts = |src: &str| {
        let code = compile(src);
        let folded = !code
            .instrs
            .iter()
            .any(|i| matches!(i, Instr::BinaryOp(_) | Instr::UnaryOp(_)));
        (folded, code.consts.clone())
    };
    let int = |v: i64| Constant::Int(v.into());
    assert_eq!(
        consts("x = 2 ** 10 * 3\n"),
        (true, vec![int(3072), Constant::None])
    );
    assert_eq!(
        consts("x = -7 // 2\n"),
        (true, vec![int(-4), Constant::None])
    );
    assert_eq!(
        consts("x = 7 % -3\n"),
        (true, vec![int(-2), Constant::None])
    );
    assert_eq!(
        consts("x = 1 / 4\n"),
        (true, vec![Constant::Float(0.25), Constant::None])
    );
    assert_eq!(
        consts("x = True + True\n"),
        (true, vec![int(2), Constant::None])
    );
    assert_eq!(
        consts("x = True & False\n"),
        (true, vec![Constant::False, Constant::None])
    );
    assert_eq!(
        consts("x = not ''\n"),
        (true, vec![Constant::True, Constant::None])
    );
    assert_eq!(
        consts("x = 'ab' * 2\n"),
        (true, vec![Constant::Str("abab".into()), Constant::None])
    );
    assert_eq!(
        consts("x = 1.5 * 2\n"),
        (true, vec![Constant::Float(3.0), Constant::None])
    );
    let (folded, c) = consts("x = (1,) * 3 + (2,)\n");
    assert!(folded && matches!(&c[0], Constant::Tuple(t) if t.len() == 4));
    // CPython's limits: results that may be large are computed at run time
    assert!(!consts("x = 'x' * 4097\n").0);
    assert!(!consts("x = 2 ** 129\n").0);
    assert!(!consts("x = (1,) * 257\n").0);
    assert!(!consts("x = 1 << 129\n").0);
    assert!(!consts("x = '%s' % 1\n").0);
    // operations that raise are left for run time
    assert!(!consts("x = 1 / 0\n").0);
    assert!(!consts("x = 1 // 0\n").0);
    assert!(!consts("x = 1 - a\n").0);
}

#[test]
fn iterated_lists_become_tuples() {
    use Instr::*;
    let code = compile("for x in [1, 2]:\n    pass\n");
    assert_eq!(code.instrs[0], LoadConst(0));
    assert!(matches!(&code.consts[0], Constant::Tuple(t) if t.len() == 2));
    let code = compile("for x in [a, b]:\n    pass\n");
    assert_eq!(
        &code.instrs[..3],
        &[LoadName(0), LoadName(1), BuildTuple(2)]
    );
    let code = compile("y = x in [a, 1]\n");
    assert!(
        code.instrs.contains(&BuildTuple(2))
            && !code.instrs.iter().any(|i| matches!(i, BuildList(_)))
    );
    let code = compile("y = [x for x in [1, 2, 3]]\n");
    assert!(
        code.consts
            .iter()
            .any(|c| matches!(c, Constant::Tuple(t) if t.len() == 3))
    );
}
