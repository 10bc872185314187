# String interning: interned strings are mortal and the interned table's
# references are not counted; a string interned again after it died is the
# new object.
# requires: string-interning
import sys


def mk(*parts):
    return "_".join(parts)


s = mk("zz", "unique", "token", "123")
before = sys.getrefcount(s)
t = sys.intern(s)
print("intern of a never-seen string returns the same object:", t is s)
del t
print("refcount unchanged by interning:", sys.getrefcount(s) == before)
del s
s2 = mk("zz", "unique", "token", "123")
t2 = sys.intern(s2)
print("re-interning after the original died yields the new object:", t2 is s2)
print("two runtime copies intern to one:", sys.intern(mk("a", "b")) is sys.intern(mk("a", "b")))
