# The gc module: enable/disable/isenabled; a manual collect still works while
# automatic collection is disabled.
# requires: cycle-collection
import gc

print("isenabled at start:", gc.isenabled())
gc.disable()
print("isenabled after disable:", gc.isenabled())


class N:
    pass


gc.collect()
b = N()
b.me = b
del b
print("manual collect while disabled ->", gc.collect())
gc.enable()
print("isenabled after enable:", gc.isenabled())
