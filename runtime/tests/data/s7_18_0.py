import gc, weakref, sys
sys.stderr = sys.stdout
print("== refcount death: __del__ runs BEFORE weakref callbacks; weakref still alive inside __del__ ==")
class D:
    def __init__(s, n): s.n = n
    def __del__(s): print("__del__", s.n, "| weakref alive inside __del__:", w() is s)
d = D("rc")
w = weakref.ref(d, lambda r: print("weakref callback, r() ->", r()))
del d
print("== gc death: weakref callbacks BEFORE __del__; weakref already dead inside __del__ ==")
d = D("gc"); d.me = d
w = weakref.ref(d, lambda r: print("weakref callback, r() ->", r()))
del d
gc.collect()

print("== __del__ order follows the collected list order (gen merge order) ==")
class N:
    def __init__(s, n): s.n = n
    def __del__(s): print("  __del__", s.n)
gc.collect()
a = N("A (older: survived gc.collect(0), now in gen1)")
gc.collect(0)
b = N("B (newer: in gen0)")
a.o = b; b.o = a
del a, b
print(" full collect ->", gc.collect())
gc.collect()
a = N("A (gen0, created first)"); b = N("B (gen0, created second)")
a.o = b; b.o = a
del a, b
print(" full collect ->", gc.collect())
gc.collect()
a = N("A (gen2)"); gc.collect()
b = N("B (gen1)"); gc.collect(0)
c = N("C (gen0)")
a.o = b; b.o = c; c.o = a
del a, b, c
print(" full collect with objects in gen2, gen1, gen0 ->", gc.collect())

print("== exception in __del__ during gc -> unraisable, collection continues ==")
class Bad:
    def __del__(s): raise ValueError("boom")
x = Bad(); x.me = x; del x
print("collect ->", gc.collect())

print("== gc.collect() called re-entrantly from __del__ returns 0 ==")
class Re:
    def __del__(s): print("  nested gc.collect() ->", gc.collect())
r = Re(); r.me = r; del r
print("outer collect ->", gc.collect())

print("== gc.collect(generation) keyword and counting only that generation's objects ==")
gc.collect()
old = N("old"); old.me = old       # will be promoted to gen1
gc.collect(0)
del old
print(" gc.collect(0) does not see gen1 garbage ->", gc.collect(0))
print(" gc.collect(generation=1) ->", gc.collect(generation=1))
