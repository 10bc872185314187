# String interning: equal strings built at runtime are distinct objects until
# sys.intern makes them one; intern returns the first one interned; only str
# can be interned.
# requires: string-interning
import sys


def rt(s):
    return "".join(list(s))


s1 = rt("hello world!")
s2 = rt("hello world!")
print("runtime equal strings identical?", s1 is s2)
i1 = sys.intern(s1)
i2 = sys.intern(s2)
print("after sys.intern both:", i1 is i2, "| intern returns the first one:", i1 is s1)
try:
    sys.intern(42)
except TypeError as e:
    print("sys.intern(int) TypeError:", e)
