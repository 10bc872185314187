//! Fuzzing the front end with proptest: random bytes, random token soups
//! and random mutations of real scripts (`tests/data/*.py`). Whatever the
//! input, `compile_module` returns (no panic, no stack overflow, no hang),
//! an error has a sensible position, and a success passes the bytecode
//! verifier.

mod common;

use proptest::prelude::*;
use runtime::compile::compile_module;

fn check(src: &[u8]) -> Result<(), TestCaseError> {
    match compile_module(src, "fuzz.py") {
        Ok(code) => {
            if let Err(e) = common::verify(&code) {
                return Err(TestCaseError::fail(format!(
                    "{e}\nsource: {:?}",
                    String::from_utf8_lossy(src)
                )));
            }
        }
        Err(e) => {
            prop_assert!(!e.msg.is_empty());
            prop_assert!(
                !e.msg.starts_with("internal compiler error"),
                "{e}\nsource: {:?}",
                String::from_utf8_lossy(src)
            );
            let lines = src.iter().filter(|&&b| b == b'\n').count() as u32 + 2;
            prop_assert!(e.line <= lines, "line {} of {lines}", e.line);
            // printing never panics either
            let _ = e.to_string();
        }
    }
    Ok(())
}

fn corpus() -> Vec<Vec<u8>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

const VOCAB: &[&str] = &[
    "x",
    "y",
    "f",
    "self",
    "None",
    "True",
    "1",
    "0x1f",
    "1.5",
    "'s'",
    "b'b'",
    "f'{x}'",
    "f'{x!r:>{y}}'",
    "'''t'''",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    ",",
    ";",
    ".",
    "=",
    "==",
    "+",
    "-",
    "*",
    "**",
    "/",
    "//",
    "%",
    "@",
    "|",
    "&",
    "^",
    "~",
    "<",
    ">",
    "<=",
    "!=",
    "+=",
    "->",
    "...",
    "lambda",
    "if",
    "else",
    "elif",
    "while",
    "for",
    "in",
    "not",
    "is",
    "and",
    "or",
    "def",
    "class",
    "return",
    "yield",
    "from",
    "import",
    "as",
    "try",
    "except",
    "finally",
    "raise",
    "with",
    "assert",
    "del",
    "pass",
    "break",
    "continue",
    "global",
    "nonlocal",
    "async",
    "await",
    "\n",
    "\n    ",
    "\n        ",
    "\n  ",
    "\t",
    " ",
    "\\\n",
    "#c\n",
    "\"",
    "'",
];

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize, usize),
    Duplicate(usize, usize),
    Swap(usize, usize),
    Insert(usize, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1usize..20).prop_map(|(a, n)| Mutation::Delete(a, n)),
        (any::<usize>(), 1usize..40).prop_map(|(a, n)| Mutation::Duplicate(a, n)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
        (
            any::<usize>(),
            prop::sample::select(b"()[]{}:,.=\n \t'\"\\#*@!$0aZ_".to_vec())
        )
            .prop_map(|(a, c)| Mutation::Insert(a, c)),
    ]
}

fn apply(src: &mut Vec<u8>, m: &Mutation) {
    let len = src.len();
    if len == 0 {
        return;
    }
    match *m {
        Mutation::Delete(a, n) => {
            let a = a % len;
            let b = (a + n).min(len);
            src.drain(a..b);
        }
        Mutation::Duplicate(a, n) => {
            let a = a % len;
            let b = (a + n).min(len);
            let piece: Vec<u8> = src[a..b].to_vec();
            src.splice(b..b, piece);
        }
        Mutation::Swap(a, b) => src.swap(a % len, b % len),
        Mutation::Insert(a, c) => src.insert(a % (len + 1), c),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 800, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_break_the_compiler(src in prop::collection::vec(any::<u8>(), 0..200)) {
        check(&src)?;
    }

    #[test]
    fn random_ascii_never_breaks_the_compiler(src in "[ -~\n\t]{0,200}") {
        check(src.as_bytes())?;
    }

    #[test]
    fn token_soups_never_break_the_compiler(toks in prop::collection::vec(prop::sample::select(VOCAB), 0..60)) {
        let src = toks.iter().flat_map(|t| [*t, " "]).collect::<String>();
        check(src.as_bytes())?;
        let tight = toks.concat();
        check(tight.as_bytes())?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn mutated_scripts_never_break_the_compiler(
        pick in any::<prop::sample::Index>(),
        muts in prop::collection::vec(mutation(), 1..6),
    ) {
        let files = corpus();
        prop_assume!(!files.is_empty());
        let mut src = pick.get(&files).clone();
        for m in &muts {
            apply(&mut src, m);
        }
        check(&src)?;
    }
}
