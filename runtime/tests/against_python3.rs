//! Scripts about reference counting, `__del__` timing, object sizes and the
//! language subset, run through the runtime and through `python3` in the
//! same test: stdout and exit status must be identical.

use std::process::Command;

use rstest::rstest;
use runtime::{Config, run_source};

fn python3(name: &str, src: &str) -> (String, i32) {
    let dir = std::env::temp_dir().join(format!("pymm-vm-tests-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{name}.py"));
    std::fs::write(&path, src).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    let out = Command::new("python3")
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("python3 is required by these tests: {e}"));
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

const REFCOUNTS: &str = r#"
import sys
x = []
print(sys.getrefcount(x))
y = x
print(sys.getrefcount(x))
del y
print(sys.getrefcount(x))
lst = [x, x]
print(sys.getrefcount(x))
del lst
print(sys.getrefcount(x))
def f(arg):
    return sys.getrefcount(arg)
print(f(x))
print(sys.getrefcount(object()))
d = {"k": x}
print(sys.getrefcount(x))
d.clear()
print(sys.getrefcount(x))
class A:
    pass
a = A()
a.attr = x
print(sys.getrefcount(x), sys.getrefcount(a))
t = (x,)
print(sys.getrefcount(x))
"#;

const DEL_TIMING: &str = r#"
class R:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print("del", self.name)
def f():
    a = R("local a")
    b = R("local b")
    print("leaving f")
f()
print("after f")
x = R("rebound")
x = R("second")
print("after rebind")
l = [R("item0"), R("item1"), R("item2")]
l.pop()
print("after pop")
del l[0]
print("after del l[0]")
del l
print("after del l")
d = {"a": R("value a"), "b": R("value b")}
d = None
print("after dict dropped")
t = (R("t0"), R("t1"))
del t
print("after tuple dropped")
class Holder:
    def __init__(self):
        self.first = R("attr first")
        self.second = R("attr second")
h = Holder()
del h
print("after holder dropped")
def g():
    return R("temporary")
g()
print("after temporary")
e = R("end of module")
print("end")
"#;

const SIZES: &str = r#"
import sys
print(sys.getsizeof(0), sys.getsizeof(1), sys.getsizeof(2**30), sys.getsizeof(2**60), sys.getsizeof(-1))
print(sys.getsizeof(''), sys.getsizeof('a'), sys.getsizeof('abc'), sys.getsizeof('é'), sys.getsizeof('€'), sys.getsizeof('😀'))
print(sys.getsizeof(()), sys.getsizeof((1,)), sys.getsizeof((1, 2, 3)))
print(sys.getsizeof([]), sys.getsizeof(1.5), sys.getsizeof(None), sys.getsizeof(True))
print(sys.getsizeof({}), sys.getsizeof({'a': 1}), sys.getsizeof({1: 2}), sys.getsizeof(set()), sys.getsizeof(dict(a=1)))
class A:
    pass
print(sys.getsizeof(A()), sys.getsizeof(object()))
l = []
sizes = []
for i in range(70):
    l.append(i)
    sizes.append(sys.getsizeof(l))
print(sizes)
d = {}
sizes = []
for i in range(50):
    d[i] = i
    sizes.append(sys.getsizeof(d))
print(sizes)
s = set()
sizes = []
for i in range(40):
    s.add(i)
    sizes.append(sys.getsizeof(s))
print(sizes)
print(sys.getsizeof(list(range(10))), sys.getsizeof([i for i in range(10)]), sys.getsizeof(list(range(3))))
while l:
    l.pop()
print(sys.getsizeof(l))
"#;

const LANGUAGE: &str = r#"
print({3, 1, 2}, {10: 'a', 2: 'b'}, [1, 'two', (3.0,)], {'q': "it's"})
print(7 // 2, -7 // 2, 7 % -3, -7 % 3, 2 ** -1, 2 ** 100, 10 / 4, 1e16, 1.5e-7, 0.1 + 0.2)
print(f"{3.14159:.2f}|{42:>5}|{'x':*^5}|{1234567:,}|{255:#x}|{0.25:.1%}")
print("{} and {name}".format(1, name="n"), "%s=%d" % ("a", 3))
print(sorted([3, 1, 2], reverse=True), sorted(["b", "A", "c"], key=str.lower))
print(list(zip([1, 2], "ab")), list(enumerate("xy", 1)), list(map(abs, [-1, -2])))
print(max([1, 5, 3]), min("bca"), sum(range(10)), any([]), all([]), round(2.5), round(3.14159, 2))
print("a,b,,c".split(","), " x y ".split(), "abc".upper(), "-".join("abc"), "abcabc".replace("b", "B", 1))
print(repr("tab\there"), repr('q"q'), repr(None), repr(...), str(1.0), int("-12"), float("1e3"))
def gen(n):
    for i in range(n):
        yield i * i
print(list(gen(4)), sum(x for x in range(5)), [c for c in "hi"])
class P:
    def __init__(self, x):
        self._x = x
    @property
    def x(self):
        return self._x
    @staticmethod
    def s():
        return "static"
    @classmethod
    def c(cls):
        return cls.__name__
    def __repr__(self):
        return f"P({self._x})"
    def __eq__(self, other):
        return isinstance(other, P) and other._x == self._x
    def __hash__(self):
        return hash(self._x)
class Q(P):
    def __init__(self, x):
        super().__init__(x * 2)
print(P(1).x, P.s(), Q.c(), Q(2), P(1) == P(1), len({P(1), P(1)}), isinstance(Q(1), P))
try:
    raise ValueError("bad") from KeyError("k")
except ValueError as e:
    print(type(e).__name__, e, repr(e.__cause__))
try:
    [][1]
except IndexError as e:
    print(e)
class Ctx:
    def __enter__(self):
        print("enter")
        return self
    def __exit__(self, t, v, tb):
        print("exit", t.__name__ if t else None)
        return True
with Ctx() as c:
    raise KeyError("swallowed")
print("after with", type(c).__name__)
"#;

#[rstest]
#[case::refcounts("refcounts", REFCOUNTS)]
#[case::del_timing("del_timing", DEL_TIMING)]
#[case::sizes("sizes", SIZES)]
#[case::language("language", LANGUAGE)]
fn same_output_as_python3(#[case] name: &str, #[case] src: &str) {
    let config = Config {
        check_leaks: true,
        ..Config::default()
    };
    let ours = run_source(&format!("{name}.py"), src.as_bytes(), &config);
    let (want, want_status) = python3(name, src);
    assert_eq!(
        String::from_utf8_lossy(&ours.stdout),
        want,
        "stderr: {}",
        String::from_utf8_lossy(&ours.stderr)
    );
    assert_eq!(
        ours.status,
        want_status,
        "stderr: {}",
        String::from_utf8_lossy(&ours.stderr)
    );
}
