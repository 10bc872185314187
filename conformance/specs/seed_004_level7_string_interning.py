# Seed 004, level 7 (string interning): identifier-like literals are interned;
# strings built at runtime are not, until sys.intern.
# requires: string-interning
import sys

s1 = "hello"
s2 = "hello"
print(s1 is s2)  # Often True
s3 = "".join(["hel", "lo"])
print(s3 == s1, s3 is s1)
print(sys.intern(s3) is s1)
