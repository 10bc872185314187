import sys
x = []
print("fresh list:", sys.getrefcount(x))
y = x
print("after alias y = x:", sys.getrefcount(x))
del y
print("after del y:", sys.getrefcount(x))
lst = [x, x]
print("after putting into a list twice:", sys.getrefcount(x))
del lst
print("after del container:", sys.getrefcount(x))
def f(arg):
    return sys.getrefcount(arg)
print("inside function called with x:", f(x))
print("getrefcount(None) > 1000:", sys.getrefcount(None) > 1000)
print("getrefcount(1) (small int, shared):", sys.getrefcount(1) > 50)
print("fresh object():", sys.getrefcount(object()))
