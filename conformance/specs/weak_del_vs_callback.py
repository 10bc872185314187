# Weak references and finalizers: on a refcount death __del__ runs first and
# the weakref is still alive inside it; on a GC death weakrefs are cleared
# and their callbacks run before any __del__.
# requires: cycle-collection
import gc
import weakref

gc.disable()


class D:
    def __init__(s, n):
        s.n = n

    def __del__(s):
        print("__del__", s.n, "| weakref alive inside __del__:", w() is s)


d = D("rc")
w = weakref.ref(d, lambda r: print("weakref callback, r() ->", r()))
del d
print("--- gc death ---")
d = D("gc")
d.me = d
w = weakref.ref(d, lambda r: print("weakref callback, r() ->", r()))
del d
print("collect ->", gc.collect())
