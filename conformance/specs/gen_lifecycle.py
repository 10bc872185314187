# Generators: a generator's frame holds its locals while suspended; closing
# it (or dropping it) runs its finally block and frees them.
class Res:
    def __init__(self, name):
        self.name = name

    def __del__(self):
        print("  freed", self.name)


def counter(n):
    r = Res("counter local")
    try:
        for i in range(n):
            yield i
    finally:
        print("  finally in counter")


g = counter(5)
print("first:", next(g), "| second:", next(g))
print("close:")
g.close()
print("closed; next raises StopIteration:")
try:
    next(g)
except StopIteration:
    print("  StopIteration")
print("drop a suspended generator:")
g2 = counter(5)
next(g2)
del g2
print("exhaust a generator:")
print(" ", list(counter(3)))
print("generator expression:", sum(x * x for x in range(10)))
