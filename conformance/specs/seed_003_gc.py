# Seed 003, garbage collection for cyclic references: gc.collect() forces a
# collection; with nothing cyclic left behind it returns 0.
import gc

gc.collect()  # Forces garbage collection
print(gc.collect())
