import gc
saved = None
class Phoenix:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        global saved
        print(f"__del__ {self.name} (is_finalized={gc.is_finalized(self)})")
        saved = self          # resurrect

gc.collect()
a = Phoenix("A"); b = Phoenix("B")
a.other = b; b.other = a
del a, b
n1 = gc.collect()
print("first collect ->", n1)
print("saved:", saved.name, "| saved.other:", saved.other.name,
      "| is_finalized(saved):", gc.is_finalized(saved), "| is_tracked:", gc.is_tracked(saved))
print("gc.garbage:", gc.garbage)
saved = None            # drop the resurrecting reference; __del__ must NOT run again
n2 = gc.collect()
print("second collect ->", n2)
print("third collect ->", gc.collect())

print("--- single self-resurrecting object, no cycle (refcount path) ---")
class P2:
    count = 0
    def __del__(self):
        global saved
        P2.count += 1
        print("P2.__del__ call #", P2.count)
        saved = self
p = P2()
del p
print("saved is P2:", type(saved).__name__)
saved = None
print("after dropping saved again (no second __del__ expected)")
print("collect ->", gc.collect())

print("--- resurrection of only one member of a 2-cycle via external list ---")
keep = []
class R:
    def __init__(s, n): s.n = n
    def __del__(s):
        print("__del__", s.n)
        if s.n == "X":
            keep.append(s)
x = R("X"); y = R("Y"); x.o = y; y.o = x
del x, y
print("collect ->", gc.collect())
print("keep:", [k.n for k in keep], "keep[0].o.n:", keep[0].o.n)
keep.clear()
print("collect after clearing keep ->", gc.collect())
