# Generators: send, the return value carried by StopIteration, and
# generators that never started being freed without running their body.
class Res:
    def __init__(self, name):
        self.name = name

    def __del__(self):
        print("  freed", self.name)


def acc():
    total = 0
    while True:
        x = yield total
        if x is None:
            return total
        total += x


g = acc()
next(g)
print(g.send(5), g.send(10))
try:
    g.send(None)
except StopIteration as e:
    print("returned", e.value)


def never():
    r = Res("never created")
    yield 1


g3 = never()
del g3
print("an unstarted generator ran nothing")


def pipeline():
    r = Res("pipeline local")
    for x in range(3):
        yield x * 10


print([y + 1 for y in pipeline()])
print("end")
