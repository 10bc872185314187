# Reference counting: an object is destroyed the moment its last reference
# goes (del, rebinding, leaving a function, removal from a container), and
# __del__ runs right then, between the surrounding prints.
class Res:
    def __init__(self, name):
        self.name = name

    def __del__(self):
        print("  __del__", self.name)


print("del:")
a = Res("a")
del a
print("rebind:")
b = Res("b1")
b = Res("b2")
print("function return:")


def use():
    local = Res("local")
    print("  using", local.name)


use()
print("list.pop:")
items = [Res("i0"), Res("i1")]
items.pop()
print("list clear:")
items.clear()
print("dict del:")
d = {"k": Res("v")}
del d["k"]
print("expression temporary:")
Res("temp").name
print("end")
