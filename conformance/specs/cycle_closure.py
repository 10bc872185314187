# Cycle collection: a nested function that refers to itself forms a cycle
# through its closure cell; an object captured by the closure is freed with it.
# requires: cycle-collection
import gc

gc.disable()


class Payload:
    def __del__(self):
        print("payload freed")


def make():
    p = Payload()

    def f():
        return f, p

    return f


gc.collect()
g = make()
print("captured:", type(g()[1]).__name__)
del g
print("after del, before collect")
print("collect > 0:", gc.collect() > 0)
print("after collect")
