//! `intern` group: PyMM's `interning::StringInterner` next to `lasso` and
//! `string-interner`, each with its default configuration, on 100,000
//! distinct identifier-like strings (10–20 bytes, `[a-z_][a-z0-9_]*`).
//!
//! Workloads (IDs `intern/<workload>/<impl>`):
//! - `fill`: intern every string into a fresh interner;
//! - `hit`: intern every string again into a filled interner;
//! - `miss`: look up 100,000 other strings, never inserting;
//! - `resolve`: symbol back to text for every string.
//!
//! `cpython` (fill and hit only) is CPython 3.11's `sys.intern` through
//! `python3`, timed inside the interpreter (`time.perf_counter_ns` around the
//! loop, so start-up is excluded; the Python `for` loop is included); it is
//! skipped when `python3` cannot be run.
//!
//! Budget (issue #4): `pymm` at least as fast as the faster peer on `fill`
//! and `hit`.

use std::hint::black_box;
use std::time::Duration;

use std::path::{Path, PathBuf};
use std::process::Command;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

const N: usize = 100_000;

/// Deterministic identifier-like strings (xorshift64*; same every run).
fn identifiers(seed: u64, n: usize) -> Vec<String> {
    const FIRST: &[u8] = b"abcdefghijklmnopqrstuvwxyz_";
    const REST: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789_";
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let mut seen = std::collections::HashSet::with_capacity(n);
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let len = 10 + (next() % 11) as usize;
        let mut s = String::with_capacity(len);
        s.push(char::from(FIRST[(next() % FIRST.len() as u64) as usize]));
        for _ in 1..len {
            s.push(char::from(REST[(next() % REST.len() as u64) as usize]));
        }
        if seen.insert(s.clone()) {
            out.push(s);
        }
    }
    out
}

fn pymm_fill(words: &[String]) -> interning::StringInterner {
    let mut interner = interning::StringInterner::new();
    for w in words {
        let _ = black_box(interner.intern(w));
    }
    interner
}

fn lasso_fill(words: &[String]) -> lasso::Rodeo {
    let mut interner = lasso::Rodeo::default();
    for w in words {
        black_box(interner.get_or_intern(w.as_str()));
    }
    interner
}

fn si_fill(words: &[String]) -> string_interner::DefaultStringInterner {
    let mut interner = string_interner::DefaultStringInterner::new();
    for w in words {
        black_box(interner.get_or_intern(w.as_str()));
    }
    interner
}

/// Times `iters` rounds of `mode` (`fill` or `hit`) in CPython; the words
/// are built at run time from the file, so none is interned beforehand.
const CPYTHON_SCRIPT: &str = r#"
import sys, time
path, mode, iters = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(path) as f:
    words = f.read().split("\n")
intern = sys.intern
total = 0
if mode == "fill":
    for _ in range(iters):
        fresh = [(w + ".")[:-1] for w in words]
        t = time.perf_counter_ns()
        for w in fresh:
            intern(w)
        total += time.perf_counter_ns() - t
        del fresh
else:
    keep = [intern((w + ".")[:-1]) for w in words]
    probes = [(w + ".")[:-1] for w in words]
    t = time.perf_counter_ns()
    for _ in range(iters):
        for w in probes:
            intern(w)
    total = time.perf_counter_ns() - t
print(total)
"#;

/// CPython's time for `iters` rounds, or `None` when `python3` fails.
fn cpython_time(words: &Path, mode: &str, iters: u64) -> Option<Duration> {
    let out = Command::new("python3")
        .arg("-c")
        .arg(CPYTHON_SCRIPT)
        .arg(words)
        .arg(mode)
        .arg(iters.to_string())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let ns: u64 = String::from_utf8_lossy(&out.stdout).trim().parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// The words in a file for `python3`, if it can run at all.
fn cpython_words(words: &[String]) -> Option<PathBuf> {
    let path = std::env::temp_dir().join(format!("pymm-intern-words-{}.txt", std::process::id()));
    std::fs::write(&path, words.join("\n")).ok()?;
    cpython_time(&path, "hit", 1).map(|_| path)
}

fn bench_intern(c: &mut Criterion) {
    let words = identifiers(0x5EED_1234_ABCD_0001, N);
    let others = identifiers(0x0BAD_CAFE_F00D_0002, N);
    let mut group = c.benchmark_group("intern");
    group
        .throughput(Throughput::Elements(N as u64))
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));

    group.bench_function(BenchmarkId::new("fill", "pymm"), |b| {
        b.iter(|| pymm_fill(black_box(&words)));
    });
    group.bench_function(BenchmarkId::new("fill", "lasso"), |b| {
        b.iter(|| lasso_fill(black_box(&words)));
    });
    group.bench_function(BenchmarkId::new("fill", "string-interner"), |b| {
        b.iter(|| si_fill(black_box(&words)));
    });
    let py_words = cpython_words(&words);
    if let Some(path) = &py_words {
        for mode in ["fill", "hit"] {
            group.bench_function(BenchmarkId::new(mode, "cpython"), |b| {
                b.iter_custom(|iters| {
                    cpython_time(path, mode, iters).unwrap_or_else(|| {
                        eprintln!("intern/{mode}/cpython: python3 failed; result is void");
                        Duration::ZERO
                    })
                });
            });
        }
    }

    let mut pymm = pymm_fill(&words);
    let mut lasso = lasso_fill(&words);
    let mut si = si_fill(&words);

    group.bench_function(BenchmarkId::new("hit", "pymm"), |b| {
        b.iter(|| {
            for w in &words {
                let _ = black_box(pymm.intern(w));
            }
        });
    });
    group.bench_function(BenchmarkId::new("hit", "lasso"), |b| {
        b.iter(|| {
            for w in &words {
                black_box(lasso.get_or_intern(w.as_str()));
            }
        });
    });
    group.bench_function(BenchmarkId::new("hit", "string-interner"), |b| {
        b.iter(|| {
            for w in &words {
                black_box(si.get_or_intern(w.as_str()));
            }
        });
    });

    group.bench_function(BenchmarkId::new("miss", "pymm"), |b| {
        b.iter(|| {
            for w in &others {
                black_box(pymm.get(w));
            }
        });
    });
    group.bench_function(BenchmarkId::new("miss", "lasso"), |b| {
        b.iter(|| {
            for w in &others {
                black_box(lasso.get(w.as_str()));
            }
        });
    });
    group.bench_function(BenchmarkId::new("miss", "string-interner"), |b| {
        b.iter(|| {
            for w in &others {
                black_box(si.get(w.as_str()));
            }
        });
    });

    let pymm_syms: Vec<_> = words.iter().filter_map(|w| pymm.get(w)).collect();
    let lasso_syms: Vec<_> = words.iter().filter_map(|w| lasso.get(w.as_str())).collect();
    let si_syms: Vec<_> = words.iter().filter_map(|w| si.get(w.as_str())).collect();
    group.bench_function(BenchmarkId::new("resolve", "pymm"), |b| {
        b.iter(|| {
            for &s in &pymm_syms {
                black_box(pymm.resolve(s));
            }
        });
    });
    group.bench_function(BenchmarkId::new("resolve", "lasso"), |b| {
        b.iter(|| {
            for s in &lasso_syms {
                black_box(lasso.resolve(s));
            }
        });
    });
    group.bench_function(BenchmarkId::new("resolve", "string-interner"), |b| {
        b.iter(|| {
            for &s in &si_syms {
                black_box(si.resolve(s));
            }
        });
    });
    group.finish();
    if let Some(path) = py_words {
        let _ = std::fs::remove_file(path);
    }
}

criterion_group!(benches, bench_intern);
criterion_main!(benches);
