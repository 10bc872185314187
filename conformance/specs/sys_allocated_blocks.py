# sys.getallocatedblocks counts the object allocator's live blocks: it grows
# by at least one block per new object and falls back when they die;
# sys._debugmallocstats writes its report to stderr, not stdout.
import sys

before = sys.getallocatedblocks()
objs = [object() for i in range(1000)]
during = sys.getallocatedblocks()
print("grew by at least 1000:", during - before >= 1000)
del objs
after = sys.getallocatedblocks()
print("fell back:", after - before < 50)
print(sys._debugmallocstats())
try:
    sys.getallocatedblocks(1)
except TypeError as e:
    print("TypeError:", e)
