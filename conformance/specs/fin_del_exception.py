# Finalization: an exception raised in __del__ is reported as unraisable
# (on stderr, not compared) and never propagates; the collection continues.
# requires: cycle-collection
import gc

gc.disable()


class Bad:
    def __del__(s):
        raise ValueError("boom")


class Good:
    def __del__(s):
        print("good finalizer ran")


gc.collect()
x = Bad()
x.me = x
y = Good()
y.me = y
del x, y
print("collect ->", gc.collect())
z = Bad()
del z
print("refcount path continued too")
