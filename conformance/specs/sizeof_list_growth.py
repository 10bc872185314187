# sys.getsizeof: a list grows its item array by CPython's over-allocation
# pattern as items are appended, and shrinks when it empties.
import sys

l = []
sizes = []
for i in range(40):
    sizes.append(sys.getsizeof(l))
    l.append(i)
sizes.append(sys.getsizeof(l))
changes = [(i, s) for i, s in enumerate(sizes) if i == 0 or s != sizes[i - 1]]
print("size changes (length, bytes):", changes)
print("list(range(10)):", sys.getsizeof(list(range(10))))
print("[0] * 10:", sys.getsizeof([0] * 10))
print("comprehension of 10:", sys.getsizeof([i for i in range(10)]))
l.clear()
print("after clear:", sys.getsizeof(l))
