# tm/alloc_mod.py
def make_lists(n):
    out = []
    for i in range(n):
        out.append([i] * 10)
    return out

def make_bytes(n):
    return b"x" * n

def nested(n):
    return make_bytes(n)
