# The tracemalloc module: is_tracing, the default traceback limit, current and peak
# growing with a list of ints, falling after del while the peak stays,
# reset_peak, clear_traces, stop.
# requires: tracemalloc
import tracemalloc

print("tracing before start:", tracemalloc.is_tracing(), tracemalloc.get_traced_memory())
tracemalloc.start()
print("is_tracing:", tracemalloc.is_tracing(), "| traceback_limit:", tracemalloc.get_traceback_limit())
cur0, peak0 = tracemalloc.get_traced_memory()
data = [i for i in range(10000)]
cur1, peak1 = tracemalloc.get_traced_memory()
print("list of 10000 ints traced (> 300 kB):", cur1 - cur0 > 300_000)
print("peak >= current:", peak1 >= cur1)
del data
cur2, peak2 = tracemalloc.get_traced_memory()
print("current fell by most of it:", cur1 - cur2 > 300_000, "| peak kept:", peak2 >= peak1)
tracemalloc.reset_peak()
cur3, peak3 = tracemalloc.get_traced_memory()
print("after reset_peak the peak is near current:", peak3 - cur3 < 10_000, "| below old peak:", peak3 < peak2)
tracemalloc.clear_traces()
print("after clear_traces:", tracemalloc.get_traced_memory())
tracemalloc.stop()
print("after stop:", tracemalloc.get_traced_memory(), "is_tracing:", tracemalloc.is_tracing())
