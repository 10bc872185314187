//! Every kind of bad input gets CPython 3.11's exception class, message,
//! line and column. The expected values were produced by
//! `compile(src, 'x.py', 'exec')` in CPython 3.11.7 and are hard-coded so
//! the test needs no Python.

use rstest::rstest;
use runtime::compile::compile_module;

#[rstest]
#[case("(1,", "SyntaxError", "'(' was never closed", 1, 1)]
#[case("x = (1,\n2,\n", "SyntaxError", "'(' was never closed", 1, 5)]
#[case(
    "s = 'abc\n",
    "SyntaxError",
    "unterminated string literal (detected at line 1)",
    1,
    5
)]
#[case(
    "s = '''abc\n\nx",
    "SyntaxError",
    "unterminated triple-quoted string literal (detected at line 3)",
    1,
    5
)]
#[case("if x\n  pass\n", "SyntaxError", "expected ':'", 1, 5)]
#[case("def f(:\n  pass\n", "SyntaxError", "invalid syntax", 1, 7)]
#[case("x = 1 +\n", "SyntaxError", "invalid syntax", 1, 8)]
#[case("  x = 1\n", "IndentationError", "unexpected indent", 1, 2)]
#[case(
    "if x:\n    a\n  b\n",
    "IndentationError",
    "unindent does not match any outer indentation level",
    3,
    4
)]
#[case(
    "if x:\npass\n",
    "IndentationError",
    "expected an indented block after 'if' statement on line 1",
    2,
    1
)]
#[case(
    "for x in y:\npass\n",
    "IndentationError",
    "expected an indented block after 'for' statement on line 1",
    2,
    1
)]
#[case(
    "def f():\nreturn\n",
    "IndentationError",
    "expected an indented block after function definition on line 1",
    2,
    1
)]
#[case(
    "if x:\n\tif y:\n        pass\n",
    "TabError",
    "inconsistent use of tabs and spaces in indentation",
    3,
    1
)]
#[case("x = 1)\n", "SyntaxError", "unmatched ')'", 1, 6)]
#[case(
    "x = [1, 2)\n",
    "SyntaxError",
    "closing parenthesis ')' does not match opening parenthesis '['",
    1,
    10
)]
#[case("return 1\n", "SyntaxError", "'return' outside function", 1, 1)]
#[case("break\n", "SyntaxError", "'break' outside loop", 1, 1)]
#[case("continue\n", "SyntaxError", "'continue' not properly in loop", 1, 1)]
#[case(
    "def f():\n    nonlocal x\n",
    "SyntaxError",
    "no binding for nonlocal 'x' found",
    2,
    5
)]
#[case(
    "1 = x\n",
    "SyntaxError",
    "cannot assign to literal here. Maybe you meant '==' instead of '='?",
    1,
    1
)]
#[case(
    "f() = 1\n",
    "SyntaxError",
    "cannot assign to function call here. Maybe you meant '==' instead of '='?",
    1,
    1
)]
#[case(
    "x + 1 = 2\n",
    "SyntaxError",
    "cannot assign to expression here. Maybe you meant '==' instead of '='?",
    1,
    1
)]
#[case(
    "def f():\n    x = 1\n    global x\n",
    "SyntaxError",
    "name 'x' is assigned to before global declaration",
    3,
    5
)]
#[case(
    "x = 'a' 'b\n",
    "SyntaxError",
    "unterminated string literal (detected at line 1)",
    1,
    9
)]
#[case("a b\n", "SyntaxError", "invalid syntax", 1, 3)]
#[case(
    "print 'hello'\n",
    "SyntaxError",
    "Missing parentheses in call to 'print'. Did you mean print(...)?",
    1,
    1
)]
#[case(
    "x = 0777\n",
    "SyntaxError",
    "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers",
    1,
    5
)]
#[case("x = 1__0\n", "SyntaxError", "invalid decimal literal", 1, 6)]
#[case("x = 0x\n", "SyntaxError", "invalid hexadecimal literal", 1, 6)]
#[case("x = 1e\n", "SyntaxError", "invalid decimal literal", 1, 5)]
#[case("x = 5 $ 3\n", "SyntaxError", "invalid syntax", 1, 7)]
#[case(
    "f(**a, *b)\n",
    "SyntaxError",
    "iterable argument unpacking follows keyword argument unpacking",
    1,
    8
)]
#[case(
    "f(a=1, b)\n",
    "SyntaxError",
    "positional argument follows keyword argument",
    1,
    9
)]
#[case(
    "def f(a=1, b): pass\n",
    "SyntaxError",
    "non-default argument follows default argument",
    1,
    12
)]
#[case("del f()\n", "SyntaxError", "cannot delete function call", 1, 5)]
#[case("del 1\n", "SyntaxError", "cannot delete literal", 1, 5)]
#[case("x += 1, 2 = 3\n", "SyntaxError", "invalid syntax", 1, 11)]
#[case(
    "(a, b) += 1\n",
    "SyntaxError",
    "'tuple' is an illegal expression for augmented assignment",
    1,
    1
)]
#[case("f'{'\n", "SyntaxError", "f-string: expecting '}'", 1, 5)]
#[case(
    "f'{}'\n",
    "SyntaxError",
    "f-string: empty expression not allowed",
    1,
    6
)]
#[case(
    "f'{x!z}'\n",
    "SyntaxError",
    "f-string: invalid conversion character: expected 's', 'r', or 'a'",
    1,
    9
)]
#[case("f'}'\n", "SyntaxError", "f-string: single '}' is not allowed", 1, 5)]
#[case(
    "class C:\n    return 1\n",
    "SyntaxError",
    "'return' outside function",
    2,
    5
)]
#[case("yield 1\n", "SyntaxError", "'yield' outside function", 1, 1)]
#[case(
    "def f():\n    x = 1\n    def g():\n        nonlocal y\n",
    "SyntaxError",
    "no binding for nonlocal 'y' found",
    4,
    9
)]
#[case(
    "nonlocal x\n",
    "SyntaxError",
    "nonlocal declaration not allowed at module level",
    1,
    1
)]
#[case(
    "def f(a, a): pass\n",
    "SyntaxError",
    "duplicate argument 'a' in function definition",
    1,
    10
)]
#[case(
    "f(x for x in y, 1)\n",
    "SyntaxError",
    "Generator expression must be parenthesized",
    1,
    3
)]
#[case("else:\n    pass\n", "SyntaxError", "invalid syntax", 1, 1)]
#[case(
    "try:\n    pass\n",
    "SyntaxError",
    "expected 'except' or 'finally' block",
    2,
    9
)]
#[case(
    "try:\n    pass\nx = 1\n",
    "SyntaxError",
    "expected 'except' or 'finally' block",
    3,
    1
)]
#[case("x = \\\n", "SyntaxError", "unexpected EOF while parsing", 1, 6)]
#[case(
    "x = 1 \\ 2\n",
    "SyntaxError",
    "unexpected character after line continuation character",
    1,
    8
)]
#[case(
    "b'\u{00e9}'\n",
    "SyntaxError",
    "bytes can only contain ASCII literal characters",
    1,
    1
)]
#[case("import\n", "SyntaxError", "invalid syntax", 1, 7)]
#[case("from x import\n", "SyntaxError", "invalid syntax", 1, 14)]
#[case("from x import *, y\n", "SyntaxError", "invalid syntax", 1, 16)]
#[case(
    "def f():\n    from x import *\n",
    "SyntaxError",
    "import * only allowed at module level",
    2,
    19
)]
#[case(
    "a, *b, *c = d\n",
    "SyntaxError",
    "multiple starred expressions in assignment",
    1,
    1
)]
#[case(
    "*a = b\n",
    "SyntaxError",
    "starred assignment target must be in a list or tuple",
    1,
    1
)]
#[case("print(*)\n", "SyntaxError", "invalid syntax", 1, 8)]
#[case(
    "x = yield = 3\n",
    "SyntaxError",
    "assignment to yield expression not possible",
    1,
    5
)]
#[case("for 1 in x: pass\n", "SyntaxError", "cannot assign to literal", 1, 5)]
#[case(
    "with a as 1: pass\n",
    "SyntaxError",
    "cannot assign to literal",
    1,
    11
)]
#[case("[x for 1 in y]\n", "SyntaxError", "cannot assign to literal", 1, 8)]
#[case(
    "def f():\n  x = 1\n   y = 2\n",
    "IndentationError",
    "unexpected indent",
    3,
    3
)]
#[case(
    "if True:\n    pass\n  else:\n    pass\n",
    "IndentationError",
    "unindent does not match any outer indentation level",
    3,
    8
)]
#[case(
    "x = {1: 2, 3}\n",
    "SyntaxError",
    "':' expected after dictionary key",
    1,
    12
)]
#[case("is x\n", "SyntaxError", "invalid syntax", 1, 1)]
#[case("a.1\n", "SyntaxError", "invalid syntax", 1, 2)]
#[case("1.__class__\n", "SyntaxError", "invalid decimal literal", 1, 2)]
#[case(
    "\u{00ef}\u{00bb}\u{00bf}x = ((\n",
    "SyntaxError",
    "invalid character '\u{00bb}' (U+00BB)",
    1,
    2
)]
#[case(
    "def f():\n    global x\n    x: int = 1\n",
    "SyntaxError",
    "annotated name 'x' can't be global",
    3,
    5
)]
#[case("not\n", "SyntaxError", "invalid syntax", 1, 4)]
#[case("x = ]\n", "SyntaxError", "unmatched ']'", 1, 5)]
#[case("f(a for a in b for)\n", "SyntaxError", "invalid syntax", 1, 19)]
#[case(
    "class C(x for x in y): pass\n",
    "SyntaxError",
    "invalid syntax",
    1,
    11
)]
#[case(
    "x = 'abc\\\n",
    "SyntaxError",
    "unterminated string literal (detected at line 1)",
    1,
    5
)]
#[case(
    "x = 1 if 2\n",
    "SyntaxError",
    "expected 'else' after 'if' expression",
    1,
    5
)]
#[case("a = 1; if a: pass\n", "SyntaxError", "invalid syntax", 1, 8)]
#[case(
    "def f(*): pass\n",
    "SyntaxError",
    "named arguments must follow bare *",
    1,
    7
)]
#[case(
    "def f(**k, a): pass\n",
    "SyntaxError",
    "arguments cannot follow var-keyword argument",
    1,
    12
)]
#[case("x.y += 1 = 2\n", "SyntaxError", "invalid syntax", 1, 10)]
#[case("True = 1\n", "SyntaxError", "cannot assign to True", 1, 1)]
#[case("None = 1\n", "SyntaxError", "cannot assign to None", 1, 1)]
#[case("__debug__ = 1\n", "SyntaxError", "cannot assign to __debug__", 1, 1)]
#[case("f(True=1)\n", "SyntaxError", "cannot assign to True", 1, 3)]
#[case(
    "x = u'a' b'b'\n",
    "SyntaxError",
    "cannot mix bytes and nonbytes literals",
    1,
    14
)]
#[case(
    "x = f'a' b'b'\n",
    "SyntaxError",
    "cannot mix bytes and nonbytes literals",
    1,
    14
)]
#[case("while x\n  pass\n", "SyntaxError", "expected ':'", 1, 8)]
#[case("\n\n   \n  x\n", "IndentationError", "unexpected indent", 4, 2)]
#[case("def f(\n    a,\n    b\n", "SyntaxError", "'(' was never closed", 1, 6)]
#[case("(a, 1) = x\n", "SyntaxError", "cannot assign to literal", 1, 5)]
#[case(
    "1 += 1\n",
    "SyntaxError",
    "'literal' is an illegal expression for augmented assignment",
    1,
    1
)]
#[case(
    "[a, f()] = 1\n",
    "SyntaxError",
    "cannot assign to function call",
    1,
    5
)]
#[case("x = 1 = 2\n", "SyntaxError", "cannot assign to literal", 1, 5)]
#[case(
    "a, b += 1\n",
    "SyntaxError",
    "'tuple' is an illegal expression for augmented assignment",
    1,
    1
)]
#[case(
    "f'{x!}'\n",
    "SyntaxError",
    "f-string: invalid conversion character: expected 's', 'r', or 'a'",
    1,
    8
)]
#[case(
    "def f():\n    if x:\n    pass\n",
    "IndentationError",
    "expected an indented block after 'if' statement on line 2",
    3,
    5
)]
#[case(
    "class C:\npass\n",
    "IndentationError",
    "expected an indented block after class definition on line 1",
    2,
    1
)]
#[case(
    "try:\n  x\nexcept E:\npass\n",
    "IndentationError",
    "expected an indented block after 'except' statement on line 3",
    4,
    1
)]
#[case(
    "with a:\npass\n",
    "IndentationError",
    "expected an indented block after 'with' statement on line 1",
    2,
    1
)]
#[case(
    "while x:\npass\n",
    "IndentationError",
    "expected an indented block after 'while' statement on line 1",
    2,
    1
)]
#[case(
    "if x:\n  pass\nelse:\npass\n",
    "IndentationError",
    "expected an indented block after 'else' statement on line 3",
    4,
    1
)]
#[case(
    "if x:\n  pass\nelif y:\npass\n",
    "IndentationError",
    "expected an indented block after 'elif' statement on line 3",
    4,
    1
)]
#[case(
    "try:\n  x\nfinally:\npass\n",
    "IndentationError",
    "expected an indented block after 'finally' statement on line 3",
    4,
    1
)]
#[case("x = *a\n", "SyntaxError", "can't use starred expression here", 1, 5)]
#[case(
    "print(*a for a in b)\n",
    "SyntaxError",
    "iterable unpacking cannot be used in comprehension",
    1,
    7
)]
#[case("del *a\n", "SyntaxError", "cannot delete starred", 1, 5)]
#[case("del (a, 1)\n", "SyntaxError", "cannot delete literal", 1, 9)]
#[case("f(x=1, x=2)\n", "SyntaxError", "keyword argument repeated: x", 1, 8)]
#[case("(yield)\n", "SyntaxError", "'yield' outside function", 1, 2)]
#[case(
    "a if b\n",
    "SyntaxError",
    "expected 'else' after 'if' expression",
    1,
    1
)]
#[case(
    "def f(x):\n  global x\n",
    "SyntaxError",
    "name 'x' is parameter and global",
    2,
    3
)]
#[case(
    "class A:\n  nonlocal x\n",
    "SyntaxError",
    "no binding for nonlocal 'x' found",
    2,
    3
)]
#[case("x = (1,\n", "SyntaxError", "'(' was never closed", 1, 5)]
#[case("x = [1,\n2,\n", "SyntaxError", "'[' was never closed", 1, 5)]
#[case("foo(\n", "SyntaxError", "'(' was never closed", 1, 4)]
#[case("x = {\n", "SyntaxError", "'{' was never closed", 1, 5)]
#[case(
    "if x:\n    pass\n  x = 1\n",
    "IndentationError",
    "unindent does not match any outer indentation level",
    3,
    8
)]
#[case(
    "def f():\n    return\n        x\n",
    "IndentationError",
    "unexpected indent",
    3,
    8
)]
#[case(
    "x = 'abc\n",
    "SyntaxError",
    "unterminated string literal (detected at line 1)",
    1,
    5
)]
#[case(
    "x = \"\"\"abc\n",
    "SyntaxError",
    "unterminated triple-quoted string literal (detected at line 1)",
    1,
    5
)]
#[case(
    "\n\n\ns = '\n",
    "SyntaxError",
    "unterminated string literal (detected at line 4)",
    4,
    5
)]
#[case(
    "for x in range(3):\n    pass\nbreak\n",
    "SyntaxError",
    "'break' outside loop",
    3,
    1
)]
#[case(
    "def f():\n    yield = 3\n",
    "SyntaxError",
    "assignment to yield expression not possible",
    2,
    5
)]
#[case(
    "x = 0b102\n",
    "SyntaxError",
    "invalid digit '2' in binary literal",
    1,
    9
)]
#[case("x = 0o8\n", "SyntaxError", "invalid digit '8' in octal literal", 1, 7)]
#[case("x = 0xg\n", "SyntaxError", "invalid hexadecimal literal", 1, 6)]
#[case("x = 1_\n", "SyntaxError", "invalid decimal literal", 1, 6)]
#[case("x = 1.5e+\n", "SyntaxError", "invalid decimal literal", 1, 9)]
#[case("a = 1\nb = $\n", "SyntaxError", "invalid syntax", 2, 5)]
#[case("x = y ? z\n", "SyntaxError", "invalid syntax", 1, 7)]
#[case("x = `y`\n", "SyntaxError", "invalid syntax", 1, 5)]
#[case("import a.b as\n", "SyntaxError", "invalid syntax", 1, 14)]
#[case(
    "lambda x, x: 1\n",
    "SyntaxError",
    "duplicate argument 'x' in function definition",
    1,
    11
)]
#[case(
    "def f(**a, **b): pass\n",
    "SyntaxError",
    "arguments cannot follow var-keyword argument",
    1,
    12
)]
#[case(
    "def f(*a, *b): pass\n",
    "SyntaxError",
    "* argument may appear only once",
    1,
    11
)]
#[case(
    "x = [i for i in range(3)] = 1\n",
    "SyntaxError",
    "cannot assign to list comprehension",
    1,
    5
)]
#[case(
    "f() += 1\n",
    "SyntaxError",
    "'function call' is an illegal expression for augmented assignment",
    1,
    1
)]
#[case("x.y = 1 = 2\n", "SyntaxError", "cannot assign to literal", 1, 7)]
#[case("del x + 1\n", "SyntaxError", "cannot delete expression", 1, 5)]
#[case(
    "for x, 1 in y: pass\n",
    "SyntaxError",
    "cannot assign to literal",
    1,
    8
)]
#[case(
    "with a as (b, 1): pass\n",
    "SyntaxError",
    "cannot assign to literal",
    1,
    15
)]
#[case("except:\n  pass\n", "SyntaxError", "invalid syntax", 1, 1)]
#[case("finally:\n  pass\n", "SyntaxError", "invalid syntax", 1, 1)]
#[case("elif x:\n  pass\n", "SyntaxError", "invalid syntax", 1, 1)]
#[case(
    "def f():\n    x = 1\n    nonlocal x\n",
    "SyntaxError",
    "name 'x' is assigned to before nonlocal declaration",
    3,
    5
)]
#[case(
    "def f():\n    print(x)\n    global x\n",
    "SyntaxError",
    "name 'x' is used prior to global declaration",
    3,
    5
)]
#[case(
    "def f():\n  return 1\n   return 2\n",
    "IndentationError",
    "unexpected indent",
    3,
    3
)]
#[case(
    "f(a b)\n",
    "SyntaxError",
    "invalid syntax. Perhaps you forgot a comma?",
    1,
    3
)]
#[case(
    "f(a, b c)\n",
    "SyntaxError",
    "invalid syntax. Perhaps you forgot a comma?",
    1,
    6
)]
#[case(
    "[1 2]\n",
    "SyntaxError",
    "invalid syntax. Perhaps you forgot a comma?",
    1,
    2
)]
#[case(
    "(a b)\n",
    "SyntaxError",
    "invalid syntax. Perhaps you forgot a comma?",
    1,
    2
)]
#[case(
    "{a b}\n",
    "SyntaxError",
    "invalid syntax. Perhaps you forgot a comma?",
    1,
    2
)]
#[case(
    "{1: a b}\n",
    "SyntaxError",
    "invalid syntax. Perhaps you forgot a comma?",
    1,
    5
)]
#[case(
    "x[a b]\n",
    "SyntaxError",
    "invalid syntax. Perhaps you forgot a comma?",
    1,
    3
)]
#[case("print(x \"y\")\n", "SyntaxError", "invalid syntax", 1, 9)]
#[case(
    "f(1 + x y)\n",
    "SyntaxError",
    "invalid syntax. Perhaps you forgot a comma?",
    1,
    3
)]
#[case(
    "(a\n b)\n",
    "SyntaxError",
    "invalid syntax. Perhaps you forgot a comma?",
    1,
    2
)]
#[case("def f:\n  pass\n", "SyntaxError", "expected '('", 1, 6)]
#[case("def f() x:\n pass\n", "SyntaxError", "expected ':'", 1, 9)]
#[case("try x:\n pass\n", "SyntaxError", "expected ':'", 1, 5)]
#[case("if x:\n pass\nelse x:\n pass\n", "SyntaxError", "expected ':'", 3, 6)]
#[case(
    "try:\n pass\nfinally x:\n pass\n",
    "SyntaxError",
    "expected ':'",
    3,
    9
)]
#[case("if x   \n  pass\n", "SyntaxError", "expected ':'", 1, 8)]
#[case("if x  # comment\n  pass\n", "SyntaxError", "expected ':'", 1, 7)]
#[case("class C\n pass\n", "SyntaxError", "expected ':'", 1, 8)]
#[case("x = [1,\n  2\ny = 3\n", "SyntaxError", "'[' was never closed", 1, 5)]
#[case("f(a,\n  b\nz = 1\n", "SyntaxError", "'(' was never closed", 1, 2)]
#[case(
    "x = (1 +\n\ny = 'abc\n",
    "SyntaxError",
    "unterminated string literal (detected at line 3)",
    3,
    5
)]
#[case(
    "a b = 1\nc = 'x\n",
    "SyntaxError",
    "unterminated string literal (detected at line 2)",
    2,
    5
)]
#[case(
    "(a, b): int = 1\n",
    "SyntaxError",
    "only single target (not tuple) can be annotated",
    1,
    1
)]
#[case("a + b: int\n", "SyntaxError", "illegal target for annotation", 1, 1)]
#[case(
    "tb = f.g{h(o)\n\nx = 1\n",
    "SyntaxError",
    "'{' was never closed",
    1,
    9
)]
#[case(
    "objs = [No * 200\nfor x in y:\n    pass\n",
    "SyntaxError",
    "'[' was never closed",
    1,
    8
)]
#[case("x = 1 +\n  y = (\n", "SyntaxError", "invalid syntax", 1, 8)]
#[case("x° = 1\n", "SyntaxError", "invalid character '°' (U+00B0)", 1, 2)]
#[case("€ = 1\n", "SyntaxError", "invalid character '€' (U+20AC)", 1, 1)]
#[case(
    "x\u{200b} = 1\n",
    "SyntaxError",
    "invalid non-printable character U+200B",
    1,
    2
)]
#[case("١ = 1\n", "SyntaxError", "invalid character '١' (U+0661)", 1, 1)]
#[case(
    "x=1\nfrom __future__ import annotations\n",
    "SyntaxError",
    "from __future__ imports must occur at the beginning of the file",
    2,
    1
)]
#[case(
    "from __future__ import foo\n",
    "SyntaxError",
    "future feature foo is not defined",
    1,
    1
)]
#[case("from __future__ import braces\n", "SyntaxError", "not a chance", 1, 1)]
#[case(
    "def f():\n  from __future__ import division\n",
    "SyntaxError",
    "from __future__ imports must occur at the beginning of the file",
    2,
    3
)]
#[case(
    "import os\nfrom __future__ import annotations, division\n",
    "SyntaxError",
    "from __future__ imports must occur at the beginning of the file",
    2,
    1
)]
fn bad_input_matches_cpython(
    #[case] src: &str,
    #[case] kind: &str,
    #[case] msg: &str,
    #[case] line: u32,
    #[case] col: u32,
) {
    let err = compile_module(src.as_bytes(), "x.py").expect_err("must be a syntax error");
    assert_eq!(
        (err.kind.name(), err.msg.as_str(), err.line, err.col),
        (kind, msg, line, col),
        "source {src:?}"
    );
}

/// The whole message as CPython prints an uncaught syntax error of a
/// script (`python3 /tmp/pe/x.py 2>&1`).
#[rstest]
#[case(
    b"def f(:\n  pass\n",
    "  File \"/tmp/pe/x.py\", line 1\n    def f(:\n          ^\nSyntaxError: invalid syntax"
)]
#[case(
    b"if x:\n    a\n  b\n",
    "  File \"/tmp/pe/x.py\", line 3\n    b\n     ^\nIndentationError: unindent does not match any outer indentation level"
)]
#[case(
    b"x = (1,\n",
    "  File \"/tmp/pe/x.py\", line 1\n    x = (1,\n        ^\nSyntaxError: '(' was never closed"
)]
#[case(
    b"def f():\n    nonlocal x\n",
    "  File \"/tmp/pe/x.py\", line 2\n    nonlocal x\n    ^^^^^^^^^^\nSyntaxError: no binding for nonlocal 'x' found"
)]
#[case(
    b"x = \"abc\n",
    "  File \"/tmp/pe/x.py\", line 1\n    x = \"abc\n        ^\nSyntaxError: unterminated string literal (detected at line 1)"
)]
#[case(
    b"\tx = 1\n",
    "  File \"/tmp/pe/x.py\", line 1\n    x = 1\nIndentationError: unexpected indent"
)]
#[case(
    b"x = 1 +\n",
    "  File \"/tmp/pe/x.py\", line 1\n    x = 1 +\n           ^\nSyntaxError: invalid syntax"
)]
#[case(
    b"if x:\npass\n",
    "  File \"/tmp/pe/x.py\", line 2\n    pass\n    ^\nIndentationError: expected an indented block after 'if' statement on line 1"
)]
#[case(
    b"print 'hello'\n",
    "  File \"/tmp/pe/x.py\", line 1\n    print 'hello'\n    ^^^^^^^^^^^^^\nSyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)?"
)]
#[case(
    b"a = [1, 2)\n",
    "  File \"/tmp/pe/x.py\", line 1\n    a = [1, 2)\n             ^\nSyntaxError: closing parenthesis ')' does not match opening parenthesis '['"
)]
#[case(
    b"x = 1)\n",
    "  File \"/tmp/pe/x.py\", line 1\n    x = 1)\n         ^\nSyntaxError: unmatched ')'"
)]
#[case(
    b"for 1 in x: pass\n",
    "  File \"/tmp/pe/x.py\", line 1\n    for 1 in x: pass\n        ^\nSyntaxError: cannot assign to literal"
)]
#[case(
    b"    def g(a, a): pass\n",
    "  File \"/tmp/pe/x.py\", line 1\n    def g(a, a): pass\nIndentationError: unexpected indent"
)]
#[case(
    b"f(**a, *b)\n",
    "  File \"/tmp/pe/x.py\", line 1\n    f(**a, *b)\n           ^\nSyntaxError: iterable argument unpacking follows keyword argument unpacking"
)]
#[case(
    b"x = 'a' b'b'\n",
    "  File \"/tmp/pe/x.py\", line 1\n    x = 'a' b'b'\n                ^\nSyntaxError: cannot mix bytes and nonbytes literals"
)]
#[case(
    b"x = 0777\n",
    "  File \"/tmp/pe/x.py\", line 1\n    x = 0777\n        ^\nSyntaxError: leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers"
)]
#[case(
    b"def f(\n    a,\n    b\n",
    "  File \"/tmp/pe/x.py\", line 1\n    def f(\n         ^\nSyntaxError: '(' was never closed"
)]
#[case(
    b"s = '''abc\n\nx",
    "  File \"/tmp/pe/x.py\", line 1\n    s = '''abc\n        ^\nSyntaxError: unterminated triple-quoted string literal (detected at line 3)"
)]
#[case(
    b"x = 1\ny = \xff\n",
    "SyntaxError: Non-UTF-8 code starting with '\\xff' in file /tmp/pe/x.py on line 2, but no encoding declared; see https://peps.python.org/pep-0263/ for details"
)]
#[case(
    b"try:\n    pass\nx = 1\n",
    "  File \"/tmp/pe/x.py\", line 3\n    x = 1\n    ^\nSyntaxError: expected 'except' or 'finally' block"
)]
#[case(
    b"def f(a, a): pass\n",
    "  File \"/tmp/pe/x.py\", line 1\n    def f(a, a): pass\n             ^\nSyntaxError: duplicate argument 'a' in function definition"
)]
#[case(
    b"x = 5 $ 3\n",
    "  File \"/tmp/pe/x.py\", line 1\n    x = 5 $ 3\n          ^\nSyntaxError: invalid syntax"
)]
#[case(
    b"class C:\n    return 1\n",
    "  File \"/tmp/pe/x.py\", line 2\n    return 1\n    ^^^^^^^^\nSyntaxError: 'return' outside function"
)]
fn printed_like_cpython(#[case] src: &[u8], #[case] expected: &str) {
    let err = compile_module(src, "/tmp/pe/x.py").expect_err("must be a syntax error");
    assert_eq!(err.to_string(), expected, "source {src:?}");
}
