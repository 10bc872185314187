# Seed 004, level 3 (reference counting): the count goes 1, 2, 1 and the
# object is destroyed immediately when the last reference is deleted
# (observed through a weak reference to a Box holding the list).
import sys
import weakref


class Box:
    def __init__(self, items):
        self.items = items


a = Box([1, 2, 3])
print(sys.getrefcount(a) - 1)
b = a
print(sys.getrefcount(a) - 1)
del a
print(sys.getrefcount(b) - 1)
w = weakref.ref(b)
del b
print(w())
