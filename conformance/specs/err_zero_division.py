# Error case: an uncaught ZeroDivisionError prints a traceback to stderr and
# exits with status 1; stdout printed before it is kept; finally blocks run.
def divide(a, b):
    return a / b


print("before")
try:
    print(divide(1, 2))
finally:
    print("finally runs")
print(divide(1, 0))
print("never printed")
