# The tracemalloc module: comparing two snapshots by line shows what grew between them,
# pointing at the allocating line with the right sign and count.
# requires: tracemalloc
import tracemalloc


class Record:
    def __init__(self, n):
        self.n = n


tracemalloc.start()
snap1 = tracemalloc.take_snapshot()
records = [Record(i) for i in range(2000)]
snap2 = tracemalloc.take_snapshot()
diffs = snap2.compare_to(snap1, "lineno")
top = diffs[0]
print("top diff type:", type(top).__name__)
print("top diff line:", top.traceback[0].lineno)
print("grew by more than 100 kB:", top.size_diff > 100_000, "| count grew by at least 2000:", top.count_diff >= 2000)
print("size equals size_diff (nothing before):", top.size == top.size_diff)
print("sorted by absolute size_diff:", all(abs(diffs[i].size_diff) >= abs(diffs[i + 1].size_diff) for i in range(len(diffs) - 1)))
del records
snap3 = tracemalloc.take_snapshot()
shrunk = [d for d in snap3.compare_to(snap2, "lineno") if d.traceback[0].lineno == top.traceback[0].lineno]
print("after del: the same line shrank:", len(shrunk) == 1 and shrunk[0].size_diff < -100_000)
tracemalloc.stop()
