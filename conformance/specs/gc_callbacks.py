# The gc module: gc.callbacks get "start" and "stop" with generation,
# collected and uncollectable; two callbacks each get one pair; callbacks run
# even when automatic collection is disabled.
# requires: cycle-collection
import gc

gc.disable()
log = []


def cb(phase, info):
    log.append((phase, info["generation"], info["collected"], info["uncollectable"]))


def cb2(phase, info):
    log.append(("cb2", phase))


class N:
    pass


gc.collect()
gc.callbacks.append(cb)
gc.callbacks.append(cb2)
a = N()
a.me = a
del a
r = gc.collect()
gc.callbacks.remove(cb)
gc.callbacks.remove(cb2)
print("collect ->", r)
for e in log:
    print("  ", e)
print("keys:", sorted(["generation", "collected", "uncollectable"]))
log.clear()
gc.callbacks.append(cb)
gc.collect(0)
gc.callbacks.clear()
for e in log:
    print("   gen0:", e)
