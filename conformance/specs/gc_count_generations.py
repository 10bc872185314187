# Generations: gc.get_count() after collections of each generation
# (test_get_count, test_collect_generations).
# requires: cycle-collection, generations
import gc

gc.disable()
gc.collect()
a, b, c = gc.get_count()
print("right after a full collect, gen0 count is small:", a < 5, "| older:", (b, c))
x = []
d, e, f = gc.get_count()
print("a new list raises gen0:", d > a, "| older:", (e, f))
gc.collect(0)
print("after collect(0):", gc.get_count()[1:])
gc.collect(1)
print("after collect(1):", gc.get_count()[1:])
gc.collect(2)
print("after collect(2):", gc.get_count()[1:])
for _ in range(3):
    gc.collect(0)
print("after 3 x collect(0):", gc.get_count()[1:])
gc.collect()
print("after collect():", gc.get_count())
