# Weak references: a weakref to an object in cyclic garbage is cleared (and
# its callback called) even when a __del__ resurrects the object.
# requires: cycle-collection
import gc
import weakref

gc.disable()
saved = None


class Phoenix:
    def __del__(self):
        global saved
        saved = self


gc.collect()
p1 = Phoenix()
p2 = Phoenix()
p1.o = p2
p2.o = p1
w = weakref.ref(p1, lambda r: print("callback for resurrected p1 fired"))
del p1, p2
print("collect ->", gc.collect())
print("w() ->", w(), "| saved alive:", saved is not None)
saved = None
print("collect ->", gc.collect())
