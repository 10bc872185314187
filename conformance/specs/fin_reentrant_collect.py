# Finalization: gc.collect() called from a __del__ that runs during a
# collection returns 0 immediately (the collector guards reentrancy).
# requires: cycle-collection
import gc

gc.disable()


class Re:
    def __del__(s):
        print("  nested gc.collect() ->", gc.collect())


gc.collect()
r = Re()
r.me = r
del r
print("outer collect ->", gc.collect())
