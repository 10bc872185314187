import gc
class N: pass
gc.disable()
gc.set_threshold(10, 2, 2)
objs = [None] * 200
events = []
i = -1
def cb(phase, info):
    if phase == "start":
        events.append((i, info["generation"]))
gc.callbacks.append(cb)
gc.collect()
events.clear()
gc.enable()
counts = []
for i in range(120):
    objs[i] = N()
    counts.append(gc.get_count())
gc.disable()
gc.callbacks.remove(cb)
print("collections (iteration index, generation):", events)
print("counts for i=0..30:", counts[:31])
