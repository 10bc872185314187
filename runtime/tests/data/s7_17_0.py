import gc, sys
print("== gc.callbacks ==")
log = []
def cb(phase, info):
    log.append((phase, dict(info)))
gc.callbacks.append(cb)
class N: pass
a = N(); a.me = a; del a
r = gc.collect()
gc.callbacks.remove(cb)
print("collect ->", r)
for e in log: print("  ", e)
log.clear()
gc.callbacks.append(cb)
gc.collect(0)
gc.callbacks.remove(cb)
for e in log: print("   gen0:", e)

print("== get_stats ==")
st = gc.get_stats()
print("len:", len(st), "keys:", [sorted(d) for d in st][0])

print("== thresholds & automatic trigger ==")
gc.collect()
old = gc.get_threshold()
gc.set_threshold(5)
print("get_threshold after set_threshold(5):", gc.get_threshold())
events = []
gc.callbacks.append(lambda p, i: events.append((p, i["generation"])) if p == "start" else None)
objs = [N() for _ in range(3)]
objs2 = []
for i in range(30):
    objs2.append(N())
print("collections triggered (start events):", events[:12], "... total", len(events))
gc.callbacks.pop()
gc.set_threshold(*old)
gc.set_threshold(0)
print("threshold 0 disables automatic gc; get_threshold:", gc.get_threshold())
gc.set_threshold(*old)
try:
    gc.collect(3)
except ValueError as e:
    print("gc.collect(3) ValueError:", e)
try:
    gc.collect(-1)
except ValueError as e:
    print("gc.collect(-1) ValueError:", e)

print("== enable/disable ==")
gc.disable(); print("isenabled after disable:", gc.isenabled())
b = N(); b.me = b; del b
print("manual collect still works while disabled ->", gc.collect())
gc.enable(); print("isenabled after enable:", gc.isenabled())

print("== freeze ==")
gc.collect()
print("freeze count before:", gc.get_freeze_count())
gc.freeze()
fc = gc.get_freeze_count()
print("freeze count after freeze > 0:", fc > 0, "| get_count after freeze:", gc.get_count())
c = N(); c.me = c; del c
print("new garbage still collected ->", gc.collect())
f = N(); f.me = f
gc.freeze()                      # cycle f is now in permanent generation
del f
print("frozen garbage not collected ->", gc.collect())
gc.unfreeze()
print("freeze count after unfreeze:", gc.get_freeze_count())
print("after unfreeze, collect ->", gc.collect())

print("== is_tracked ==")
class Slot: __slots__ = ()
class WithSlot: __slots__ = ("x",)
tests = {
 "int 1": 1, "str 'a'": "a", "float": 1.5, "None": None, "bytes": b"x",
 "empty tuple ()": (), "tuple of ints (1,2)": (1, 2), "tuple with list ([],)": ([],),
 "list []": [], "list [1]": [1], "dict {}": {}, "dict {'a':1}": {"a": 1},
 "dict {'a':[]}": {"a": []}, "set()": set(), "frozenset()": frozenset(),
 "instance N()": N(), "__slots__=() instance": Slot(), "WithSlot()": WithSlot(),
 "function": (lambda: 0), "class N": N, "module sys": sys, "bytearray": bytearray(),
 "range": range(3), "object()": object(),
}
for k, v in tests.items():
    print(f"   {k:28s} {gc.is_tracked(v)}")
t = tuple([1, 2, 3])
print("runtime tuple of ints tracked at creation:", gc.is_tracked(t))
gc.collect()
print("... after a collection:", gc.is_tracked(t))
t2 = tuple([1, (2, 3)]); inner = t2[1]
print("nested tuple (1,(2,3)) runtime tracked:", gc.is_tracked(t2))
gc.collect(0)
print("after gc.collect(0): outer", gc.is_tracked(t2), "inner", gc.is_tracked(inner))
d = {}
print("new empty dict:", gc.is_tracked(d))
d["k"] = 1
print("dict after d['k']=1:", gc.is_tracked(d))
d["l"] = []
print("dict after d['l']=[]:", gc.is_tracked(d))
del d["l"]
print("dict after del d['l'] (still tracked until full gc):", gc.is_tracked(d))
gc.collect(0)
print("after gc.collect(0) (dicts untracked only in full collections):", gc.is_tracked(d))
gc.collect()
print("after gc.collect():", gc.is_tracked(d))
d2 = {"x": (1, 2)}
print("dict with tuple-of-ints literal value:", gc.is_tracked(d2))
d3 = {"x": tuple([1, 2])}
print("dict with runtime tuple value:", gc.is_tracked(d3))

print("== is_finalized ==")
class Fin:
    def __del__(self): pass
x = Fin()
print("is_finalized(new):", gc.is_finalized(x))
x.me = x
import weakref
w = weakref.ref(x)
del x
gc.collect()
print("(object gone) w() ->", w())
print("is_finalized(non-gc int):", gc.is_finalized(3))

print("== get_referrers / get_referents ==")
class R: pass
o = R()
holder = [o]
hd = {"k": o}
refs = gc.get_referrers(o)
print("referrers types:", sorted(type(r).__name__ for r in refs))
print("holder in referrers:", any(r is holder for r in refs), "| hd in referrers:", any(r is hd for r in refs))
print("get_referents([1, 'a', o]) :", [type(r).__name__ for r in gc.get_referents([1, "a", o])])
print("get_referents(1) (non-GC):", gc.get_referents(1))
print("get_referents({'a': 1}):", gc.get_referents({"a": 1}))
o.attr = 42
print("get_referents(instance) types:", [type(r).__name__ for r in gc.get_referents(o)])
print("get_referents((1, 2)):", gc.get_referents((1, 2)))
print("get_objects() includes holder:", any(x is holder for x in gc.get_objects()))
print("get_objects(generation=0) len>0:", len(gc.get_objects(generation=0)) >= 0)
try:
    gc.get_objects(3)
except ValueError as e:
    print("get_objects(3):", e)
