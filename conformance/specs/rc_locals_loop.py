# Reference counting: rebinding a loop variable frees the previous object at
# the next iteration; the last one lives until the name is deleted.
class Obj:
    def __init__(self, n):
        self.n = n

    def __del__(self):
        print("free", self.n)


for i in range(3):
    o = Obj(i)
    print("made", i)
print("loop done")
del o
acc = [Obj(i) for i in range(2)]
print("comprehension kept", len(acc))
acc = None
print("end")
