# Finalization: everything reachable from a resurrected object survives with
# it (test_resurrection_is_transitive): its cargo keeps its identity.
# requires: cycle-collection
import gc

gc.disable()
survivors = []


class Cargo:
    def __init__(self):
        self.me = self


class Lazarus:
    def __init__(self):
        self.me = self

    def __del__(self):
        survivors.append(self)


gc.collect()
laz = Lazarus()
cargo = Cargo()
cargo_id = id(cargo)
laz.cargo = cargo
cargo.laz = laz
del laz, cargo
print("collect ->", gc.collect())
print("survivors:", len(survivors))
print("cargo kept, same object:", id(survivors[0].cargo) == cargo_id)
print("cargo still points back:", survivors[0].cargo.laz is survivors[0])
survivors.clear()
print("collect ->", gc.collect())
