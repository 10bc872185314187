# Legacy finalizer (tp_del, pre-PEP 442) -> uncollectable, goes to gc.garbage
import gc
from _testcapi import with_tp_del

@with_tp_del
class Legacy:
    def __init__(self, name): self.name = name
    def __tp_del__(self): print("__tp_del__", self.name)
    def __repr__(self): return f"<Legacy {self.name}>"

class Plain:
    def __repr__(self): return "<Plain>"

gc.collect()
a = Legacy("A"); b = Legacy("B"); a.o = b; b.o = a
p = Plain(); a.p = p           # reachable only from the legacy-finalizer cycle
del a, b, p
n = gc.collect()
print("collect ->", n)
print("gc.garbage:", gc.garbage)
print("stats gen2:", gc.get_stats()[2])
print("second collect ->", gc.collect(), "(objects now live in gen2 + gc.garbage)")
# break it manually
g = gc.garbage[:]
gc.garbage.clear()
for o in g:
    o.o = None                 # break the cycle by hand
del g, o                       # refcounts hit 0 -> tp_del runs via the refcount path
print("after breaking manually, collect ->", gc.collect())

print("--- legacy finalizer object alone (no cycle): refcount path calls tp_del ---")
x = Legacy("solo"); del x

print("--- DEBUG_UNCOLLECTABLE ---")
import sys; sys.stderr = sys.stdout
gc.set_debug(gc.DEBUG_UNCOLLECTABLE)
c = Legacy("C"); c.me = c
del c
print("collect ->", gc.collect())
gc.set_debug(0)
print("garbage:", gc.garbage)
