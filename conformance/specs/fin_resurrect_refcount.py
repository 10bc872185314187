# Finalization: an object without a cycle resurrected by its own __del__ on
# the refcount path; when it dies again __del__ is not called a second time.
import gc

saved = None


class P2:
    count = 0

    def __del__(self):
        global saved
        P2.count += 1
        print("P2.__del__ call #", P2.count)
        saved = self


p = P2()
del p
print("saved is P2:", type(saved).__name__)
print("is_finalized(saved):", gc.is_finalized(saved))
saved = None
print("after dropping saved again (no second __del__ expected)")
print("calls:", P2.count)
