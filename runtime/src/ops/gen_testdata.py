#!/usr/bin/env python3
"""Regenerates the differential test tables in `testdata/` from CPython 3.11.

    python3 runtime/src/ops/gen_testdata.py

Each file holds one case a line: tab-separated fields, escaped with
`\\t`, `\\n`, `\\\\` and `\\u{XXXX}` (see `testdata.rs`). Inputs are pseudo-random
(fixed seed) plus hand-picked edge cases; the expected field is what CPython
answers, or `!Class: message` for an exception.
"""
import math
import os
import random
import struct
import sys

assert sys.version_info[:2] == (3, 11), "generate with CPython 3.11"
sys.set_int_max_str_digits(4300)
HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "testdata")
rng = random.Random(20261121)


def esc(s):
    out = []
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F or ch in "\u2028\u2029\x85":
            out.append("\\u{%x}" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


def answer(f):
    try:
        return f()
    except Exception as e:  # noqa: BLE001 - every exception is a fact to record
        return "!%s: %s" % (type(e).__name__, e)


def write(name, rows):
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write("\t".join(esc(str(x)) for x in row) + "\n")


def bits(x):
    return "%016x" % struct.unpack("<Q", struct.pack("<d", x))[0]


def rand_float():
    k = rng.random()
    if k < 0.3:
        return struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
    if k < 0.6:
        return rng.uniform(-1, 1) * 10 ** rng.randint(-30, 30)
    if k < 0.8:
        return round(rng.uniform(-1000, 1000), rng.randint(0, 4))
    return rng.randint(-(10**6), 10**6) / rng.choice([1, 2, 4, 8, 16, 1024, 3, 10, 100])


floats = [rand_float() for _ in range(1500)]
floats = [x for x in floats if not math.isnan(x)]
floats += [0.0, -0.0, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 1e16, 1e-4, 9.999999999999999e15,
           0.1, 0.5, 2.5, 0.125, 1e22, 1e23, float("inf"), float("-inf")]

# float repr and hash
write("float_repr.tsv", [(bits(x), repr(x), hash(x)) for x in floats])

# round(x, n)
rows = []
for x in floats[:900]:
    n = rng.choice([None, 0, 1, 2, 3, -1, -2, rng.randint(-30, 30), rng.randint(-320, 330)])
    r = answer(lambda: round(x, n))
    rows.append((bits(x), "None" if n is None else n, r if isinstance(r, str) else (str(r) if n is None else bits(r))))
for num in range(-40, 41):
    for den in (2, 4, 8, 16, 20, 40, 200):
        x = num / den
        for n in (0, 1, 2):
            rows.append((bits(x), n, bits(round(x, n))))
write("round.tsv", rows)

# int true division and int -> float
def rand_int():
    hi = rng.choice([8, 40, 64, 120, 300, 1100])
    return rng.randint(-(2 ** rng.randint(1, hi)), 2 ** rng.randint(1, hi))

rows = []
for _ in range(400):
    a, b = rand_int(), rand_int()
    r = answer(lambda: a / b)
    rows.append((a, b, r if isinstance(r, str) else bits(r)))
    f = answer(lambda: float(a))
    rows.append((a, 1, f if isinstance(f, str) else bits(f)))
write("int_truediv.tsv", rows)

# int hashing, floor division, modulo, getsizeof
rows = []
for _ in range(300):
    a, b = rand_int(), rand_int() or 1
    rows.append((a, b, hash(a), a // b, a % b, sys.getsizeof(a)))
write("int_ops.tsv", rows)

# format(float, spec) and format(int, spec)
FILLS = ["", "", "", "*", "0", "é", " "]
def rand_spec(types):
    s = ""
    if rng.random() < 0.4:
        s += rng.choice(FILLS) + rng.choice("<>=^")
    if rng.random() < 0.3:
        s += rng.choice("+- ")
    if rng.random() < 0.1:
        s += "z"
    if rng.random() < 0.2:
        s += "#"
    if rng.random() < 0.3:
        s += "0"
    if rng.random() < 0.5:
        s += str(rng.randint(0, 25))
    if rng.random() < 0.3:
        s += rng.choice(",_")
    if rng.random() < 0.5:
        s += "." + str(rng.randint(0, 20))
    if rng.random() < 0.85:
        s += rng.choice(types)
    return s

rows = []
for x in floats[:1200]:
    spec = rand_spec("eEfFgGn%" + "eEfFgG" + "dxs")
    rows.append((bits(x), spec, answer(lambda: format(x, spec))))
write("format_float.tsv", rows)

rows = []
for _ in range(1200):
    a = rng.choice([rng.randint(-10**6, 10**6), rand_int() % 10**40, rng.randint(0, 300), 0])
    spec = rand_spec("bcdoxXn" + "bdoxX" + "eEfFgG%s")
    rows.append((a, spec, answer(lambda: format(a, spec))))
write("format_int.tsv", rows)

# printf-style with one value
rows = []
for _ in range(1200):
    kind = rng.choice("ifs")
    v = {"i": lambda: rng.choice([rng.randint(-10**6, 10**6), rand_int() % 10**30, 65]), "f": rand_float,
         "s": lambda: rng.choice(["abc", "é日", "", "it's", "x" * 12])}[kind]()
    fmt = "%" + "".join(rng.choice(["-", "+", " ", "#", "0"]) for _ in range(rng.randint(0, 2)))
    if rng.random() < 0.6:
        fmt += str(rng.randint(0, 20))
    if rng.random() < 0.5:
        fmt += "." + str(rng.randint(0, 12))
    fmt += rng.choice("sradiouxXeEfFgGc")
    fmt = rng.choice(["", "<", "x="]) + fmt + rng.choice(["", "|", " %%"])
    rows.append((fmt, kind, bits(v) if kind == "f" else v, answer(lambda: fmt % (v,))))
write("percent.tsv", rows)

# int(str, base) and float(str)
ALPHA = "0123456789abcdefxobABCDEFXOB_ +-.eEinfatyINF\u0660\u0665\u00a0\u2003"
rows = []
for _ in range(1000):
    s = "".join(rng.choice(ALPHA) for _ in range(rng.randint(0, 8)))
    base = rng.choice([10, 10, 0, 0, 2, 8, 16, 36, rng.randint(2, 36)])
    rows.append((s, base, answer(lambda: int(s, base)), answer(lambda: repr(float(s)))))
write("parse.tsv", rows)

# str methods
TEXT = "ab é\tΣσ\n\r日_x-1ǅ.'\u2028\u3000"
rows = []
for _ in range(500):
    s = "".join(rng.choice(TEXT) for _ in range(rng.randint(0, 10)))
    width, zwidth, tab = rng.randint(0, 14), rng.randint(0, 12), rng.randint(0, 9)
    sub = "".join(rng.choice("abé ") for _ in range(rng.randint(0, 2)))
    st = rng.choice([None, rng.randint(-12, 12)])
    en = rng.choice([None, rng.randint(-12, 12)])
    m = rng.choice([-1, 0, 1, 2])
    rows.append((
        s, sub, "None" if st is None else st, "None" if en is None else en, m,
        s.find(sub, st, en), s.rfind(sub, st, en), s.count(sub, st, en),
        s.startswith(sub, st, en), s.endswith(sub, st, en),
        repr(s.split(None, m)), repr(s.rsplit(None, m)),
        repr(answer(lambda: s.split(sub, m))), repr(answer(lambda: s.rsplit(sub, m))),
        repr(s.splitlines(True)), s.strip(), s.strip(sub or None),
        s.replace(sub, "<>", m), s.lower(), s.upper(), s.title(), s.capitalize(), s.swapcase(), s.casefold(),
        repr(s), ascii(s), sys.getsizeof(s),
        "".join("1" if f(s) else "0" for f in (str.isalpha, str.isalnum, str.isdecimal, str.isdigit, str.isnumeric,
                                               str.isspace, str.isprintable, str.isupper, str.islower, str.istitle,
                                               str.isidentifier)),
        width, s.center(width, "*"), zwidth, s.zfill(zwidth), tab, s.expandtabs(tab),
    ))
write("text.tsv", rows)

# Container growth: random operation sequences and sys.getsizeof after each.
rows = []
for _ in range(60):
    lst = []
    ops = []
    for _ in range(rng.randint(5, 60)):
        op = rng.choice(["append"] * 5 + ["pop", "pop", "extend", "insert", "clear", "delprefix"])
        k = 0
        if op == "append":
            lst.append(0)
        elif op == "pop":
            if not lst:
                continue
            lst.pop()
        elif op == "extend":
            k = rng.choice([0, 1, 2, 3, 5, 8, 13, 40])
            lst.extend([0] * k)
        elif op == "insert":
            lst.insert(0, 0)
        elif op == "clear":
            lst.clear()
        else:
            if not lst:
                continue
            k = rng.randint(1, len(lst))
            del lst[:k]
        ops.append("%s:%d:%d" % (op, k, sys.getsizeof(lst)))
    rows.append((" ".join(ops),))
write("list_growth.tsv", rows)

rows = []
for _ in range(60):
    d = {}
    ops = []
    for _ in range(rng.randint(5, 80)):
        op = rng.choice(["str"] * 4 + ["int"] * 3 + ["del", "del", "set", "clear", "copy"])
        if op == "str":
            key = "k%d" % rng.randint(0, 10**6)
            if key in d:
                continue
            d[key] = 0
        elif op == "int":
            key = rng.randint(0, 10**6)
            if key in d:
                continue
            d[key] = 0
        elif op == "del":
            if not d:
                continue
            del d[rng.choice(list(d))]
        elif op == "set":
            if not d:
                continue
            d[rng.choice(list(d))] = 1
        elif op == "clear":
            d.clear()
        else:
            d = d.copy()
        ops.append("%s:%d" % (op, sys.getsizeof(d)))
    rows.append((" ".join(ops),))
write("dict_growth.tsv", rows)

rows = []
for _ in range(80):
    s = set()
    ops = []
    for _ in range(rng.randint(5, 90)):
        op = rng.choice(["add"] * 6 + ["discard"] * 3 + ["clear"])
        k = rng.randint(-40, 300) if rng.random() < 0.8 else rng.randint(-2**62, 2**62)
        if op == "add":
            s.add(k)
        elif op == "discard":
            if not s:
                continue
            k = rng.choice(sorted(s))
            s.discard(k)
        else:
            s.clear()
        ops.append("%s:%d:%d" % (op, k, sys.getsizeof(s)))
    rows.append((" ".join(ops), " ".join(str(x) for x in s)))
write("set_growth.tsv", rows)

# str.format: random format strings over fixed arguments.
ARGS = (7, "ab", [5, 6])
KWARGS = {"x": 3, "y": "z"}
PIECES = ["{", "}", "{}", "{0}", "{1}", "{2}", "{x}", "{y}", "!r", "!s", "!a", "!", ":", ">4", "^5", "x", "[0]", "[1]",
          ".real", ".", "[", "]", "{:", "{0:", "{x:", "{1!r:", "3", "0", "9", "lit", " ", "{{", "}}", "{2[1]}",
          "{0:{1}}", "{:{}}", "{0.real}", "{3}", "{z}", "{0!r:>{0}}", "é"]
rows = []
seen = set()
while len(rows) < 700:
    fmt = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 5)))
    if fmt in seen:
        continue
    seen.add(fmt)
    try:
        out = fmt.format(*ARGS, **KWARGS)
    except (ValueError, IndexError, KeyError) as e:
        out = "!%s: %s" % (type(e).__name__, str(e))
    except Exception:  # noqa: BLE001 - object-model errors are the VM's, not ops'
        continue
    rows.append((fmt, out))
write("str_format.tsv", rows)
