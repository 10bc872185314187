# Seed 004, level 8 (memory flow in a function): the returned list survives the
# call through the caller's name; its count is 1 once the frame is gone.
import sys


def make_list():
    x = [1, 2, 3]
    print("inside:", sys.getrefcount(x) - 1)
    return x


lst = make_list()
print("outside:", sys.getrefcount(lst) - 1)
del lst
print("deleted")
