import tracemalloc, sys
tracemalloc.start()
print("is_tracing:", tracemalloc.is_tracing(), "| traceback_limit:", tracemalloc.get_traceback_limit())
cur0, peak0 = tracemalloc.get_traced_memory()
print("baseline after start (current, peak):", (cur0, peak0))
data = [i for i in range(100000)]
cur1, peak1 = tracemalloc.get_traced_memory()
print("after building list (current, peak):", (cur1, peak1))
print("delta current:", cur1 - cur0)
print("sys.getsizeof(list):", sys.getsizeof(data), "-> item buffer bytes:", sys.getsizeof(data) - 56)
print("ints 257..99999 =", 100000 - 257, "objects; each medium int allocates sizeof(PyLongObject)=32 bytes:",
      (100000 - 257) * 32, "(sys.getsizeof(1000) says", sys.getsizeof(1000), ")")
print("item buffer + ints =", (sys.getsizeof(data) - 56) + (100000 - 257) * 32)
snap = tracemalloc.take_snapshot()
for st in snap.statistics('lineno')[:3]:
    print("STAT:", st)
del data
cur2, peak2 = tracemalloc.get_traced_memory()
print("after del (current, peak):", (cur2, peak2))
tracemalloc.reset_peak()
print("after reset_peak:", tracemalloc.get_traced_memory())
tracemalloc.clear_traces()
print("after clear_traces:", tracemalloc.get_traced_memory())
tracemalloc.stop()
print("after stop:", tracemalloc.get_traced_memory(), "is_tracing:", tracemalloc.is_tracing())
