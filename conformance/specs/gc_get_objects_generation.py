# Generations: a surviving container moves from generation 0 to 1 to 2 and
# stays in 2 (test_get_objects).
# requires: cycle-collection, generations
import gc

gc.disable()
gc.collect()
l = []
l.append(l)


def where():
    return [g for g in range(3) if any(o is l for o in gc.get_objects(generation=g))]


print("new:", where())
gc.collect(0)
print("after collect(0):", where())
gc.collect(1)
print("after collect(1):", where())
gc.collect(2)
print("after collect(2):", where())
gc.collect(2)
print("after another collect(2):", where())
print("in get_objects():", any(o is l for o in gc.get_objects()))
del l
gc.collect()
