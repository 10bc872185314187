# Finalization: resurrecting only one member of a 2-cycle keeps the whole
# cycle alive (collect returns 0); clearing the keeper frees both without
# calling __del__ again.
# requires: cycle-collection
import gc

gc.disable()
keep = []


class R:
    def __init__(s, n):
        s.n = n

    def __del__(s):
        print("__del__", s.n)
        if s.n == "X":
            keep.append(s)


gc.collect()
x = R("X")
y = R("Y")
x.o = y
y.o = x
del x, y
print("collect ->", gc.collect())
print("keep:", [k.n for k in keep], "keep[0].o.n:", keep[0].o.n)
keep.clear()
print("collect after clearing keep ->", gc.collect())
