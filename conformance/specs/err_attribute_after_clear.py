# Error case: an attribute read on an object whose attribute was deleted
# raises AttributeError naming the type and the attribute.
class Node:
    def __init__(self):
        self.ref = None


n = Node()
print("ref:", n.ref)
del n.ref
print(n.ref)
