import gc
print("thresholds:", gc.get_threshold())
class C: pass
gc.disable()
gc.collect()
c0 = gc.get_count()
c1 = gc.get_count()
print("right after gc.collect():", c0, "| again:", c1)
keep = []
snap = []
for i in range(5):
    keep.append(C())
    snap.append(gc.get_count()[0])
print("gen0 count after each C() (list.append may realloc, no GC alloc):", snap)
x = [C() for _ in range(100)]
print("after 100 more C() in a list comp:", gc.get_count())
del x
print("after del of those 100 (PyObject_GC_Del decrements gen0):", gc.get_count())
gc.collect(0)
print("after gc.collect(0):", gc.get_count())
gc.collect(1)
print("after gc.collect(1):", gc.get_count())
for _ in range(3):
    gc.collect(0)
print("after 3 x gc.collect(0):", gc.get_count())
gc.collect()
print("after gc.collect():", gc.get_count())
# non-GC objects do not count
y = [str(i) * 3 for i in range(50)]      # 1 list + 50 str (str not GC)
print("after list of 50 strs:", gc.get_count())
z = 12345678901234567890 * 3
print("after creating big int:", gc.get_count())
t = tuple(range(3))
print("after creating a tuple:", gc.get_count())
d = {}
print("after creating a dict:", gc.get_count())
gc.enable()
print("--- automatic collection: count returns below threshold ---")
gc.collect()
seen = []
objs = []
for i in range(2000):
    objs.append(C())
    cnt = gc.get_count()
    if i % 250 == 0 or cnt[0] < 5:
        seen.append((i, cnt))
print(seen[:12])
print("stats:", gc.get_stats())
