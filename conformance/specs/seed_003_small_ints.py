# Seed 003, object-specific memory management: small integers are cached, so
# two runtime-computed 256s are the same object.
# requires: small-int-cache
a = 256
b = 256
print(a is b)  # True because Python caches small integers
c = int("256")
d = 255 + 1
print(c is d)
