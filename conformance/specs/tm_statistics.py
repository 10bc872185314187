# The tracemalloc module: snapshot statistics grouped by line, by file and by
# traceback; the biggest allocation site comes first.
# requires: tracemalloc
import tracemalloc


def make(n):
    return [str(i) * 4 for i in range(n)]


tracemalloc.start()
small = make(10)
big = make(3000)
snap = tracemalloc.take_snapshot()
by_line = snap.statistics("lineno")
first = by_line[0]
print("top line:", first.traceback[0].lineno, "| count >= 3000:", first.count >= 3000)
print("filename:", first.traceback[0].filename.split("/")[-1])
by_file = snap.statistics("filename")
print("by file, our script first:", by_file[0].traceback[0].filename.split("/")[-1])
print("file total >= line total:", by_file[0].size >= first.size)
by_tb = snap.statistics("traceback")
print("traceback groups carry frames:", len(by_tb[0].traceback) >= 1)
try:
    snap.statistics("traceback", cumulative=True)
except ValueError as e:
    print("cumulative traceback ValueError:", e)
try:
    snap.statistics("bogus")
except ValueError as e:
    print("bad key ValueError:", e)
tracemalloc.stop()
