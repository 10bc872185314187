# Error case: unbounded recursion raises RecursionError (caught once and
# reported, then uncaught), never a crash of the interpreter.
def down(n):
    return down(n + 1)


try:
    down(0)
except RecursionError as e:
    print("caught:", e)
print("still running")
down(0)
