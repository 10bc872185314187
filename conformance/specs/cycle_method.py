# Cycle collection: an instance holding its own bound method is a cycle
# (instance -> bound method -> instance), freed only by the collector.
# requires: cycle-collection
import gc
import weakref

gc.disable()


class A:
    def __init__(self):
        self.init = self.__init__


gc.collect()
a = A()
w = weakref.ref(a)
del a
print("alive before collect:", w() is not None)
print("collect ->", gc.collect())
print("alive after collect:", w() is not None)
