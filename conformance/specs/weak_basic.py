# Weak references: a ref does not keep its referent alive; after death it
# returns None and each callback is called once with the dead ref
# (test_basic_ref, test_basic_callback, test_multiple_callbacks).
import weakref


class C:
    def __init__(self, v):
        self.v = v


calls = []


def cb(wr):
    calls.append(wr() is None)


o = C(1)
r = weakref.ref(o)
print("alive:", r() is o, r().v)
del o
print("dead:", r())
o = C(2)
r1 = weakref.ref(o, cb)
r2 = weakref.ref(o, cb)
print("two callbacks registered:", weakref.getweakrefcount(o))
del o
print("callbacks called:", len(calls), "| saw a dead referent:", calls)
print("refs dead:", r1() is None, r2() is None)
o = C(3)
w = weakref.ref(o, lambda r: print("SHOULD NOT PRINT"))
del w
del o
print("callback not called when the weakref dies first")
