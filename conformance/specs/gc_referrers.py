# The gc module: gc.get_referrers finds the containers that hold an object.
import gc


class R:
    pass


o = R()
holder = [o]
hd = {"k": o}
refs = gc.get_referrers(o)
print("holder in referrers:", any(r is holder for r in refs))
print("hd in referrers:", any(r is hd for r in refs))
print("an unrelated list is not:", any(r is [] for r in refs))
holder.clear()
print("after clear:", any(r is holder for r in gc.get_referrers(o)))
