# Seed 004, level 1 (stack and heap): locals of a function live only while
# the call runs; the list a names lives on the heap.
import sys


def demo():
    x = 10
    y = 20
    z = x + y
    return z


print(demo())
a = [1, 2, 3]
print(a, sys.getrefcount(a))
