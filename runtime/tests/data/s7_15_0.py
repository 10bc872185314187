import gc
class Node:
    def __init__(self, name): self.name = name
    def __repr__(self): return f"<Node {self.name}>"
gc.collect()
gc.set_debug(gc.DEBUG_SAVEALL)
print("get_debug:", gc.get_debug(), "DEBUG_SAVEALL =", gc.DEBUG_SAVEALL)
a = Node("A"); b = Node("B"); a.other = b; b.other = a
l = []; l.append(l)
del a, b, l
n = gc.collect()
print("collect ->", n)
print("gc.garbage:", gc.garbage)
print("types:", [type(o).__name__ for o in gc.garbage])
print("objects in garbage are still intact:", gc.garbage[0].other.name)
print("second collect ->", gc.collect(), "| len(garbage):", len(gc.garbage))
gc.set_debug(0)
gc.garbage.clear()
print("after clearing garbage with SAVEALL off: collect ->", gc.collect())

print("--- __del__ objects with DEBUG_SAVEALL: finalizer still runs first ---")
class D:
    def __init__(self, n): self.n = n
    def __del__(self): print("__del__", self.n)
    def __repr__(self): return f"<D {self.n}>"
gc.set_debug(gc.DEBUG_SAVEALL)
x = D(1); y = D(2); x.o = y; y.o = x
del x, y
print("collect ->", gc.collect(), "| garbage:", gc.garbage)
gc.set_debug(0)
gc.garbage.clear()
print("collect after clearing garbage ->", gc.collect())

print("--- DEBUG_STATS / DEBUG_COLLECTABLE output (stderr) ---")
import sys
sys.stderr = sys.stdout
gc.set_debug(gc.DEBUG_COLLECTABLE)
q = Node("Q"); q.me = q
del q
print("collect ->", gc.collect())
gc.set_debug(0)
print("DEBUG flags:", gc.DEBUG_STATS, gc.DEBUG_COLLECTABLE, gc.DEBUG_UNCOLLECTABLE, gc.DEBUG_SAVEALL, gc.DEBUG_LEAK)
