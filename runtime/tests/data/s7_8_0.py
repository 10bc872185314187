import sys
def rt(s):           # build a str at runtime (not a compile-time constant)
    return "".join(list(s))

print("== sys.intern ==")
s1 = rt("hello world!"); s2 = rt("hello world!")
print("runtime equal strings identical?", s1 is s2)
i1 = sys.intern(s1); i2 = sys.intern(s2)
print("after sys.intern both:", i1 is i2, "| intern returns first one:", i1 is s1)
try:
    sys.intern(b"x")
except TypeError as e:
    print("sys.intern(bytes) TypeError:", e)
class S(str): pass
try:
    sys.intern(S("abc"))
except TypeError as e:
    print("sys.intern(str subclass) TypeError:", e)

print("== compile-time constants ==")
a = "hello_world"; b = "hello_world"
print("identifier-like literal shared:", a is b)
# compile separately so they are in different code objects
c1 = eval(compile("'hello_world'", "<x>", "eval"))
c2 = eval(compile("'hello_world'", "<y>", "eval"))
print("identifier-like literal across code objects:", c1 is c2)
d1 = eval(compile("'hello world'", "<x>", "eval"))
d2 = eval(compile("'hello world'", "<y>", "eval"))
print("non-identifier literal (space) across code objects:", d1 is d2)
e1 = eval(compile("'hello-world'", "<x>", "eval"))
e2 = eval(compile("'hello-world'", "<y>", "eval"))
print("non-identifier literal (dash) across code objects:", e1 is e2)
print("identifier literal is runtime sys.intern of same text:",
      c1 is sys.intern(rt("hello_world")))
print("attribute/variable names interned: ",
      sys.intern(rt("my_unique_attr_name_42")) is "my_unique_attr_name_42")
class Q: pass
q = Q(); setattr(q, rt("dyn_attr_xyz"), 1)
key = [k for k in vars(q)][0]
print("setattr name interned:", key is sys.intern(rt("dyn_attr_xyz")))
dd = {rt("dyn_key_abc"): 1}
k2 = list(dd)[0]
print("plain dict key NOT interned:", k2 is not sys.intern(rt("dyn_key_abc")) or "interned")

print("== single-character latin-1 cache ==")
print("chr(65) is chr(65):", chr(65) is chr(65))
print("chr(255) is chr(255):", chr(255) is chr(255))
print("chr(256) is chr(256):", chr(256) is chr(256))
print("'abc'[0] is 'a':", rt('abc')[0] is 'a')
print("rt('\\xe9') is '\\xe9':", rt('\xe9') is '\xe9')
print("rt('\\u0100') is '\\u0100':", rt('\u0100') is '\u0100')

print("== empty singletons ==")
print("'' is str():", '' is str(), "| rt('') is '':", rt('') is '')
print("() is tuple():", () is tuple(), "| tuple([]) is ():", tuple([]) is ())
print("b'' is bytes():", b'' is bytes())
print("frozenset() is frozenset():", frozenset() is frozenset())
print("[] is []:", [] is [])
print("{} is {}:", {} is {})
print("len-1 bytes cached: bytes([65]) is b'A':", bytes([65]) is b'A')
print("gc.is_tracked(()) ", __import__('gc').is_tracked(()))
