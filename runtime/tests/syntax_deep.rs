//! Deeply nested input gets an error, never a stack overflow or a hang:
//! the parser's nesting limit bounds every later recursive walk. These run
//! on the test harness's default (2 MiB) thread stack on purpose.

use runtime::compile::compile_module;
use runtime::syntax::SyntaxErrorKind;

fn kind_and_msg(src: &str) -> Option<(SyntaxErrorKind, String)> {
    compile_module(src.as_bytes(), "x.py")
        .err()
        .map(|e| (e.kind, e.msg))
}

const RECURSION: &str = "maximum recursion depth exceeded during compilation";

#[test]
fn ten_thousand_parentheses_hit_the_tokenizer_limit() {
    let src = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
    let e = compile_module(src.as_bytes(), "x.py").unwrap_err();
    assert_eq!(e.msg, "too many nested parentheses");
    assert_eq!((e.line, e.col), (1, 201));
}

#[test]
fn two_hundred_parentheses_are_fine_as_in_cpython() {
    let src = format!("x = {}1{}\n", "(".repeat(200), ")".repeat(200));
    assert!(compile_module(src.as_bytes(), "x.py").is_ok());
    let src = format!("x = {}{}\n", "[".repeat(200), "]".repeat(200));
    assert!(compile_module(src.as_bytes(), "x.py").is_ok());
}

#[test]
fn deep_unbracketed_expressions_are_a_recursion_error() {
    for src in [
        format!("{}x", "not ".repeat(10_000)),
        format!("{}x", "- ".repeat(10_000)),
        format!("{}x", "~".repeat(10_000)),
        format!("{}x", "a if b else ".repeat(10_000)),
        format!("x{}", ".a".repeat(10_000)),
        format!("x{}", "[0]".repeat(10_000)),
        format!("x{}", "()".repeat(10_000)),
        format!("1{}", "+1".repeat(100_000)),
        format!("1{}", "**1".repeat(10_000)),
        format!("{}x", "lambda: ".repeat(10_000)),
        format!("x = {}0", "1 if 2 else ".repeat(10_000)),
        format!("{}1", "f(".repeat(150)) + &")".repeat(150) + &"+1".repeat(1000),
    ] {
        assert_eq!(
            kind_and_msg(&src),
            Some((SyntaxErrorKind::RecursionError, RECURSION.to_owned())),
            "{}",
            &src[..40.min(src.len())]
        );
    }
}

#[test]
fn moderately_deep_expressions_compile() {
    for src in [
        format!("{}x", "not ".repeat(100)),
        format!("{}x", "-".repeat(100)),
        format!("x = {}0", "1 if 2 else ".repeat(100)),
        format!("x{}", ".a".repeat(100)),
        format!("1{}", "+1".repeat(250)),
        format!("x = {}x", "lambda: ".repeat(100)),
        format!("{}x", "not ".repeat(900)),
        format!("{}x", "-".repeat(900)),
        format!("x = {}0", "1 if 2 else ".repeat(900)),
        format!("x{}", ".a".repeat(900)),
        format!("x{}", "(1)".repeat(900)),
        format!("x = {}x", "lambda: ".repeat(900)),
        format!("x = {}1{}", "(".repeat(199), ")".repeat(199)),
        format!("x = {}{}", "f(".repeat(199), ")".repeat(199)),
        format!("x = {}{}", "[".repeat(199), "]".repeat(199)),
        format!("x = {}1{}", "{1: ".repeat(199), "}".repeat(199)),
    ] {
        assert!(
            compile_module(src.as_bytes(), "x.py").is_ok(),
            "{}",
            &src[..30]
        );
    }
}

#[test]
fn deep_blocks_hit_the_indentation_limit() {
    let mut src = String::new();
    for i in 0..150 {
        src.push_str(&" ".repeat(i));
        src.push_str("if x:\n");
    }
    src.push_str(&" ".repeat(150));
    src.push_str("pass\n");
    let e = compile_module(src.as_bytes(), "x.py").unwrap_err();
    assert_eq!(e.kind, SyntaxErrorKind::IndentationError);
    assert_eq!(e.msg, "too many levels of indentation");
}

#[test]
fn ninety_nine_nested_blocks_compile() {
    let mut src = String::new();
    for i in 0..98 {
        src.push_str(&" ".repeat(i));
        src.push_str(if i % 3 == 0 {
            "def f():\n"
        } else if i % 3 == 1 {
            "while x:\n"
        } else {
            "try:\n"
        });
    }
    src.push_str(&" ".repeat(98));
    src.push_str("pass\n");
    for i in (0..98).rev() {
        if i % 3 == 2 {
            src.push_str(&" ".repeat(i));
            src.push_str("finally:\n");
            src.push_str(&" ".repeat(i + 1));
            src.push_str("pass\n");
        }
    }
    compile_module(src.as_bytes(), "x.py").unwrap();
}
