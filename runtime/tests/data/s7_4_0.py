import gc, sys
print(sys.version)
class Node:
    pass
class Slotted:
    __slots__ = ("other", "__weakref__")

def run(label, build):
    gc.collect()
    build()
    print(f"{label}: gc.collect() -> {gc.collect()}")

def plain():
    a = Node(); b = Node(); a.other = b; b.other = a

def plain_dict_materialized():
    a = Node(); b = Node(); a.other = b; b.other = a
    a.__dict__; b.__dict__          # force creation of real dict objects

def slotted():
    a = Slotted(); b = Slotted(); a.other = b; b.other = a

def self_list():
    l = []; l.append(l)

def two_lists():
    l1 = []; l2 = [l1]; l1.append(l2)

def dict_cycle():
    d = {}; d["self"] = d

def instance_self():
    a = Node(); a.me = a

def cycle_with_payload():
    a = Node(); b = Node(); a.other = b; b.other = a
    a.payload = [1, 2, 3]            # list hanging off the cycle (tracked)
    b.payload = (1, 2)               # tuple of ints, constant -> not new

def func_cycle():
    def f(): return f
    # f -> closure cell -> f

run("plain 2-instance cycle (managed dict, 3.11)", plain)
run("2-instance cycle with __dict__ materialized", plain_dict_materialized)
run("2 __slots__ instances cycle", slotted)
run("list containing itself", self_list)
run("two lists in a cycle", two_lists)
run("dict containing itself", dict_cycle)
run("instance referencing itself", instance_self)
run("2-instance cycle + a list attribute", cycle_with_payload)
run("nested function referencing itself (function+cell)", func_cycle)
