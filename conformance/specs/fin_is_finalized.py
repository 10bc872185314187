# Finalization: gc.is_finalized is False for a new object, True after its
# __del__ ran on the GC path and it was resurrected, False for non-GC objects.
# requires: cycle-collection
import gc

gc.disable()
saved = []


class Lazarus:
    def __del__(self):
        saved.append(self)


gc.collect()
laz = Lazarus()
laz.me = laz
print("before:", gc.is_finalized(laz))
del laz
gc.collect()
print("after resurrection:", gc.is_finalized(saved[0]))
print("is_finalized(3):", gc.is_finalized(3))
print("is_finalized(object()):", gc.is_finalized(object()))
saved.clear()
print("freed ->", gc.collect())
