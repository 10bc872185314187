# Weak references in cyclic garbage: every weakref to the garbage is cleared
# before any callback runs, so a callback reading all of them sees None
# everywhere (test_bug1055820b).
# requires: cycle-collection
import gc
import weakref

gc.disable()
ouch = []


class C:
    def __init__(self, i):
        self.i = i
        self.loop = self


def callback(ignored):
    ouch.append([w() for w in wrs])


gc.collect()
c0 = C(0)
c1 = C(1)
wrs = [weakref.ref(c0, callback), weakref.ref(c1, callback)]
del c0, c1
gc.collect()
print("callbacks:", len(ouch))
print("every weakref read as None:", all(all(x is None for x in seen) for seen in ouch))
