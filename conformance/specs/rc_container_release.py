# Reference counting: freeing a container releases its items in order, and an
# item referenced elsewhere survives.
class Item:
    def __init__(self, n):
        self.n = n

    def __del__(self):
        print("free item", self.n)


keep = Item(1)
box = [Item(0), keep, Item(2)]
t = (Item(3), Item(4))
print("del list")
del box
print("del tuple")
del t
print("keep alive:", keep.n)
d = {"x": Item(5), "y": Item(6)}
print("rebind dict")
d = None
print("del keep")
del keep
print("end")
