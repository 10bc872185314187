# Seed 004, level 9 (reassignment): rebinding a name frees the first object at
# once, which a __del__ makes visible.
class Tracked:
    def __init__(self, name, items):
        self.name = name
        self.items = items

    def __del__(self):
        print("freed", self.name)


a = Tracked("first", [1, 2, 3])
print("rebinding")
a = Tracked("second", [4, 5, 6])
print("rebound to", a.items)
