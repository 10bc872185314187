# Context managers: __enter__ and __exit__ order, resources released on
# exit, exceptions passed to __exit__ and suppressed when it returns True.
class Resource:
    def __init__(self, name, suppress=False):
        self.name = name
        self.suppress = suppress

    def __enter__(self):
        print("enter", self.name)
        return self

    def __exit__(self, exc_type, exc, tb):
        print("exit", self.name, exc_type.__name__ if exc_type else None)
        return self.suppress

    def __del__(self):
        print("freed", self.name)


with Resource("a") as r:
    print("body uses", r.name)
del r
with Resource("outer"):
    with Resource("inner"):
        print("nested body")
with Resource("quiet", suppress=True):
    raise KeyError("swallowed")
print("after suppressed exception")
try:
    with Resource("loud"):
        raise ValueError("escapes")
except ValueError as e:
    print("caught", e)
print("end")
