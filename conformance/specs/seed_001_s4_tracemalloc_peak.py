# Seed 001, section 4 (memory profiling with tracemalloc): current and peak
# after building a list of 100000 ints. Byte counts differ by design, so the
# spec prints comparisons (CPython: about 3900 KiB).
# requires: tracemalloc
import tracemalloc

tracemalloc.start()

# Allocate memory
data = [i for i in range(100000)]

current, peak = tracemalloc.get_traced_memory()
print("current > 3 MiB:", current > 3_000_000)
print("current < 5 MiB:", current < 5_000_000)
print("peak >= current:", peak >= current)

tracemalloc.stop()
print("after stop:", tracemalloc.get_traced_memory())
