# Generations: tuples of atoms are untracked by a collection that sees them,
# dicts of atoms only by a full collection.
# requires: cycle-collection, generations
import gc

gc.disable()
t = tuple([1, 2, 3])
print("runtime tuple of ints tracked at creation:", gc.is_tracked(t))
gc.collect()
print("after a collection:", gc.is_tracked(t))
t2 = tuple([1, (2, 3)])
inner = t2[1]
print("nested tuple tracked:", gc.is_tracked(t2))
gc.collect(0)
print("after gc.collect(0): outer", gc.is_tracked(t2), "inner", gc.is_tracked(inner))
d = {}
d["l"] = []
del d["l"]
print("dict after removing its list (still tracked):", gc.is_tracked(d))
gc.collect(0)
print("after gc.collect(0):", gc.is_tracked(d))
gc.collect()
print("after gc.collect():", gc.is_tracked(d))
