# Weak references: which objects can be weakly referenced, and the TypeError
# message for those that cannot.
import weakref


class C:
    pass


def f():
    pass


for v in [1, "s", (1,), [1], {}, None, 1.5, object(), True]:
    try:
        weakref.ref(v)
        ok = True
    except TypeError as e:
        ok = str(e)
    print(f"   {type(v).__name__:10s} -> {ok}")
for v in [C(), C, f, (lambda: 0), set()]:
    try:
        weakref.ref(v)
        ok = True
    except TypeError as e:
        ok = str(e)
    print(f"   {type(v).__name__:10s} -> {ok}")
