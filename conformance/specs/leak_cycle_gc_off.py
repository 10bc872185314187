# Leaks through cycles: with the collector unable to run, a cycle of objects
# with __del__ stays alive; breaking the cycle by hand frees it through
# reference counting at once.
import gc
import weakref

gc.disable()


class Node:
    def __init__(self, name):
        self.name = name
        self.peer = None

    def __del__(self):
        print("freed", self.name)


a = Node("a")
b = Node("b")
a.peer = b
b.peer = a
wa = weakref.ref(a)
a.peer = None
del a, b
print("cycle broken by hand: a alive?", wa() is not None)
