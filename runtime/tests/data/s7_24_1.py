# tm/o_tracemalloc_api.py
import tracemalloc, sys, os, gc
sys.path.insert(0, os.path.dirname(__file__))
import alloc_mod
print("not tracing: get_traced_memory ->", tracemalloc.get_traced_memory(),
      "| get_object_traceback ->", tracemalloc.get_object_traceback(object()))
try:
    tracemalloc.take_snapshot()
except RuntimeError as e:
    print("take_snapshot while stopped RuntimeError:", e)
for bad in (0, -1, 65536):
    try:
        tracemalloc.start(bad)
    except ValueError as e:
        print(f"start({bad}) ValueError:", e)
tracemalloc.start(5)
print("traceback limit:", tracemalloc.get_traceback_limit())
tracemalloc.start(10)
print("start() while tracing is a no-op; limit stays:", tracemalloc.get_traceback_limit())
snap1 = tracemalloc.take_snapshot()
data = alloc_mod.make_lists(100)
blob = alloc_mod.nested(10000)
snap2 = tracemalloc.take_snapshot()
flt = [tracemalloc.Filter(True, "*alloc_mod.py")]
s2 = snap2.filter_traces(flt)
print("--- statistics('lineno') of alloc_mod ---")
for st in s2.statistics("lineno"):
    print(str(st).replace(os.path.dirname(__file__) + "/", ""))
print("--- statistics('filename') ---")
for st in s2.statistics("filename"):
    print(str(st).replace(os.path.dirname(__file__) + "/", ""))
print("--- statistics('traceback') first entry format() ---")
st = s2.statistics("traceback")[0]
print("count/size:", st.count, st.size, "| traceback len:", len(st.traceback))
for line in st.traceback.format():
    print(line.replace(os.path.dirname(__file__) + "/", ""))
print("--- statistics('lineno', cumulative=True) ---")
for st in snap2.filter_traces(flt).statistics("lineno", cumulative=True):
    print(str(st).replace(os.path.dirname(__file__) + "/", ""))
print("--- compare_to(snap1, 'lineno') filtered to alloc_mod ---")
for d in snap2.filter_traces(flt).compare_to(snap1.filter_traces(flt), "lineno"):
    print(str(d).replace(os.path.dirname(__file__) + "/", ""))
print("--- get_object_traceback(blob) ---")
tb = tracemalloc.get_object_traceback(blob)
print([ (os.path.basename(f.filename), f.lineno) for f in tb ])
print("str(tb):", str(tb).replace(os.path.dirname(__file__) + "/", ""))
print("--- exclusion filter & DomainFilter ---")
ex = snap2.filter_traces([tracemalloc.Filter(False, "<frozen *>"), tracemalloc.Filter(False, tracemalloc.__file__)])
print("exclude filter returns Snapshot:", type(ex).__name__, "| traceback_limit kept:", ex.traceback_limit)
print("DomainFilter(True, 0) keeps all default-domain traces:",
      len(snap2.filter_traces([tracemalloc.DomainFilter(True, 0)]).traces) == len(snap2.traces))
print("DomainFilter(False, 0) removes them:", len(snap2.filter_traces([tracemalloc.DomainFilter(False, 0)]).traces))
try:
    snap2.statistics("traceback", cumulative=True)
except ValueError as e:
    print("cumulative traceback ValueError:", e)
try:
    snap2.statistics("bogus")
except ValueError as e:
    print("bad key ValueError:", e)
print("--- dump/load roundtrip ---")
path = "exp/tm/snap.pickle"
s2.dump(path)
s3 = tracemalloc.Snapshot.load(path)
print("roundtrip equal statistics:", s3.statistics("lineno") == s2.statistics("lineno"))
print("--- Statistic/StatisticDiff/_format_size exact formats ---")
from tracemalloc import Statistic, StatisticDiff, Traceback, _format_size
tbk = Traceback((("file.py", 12),))
print(str(Statistic(tbk, 168, 2)))
print(repr(Statistic(tbk, 168, 2)))
print(str(Statistic(tbk, 0, 0)))
print(str(StatisticDiff(tbk, 168, 168, 2, 2)))
print(str(StatisticDiff(tbk, 0, -168, 0, -2)))
print(repr(StatisticDiff(tbk, 168, 100, 2, 1)))
for n in (0, 1, 99, 100, 1023, 10239, 10240, 102400, 1048576, 10*1024*1024, 123456789):
    print(f"_format_size({n}) = {_format_size(n, False)!r}  signed: {_format_size(n, True)!r}")
print("repr(Traceback):", repr(tbk), "| str(Frame):", str(tbk[0]), "| repr(Frame):", repr(tbk[0]))
print("--- tracemalloc memory overhead ---")
print("get_tracemalloc_memory() > 0:", tracemalloc.get_tracemalloc_memory() > 0)
tracemalloc.stop()
print("after stop: is_tracing", tracemalloc.is_tracing(), "| traced:", tracemalloc.get_traced_memory(),
      "| get_object_traceback(blob):", tracemalloc.get_object_traceback(blob))
