# Cycle collection: gc.collect() return values for different cycle shapes
# (3.11 counts a managed instance dict as part of its instance).
# requires: cycle-collection
import gc

gc.disable()


class Node:
    pass


def run(label, build):
    gc.collect()
    build()
    print(f"{label}: gc.collect() -> {gc.collect()}")


def plain():
    a = Node()
    b = Node()
    a.other = b
    b.other = a


def self_list():
    l = []
    l.append(l)


def two_lists():
    l1 = []
    l2 = [l1]
    l1.append(l2)


def dict_cycle():
    d = {}
    d["self"] = d


def list_tuple():
    l = []
    t = (l,)
    l.append(t)


def instance_self():
    a = Node()
    a.me = a


def cycle_with_payload():
    a = Node()
    b = Node()
    a.other = b
    b.other = a
    a.payload = [1, 2, 3]
    b.payload = (1, 2)


def ring_of_five():
    first = Node()
    p = first
    for i in range(4):
        p.next = Node()
        p = p.next
    p.next = first


def acyclic():
    a = Node()
    a.child = Node()


run("plain 2-instance cycle", plain)
run("list containing itself", self_list)
run("two lists in a cycle", two_lists)
run("dict containing itself", dict_cycle)
run("list and tuple in a cycle", list_tuple)
run("instance referencing itself", instance_self)
run("2-instance cycle + a list attribute", cycle_with_payload)
run("ring of five instances", ring_of_five)
run("no cycle at all", acyclic)
