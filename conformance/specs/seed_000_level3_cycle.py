# Seed 000, level 3 (garbage collection strategy): two Nodes referencing each
# other keep their reference counts above zero until the cycle collector runs.
# requires: cycle-collection
import gc
import sys


class Node:
    def __init__(self):
        self.ref = None


gc.collect()
a = Node()
b = Node()
a.ref = b
b.ref = a
print(sys.getrefcount(a) - 1, sys.getrefcount(b) - 1)
del a, b
print("collected:", gc.collect())
