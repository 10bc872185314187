import gc
class Node:
    def __init__(self, name):
        self.name = name
        self.other = None
    def __del__(self):
        print(f"Deleting {self.name}")

gc.collect()            # start from a clean slate
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
