# String interning: identifier-like string constants are interned, so they
# are the same object as sys.intern of the same text built at runtime;
# attribute names set with setattr are interned too.
# requires: string-interning
import sys


def rt(s):
    return "".join(list(s))


def f():
    return "hello_world"


def g():
    return "hello_world"


print("identifier literal in two functions:", f() is g())
print("identifier literal is sys.intern of runtime text:", f() is sys.intern(rt("hello_world")))
my_unique_attr_name_42 = 1
name = [k for k in globals() if k == rt("my_unique_attr_name_42")][0]
print("variable names interned:", name is sys.intern(rt("my_unique_attr_name_42")))


class Q:
    pass


q = Q()
setattr(q, rt("dyn_attr_xyz"), 1)
key = [k for k in q.__dict__][0]
print("setattr name interned:", key is sys.intern(rt("dyn_attr_xyz")))
dd = {rt("dyn_key_abc"): 1}
k2 = list(dd)[0]
print("plain dict key not interned:", k2 is not sys.intern(rt("dyn_key_abc")))
