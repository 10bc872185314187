import sys, os, re, subprocess
def stats():
    # sys._debugmallocstats writes to the C-level stderr; capture via fd redirection
    r, w = os.pipe()
    saved = os.dup(2)
    os.dup2(w, 2); os.close(w)
    sys._debugmallocstats()
    os.dup2(saved, 2); os.close(saved)
    out = b""
    while True:
        chunk = os.read(r, 65536)
        if not chunk: break
        out += chunk
        if len(chunk) < 65536: break
    os.close(r)
    txt = out.decode()
    get = lambda k: int(re.search(re.escape(k) + r"\s*=\s*([\d,]+)", txt).group(1).replace(",", ""))
    return {k: get(k) for k in ("# arenas allocated total", "# arenas reclaimed",
                                "# arenas highwater mark", "# arenas allocated current")}
print("start:", stats(), "| blocks:", sys.getallocatedblocks())
data = [bytes(40) for _ in range(300_000)]     # 40+33 = 73 bytes -> size class 80 (idx 4)
print("after 300k small bytes objects:", stats(), "| blocks:", sys.getallocatedblocks())
del data
print("after freeing them:", stats(), "| blocks:", sys.getallocatedblocks())
big = bytes(600)   # > 512 bytes: goes to PyMem_RawMalloc (malloc), not pymalloc
print("sys.getsizeof(bytes(40)):", sys.getsizeof(bytes(40)), "| sys.getsizeof(bytes(600)):", sys.getsizeof(big))
