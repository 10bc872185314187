# Seed 002, handled circular reference: objects with __del__ in a cycle are
# created, unbound, and finalized by gc.collect().
# requires: cycle-collection
import gc


class MyObject:
    def __init__(self, name):
        self.name = name
        print(f"Object {self.name} created.")

    def __del__(self):
        print(f"Object {self.name} deleted")


# Create circular reference
obj1 = MyObject('obj1')
obj2 = MyObject('obj2')
obj1.ref = obj2
obj2.ref = obj1
del obj1
del obj2

# Manually trigger the garbage collection
print("collected:", gc.collect())
