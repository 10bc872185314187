# Error case: an uncaught NameError names the missing variable.
x = 1
print("x is", x)
del x
print(x)
