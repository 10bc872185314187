# Seed 002, reference counting: getrefcount counts its own argument, so a
# list held by one name reports 2.
import sys

a = []
# 2 (one for reference from 'a' and one from getrefcount())
print(sys.getrefcount(a))  # Output: 2
b = a
print(sys.getrefcount(b))  # Output: 3
del b
print(sys.getrefcount(a))  # Output: 2
