# Seed 004, level 4 (garbage collection): two lists containing each other are
# only freed by the cycle collector.
# requires: cycle-collection
import gc

gc.collect()
a = []
b = []

a.append(b)
b.append(a)
del a
del b
print(gc.isenabled())  # True
print(gc.collect())
