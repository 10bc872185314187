import gc
class Node:
    def __init__(self, name):
        self.name = name
        self.other = None
    def __del__(self):
        print(f"Deleting {self.name}")
gc.collect()
b = Node("B")
a = Node("A")
a.other = b
b.other = a
del a, b
print("collect ->", gc.collect())
# now with gc.disable() and 3-cycle, each __del__ prints gc.is_finalized for self
class N2:
    def __init__(s, name): s.name = name
    def __del__(s): print("del", s.name, "is_finalized(self)=", gc.is_finalized(s))
x, y, z = N2("x"), N2("y"), N2("z")
x.n = y; y.n = z; z.n = x
del x, y, z
print("collect ->", gc.collect())
# acyclic: __del__ runs immediately by refcount, not by gc
w = N2("w"); del w
print("after del w (refcount path)")
