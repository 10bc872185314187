# Finalization: resurrection does not block cleanup of other garbage; a
# self-loop that resurrects is finalized exactly once over several
# collections (CPython's test_resurrection_only_happens_once_per_object and
# test_resurrection_does_not_block_cleanup_of_other_objects, small).
# requires: cycle-collection
import gc

gc.disable()


class A:
    def __init__(self):
        self.me = self


class Lazarus:
    calls = 0

    def __init__(self):
        self.me = self

    def __del__(self):
        Lazarus.calls += 1
        zs.append(self)


zs = []
gc.collect()
N = 10
for i in range(N):
    A()
Lazarus()
print("A's collected, Lazarus resurrected ->", gc.collect())
print("calls:", Lazarus.calls, "zs:", len(zs))
print("nothing new ->", gc.collect())
for i in range(N):
    A()
Lazarus()
print("new A's, second Lazarus resurrected ->", gc.collect())
print("calls:", Lazarus.calls, "zs:", len(zs))
zs.clear()
print("both Lazarus freed without __del__ ->", gc.collect())
print("calls:", Lazarus.calls)
