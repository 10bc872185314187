# Weak references: callback-less refs and proxies are reused; getweakrefcount
# follows creation and deletion; atoms report 0 (test_ref_reuse,
# test_proxy_reuse, test_getweakrefcount).
import weakref


class C:
    def method(self):
        return 42


o = C()
r1 = weakref.ref(o)
r2 = weakref.ref(o)
print("ref reused:", r1 is r2)
r3 = weakref.ref(o, lambda r: None)
print("ref with callback is new:", r3 is not r1)
p1 = weakref.proxy(o)
p2 = weakref.proxy(o)
print("proxy reused:", p1 is p2)
print("getweakrefcount:", weakref.getweakrefcount(o))
r4 = weakref.ref(o, lambda r: None)
print("getweakrefcount after another callback ref:", weakref.getweakrefcount(o))
del r3
print("after deleting one callback ref:", weakref.getweakrefcount(o))
del r1, r2, r4, p1, p2
print("after deleting all:", weakref.getweakrefcount(o))
print("int:", weakref.getweakrefcount(1))
