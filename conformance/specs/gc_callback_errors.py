# The gc module: callbacks still run when automatic collection is disabled; a
# callback that raises is reported as unraisable (stderr, not compared) and
# the collection goes on.
# requires: cycle-collection
import gc

gc.disable()
ev = []
gc.callbacks.append(lambda p, i: ev.append(p))


class N:
    pass


gc.collect()
ev.clear()
a = N()
a.me = a
del a
print("collect while gc disabled ->", gc.collect(), "| callbacks ran:", ev)
gc.callbacks.clear()
gc.callbacks.append(lambda p, i: 1 / 0)
b = N()
b.me = b
del b
print("collect with a raising gc callback ->", gc.collect())
gc.callbacks.clear()
print("callbacks cleared:", gc.callbacks)
