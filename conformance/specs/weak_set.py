# Weak containers: WeakSet members vanish when they die; iteration sees only
# live members.
import weakref


class C:
    def __init__(self, v):
        self.v = v

    def __repr__(self):
        return f"C({self.v})"


ws = weakref.WeakSet()
s1 = C(30)
s2 = C(31)
ws.add(s1)
ws.add(s2)
ws.add(s1)
print("len:", len(ws), "| s1 in ws:", s1 in ws)
del s1
print("after del s1:", len(ws), list(ws))
ws.discard(s2)
print("after discard:", len(ws))
observers = weakref.WeakSet()
live = [C(i) for i in range(5)]
for o in live:
    observers.add(o)
live.pop()
live.pop(0)
print("observers:", sorted(o.v for o in observers))
