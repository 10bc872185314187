# The tracemalloc module: the text formats of Statistic and StatisticDiff and of
# Traceback and Frame, built from synthetic tracebacks.
from tracemalloc import Statistic, StatisticDiff, Traceback

tbk = Traceback((("file.py", 12),))
print(str(Statistic(tbk, 168, 2)))
print(repr(Statistic(tbk, 168, 2)))
print(str(Statistic(tbk, 0, 0)))
print(str(StatisticDiff(tbk, 168, 168, 2, 2)))
print(str(StatisticDiff(tbk, 0, -168, 0, -2)))
print(repr(StatisticDiff(tbk, 168, 100, 2, 1)))
print(str(Statistic(tbk, 10240, 1)))
print(str(Statistic(tbk, 12896, 173)))
print(str(Statistic(tbk, 123456789, 3)))
print("repr(Traceback):", repr(tbk))
print("str(Frame):", str(tbk[0]), "| repr(Frame):", repr(tbk[0]))
