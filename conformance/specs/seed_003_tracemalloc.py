# Seed 003, debugging memory leaks: tracemalloc.start, take_snapshot and
# statistics('lineno') return Statistic objects.
# requires: tracemalloc
import tracemalloc

tracemalloc.start()
# Your code here
keep = [[i] for i in range(200)]
snapshot = tracemalloc.take_snapshot()
top_stats = snapshot.statistics('lineno')
print(len(top_stats) > 0)
print(type(top_stats[0]).__name__)
print(top_stats[0].count >= 200)
tracemalloc.stop()
