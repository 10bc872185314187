# Seed 001, section 3 (forcing garbage collection): a cycle of two Nodes with
# __del__; both finalizers run during gc.collect(), which returns 2.
# requires: cycle-collection
import gc


class Node:
    def __init__(self, name):
        self.name = name
        self.ref = None

    def __del__(self):
        print(f"Deleting {self.name}")


a = Node("A")
b = Node("B")

a.ref = b
b.ref = a

del a
del b

print("Collecting garbage...")
print(gc.collect())
