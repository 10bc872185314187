# String interning: identifier-like string constants are interned, so they
# are the same object as sys.intern of the same text built at runtime;
# runtime dict keys are not interned.
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

def spaced():
    return "hello world"


print("non-identifier literal is not interned:", spaced() is not sys.intern(rt("hello world")))
dd = {rt("dyn_key_abc"): 1}
k2 = list(dd)[0]
print("plain dict key not interned:", k2 is not sys.intern(rt("dyn_key_abc")))
