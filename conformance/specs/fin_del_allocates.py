# Finalization: with threshold 1, a __del__ that allocates triggers
# collections from inside finalizers; the collector guards reentrancy and
# every finalizer runs exactly once (test_del, small).
# requires: cycle-collection
import gc

calls = []


class Allocating:
    def __init__(self, n):
        self.n = n
        self.me = self

    def __del__(self):
        junk = [[i] for i in range(20)]
        calls.append(self.n)


old = gc.get_threshold()
gc.enable()
gc.set_threshold(1)
for i in range(30):
    Allocating(i)
gc.set_threshold(*old)
gc.collect()
print("finalizers run:", len(calls), "| each once:", sorted(calls) == list(range(30)))
print("nothing left ->", gc.collect())
