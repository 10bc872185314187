# Seed 001, section 2 (circular references problem): building a two-node cycle.
class Node:
    def __init__(self):
        self.ref = None


a = Node()
b = Node()

a.ref = b
b.ref = a
print("Created circular reference between a and b")
print(a.ref is b, b.ref is a, a.ref.ref is a)
