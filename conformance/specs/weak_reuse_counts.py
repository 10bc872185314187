# Weak references: callback-less refs and proxies are reused; getweakrefcount
# and getweakrefs follow creation and deletion; atoms report 0 and []
# (test_ref_reuse, test_proxy_reuse, test_getweakrefcount, test_getweakrefs).
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
print("getweakrefs lists them:", len(weakref.getweakrefs(o)))
print("first is the plain ref:", weakref.getweakrefs(o)[0] is r1)
del r1, r2, r3, r4, p1, p2
print("after deleting all:", weakref.getweakrefcount(o), weakref.getweakrefs(o))
print("int:", weakref.getweakrefcount(1), weakref.getweakrefs(1))
