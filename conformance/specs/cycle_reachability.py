# Cycle collection: a cycle reachable from a global survives collections;
# once unreachable it is collected; objects hanging off it go with it.
# requires: cycle-collection
import gc
import weakref

gc.disable()


class Node:
    pass


gc.collect()
a = Node()
b = Node()
a.other = b
b.other = a
leaf = Node()
b.leaf = leaf
wa = weakref.ref(a)
wleaf = weakref.ref(leaf)
del leaf
holder = [a]
del a, b
print("reachable cycle, collect ->", gc.collect(), "| alive:", wa() is not None, wleaf() is not None)
holder.clear()
print("cycle still alive before collect:", wa() is not None)
print("unreachable cycle, collect ->", gc.collect(), "| alive:", wa() is not None, wleaf() is not None)
print("nothing left ->", gc.collect())
