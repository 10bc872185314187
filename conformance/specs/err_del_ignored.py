# Exceptions in __del__ and in weakref callbacks are "ignored" (reported on
# stderr as unraisable) and the program carries on to exit 0.
import weakref


class Bad:
    def __del__(self):
        raise RuntimeError("from __del__")


b = Bad()
del b
print("after __del__ error")


class C:
    pass


o = C()
w = weakref.ref(o, lambda r: 1 / 0)
del o
print("after callback error")
print("exit normally")
