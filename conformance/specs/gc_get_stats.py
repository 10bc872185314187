# The gc module: gc.get_stats() has three dicts with fixed keys; collect(0)
# counts a collection of generation 0 only, collect(2) of generation 2 only
# (test_get_stats).
# requires: cycle-collection
import gc

stats = gc.get_stats()
print(len(stats), [sorted(s) for s in stats][0])
gc.disable()
old = gc.get_stats()
gc.collect(0)
new = gc.get_stats()
print("after collect(0):", [new[g]["collections"] - old[g]["collections"] for g in range(3)])
old = new
gc.collect(2)
new = gc.get_stats()
print("after collect(2):", [new[g]["collections"] - old[g]["collections"] for g in range(3)])


class N:
    pass


n = N()
n.me = n
del n
old = gc.get_stats()
gc.collect()
new = gc.get_stats()
print("collected delta in gen2:", new[2]["collected"] - old[2]["collected"],
      "| uncollectable delta:", new[2]["uncollectable"] - old[2]["uncollectable"])
