# The gc module: debug flag values, set_debug/get_debug, and DEBUG_SAVEALL
# keeping collected objects in gc.garbage (its output goes to stderr: not
# compared).
# requires: cycle-collection
import gc

gc.disable()
print("flags:", gc.DEBUG_STATS, gc.DEBUG_COLLECTABLE, gc.DEBUG_UNCOLLECTABLE, gc.DEBUG_SAVEALL, gc.DEBUG_LEAK)
print("DEBUG_LEAK is the union:", gc.DEBUG_LEAK == gc.DEBUG_COLLECTABLE | gc.DEBUG_UNCOLLECTABLE | gc.DEBUG_SAVEALL)
print("default debug:", gc.get_debug())


class Node:
    def __init__(self, name):
        self.name = name


gc.collect()
gc.set_debug(gc.DEBUG_SAVEALL)
print("get_debug:", gc.get_debug())
a = Node("A")
b = Node("B")
a.other = b
b.other = a
l = []
l.append(l)
del a, b, l
print("collect ->", gc.collect())
print("types:", [type(o).__name__ for o in gc.garbage])
print("objects in garbage are intact:", gc.garbage[0].other.name)
print("second collect ->", gc.collect(), "| len(garbage):", len(gc.garbage))
gc.set_debug(0)
gc.garbage.clear()
print("after clearing garbage, collect ->", gc.collect())
gc.set_debug(gc.DEBUG_STATS | gc.DEBUG_COLLECTABLE)
q = Node("Q")
q.me = q
del q
print("collect with DEBUG_STATS|DEBUG_COLLECTABLE ->", gc.collect())
gc.set_debug(0)
