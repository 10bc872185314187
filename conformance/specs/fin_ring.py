# Finalization: a ring of six objects mixing plain finalizers, resurrectors
# and suicidal ones (breaking their own links): every __del__ runs once, the
# survivors are exactly the resurrectors, weak references are all cleared,
# and a second collection calls no __del__ again.
# requires: cycle-collection
import gc
import weakref

gc.disable()
calls = []
survivors = []


class Plain:
    def __init__(self, n):
        self.n = n

    def __del__(self):
        calls.append(self.n)


class Resurrector(Plain):
    def __del__(self):
        calls.append(self.n)
        survivors.append(self)


class Suicidal(Plain):
    def __del__(self):
        calls.append(self.n)
        self.ref = None


gc.collect()
kinds = [Plain, Resurrector, Suicidal, Plain, Resurrector, Suicidal]
nodes = [k(i) for i, k in enumerate(kinds)]
for i in range(len(nodes)):
    nodes[i].ref = nodes[(i + 1) % len(nodes)]
wrs = [weakref.ref(n) for n in nodes]
del nodes
gc.collect()
print("__del__ calls (sorted):", sorted(calls))
print("survivors:", sorted(s.n for s in survivors))
print("weakrefs cleared:", all(w() is None for w in wrs))
calls.clear()
survivors.clear()
gc.collect()
print("second round calls:", calls)
