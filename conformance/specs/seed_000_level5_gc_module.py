# Seed 000, level 5 (the gc module): collect, get_count, get_threshold,
# set_debug(DEBUG_LEAK), gc.garbage, disable and enable.
import gc

print(gc.collect() >= 0)
count = gc.get_count()
print(type(count).__name__, len(count))
print(gc.get_threshold())
gc.set_debug(gc.DEBUG_LEAK & ~gc.DEBUG_COLLECTABLE)
print(gc.get_debug() == gc.DEBUG_SAVEALL | gc.DEBUG_UNCOLLECTABLE)
gc.set_debug(0)
unreachable = gc.garbage
print(unreachable)
gc.disable()
print(gc.isenabled())
gc.enable()
print(gc.isenabled())
