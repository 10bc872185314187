# The gc module: with DEBUG_SAVEALL, finalizers still run first and the
# collected objects land in gc.garbage; once released they are collected.
# requires: cycle-collection
import gc

gc.disable()


class D:
    def __init__(self, n):
        self.n = n

    def __del__(self):
        print("__del__", self.n)


gc.collect()
gc.set_debug(gc.DEBUG_SAVEALL)
x = D(1)
y = D(2)
x.o = y
y.o = x
del x, y
print("collect ->", gc.collect(), "| garbage:", [d.n for d in gc.garbage])
gc.set_debug(0)
gc.garbage.clear()
print("collect after clearing garbage ->", gc.collect())
l = []
l.append(l)
lid = id(l)
gc.set_debug(gc.DEBUG_SAVEALL)
del l
gc.collect()
print("saved list is the same object:", len(gc.garbage) == 1 and id(gc.garbage[0]) == lid)
gc.set_debug(0)
gc.garbage.clear()
gc.collect()
