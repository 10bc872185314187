# The gc module: which objects the collector tracks (atoms and constant
# tuples no; containers and user objects yes).
import gc


class N:
    pass


tests = [
    ("int 1", 1), ("str 'a'", "a"), ("float", 1.5), ("None", None), ("True", True),
    ("empty tuple ()", ()), ("tuple with list ([],)", ([],)),
    ("list []", []), ("list [1]", [1]), ("dict {}", {}), ("dict {'a':1}", {"a": 1}),
    ("dict {'a':[]}", {"a": []}), ("set()", set()), ("instance N()", N()),
    ("function", (lambda: 0)), ("class N", N), ("object()", object()),
    ("module gc", gc),
]
for k, v in tests:
    print(f"   {k:28s} {gc.is_tracked(v)}")
d = {}
print("new empty dict:", gc.is_tracked(d))
d["k"] = 1
print("dict after d['k']=1:", gc.is_tracked(d))
d["l"] = []
print("dict after d['l']=[]:", gc.is_tracked(d))
