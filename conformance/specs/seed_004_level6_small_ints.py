# Seed 004, level 6 (small integer caching): ints from -5 to 256 are cached;
# equal constants in one code object are shared too, so the 1000 case is True
# in a script; runtime-built 1000s are distinct.
# requires: small-int-cache
a = 100
b = 100
print(a is b)  # True
a = 1000
b = 1000
print(a is b)  # one code object: same constant
c = int("1000")
d = int("1000")
print(c is d)  # Usually False
print(int("-5") is int("-5"), int("-6") is int("-6"))
