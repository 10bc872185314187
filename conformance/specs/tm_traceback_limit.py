# The tracemalloc module: start(nframe) sets the traceback limit; a second start while
# tracing keeps it; bad limits raise ValueError; snapshots need tracing.
# requires: tracemalloc
import tracemalloc

try:
    tracemalloc.take_snapshot()
except RuntimeError as e:
    print("take_snapshot while stopped RuntimeError:", e)
for bad in (0, -1, 65536):
    try:
        tracemalloc.start(bad)
    except ValueError as e:
        print(f"start({bad}) ValueError:", e)
tracemalloc.start(5)
print("traceback limit:", tracemalloc.get_traceback_limit())
tracemalloc.start(10)
print("start() while tracing keeps the limit:", tracemalloc.get_traceback_limit())


def inner():
    n = 1000
    return "x" * n


def outer():
    return inner()


x = outer()
tb = tracemalloc.get_object_traceback(x)
print("object traceback frames (innermost last):", [f.lineno for f in tb])
snap = tracemalloc.take_snapshot()
print("snapshot traceback_limit:", snap.traceback_limit)
tracemalloc.stop()
print("after stop get_object_traceback:", tracemalloc.get_object_traceback(x))
