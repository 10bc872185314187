# Finalization at interpreter exit: a module-level object with __del__ and an
# unreachable cycle with __del__ are both finalized when the script ends.
import gc

gc.disable()


class Named:
    def __init__(self, name):
        self.name = name

    def __del__(self):
        print("__del__", self.name)


g = Named("global")
a = Named("cycle")
a.me = a
del a
print("end of script")
