# Seed 001, section 4 (top statistics by line): the list built inside
# create_list is freed before the snapshot, so no statistic points at it; a
# list that is kept shows up as the top statistic.
# requires: tracemalloc
import tracemalloc


def create_list():
    return [i for i in range(10000)]


def run():
    tracemalloc.start()

    create_list()

    snapshot = tracemalloc.take_snapshot()
    top_stats = snapshot.statistics('lineno')

    print("[ Top 10 ]")
    big = [stat for stat in top_stats if stat.size > 100_000]
    print("statistics over 100 kB:", len(big))
    print("all are Statistic:", all(type(s).__name__ == "Statistic" for s in top_stats))

    kept = create_list()
    top = tracemalloc.take_snapshot().statistics('lineno')[0]
    print("kept list is the top statistic:", top.size > 100_000, top.count >= 10000 - 256)
    print("top statistic's line:", top.traceback[0].lineno)
    tracemalloc.stop()
    return kept


run()
