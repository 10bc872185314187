# Seed 004, level 10 (memory leaks): a list stored into a global list outlives
# the function that made it.
import sys

global_data = []


def store():
    x = [1, 2, 3]
    global_data.append(x)


store()
store()
print(len(global_data), global_data)
print(sys.getrefcount(global_data[0]) - 1)
