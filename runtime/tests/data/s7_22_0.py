import gc, sys
sys.stderr = sys.stdout
gc.disable()
ev = []
gc.callbacks.append(lambda p, i: ev.append(p))
class N: pass
a = N(); a.me = a; del a
print("collect while gc disabled ->", gc.collect(), "| callbacks still ran:", ev)
gc.callbacks.clear()
gc.callbacks.append(lambda p, i: 1/0)
b = N(); b.me = b; del b
print("collect with a raising gc callback ->", gc.collect())
gc.callbacks.clear()
x = N(); x.me = x
gc.freeze()
print("frozen object listed by get_objects():", any(o is x for o in gc.get_objects()))
print("frozen referrer found by get_referrers():", any(r is x for r in gc.get_referrers(x)))
gc.unfreeze()
print("after unfreeze the object is in generation 2:", any(o is x for o in gc.get_objects(2)))
print("get_referents({1:3, 5:7}) (value, then key, per entry):", gc.get_referents({1: 3, 5: 7}))
print("get_referents({'a':1,'b':[2]}) (unicode keys: values only):", gc.get_referents({'a': 1, 'b': [2]}))
