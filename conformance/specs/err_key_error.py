# Error case: an uncaught KeyError raised inside a function called from a
# with block: __exit__ sees it, then it propagates; the message is the key's
# repr.
class Guard:
    def __enter__(self):
        print("enter")
        return self

    def __exit__(self, exc_type, exc, tb):
        print("exit sees", exc_type.__name__)
        return False


def lookup(d, k):
    return d[k]


with Guard():
    print(lookup({"a": 1}, "a"))
    lookup({"a": 1}, "missing")
