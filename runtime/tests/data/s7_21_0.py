import tracemalloc
tracemalloc.start()
class C: pass
class S:
    __slots__ = ("a",)
c = C()
s = S()
l = [1, 2, 3]
b = bytes(100)
for name, o in [("instance of plain class (managed dict pre-header)", c), ("__slots__ instance", s), ("list", l), ("bytes", b)]:
    tb = tracemalloc.get_object_traceback(o)
    print(f"{name:50s} ->", None if tb is None else [f"line {f.lineno}" for f in tb])
