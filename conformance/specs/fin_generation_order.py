# Finalization order with generations: a full collection merges the younger
# generations into the oldest, so __del__ runs older objects first.
# requires: cycle-collection, generations
import gc

gc.disable()


class N:
    def __init__(s, n):
        s.n = n

    def __del__(s):
        print("  __del__", s.n)


gc.collect()
a = N("A (older: survived gc.collect(0), now in gen1)")
gc.collect(0)
b = N("B (newer: in gen0)")
a.o = b
b.o = a
del a, b
print(" full collect ->", gc.collect())
gc.collect()
a = N("A (gen2)")
gc.collect()
b = N("B (gen1)")
gc.collect(0)
c = N("C (gen0)")
a.o = b
b.o = c
c.o = a
del a, b, c
print(" full collect with objects in gen2, gen1, gen0 ->", gc.collect())
gc.collect()
old = N("old")
old.me = old
gc.collect(0)
del old
print(" gc.collect(0) does not see gen1 garbage ->", gc.collect(0))
print(" gc.collect(generation=1) ->", gc.collect(generation=1))
