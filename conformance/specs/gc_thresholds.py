# The gc module: set_threshold/get_threshold, and automatic collections of
# generation 0 triggered by allocations once the threshold is passed.
# requires: cycle-collection
import gc

print("default:", gc.get_threshold())
gc.collect()
old = gc.get_threshold()
gc.set_threshold(5)
print("after set_threshold(5):", gc.get_threshold())
events = []


def cb(phase, info):
    if phase == "start":
        events.append(info["generation"])


class N:
    pass


gc.callbacks.append(cb)
objs = []
for i in range(30):
    objs.append(N())
gc.callbacks.remove(cb)
print("collections triggered:", len(events) > 0, "| all of generation 0:", set(events) == {0})
gc.set_threshold(0)
print("threshold 0:", gc.get_threshold())
events.clear()
gc.callbacks.append(cb)
for i in range(100):
    objs.append(N())
gc.callbacks.remove(cb)
print("collections with threshold 0:", len(events))
gc.set_threshold(*old)
print("restored:", gc.get_threshold())
