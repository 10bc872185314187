# Weak containers: WeakValueDictionary entries vanish when their values die
# (a cache that does not keep its objects alive; a leftover loop variable
# does).
import weakref


class C:
    def __init__(self, v):
        self.v = v

    def __repr__(self):
        return f"C({self.v})"


wvd = weakref.WeakValueDictionary()
a = C(10)
b = C(11)
wvd["a"] = a
wvd["b"] = b
print("len:", len(wvd), "keys:", sorted(wvd.keys()))
del a
print("after del a: len:", len(wvd), "keys:", sorted(wvd.keys()), "| 'a' in wvd:", "a" in wvd)
try:
    wvd["a"]
except KeyError as e:
    print("wvd['a'] KeyError:", e)
print("get default:", wvd.get("a", "dflt"), "| get b:", wvd.get("b"))
cache = weakref.WeakValueDictionary()
objs = [C(i) for i in range(10)]
for o in objs:
    cache[o.v] = o
print("cache size:", len(cache))
del objs[5:]
print("after dropping half:", len(cache), sorted(cache.keys()))
objs.clear()
print("after dropping all:", len(cache))
