# Weak references: a callback that drops its own weakref during a collection
# is fine, and the collection counts the freed weakref too.
# requires: cycle-collection
import gc
import weakref

gc.disable()


class K:
    pass


gc.collect()
d = {}
k1 = K()
k1.me = k1
d["x"] = weakref.ref(k1, lambda r: d.pop("x"))
del k1
print("collect ->", gc.collect(), "| d:", d)
