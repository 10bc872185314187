# Seed 000, level 8 (weak references): a weak reference does not keep its
# referent alive; after del it returns None.
import weakref


class MyClass:
    pass


obj = MyClass()
r = weakref.ref(obj)
print(r() is obj)
del obj
print(r())
