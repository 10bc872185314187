# Leaks through a mutable default argument and a class attribute: state
# accumulates across calls and instances and lives as long as the function or
# class.
class Registry:
    instances = []

    def __init__(self, name):
        self.name = name
        Registry.instances.append(self)


def append_to(item, bucket=[]):
    bucket.append(item)
    return bucket


print(append_to(1))
print(append_to(2))
print("same list every call:", append_to(3) is append_to(4))
print("default holds:", append_to(5))
for i in range(3):
    Registry(f"r{i}")
print("instances kept by the class:", [r.name for r in Registry.instances])
Registry.instances.clear()
print("cleared:", len(Registry.instances))
