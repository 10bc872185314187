//! Differential test against the real CPython 3.11 (`python3`, installed
//! on every PyMM machine): hundreds of one-line mutations of the reference
//! scripts (`tests/data`) are compiled by both; pymm must report the same
//! exception class, message, line and column for nearly all of them (the
//! rest are CPython second-pass rules pymm does not model), and accept
//! exactly the sources CPython accepts.

use std::io::Write;
use std::process::{Command, Stdio};

use runtime::compile::compile_module;

const PY: &str = r#"
import sys, warnings
warnings.simplefilter("ignore")
data = sys.stdin.buffer.read().split(b"\0")
for src in data:
    try:
        compile(src, "x.py", "exec")
        print("ok")
    except SyntaxError as e:
        print(f"{type(e).__name__}|{e.msg}|{e.lineno}|{e.offset}")
    except Exception as e:
        print(type(e).__name__)
"#;

/// A small deterministic generator (no shared state with proptest).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

fn mutate(src: &str, rng: &mut Lcg) -> String {
    let mut lines: Vec<String> = src.split('\n').map(str::to_owned).collect();
    let i = rng.next(lines.len());
    let line = &mut lines[i];
    let chars: Vec<char> = line.chars().collect();
    let at = rng.next(chars.len() + 1);
    let mut out: Vec<char> = chars.clone();
    match rng.next(5) {
        0 if !chars.is_empty() => {
            out.remove(at.min(chars.len() - 1));
        }
        1 => {
            let pool: Vec<char> = "()[]{}:,.=\"'#\\ ".chars().collect();
            out.insert(at, pool[rng.next(pool.len())]);
        }
        2 if !chars.is_empty() => {
            let n = 1 + rng.next(5);
            let a = at.min(chars.len() - 1);
            out.drain(a..(a + n).min(chars.len()));
        }
        3 => {
            for _ in 0..=rng.next(3) {
                out.insert(0, ' ');
            }
        }
        _ => match out.iter().position(|&c| c == ':') {
            Some(p) => {
                out.remove(p);
            }
            None => out.push(')'),
        },
    }
    *line = out.into_iter().collect();
    lines.join("\n")
}

fn ours(src: &str) -> String {
    match compile_module(src.as_bytes(), "x.py") {
        Ok(_) => "ok".into(),
        Err(e) => format!("{}|{}|{}|{}", e.kind.name(), e.msg, e.line, e.col),
    }
}

#[test]
fn random_syntax_errors_match_cpython() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("tests/data")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    let corpus: Vec<String> = files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let mut rng = Lcg(0x5eed);
    let sources: Vec<String> = (0..300)
        .map(|_| mutate(&corpus[rng.next(corpus.len())], &mut rng))
        .collect();

    let mut child = Command::new("python3")
        .args(["-c", PY])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 (CPython 3.11) is required by this test, as by the conformance suite");
    {
        let mut stdin = child.stdin.take().expect("stdin");
        let joined = sources.join("\0");
        stdin.write_all(joined.as_bytes()).expect("write");
    }
    let out = child.wait_with_output().expect("python3 output");
    let expected: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        expected.len(),
        sources.len(),
        "python3 answered {} of {}",
        expected.len(),
        sources.len()
    );

    let mut same = 0;
    let mut report = String::new();
    for (src, want) in sources.iter().zip(&expected) {
        let got = ours(src);
        // validity must always agree
        assert_eq!(
            got == "ok",
            want == "ok",
            "CPython: {want}, pymm: {got}\n{src}"
        );
        if &got == want {
            same += 1;
        } else {
            report.push_str(&format!("  CPython {want}\n  pymm    {got}\n"));
        }
    }
    assert!(
        same * 100 >= sources.len() * 95,
        "only {same} of {} agree:\n{report}",
        sources.len()
    );
}
