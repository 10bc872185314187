# The gc module: gc.get_objects argument checking (test_get_objects_arguments)
# and gc.collect's generation argument.
import gc

print("get_objects() and get_objects(None) agree:", len(gc.get_objects()) == len(gc.get_objects(None)))
for arg in (1000, -1000, "1", 1.234):
    try:
        gc.get_objects(arg)
        print(repr(arg), "accepted")
    except ValueError as e:
        print(repr(arg), "ValueError:", e)
    except TypeError:
        print(repr(arg), "TypeError")
for gen in (3, -1):
    try:
        gc.collect(gen)
    except ValueError as e:
        print(f"gc.collect({gen}) ValueError:", e)
