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
print("subclass instance never reused:", r4 is not r1)
print("r1() is o:", r1() is o, "| r1 == r3 (equal while alive):", r1 == r3)
print("hash(r1) == hash(o):", hash(r1) == hash(o))
print("repr alive:", repr(r1))
p = weakref.proxy(o)
print("proxy attribute:", p.v, "| method:", p.method(), "| type:", type(p).__name__)
print("proxy reused:", weakref.proxy(o) is p)
try:
    hash(p)
except TypeError as e:
    print("hash(proxy) TypeError:", e)
del o
print("after del o: r1() ->", r1(), "| r1 == r3 (dead refs equal only if identical):", r1 == r3)
print("repr dead:", repr(r1))
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
print("== exception in callback -> printed as unraisable, not propagated ==")
sys.stderr = sys.stdout
o = C(5); w = weakref.ref(o, lambda r: 1/0); del o
sys.stderr = sys.__stderr__
print("== not weakly referenceable ==")
for v in [1, "s", (1,), [1], {}, None, b"x", 1.5, object(), set()]:
    try:
        weakref.ref(v); ok = True
    except TypeError as e:
        ok = str(e)
    print(f"   {type(v).__name__:10s} -> {ok}")
class L(list): pass
class Slots: __slots__ = ("a",)
class SlotsWR: __slots__ = ("a", "__weakref__")
for v in [L(), Slots(), SlotsWR(), C, len, (lambda: 0), frozenset()]:
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
print("alive:", f.alive, "| atexit:", f.atexit, "| peek:", f.peek()[1:] )
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
