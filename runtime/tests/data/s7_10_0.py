import sys
def mk(*parts): return "_".join(parts)     # result text never appears as a code constant
s = mk("zz", "unique", "token", "123")
before = sys.getrefcount(s)
t = sys.intern(s)
print("intern of a never-seen string returns the same object:", t is s)
del t
print("refcount unchanged by interning (interned dict refs not counted):", sys.getrefcount(s) == before)
# interned strings are mortal: when the last reference dies they leave the interned table
del s
s2 = mk("zz", "unique", "token", "123")
t2 = sys.intern(s2)
print("re-interning after the original died yields the new object:", t2 is s2)
x = "ab" + "cd"
print("'ab'+'cd' constant-folded and interned:", x is sys.intern(mk("ab", "cd").replace("_", "")))
print("identifier-char rule: 'a1_B' interned:", eval("'a1_B'") is sys.intern(mk("a1", "B")),
      "| 'a1-B' interned:", eval("'a1-B'") is sys.intern(mk("a1", "B").replace("_", "-")),
      "| non-ASCII 'caf\u00e9' interned:", eval("'caf\u00e9'") is sys.intern(mk("caf\u00e9", "")[:-1]))
