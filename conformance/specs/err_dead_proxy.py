# Error case: using a weak proxy after its referent died raises an uncaught
# ReferenceError.
import weakref


class C:
    v = 1


o = C()
p = weakref.proxy(o)
print("alive:", p.v)
del o
print("referent gone")
print(p.v)
