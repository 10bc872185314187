# Leaks through closures: a closure capturing a large object keeps it alive as
# long as the closure lives; capturing only what is needed does not.
import weakref


class Big:
    def __init__(self):
        self.data = list(range(1000))


def make_handler():
    big = Big()
    size = len(big.data)

    def handler():
        return len(big.data)

    return handler, weakref.ref(big)


def make_lean_handler():
    big = Big()
    size = len(big.data)

    def handler():
        return size

    return handler, weakref.ref(big)


h, w = make_handler()
print("captured object alive:", w() is not None, "| handler():", h())
del h
print("after del handler:", w())
h2, w2 = make_lean_handler()
print("lean closure keeps only an int:", w2() is None, "| handler():", h2())
