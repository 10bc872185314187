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

const CLASSES_AND_BUILTINS: &str = r#"
class Base(Exception):
    def __init__(self, msg, code):
        super().__init__(msg)
        self.code = code
class Child(Base):
    pass
try:
    raise Child("boom", 42)
except Base as e:
    print(type(e).__name__, e, e.code, e.args, repr(e))
class V:
    def __init__(self, x, y):
        self.x, self.y = x, y
    def __add__(self, o):
        return V(self.x + o.x, self.y + o.y)
    def __mul__(self, k):
        return V(self.x * k, self.y * k)
    __rmul__ = __mul__
    def __repr__(self):
        return "V(%d, %d)" % (self.x, self.y)
    def __lt__(self, o):
        return (self.x, self.y) < (o.x, o.y)
    def __eq__(self, o):
        return (self.x, self.y) == (o.x, o.y)
    __hash__ = None
print(V(1, 2) + V(3, 4), V(1, 1) * 3, 2 * V(1, 2), sorted([V(2, 1), V(1, 5)]), V(1, 2) == V(1, 2), V(1,2) != V(1,3))
try:
    hash(V(1, 2))
except TypeError as e:
    print(e)
class Ctx:
    def __enter__(self):
        return "res"
    def __exit__(self, *a):
        print("exit", a[0])
        return False
try:
    with Ctx() as r:
        print(r)
        raise KeyError("k")
except KeyError as e:
    print("propagated", e)
def deco(f):
    def wrapper(*args, **kw):
        print("calling", f.__name__, args, kw)
        return f(*args, **kw)
    return wrapper
@deco
def add(a, b=0):
    return a + b
print(add(1, b=2))
class P:
    def __init__(self):
        self._v = 0
    @property
    def v(self):
        return self._v
    @v.setter
    def v(self, val):
        self._v = val * 2
p = P()
p.v = 5
print(p.v)
class Meta:
    def __getattr__(self, name):
        return name.upper()
print(Meta().hello)
import sys
print(sys.maxsize, type(sys.argv), sys.getrecursionlimit())
s = "Hello, World"
print(s.lower().count("l"), s.find("World"), s[7:], s.split(", "), s.startswith(("He", "x")), s.replace("l", "L"), s.partition(","))
print("  pad ".strip(), "x".ljust(3, "."), "5".zfill(3), "a\nb\nc".splitlines(), "tab\tx".expandtabs(4))
lst = [3, 1, 2]
lst.insert(0, 9); lst.remove(1); print(lst, lst.index(2), lst.count(9), lst.pop(0), lst)
st = {1, 2, 3}
st.add(4); st.discard(1); print(st, st | {9}, st & {2, 3}, st - {2}, st ^ {3, 10}, {1, 2} <= {1, 2, 3})
print(list(range(10, 0, -3)), range(5)[2], len(range(0, 10, 3)), 3 in range(10))
print(max("apple", "pear", key=len), min([], default="empty"), sum([0.1] * 10), sum([[1], [2]], []))
print(isinstance(True, int), type(None).__name__, callable(len), callable(1))
def f(*args, **kwargs):
    return args, kwargs
print(f(1, 2, x=3), f(*[1, 2], **{"y": 4}))
print([x for x in (1, 2, 3) if x != 2], tuple(x * 2 for x in range(3)), dict(zip("ab", [1, 2])))
while True:
    break
else:
    print("never")
for i in range(2):
    pass
else:
    print("for-else", i)
assert True, "no"
try:
    assert 1 == 2, "math broke"
except AssertionError as e:
    print("assert:", e)
del lst[0]
print(lst, [1, 2, 3][-1:], "abc"[::-1], (1, 2, 3)[1:], "x" * 3, [0] * 3)
print(int("0x1f", 16), int("  42  "), int(-3.9), float("  2.5 "), str(None), bool("False"))
print("%s and %r and %5.1f%%" % ("a", "b", 99.5), "{0}{1}{0}".format("x", "y"))
print(globals()["__name__"], __name__ == "__main__")
"#;

const BUILTINS_AND_SCOPES: &str = r#"
import sys
class Stack:
    def __init__(self):
        self.items = []
    def push(self, x):
        self.items.append(x)
    def __len__(self):
        return len(self.items)
    def __iter__(self):
        return iter(self.items)
    def __getitem__(self, i):
        return self.items[i]
    def __contains__(self, x):
        return x in self.items
s = Stack()
for i in range(5):
    s.push(i * 2)
print(len(s), list(s), s[1], 4 in s, 5 in s, s[-1], s[1:3])
d = {"a": 1, "b": 2}
d.update(c=3)
print(d, list(d.keys()), list(d.values()), d.get("z", 0), d.pop("a"), d)
print(sorted(d.items(), key=lambda kv: -kv[1]))
nums = [5, 3, 8, 1]
nums.sort()
print(nums, nums[::-1], nums[::2], min(nums), max(nums, key=lambda x: -x))
x = 10
def outer():
    y = 1
    def inner():
        nonlocal y
        y += 1
        return y
    inner()
    return inner()
print(outer())
def counter():
    global x
    x += 1
counter()
print(x)
print([(i, j) for i in range(3) for j in range(i) if j % 2 == 0])
print({k: v for k, v in zip("abc", range(3))}, {c for c in "hello"} == set("helo"))
a, *b, c = range(6)
print(a, b, c)
print(*[1, 2, 3], sep="-", end="!\n")
print(f"{'nested' + str(1):>10}|{3.0!s}|{[1,2]!r}")
t = 1, 2
print(t, type(t).__name__, isinstance(t, tuple), issubclass(bool, int))
try:
    int("abc")
except (ValueError, TypeError) as e:
    print("caught", type(e).__name__, e)
finally:
    print("finally")
def gen():
    x = yield 1
    print("got", x)
    yield x * 2
g = gen()
print(next(g), g.send(21))
print(divmod(-7, 2), pow(2, 10), pow(2, 10, 1000), abs(-3.5), round(-2.5), hex(255), bin(5), oct(8), chr(65), ord("a"))
print(bool([]), bool([0]), not None, 1 if [] else 2, [] or "default", 0 and 1)
print(str.upper("x"), "x".join(map(str, range(3))), "%.3f" % 2.0, "{:08.3f}".format(-3.14159))
print(list(reversed([1, 2, 3])), list(filter(None, [0, 1, "", "a"])), any(x > 2 for x in [1, 3]))
class A:
    count = 0
    def __init__(self):
        A.count += 1
A(); A()
print(A.count, A().count, hasattr(A, "count"), getattr(A, "nope", "dflt"))
print(2 ** 0.5, 10 // 3, 10 % 3, -10 // 3, 1e-5, 123456789.0 * 1000, 1 / 3 * 3, float("inf"), -0.0)
print(repr(1.1), repr(100.0), repr(1e22), 3 == 3.0, hash(3) == hash(3.0), 0.1 + 0.7)
"#;

#[rstest]
#[case::classes_and_builtins("classes_and_builtins", CLASSES_AND_BUILTINS)]
#[case::builtins_and_scopes("builtins_and_scopes", BUILTINS_AND_SCOPES)]
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
