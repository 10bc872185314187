# Seed 002, profiling with tracemalloc: snapshot statistics by line after a
# list is built and dropped inside create_list, then after one is kept.
# requires: tracemalloc
import tracemalloc


def create_list():
    return [i for i in range(10000)]


def main():
    tracemalloc.start()

    create_list()

    snapshot = tracemalloc.take_snapshot()
    top_stats = snapshot.statistics('lineno')

    print('[TOP 10]')
    print("at most 10 shown:", len(top_stats[:10]) <= 10)
    print("sorted by size:", all(top_stats[i].size >= top_stats[i + 1].size for i in range(len(top_stats) - 1)))
    print("no statistic over 100 kB:", all(s.size < 100_000 for s in top_stats))

    data = create_list()
    stats = tracemalloc.take_snapshot().statistics('lineno')
    print("now the list is on top:", stats[0].size > 100_000)
    print("at line:", stats[0].traceback[0].lineno, "of", stats[0].traceback[0].filename.split("/")[-1])
    tracemalloc.stop()
    return data


main()
