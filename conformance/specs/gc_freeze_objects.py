# Generations: frozen objects are hidden from gc.get_objects() and
# gc.get_referrers(); after unfreeze they are in the oldest generation.
# requires: cycle-collection, generations
import gc

gc.disable()


class N:
    pass


gc.collect()
x = N()
x.me = x
gc.freeze()
print("frozen object listed by get_objects():", any(o is x for o in gc.get_objects()))
print("frozen referrer found by get_referrers():", any(r is x for r in gc.get_referrers(x)))
gc.unfreeze()
print("after unfreeze the object is in generation 2:", any(o is x for o in gc.get_objects(2)))
print("and not in generation 0:", any(o is x for o in gc.get_objects(0)))
del x
print("collect ->", gc.collect())
