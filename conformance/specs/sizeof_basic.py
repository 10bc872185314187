# sys.getsizeof: CPython 3.11's sizes (64-bit) for atoms, empty and small
# containers and instances; getsizeof is shallow.
import sys


class C:
    pass


cases = [
    ("None", None), ("True", True), ("0", 0), ("1", 1), ("2**30", 2 ** 30), ("2**60", 2 ** 60),
    ("-1", -1), ("1.5", 1.5), ("''", ""), ("'a'", "a"), ("'abc'", "abc"), ("'x'*100", "x" * 100),
    ("()", ()), ("(1,)", (1,)), ("(1, 2, 3)", (1, 2, 3)), ("[]", []), ("[1, 2, 3]", [1, 2, 3]),
    ("{}", {}), ("set()", set()), ("object()", object()), ("C()", C()),
]
for label, v in cases:
    print(f"{label:10s} {sys.getsizeof(v)}")
big = [list(range(100))]
print("shallow:", sys.getsizeof(big) == sys.getsizeof([None]))
