# Seed 001, section 3 (garbage collector): gc.isenabled and gc.collect; the
# notebook's count (16) depends on the host, so the spec prints facts about it.
import gc

print("Is GC enabled?", gc.isenabled())
unreachable = gc.collect()
print("Unreachable objects found and collected is an int:", type(unreachable) is int)
print("second collect finds nothing:", gc.collect())
