# Seed 001, section 1 (reference counting): getrefcount of a fresh list, after
# an alias and after del, minus getrefcount's own argument reference.
import sys

x = []  # empty list
print("Initial ref count:", sys.getrefcount(x) - 1)

y = x  # Another reference
print("After assigning y:", sys.getrefcount(x) - 1)

del y  # Remove a reference
print("After deleting y:", sys.getrefcount(x) - 1)
