# Cycle collection: with automatic collection enabled, creating many cyclic
# objects triggers collections on its own, so garbage does not pile up.
# requires: cycle-collection
import gc
import weakref

gc.enable()
gc.collect()


class Node:
    pass


refs = []
for i in range(3000):
    a = Node()
    a.me = a
    refs.append(weakref.ref(a))
del a
alive = sum(1 for r in refs if r() is not None)
print("most cycles already collected:", alive < 1500)
gc.collect()
print("all collected after gc.collect():", sum(1 for r in refs if r() is not None) == 0)
