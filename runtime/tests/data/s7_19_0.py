import gc
gc.collect()
class N: pass
a = N(); a.me = a; del a
gc.set_debug(gc.DEBUG_STATS)
print("collect ->", gc.collect())
gc.set_debug(0)
