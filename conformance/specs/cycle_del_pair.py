# Cycle collection with __del__: two Nodes in a cycle are finalized in
# creation order, collect returns 2, gc.garbage stays empty (PEP 442).
# requires: cycle-collection
import gc


class Node:
    def __init__(self, name):
        self.name = name
        self.other = None

    def __del__(self):
        print(f"Deleting {self.name}")


gc.collect()
a = Node("A")
b = Node("B")
a.other = b
b.other = a
del a
del b
print("before collect")
n = gc.collect()
print("gc.collect() returned", n)
print("gc.garbage:", gc.garbage)
print("second gc.collect() returned", gc.collect())
