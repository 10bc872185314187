# Seed 004, level 2 (everything is an object): two names bound to one object
# refer to the same object.
x = 10
s = "hello"
lst = [1, 2, 3]
print(type(x).__name__, type(s).__name__, type(lst).__name__)
a = 10
b = a
print(a is b, id(a) == id(b))
