import gc
class N: pass
gc.disable()
gc.collect()
base = len(gc.get_objects())          # ~ long_lived_total after a full collection
print("tracked objects after full collect (approx long_lived_total):", base)
gc.set_threshold(100, 2, 2)
events = []
n_alloc = 0
def cb(phase, info):
    if phase == "start":
        events.append((n_alloc, info["generation"]))
gc.callbacks.append(cb)
keep = []
gc.enable()
for n_alloc in range(1, 8001):
    keep.append(N())
gc.disable()
gc.callbacks.remove(cb)
full = [e for e in events if e[1] == 2]
print("number of collections by generation:",
      {g: sum(1 for e in events if e[1] == g) for g in (0, 1, 2)})
print("first full (gen2) collections at allocation #:", [e[0] for e in full][:5])
print("-> the first full collection happens only once roughly base/4 =", base // 4,
      "objects have survived into gen2 (long_lived_pending > long_lived_total/4)")
