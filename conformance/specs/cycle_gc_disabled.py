# Cycle collection: with automatic collection disabled, cycles accumulate
# (weak references stay alive) until an explicit gc.collect().
# requires: cycle-collection
import gc
import weakref

gc.disable()
gc.collect()


class Node:
    pass


refs = []
for i in range(50):
    a = Node()
    b = Node()
    a.o = b
    b.o = a
    refs.append(weakref.ref(a))
del a, b
print("alive while disabled:", sum(1 for r in refs if r() is not None))
print("collect ->", gc.collect())
print("alive after collect:", sum(1 for r in refs if r() is not None))
print("isenabled:", gc.isenabled())
