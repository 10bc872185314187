# Small-int cache: ints from -5 to 256 made at runtime are the same object;
# others are not (equal constants within one code object are shared anyway).
# requires: small-int-cache
def rt(s):
    return int(s)


print("256:", rt('256') is rt('256'))
print("257:", rt('257') is rt('257'))
print("-5:", rt('-5') is rt('-5'))
print("-6:", rt('-6') is rt('-6'))
print("0:", rt('0') is rt('0'))
x = 200
y = 56
print("200+56 is 256:", (x + y) is rt('256'))
x = 200
y = 57
print("200+57 is int('257'):", (x + y) is rt('257'))
a = 257
b = 257
print("a=257; b=257 in one code object, a is b:", a is b)
print("id(int('100')) == id(100):", id(rt('100')) == id(100))
print("range of cached ints:",
      min(i for i in range(-20, 300) if rt(str(i)) is rt(str(i))),
      max(i for i in range(-20, 300) if rt(str(i)) is rt(str(i))))
print("bool('x') is True:", bool('x') is True)
three = 3
print("len([1,2,3]) is three:", len([1, 2, 3]) is three)
