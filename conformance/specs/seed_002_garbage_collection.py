# Seed 002, garbage collection: gc.enable, gc.collect and the shape of
# gc.get_stats() (three per-generation dicts with fixed keys).
import gc

# Enable garbage collection
gc.enable()
gc.collect()  # Manually trigger garbage collection

# Get garbage collection stats
stats = gc.get_stats()
print(len(stats))
for s in stats:
    print(sorted(s.keys()), all(type(v) is int for v in s.values()))
