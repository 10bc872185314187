# The gc module: gc.get_referents lists what a container refers to; atoms
# have none (test_get_referents).
import gc

alist = [1, 3, 5]
print("list:", sorted(gc.get_referents(alist)))
atuple = tuple(alist)
print("tuple:", sorted(gc.get_referents(atuple)))
adict = {1: 3, 5: 7}
print("dict:", sorted(gc.get_referents(adict)))
print("several args:", sorted(gc.get_referents(alist, atuple)))
print("atoms:", gc.get_referents(1, "a", 4.5))
print("empty list:", gc.get_referents([]))
print("str-keyed dict (values only):", gc.get_referents({"a": 1, "b": 2}))
