# Weak references in cyclic garbage: a callback on an external weakref runs
# before the __del__ methods and sees a dead referent; a weakref that is
# itself part of the garbage never calls its callback.
# requires: cycle-collection
import gc
import weakref

gc.disable()


class Node:
    def __init__(self, name):
        self.name = name

    def __del__(self):
        print(f"__del__ {self.name}")


gc.collect()
a = Node("A")
b = Node("B")
a.other = b
b.other = a


def cb(wr):
    print("callback: wr() is", wr(), "| wr is ref_a:", wr is ref_a)


ref_a = weakref.ref(a, cb)
ref_b_plain = weakref.ref(b)
del a, b
print("collect ->", gc.collect())
print("ref_a() ->", ref_a(), "| ref_b_plain() ->", ref_b_plain())
print("--- weakref that is itself part of the garbage ---")


class Holder:
    pass


h1 = Holder()
h2 = Holder()
h1.o = h2
h2.o = h1
h1.wr = weakref.ref(h2, lambda r: print("SHOULD NOT PRINT"))
del h1, h2
print("collect ->", gc.collect())
