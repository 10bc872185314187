# The gc module: gc.get_referents visits a dict's entries value first, then
# key, and a list's or a tuple's items from last to first.
import gc

print("dict {1: 3, 5: 7}:", gc.get_referents({1: 3, 5: 7}))
print("str-keyed dict (values only):", gc.get_referents({"a": 1, "b": [2]}))
print("list:", gc.get_referents([10, 20, 30]))
t = tuple([10, 20, 30])
print("tuple:", gc.get_referents(t))
print("two containers:", gc.get_referents([1], [2, 3]))
