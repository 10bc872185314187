# weakref.finalize: alive/atexit/peek, runs once when the object dies, an
# explicit call returns the function's result once, detach, and the
# finalizers still alive at exit run in reverse creation order.
import weakref


class Res:
    pass


res = Res()
f = weakref.finalize(res, print, "finalizer called", 123)
print("alive:", f.alive, "| atexit:", f.atexit, "| peek args:", f.peek()[2])
del res
print("after del res alive:", f.alive)
res2 = Res()
f2 = weakref.finalize(res2, lambda: "rv")
print("explicit call returns:", f2(), "| second call returns:", f2(), "| alive:", f2.alive)
res3 = Res()
f3 = weakref.finalize(res3, print, "f3 should not run")
print("detach returns the function:", f3.detach()[1] is print, "| alive:", f3.alive)
del res3
res4 = Res()
f4 = weakref.finalize(res4, print, "f4 runs at exit (created first)")
res5 = Res()
f5 = weakref.finalize(res5, print, "f5 runs at exit (created second)")
res6 = Res()
f6 = weakref.finalize(res6, print, "f6 never runs (atexit=False)")
f6.atexit = False
print("end of script; exiting")
