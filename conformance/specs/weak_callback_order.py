# Weak references: several callbacks on one referent run newest first, on a
# refcount death and on a GC death alike.
# requires: cycle-collection
import gc
import weakref

gc.disable()


class T:
    pass


t = T()
refs = [weakref.ref(t, lambda r, i=i: print("cb", i)) for i in range(3)]
del t
print("--- same but the object dies inside a gc cycle ---")
t = T()
t.me = t
refs = [weakref.ref(t, lambda r, i=i: print("gc cb", i)) for i in range(3)]
del t
print("collect ->", gc.collect())
