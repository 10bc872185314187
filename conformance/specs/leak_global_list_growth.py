# Leaks through globals: a function that appends to a global list makes the
# list, and what it holds, grow with every call (sys.getsizeof grows too).
import sys

history = []


def handle(request):
    result = [request] * 10
    history.append(result)
    return len(result)


size0 = sys.getsizeof(history)
for i in range(100):
    handle(i)
print("kept results:", len(history))
print("list grew:", sys.getsizeof(history) > size0)
print("each result alive, refcount:", sys.getrefcount(history[0]) - 1)
del history[:]
print("after del history[:]:", len(history))
