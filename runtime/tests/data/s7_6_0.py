import gc, weakref
class Node:
    def __init__(self, name): self.name = name
    def __del__(self): print(f"__del__ {self.name}")

gc.collect()
a = Node("A"); b = Node("B")
a.other = b; b.other = a
def cb(wr):
    print("callback: wr() is", wr(), "| wr is ref_a:", wr is ref_a)
ref_a = weakref.ref(a, cb)
ref_b_plain = weakref.ref(b)
del a, b
print("collect ->", gc.collect())
print("ref_a() ->", ref_a(), "| ref_b_plain() ->", ref_b_plain())

print("--- weakref that is itself part of the garbage: callback NOT called ---")
class Holder: pass
h1 = Holder(); h2 = Holder(); h1.o = h2; h2.o = h1
h1.wr = weakref.ref(h2, lambda r: print("SHOULD NOT PRINT"))
del h1, h2
print("collect ->", gc.collect())

print("--- weakref to an object resurrected by __del__ is still cleared ---")
saved = None
class Phoenix:
    def __del__(self):
        global saved; saved = self
p1 = Phoenix(); p2 = Phoenix(); p1.o = p2; p2.o = p1
w = weakref.ref(p1, lambda r: print("callback for resurrected p1 fired"))
del p1, p2
print("collect ->", gc.collect())
print("w() ->", w(), "| saved alive:", saved is not None)
saved = None
print("collect ->", gc.collect())

print("--- callbacks order for several weakrefs to the same object (refcount death) ---")
class T: pass
t = T()
refs = [weakref.ref(t, lambda r, i=i: print("cb", i)) for i in range(3)]
del t
print("--- same but object dies inside a gc cycle ---")
t = T(); t.me = t
refs = [weakref.ref(t, lambda r, i=i: print("gc cb", i)) for i in range(3)]
del t
print("collect ->", gc.collect())

print("--- gc.collect() counting when callback frees the weakref itself ---")
import weakref as W
class K: pass
d = {}
k1 = K(); k1.me = k1
d['x'] = W.ref(k1, lambda r: d.pop('x'))
del k1
print("collect ->", gc.collect(), "| d:", d)
