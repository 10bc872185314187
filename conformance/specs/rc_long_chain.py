# Reference counting: freeing a 5000-long chain of nested lists and of linked
# objects (and 5000 nested dicts) must not recurse without bound (CPython's
# trashcan).
# timeout: 30
x = None
for i in range(5000):
    x = [x]
del x
print("nested lists freed")


class Link:
    def __init__(self, nxt):
        self.nxt = nxt


head = None
for i in range(5000):
    head = Link(head)
n = 0
p = head
while p is not None:
    n += 1
    p = p.nxt
print("chain length", n)
del head
print("linked objects freed")
d = {}
for i in range(5000):
    d = {"inner": d}
d = None
print("nested dicts freed")
