import sys
lit_a = 'a'
print("chr(97) is chr(97):", chr(97) is chr(97))
print("'xyz'[1:2] is chr(121):", 'xyz'[1:2] is chr(121))
print("literal 'a' is chr(97):", lit_a is chr(97))
print("sys.intern(chr(97)) is literal 'a':", sys.intern(chr(97)) is lit_a)
print("sys.intern(chr(97)) is chr(97):", sys.intern(chr(97)) is chr(97))
lit_e = '\xe9'
print("literal '\\xe9' is chr(233):", lit_e is chr(233))
lit_q = 'Q'
print("literal 'Q' is chr(81):", lit_q is chr(81))
lit_z = '~'
print("literal '~' is chr(126):", lit_z is chr(126))
# count how many ascii single chars literal != chr() singleton
bad = [c for c in map(chr, range(128)) if eval(compile(repr(c), "<s>", "eval")) is not c]
print("ascii chars whose compiled literal is not the chr() singleton:", len(bad), repr("".join(bad))[:80])
