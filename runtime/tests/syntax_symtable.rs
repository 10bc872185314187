//! Symbol tables and code objects against CPython 3.11: for each snippet,
//! every code object's qualname, argument counts, `co_varnames`,
//! `co_cellvars`, `co_freevars`, the OPTIMIZED/NEWLOCALS/VARARGS/
//! VARKEYWORDS/GENERATOR flags and `co_firstlineno` must equal what
//! `compile(snippet, 'x.py', 'exec')` gives in CPython 3.11.7 (values
//! recorded from it, so the test needs no Python).

use std::sync::Arc;

use rstest::rstest;
use runtime::compile::{CodeObject, Constant, compile_module};

fn walk(co: &Arc<CodeObject>, out: &mut Vec<String>) {
    let join = |v: &[Arc<str>]| {
        v.iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    out.push(format!(
        "{}|{}|{}|{}|{}|{}|{}|{}|{}",
        co.qualname,
        co.argcount,
        co.posonlyargcount,
        co.kwonlyargcount,
        join(&co.varnames),
        join(&co.cellvars),
        join(&co.freevars),
        co.flags.0 & 0x2f,
        co.first_line
    ));
    for c in &co.consts {
        if let Constant::Code(inner) = c {
            walk(inner, out);
        }
    }
}

#[rstest]
#[case("\ndef f(a, b=1, *args, c, d=2, **kw):\n    x = a\n    def g():\n        return x + b\n    return g\n", &["<module>|0|0|0||||0|1", "f.<locals>.g|0|0|0|||b,x|3|4", "f|2|0|2|a,b,c,d,args,kw,g|b,x||15|2"])]
#[case("\nclass C:\n    y = 1\n    def m(self):\n        return super().m() + y\n    def n(self):\n        return __class__\n    def o(self):\n        def inner():\n            return super()\n        return inner\n", &["<module>|0|0|0||||0|1", "C.m|1|0|0|self||__class__|3|4", "C.n|1|0|0|self||__class__|3|6", "C.o.<locals>.inner|0|0|0|||__class__|3|9", "C.o|1|0|0|self,inner||__class__|3|8", "C|0|0|0||__class__||0|2"])]
#[case("\ndef outer():\n    v = 1\n    class Inner:\n        v = 2\n        def get(self):\n            return v\n        w = v\n    return Inner\n", &["<module>|0|0|0||||0|1", "outer.<locals>.Inner.get|1|0|0|self||v|3|6", "outer.<locals>.Inner|0|0|0|||v|0|4", "outer|0|0|0|Inner|v||3|2"])]
#[case("\ndef h():\n    global G\n    G = 1\n    def k():\n        local = 1\n        return local\n    return [i for i in range(3)], {i: j for i in a for j in b if i}, (x for x in y), {s for s in t}\n", &["<module>|0|0|0||||0|1", "h.<locals>.<dictcomp>|1|0|0|.0,i,j|||3|8", "h.<locals>.<genexpr>|1|0|0|.0,x|||35|8", "h.<locals>.<listcomp>|1|0|0|.0,i|||3|8", "h.<locals>.<setcomp>|1|0|0|.0,s|||3|8", "h.<locals>.k|0|0|0|local|||3|5", "h|0|0|0|k|||3|2"])]
#[case("\ndef gen():\n    yield 1\n    x = yield\n    return x\nlam = lambda q, *r, **s: q\ndef p(a, /, b, *, c): pass\ndef cellarg(a, b):\n    def inner(): return a\n    return inner\n", &["<lambda>|1|0|0|q,r,s|||15|6", "<module>|0|0|0||||0|1", "cellarg.<locals>.inner|0|0|0|||a|3|9", "cellarg|2|0|0|a,b,inner|a||3|8", "gen|0|0|0|x|||35|2", "p|2|1|1|a,b,c|||3|7"])]
#[case("\ndef deep():\n    x = 1\n    def mid():\n        def inner():\n            return x\n        return inner\n    return mid\ndef shadow(x):\n    def inner(x):\n        return x\n    return inner\ndef nl():\n    n = 0\n    def inc():\n        nonlocal n\n        n += 1\n    def get():\n        return n\n    return inc, get\n", &["<module>|0|0|0||||0|1", "deep.<locals>.mid.<locals>.inner|0|0|0|||x|3|5", "deep.<locals>.mid|0|0|0|inner||x|3|4", "deep|0|0|0|mid|x||3|2", "nl.<locals>.get|0|0|0|||n|3|18", "nl.<locals>.inc|0|0|0|||n|3|15", "nl|0|0|0|inc,get|n||3|13", "shadow.<locals>.inner|1|0|0|x|||3|10", "shadow|1|0|0|x,inner|||3|9"])]
#[case("\ndef comp_closure():\n    k = 2\n    return [x * k for x in range(3)]\ndef nested_comp():\n    return [[y for y in x] for x in z]\nclass D:\n    a = 1\n    b = [a for _ in range(2)]\n    def meth(self, t=a):\n        return [self for _ in t]\n", &["<module>|0|0|0||||0|1", "D.<listcomp>|1|0|0|.0,_|||3|9", "D.meth.<locals>.<listcomp>|1|0|0|.0,_||self|3|11", "D.meth|2|0|0|self,t|self||3|10", "D|0|0|0||||0|7", "comp_closure.<locals>.<listcomp>|1|0|0|.0,x||k|3|4", "comp_closure|0|0|0||k||3|2", "nested_comp.<locals>.<listcomp>.<listcomp>|1|0|0|.0,y|||3|6", "nested_comp.<locals>.<listcomp>|1|0|0|.0,x|||3|6", "nested_comp|0|0|0||||3|5"])]
#[case("\nimport os, sys as system\nfrom collections import OrderedDict as OD, deque\ndef uses_imports():\n    import json\n    from math import pi\n    return json, pi, os\ntry:\n    pass\nexcept Exception as err:\n    pass\ndef exc():\n    try:\n        pass\n    except Exception as e2:\n        return e2\n    with open(\"x\") as fh, open(\"y\"):\n        pass\n    for i, (j, *k) in z:\n        del i\n", &["<module>|0|0|0||||0|1", "exc|0|0|0|e2,fh,i,j,k|||3|12", "uses_imports|0|0|0|json,pi|||3|4"])]
#[case("\ndef gen2():\n    yield from range(3)\ndef lam_default(f=lambda: 0):\n    return f\n@decorator\ndef decorated(x):\n    return x\n@decorator\nclass Decorated(Base, metaclass=Meta):\n    def __init__(self):\n        super().__init__()\ndef kwonly_only(*, a, b=2): pass\ndef annotated(a: int, b: \"str\" = \"x\") -> None:\n    c: int = 1\n    d: int\n    return c\n", &["<lambda>|0|0|0||||3|4", "<module>|0|0|0||||0|1", "Decorated.__init__|1|0|0|self||__class__|3|11", "Decorated|0|0|0||__class__||0|9", "annotated|2|0|0|a,b,c|||3|14", "decorated|1|0|0|x|||3|6", "gen2|0|0|0||||35|2", "kwonly_only|0|0|2|a,b|||3|13", "lam_default|1|0|0|f|||3|4"])]
#[case("\nclass C:\n    __x = 1\n    def get(self, __p=5, *, __k=1):\n        __q = self.__y + C.__x\n        def inner():\n            return __q\n        return [self.__y for _ in range(1)], inner\nclass _D:\n    def m(self, __a):\n        global __g\n        return __a\n", &["<module>|0|0|0||||0|1", "C.get.<locals>.<listcomp>|1|0|0|.0,_||self|3|8", "C.get.<locals>.inner|0|0|0|||_C__q|3|6", "C.get|2|0|1|self,_C__p,_C__k,inner|self,_C__q||3|4", "C|0|0|0||||0|2", "_D.m|2|0|0|self,_D__a|||3|10", "_D|0|0|0||||0|9"])]
fn code_objects_match_cpython(#[case] src: &str, #[case] expected: &[&str]) {
    let code = compile_module(src.as_bytes(), "x.py").expect("compiles");
    let mut got = Vec::new();
    walk(&code, &mut got);
    got.sort();
    let expected: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
    assert_eq!(got, expected);
}
