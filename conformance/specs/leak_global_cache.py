# Leaks through globals and caches: objects stored in a module-level cache
# outlive their users until the cache is cleared; a weak-valued cache does
# not keep them.
import weakref


class Blob:
    def __init__(self, n):
        self.n = n


_cache = {}


def load(n):
    if n not in _cache:
        _cache[n] = Blob(n)
    return _cache[n]


refs = []
for i in range(5):
    b = load(i)
    refs.append(weakref.ref(b))
del b
print("alive while cached:", sum(1 for r in refs if r() is not None))
load(3)
print("cache hit keeps size:", len(_cache))
_cache.clear()
print("alive after clearing the cache:", sum(1 for r in refs if r() is not None))
_weak = weakref.WeakValueDictionary()
for i in range(5):
    _weak[i] = Blob(i)
print("weak cache keeps nothing alive:", len(_weak))
