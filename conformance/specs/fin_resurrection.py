# Finalization (PEP 442): a cycle whose __del__ resurrects an object survives
# the first collection (collect returns 0), keeps its referents, and its
# __del__ is never called again; the next collection frees it.
# requires: cycle-collection
import gc

gc.disable()
saved = None


class Phoenix:
    def __init__(self, name):
        self.name = name

    def __del__(self):
        global saved
        print(f"__del__ {self.name} (is_finalized={gc.is_finalized(self)})")
        saved = self


gc.collect()
a = Phoenix("A")
b = Phoenix("B")
a.other = b
b.other = a
del a, b
n1 = gc.collect()
print("first collect ->", n1)
print("saved:", saved.name, "| saved.other:", saved.other.name,
      "| is_finalized(saved):", gc.is_finalized(saved), "| is_tracked:", gc.is_tracked(saved))
print("gc.garbage:", gc.garbage)
saved = None
n2 = gc.collect()
print("second collect ->", n2)
print("third collect ->", gc.collect())
