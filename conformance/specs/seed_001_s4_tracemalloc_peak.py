# Seed 001, section 4 (memory profiling with tracemalloc): current and peak
# after building a list of ints (the notebook's 100000 scaled down to 20000 to
# keep the matrix fast). Byte counts differ by design, so the spec prints
# comparisons (CPython: about 790 kB).
# requires: tracemalloc
import tracemalloc

tracemalloc.start()

# Allocate memory
data = [i for i in range(20000)]

current, peak = tracemalloc.get_traced_memory()
print("current > 600 kB:", current > 600_000)
print("current < 1 MB:", current < 1_000_000)
print("peak >= current:", peak >= current)

tracemalloc.stop()
print("after stop:", tracemalloc.get_traced_memory())
