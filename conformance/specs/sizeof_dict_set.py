# sys.getsizeof: dict and set tables grow in steps as keys are added.
import sys

d = {}
steps = []
last = None
for i in range(30):
    s = sys.getsizeof(d)
    if s != last:
        steps.append((len(d), s))
        last = s
    d[i] = i
print("dict size steps (len, bytes):", steps)
st = set()
steps = []
last = None
for i in range(30):
    s = sys.getsizeof(st)
    if s != last:
        steps.append((len(st), s))
        last = s
    st.add(i)
print("set size steps (len, bytes):", steps)
