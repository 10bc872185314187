# Weak references: proxies forward attributes and calls while the referent
# lives, are unhashable, and raise ReferenceError after it dies.
import weakref


class C:
    def __init__(self, v):
        self.v = v

    def method(self):
        return self.v * 2


o = C(21)
p = weakref.proxy(o)
print("attribute:", p.v, "| method:", p.method())
p.v = 5
print("attribute set through proxy:", o.v)
try:
    hash(p)
except TypeError as e:
    print("hash(proxy) TypeError:", e)
del o
try:
    p.v
except ReferenceError as e:
    print("dead proxy ReferenceError:", e)
calls = []
o2 = C(1)
p2 = weakref.proxy(o2, lambda pr: calls.append("proxy callback"))
del o2
print(calls)
