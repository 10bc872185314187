# Generations: the exact allocation counts at which automatic collections
# start with set_threshold(10, 2, 2); each iteration allocates one instance
# and one get_count() result tuple.
# requires: cycle-collection, generations
import gc


class N:
    pass


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
for i in range(60):
    objs[i] = N()
    counts.append(gc.get_count())
gc.disable()
gc.callbacks.remove(cb)
print("collections (iteration index, generation):", events)
print("counts for i=0..20:", counts[:21])
