# The gc module: gc.freeze moves every tracked object to the permanent
# generation, where collections do not look; unfreeze brings them back.
# requires: cycle-collection
import gc

gc.disable()


class N:
    pass


gc.collect()
print("freeze count before:", gc.get_freeze_count())
gc.freeze()
print("freeze count after freeze > 0:", gc.get_freeze_count() > 0, "| get_count:", gc.get_count())
c = N()
c.me = c
del c
print("new garbage still collected ->", gc.collect())
f = N()
f.me = f
gc.freeze()
del f
print("frozen garbage not collected ->", gc.collect())
gc.unfreeze()
print("freeze count after unfreeze:", gc.get_freeze_count())
print("after unfreeze, collect ->", gc.collect())
