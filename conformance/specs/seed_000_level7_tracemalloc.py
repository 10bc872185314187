# Seed 000, level 7 (tools): tracemalloc.start, get_traced_memory, stop.
# requires: tracemalloc
import tracemalloc

tracemalloc.start()
current, peak = tracemalloc.get_traced_memory()
print(current >= 0, peak >= current)
data = [str(i) for i in range(1000)]
current2, peak2 = tracemalloc.get_traced_memory()
print(current2 > current + 40000, peak2 >= current2)
tracemalloc.stop()
print(tracemalloc.get_traced_memory())
