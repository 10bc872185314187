//! The `weakref` module against CPython: each script runs through the
//! runtime and through `python3` in the same test, and stdout and the exit
//! status must be identical (scripts print facts, never addresses). The
//! scripts are the reference's §7.6 and §7.20 experiments and the §8
//! weakref scenarios (34-38), plus bad input. Without `python3` a test
//! prints why and checks the runtime alone against the recorded facts in
//! its assertions.

use std::process::Command;

use rstest::rstest;
use runtime::{Config, RunOutput, run_source};

/// `python3 NAME.py`'s stdout and status, or `None` when python3 is absent.
fn python3(name: &str, src: &str) -> Option<(String, i32)> {
    let dir = std::env::temp_dir().join(format!("pymm-weakref-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join(format!("{name}.py"));
    std::fs::write(&path, src).ok()?;
    let out = Command::new("python3")
        .arg(&path)
        .current_dir(&dir)
        .output()
        .ok()?;
    Some((
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
    ))
}

fn pymm(name: &str, src: &str, gc: &str) -> RunOutput {
    let config = Config {
        gc: gc.into(),
        check_leaks: true,
        max_steps: Some(20_000_000),
        ..Config::default()
    };
    run_source(&format!("{name}.py"), src.as_bytes(), &config)
}

/// §7.20 (`n_weakref_api.py`) without addresses.
const API: &str = r#"
import weakref, gc, sys
class C:
    def __init__(self, v=0): self.v = v
    def __repr__(self): return f"C({self.v})"
    def method(self): return self.v

o = C(1)
r1 = weakref.ref(o); r2 = weakref.ref(o)
print("ref without callback reused (r1 is r2):", r1 is r2)
r3 = weakref.ref(o, lambda r: None)
print("ref with callback is a new object:", r3 is not r1)
print("weakref.getweakrefcount(o):", weakref.getweakrefcount(o))
print("getweakrefs(o)[0] is r1 (basic ref first):", weakref.getweakrefs(o)[0] is r1)
class MyRef(weakref.ref): pass
r4 = MyRef(o)
print("subclass instance never reused:", r4 is not r1, isinstance(r4, weakref.ref))
print("r1() is o:", r1() is o, "| r1 == r3 (equal while alive):", r1 == r3)
print("hash(r1) == hash(o):", hash(r1) == hash(o))
print("repr alive:", repr(r1).startswith("<weakref at 0x"), "; to 'C' at 0x" in repr(r1))
p = weakref.proxy(o)
print("proxy attribute:", p.v, "| method:", p.method(), "| type:", type(p).__name__)
print("proxy reused:", weakref.proxy(o) is p)
try:
    hash(p)
except TypeError as e:
    print("hash(proxy) TypeError:", e)
del o
print("after del o: r1() ->", r1(), "| r1 == r3 (dead refs equal only if identical):", r1 == r3)
print("repr dead:", repr(r1).endswith("; dead>"))
try:
    p.v
except ReferenceError as e:
    print("dead proxy ReferenceError:", e)
print("hash(r1) still works after death since cached:", isinstance(hash(r1), int))
x = C(2); rx = weakref.ref(x); del x
try:
    hash(rx)
except TypeError as e:
    print("hash of never-hashed dead ref TypeError:", e)
print("== callback receives the (dead) weakref ==")
def cb(wr): print("cb got wr; wr() ->", wr())
o = C(3); w = weakref.ref(o, cb); del o
print("== callback not called if the weakref dies first ==")
o = C(4); w = weakref.ref(o, lambda r: print("SHOULD NOT PRINT")); del w; del o; print("(nothing printed)")
print("== not weakly referenceable ==")
for v in [1, "s", (1,), [1], {}, None, 1.5, object(), set(), True]:
    try:
        weakref.ref(v); ok = True
    except TypeError as e:
        ok = str(e)
    print(f"   {type(v).__name__:10s} -> {ok}")
class SlotsWR: __slots__ = ("a", "__weakref__")
for v in [SlotsWR(), C, len, (lambda: 0), frozenset(), C(9).method]:
    try:
        weakref.ref(v); ok = True
    except TypeError as e:
        ok = str(e)
    print(f"   {type(v).__name__:20s} -> {ok}")
print("== WeakValueDictionary ==")
wvd = weakref.WeakValueDictionary()
a = C(10); b = C(11)
wvd["a"] = a; wvd["b"] = b
print("len:", len(wvd), "keys:", sorted(wvd.keys()))
del a
print("after del a: len:", len(wvd), "keys:", sorted(wvd.keys()), "| 'a' in wvd:", "a" in wvd)
try:
    wvd["a"]
except KeyError as e:
    print("wvd['a'] KeyError:", e)
print("get default:", wvd.get("a", "dflt"))
print("== WeakKeyDictionary ==")
wkd = weakref.WeakKeyDictionary()
k1 = C(20); k2 = C(21)
wkd[k1] = "one"; wkd[k2] = "two"
print("len:", len(wkd))
del k1
print("after del k1: len:", len(wkd), "values:", list(wkd.values()))
try:
    wkd[1] = "x"
except TypeError as e:
    print("non-weakrefable key TypeError:", e)
print("== WeakSet ==")
ws = weakref.WeakSet()
s1 = C(30); s2 = C(31); ws.add(s1); ws.add(s2)
print("len:", len(ws))
del s1
print("after del s1:", len(ws), list(ws))
print("== WeakMethod ==")
obj = C(40); wm = weakref.WeakMethod(obj.method)
print("wm()():", wm()(), "| plain ref to bound method dies immediately:", weakref.ref(obj.method)() is None)
del obj
print("after del obj wm():", wm())
print("== finalize ==")
class Res: pass
res = Res()
f = weakref.finalize(res, print, "finalizer called", 123)
print("alive:", f.alive, "| atexit:", f.atexit, "| peek:", f.peek()[1:])
del res
print("after del res alive:", f.alive)
res2 = Res()
f2 = weakref.finalize(res2, lambda: "rv")
print("explicit call returns:", f2(), "| second call returns:", f2(), "| alive:", f2.alive)
res3 = Res()
f3 = weakref.finalize(res3, print, "f3 should not run")
print("detach returns (obj, func, args, kwargs) -> func name:", f3.detach()[1].__name__, "| alive:", f3.alive)
res4 = Res(); f4 = weakref.finalize(res4, print, "f4 runs at exit (created first)")
res5 = Res(); f5 = weakref.finalize(res5, print, "f5 runs at exit (created second)")
res6 = Res(); f6 = weakref.finalize(res6, print, "f6 never runs (atexit=False)"); f6.atexit = False
print("end of script; exiting")
"#;

/// §7.6 (`e_weakref_gc.py`): callbacks during the collection of a cycle.
const GC_CYCLES: &str = r#"
import gc, weakref
class Node:
    def __init__(self, name): self.name = name
    def __del__(self): print(f"__del__ {self.name}")

gc.collect()
a = Node("A"); b = Node("B")
a.other = b; b.other = a
def cb(wr):
    print("callback: wr() is", wr(), "| wr is ref_a:", wr is ref_a)
ref_a = weakref.ref(a, cb)
ref_b_plain = weakref.ref(b)
del a, b
print("collect ->", gc.collect())
print("ref_a() ->", ref_a(), "| ref_b_plain() ->", ref_b_plain())
print("--- weakref that is itself part of the garbage: callback NOT called ---")
class Holder: pass
h1 = Holder(); h2 = Holder(); h1.o = h2; h2.o = h1
h1.wr = weakref.ref(h2, lambda r: print("SHOULD NOT PRINT"))
del h1, h2
print("collect ->", gc.collect())
print("--- weakref to an object resurrected by __del__ is still cleared ---")
saved = None
class Phoenix:
    def __del__(self):
        global saved; saved = self
p1 = Phoenix(); p2 = Phoenix(); p1.o = p2; p2.o = p1
w = weakref.ref(p1, lambda r: print("callback for resurrected p1 fired"))
del p1, p2
print("collect ->", gc.collect())
print("w() ->", w(), "| saved alive:", saved is not None)
saved = None
print("collect ->", gc.collect())
print("--- callbacks order for several weakrefs to the same object (refcount death) ---")
class T: pass
t = T()
refs = [weakref.ref(t, lambda r, i=i: print("cb", i)) for i in range(3)]
del t
print("--- same but object dies inside a gc cycle ---")
t = T(); t.me = t
refs = [weakref.ref(t, lambda r, i=i: print("gc cb", i)) for i in range(3)]
del t
print("collect ->", gc.collect())
print("--- gc.collect() counting when callback frees the weakref itself ---")
import weakref as W
class K: pass
d = {}
k1 = K(); k1.me = k1
d['x'] = W.ref(k1, lambda r: d.pop('x'))
del k1
print("collect ->", gc.collect(), "| d:", d)
"#;

/// §8 scenarios 29, 31, 34-38: refcount vs GC order, reuse and counts,
/// equality and `__callback__`, containers losing entries (also during
/// iteration), finalize order.
const SCENARIOS: &str = r#"
import weakref, gc
class C:
    def __init__(self, v): self.v = v
    def __eq__(self, other): return isinstance(other, C) and self.v == other.v
    def __hash__(self): return hash(self.v)
# 34: basic callbacks
calls = []
o = C(1); w1 = weakref.ref(o, lambda r: calls.append(1)); w2 = weakref.ref(o, lambda r: calls.append(2))
del o
print("34 cbcalled:", len(calls), calls, w1(), w2())
# 35: reuse, counts, getweakrefs
o = C(2)
r1 = weakref.ref(o); p1 = weakref.proxy(o); r2 = weakref.ref(o); p2 = weakref.proxy(o)
print("35 reuse:", r1 is r2, p1 is p2, weakref.getweakrefcount(o))
r3 = weakref.ref(o, lambda r: None); p3 = weakref.proxy(o, lambda r: None)
print("35 count 4:", weakref.getweakrefcount(o), len(weakref.getweakrefs(o)))
del r1, r2, r3, p1, p2, p3
print("35 count 0:", weakref.getweakrefcount(o), weakref.getweakrefs(o), weakref.getweakrefcount(1), weakref.getweakrefs(1))
# 37: equality, hashing, __callback__
a1 = C(5); a2 = C(5); b = C(6)
ra1 = weakref.ref(a1); ra2 = weakref.ref(a2); rb = weakref.ref(b)
print("37 eq alive:", ra1 == ra2, ra1 != rb, ra1 == a1, hash(ra1) == hash(5))
def cbf(r): pass
rc = weakref.ref(a1, cbf)
print("37 __callback__:", rc.__callback__ is cbf, ra1.__callback__)
try:
    rc.__callback__ = None
except AttributeError as e:
    print("37 assign __callback__ AttributeError:", e)
try:
    ra1 < ra2
except TypeError:
    print("37 ordering TypeError")
del a1, a2
print("37 dead:", ra1 == ra2, ra1 == ra1, rc.__callback__)
# 29 / 31: resurrection on the refcount path keeps the weakref alive; on the gc path clears it
keep = []
class Lazarus:
    def __del__(self): keep.append(self)
z = Lazarus(); wz = weakref.ref(z); del z
print("29 refcount path, resurrected: wr alive:", wz() is keep[0])
keep.clear()
print("29 after second death:", wz())
y = Lazarus(); y.me = y; wy = weakref.ref(y); del y
gc.collect()
print("31 gc path, resurrected: wr cleared:", wy() is None, len(keep))
keep.clear(); gc.collect()
# 38: containers losing entries, also while iterating
class K: pass
d = weakref.WeakValueDictionary()
objs = [K() for i in range(10)]
for i, x in enumerate(objs):
    d[i] = x
del x
print("38 wvd len:", len(d))
objs.pop()
print("38 wvd len after one death:", len(d))
it = iter(d.items())
first = next(it)
del objs[:]
n1 = len(d)
print("38 entries left while iterating (0 or 1):", n1 in (0, 1))
del it, first
print("38 after iterator dropped:", len(d))
wk = weakref.WeakKeyDictionary()
keys = [K() for i in range(5)]
for k in keys:
    wk[k] = 1
try:
    for k in wk:
        wk[K()] = 2
except RuntimeError as e:
    print("38 wkd mutation during iteration:", e)
wsa = weakref.WeakSet(keys)
print("38 weakset:", len(wsa), keys[0] in wsa, 5 in wsa)
del keys, k
print("38 all keys gone:", len(wk), len(wsa))
# finalize order (test_order): newest first
order = []
class R: pass
r = R()
f1 = weakref.finalize(r, order.append, "f1")
f2 = weakref.finalize(r, order.append, "f2")
f3 = weakref.finalize(r, order.append, "f3")
f4 = weakref.finalize(r, order.append, "f4")
f3.detach()
del r
print("38 finalize order:", order)
# refcount path: __del__ first (weakref still resolves), then callbacks newest first
class D:
    def __del__(self):
        print("__del__ sees its weakref alive:", wd() is self)
dd = D()
wd = weakref.ref(dd, lambda r: print("callback after __del__, wr() ->", r()))
del dd
# exit-time finalizers with an exception in between
def boom():
    raise ValueError("finalizer error")
class X: pass
x1 = X(); x2 = X(); x3 = X()
weakref.finalize(x1, print, "exit f1")
weakref.finalize(x2, boom)
weakref.finalize(x3, print, "exit f3")
print("end")
"#;

/// Bad input: every function with wrong argument counts and types, weak
/// references to objects that do not allow them, a dead proxy.
const BAD_INPUT: &str = r#"
import weakref
def show(f, *a, **k):
    try:
        print("ok", f(*a, **k) is not None)
    except Exception as e:
        print(type(e).__name__ + ":", e)
class C: pass
c = C()
show(weakref.ref)
show(weakref.ref, c, None, 3)
show(weakref.ref, c, callback=None)
show(weakref.ref, 1)
show(weakref.ref, 10**30)
show(weakref.ref, "text")
show(weakref.ref, [])
show(weakref.ref, None)
show(weakref.ref(c), 1)
show(weakref.proxy)
show(weakref.proxy, 1)
show(weakref.proxy, c, None, 3)
show(weakref.getweakrefcount)
show(weakref.getweakrefcount, c, c)
show(weakref.getweakrefs)
show(weakref.getweakrefs, 1, 2)
show(weakref.WeakKeyDictionary().__setitem__, 5, "x")
show(weakref.WeakSet().add, 5)
show(weakref.WeakMethod, len)
show(weakref.WeakMethod, 5)
d = weakref.WeakValueDictionary()
show(d.__setitem__, "k", 5)
show(d.__getitem__, "missing")
p = weakref.proxy(C())
show(getattr, p, "x")
show(str, p)
show(len, p)
"#;

/// A callback that raises: reported as unraisable, the run goes on.
const RAISING_CALLBACK: &str = r#"
import weakref
class C: pass
o = C()
w = weakref.ref(o, lambda r: 1/0)
del o
print("still running")
o2 = C()
w2 = weakref.ref(o2, lambda r: print("second callback runs"))
del o2
print("done")
"#;

#[rstest]
#[case::api("weakref_api", API, "generational")]
#[case::gc_cycles("weakref_gc_cycles", GC_CYCLES, "generational")]
#[case::gc_cycles_trial_deletion("weakref_gc_cycles_td", GC_CYCLES, "trial-deletion")]
#[case::scenarios("weakref_scenarios", SCENARIOS, "generational")]
#[case::bad_input("weakref_bad_input", BAD_INPUT, "generational")]
#[case::raising_callback("weakref_raising_callback", RAISING_CALLBACK, "generational")]
fn same_output_as_python3(#[case] name: &str, #[case] src: &str, #[case] gc: &str) {
    let out = pymm(name, src, gc);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let Some((expected, status)) = python3(name, src) else {
        eprintln!("python3 not found: {name} checked without CPython's output");
        assert!(!stdout.is_empty(), "{name}: no output; stderr:\n{stderr}");
        return;
    };
    assert_eq!(
        stdout, expected,
        "{name}: stdout differs from python3's; pymm stderr:\n{stderr}"
    );
    assert_eq!(out.status, status, "{name}: exit status; stderr:\n{stderr}");
}

#[test]
fn raising_callback_is_reported_as_unraisable() {
    let out = pymm("raising", RAISING_CALLBACK, "generational");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("Exception ignored in: <function <lambda> at 0x"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Traceback (most recent call last):"),
        "{stderr}"
    );
    assert!(
        stderr.contains("ZeroDivisionError: division by zero"),
        "{stderr}"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "still running\nsecond callback runs\ndone\n"
    );
    assert_eq!(out.status, 0);
}

#[test]
fn finalizer_error_at_exit_is_printed_and_the_others_run() {
    let out = pymm("scenarios", SCENARIOS, "generational");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.ends_with("end\nexit f3\nexit f1\n"), "{stdout}");
    assert!(stderr.contains("ValueError: finalizer error"), "{stderr}");
}

#[test]
fn weakref_objects_do_not_leak() {
    // check_leaks is on: anything the module kept alive would fail the run.
    let src = "import weakref\nclass C: pass\nc = C()\nrs = [weakref.ref(c, print) for i in range(100)]\nps = weakref.proxy(c)\nd = weakref.WeakKeyDictionary({c: 1})\ndel c\nprint(len(d), rs[0]())\n";
    let out = pymm("leaks", src, "generational");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().last(),
        Some("0 None")
    );
    assert_eq!(out.status, 0, "{}", String::from_utf8_lossy(&out.stderr));
}
