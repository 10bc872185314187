# gc.set_threshold stores C ints as CPython does: -1 is kept (and then
# exceeded by every allocation count, so every allocation collects);
# values outside a C int raise OverflowError.
# requires: cycle-collection
import gc
gc.set_threshold(-1)
print(gc.get_threshold())
gc.collect()
class A:
    pass
before = gc.get_stats()[0]["collections"]
for i in range(5):
    A()
print(gc.get_stats()[0]["collections"] - before >= 5)
gc.set_threshold(700, 10, 10)
for v in (2**31, -2**31 - 1):
    try:
        gc.set_threshold(v)
    except OverflowError as e:
        print("OverflowError:", e)
print(gc.get_threshold())
