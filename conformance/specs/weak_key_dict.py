# Weak containers: WeakKeyDictionary entries vanish when their keys die;
# keys must be weakly referenceable.
import weakref


class C:
    def __init__(self, v):
        self.v = v


wkd = weakref.WeakKeyDictionary()
k1 = C(20)
k2 = C(21)
wkd[k1] = "one"
wkd[k2] = "two"
print("len:", len(wkd), "| k1 in wkd:", k1 in wkd, "| wkd[k2]:", wkd[k2])
del k1
print("after del k1: len:", len(wkd), "values:", list(wkd.values()))
try:
    wkd[1] = "x"
except TypeError as e:
    print("non-weakrefable key TypeError:", e)
del k2
print("after del k2:", len(wkd))
