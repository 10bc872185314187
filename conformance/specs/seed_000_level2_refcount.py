# Seed 000, level 2 (object lifecycle): a list is created, sys.getrefcount
# counts its references, and del removes one.
import sys

x = [1, 2, 3]
print(sys.getrefcount(x))
y = x
print(sys.getrefcount(x))
del y
print(sys.getrefcount(x))
del x
print("x deleted")
