import sys
def rt(s): return int(s)        # runtime creation, defeats constant folding/sharing
print("256:", rt('256') is rt('256'))
print("257:", rt('257') is rt('257'))
print("-5:", rt('-5') is rt('-5'))
print("-6:", rt('-6') is rt('-6'))
print("0:", rt('0') is rt('0'))
# arithmetic results
x = 200; y = 56
print("200+56 is 256:", (x + y) is rt('256'))
x = 200; y = 57
print("200+57 is int('257'):", (x + y) is rt('257'))
# constants within one code object are shared (same co_consts entry)
a = 257; b = 257
print("a=257; b=257 in same code object, a is b:", a is b)
# sys.getrefcount on small int is large, and id stable
print("id(int('100')) == id(100):", id(rt('100')) == id(100))
print("range of cached ints scan:",
      min(i for i in range(-20, 300) if rt(str(i)) is rt(str(i))),
      max(i for i in range(-20, 300) if rt(str(i)) is rt(str(i))))
# bool singletons
print("bool('x') is True:", bool('x') is True)
