# Reference counting: an exception's traceback keeps the raising frame's
# locals alive until the except block ends (the name `e` is deleted then).
class Res:
    def __init__(self, name):
        self.name = name

    def __del__(self):
        print("  __del__", self.name)


def fail():
    r = Res("frame local")
    raise ValueError("boom")


try:
    fail()
except ValueError as e:
    print("in except:", e)
print("after except")


def ok():
    r = Res("normal local")
    return 1


ok()
print("after normal return")
