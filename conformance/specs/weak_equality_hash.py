# Weak references: equality follows the referents while alive, identity once
# dead; the hash is the referent's and is cached; a dead never-hashed ref
# cannot be hashed; __callback__ (test_equality, test_hashing,
# test_callback_attribute).
import weakref


class C:
    pass


def cb(r):
    pass


o = C()
r1 = weakref.ref(o)
r3 = weakref.ref(o, cb)
print("equal while alive:", r1 == r3)
print("hash is the referent's:", hash(r1) == hash(o))
print("__callback__:", r3.__callback__ is cb, r1.__callback__)
del o
print("dead refs equal only if identical:", r1 == r3, r1 == r1)
print("cached hash still works:", isinstance(hash(r1), int))
print("__callback__ after death:", r3.__callback__)
x = C()
rx = weakref.ref(x)
del x
try:
    hash(rx)
except TypeError as e:
    print("hash of never-hashed dead ref TypeError:", e)
