# The tracemalloc module: Snapshot.filter_traces with inclusive and exclusive filename
# filters and domain filters.
# requires: tracemalloc
import tracemalloc

tracemalloc.start()
data = [[i] for i in range(500)]
snap = tracemalloc.take_snapshot()
me = snap.statistics("filename")[0].traceback[0].filename
only_me = snap.filter_traces([tracemalloc.Filter(True, me)])
print("inclusive filter keeps our traces:", len(only_me.traces) > 0)
print("all kept traces are ours:", all(t.traceback[0].filename == me for t in only_me.traces))
not_me = snap.filter_traces([tracemalloc.Filter(False, me)])
print("exclusive filter removes them:", all(t.traceback[0].filename != me for t in not_me.traces))
print("filter returns a Snapshot:", type(not_me).__name__)
line = snap.statistics("lineno")[0].traceback[0].lineno
line_filter = snap.filter_traces([tracemalloc.Filter(True, me, lineno=line)])
print("top line:", line, "| a line filter keeps only it:", {t.traceback[0].lineno for t in line_filter.traces} == {line})
print("DomainFilter(True, 0) keeps all:", len(snap.filter_traces([tracemalloc.DomainFilter(True, 0)]).traces) == len(snap.traces))
print("DomainFilter(False, 0) removes all:", len(snap.filter_traces([tracemalloc.DomainFilter(False, 0)]).traces))
tracemalloc.stop()
