//! `interning` alone: a symbol table for a toy tokenizer, plus the CPython
//! policy deciding which constants a compiler would share.
//!
//! Identifiers are interned once and compared as symbols; when a scope is
//! dropped its names are released, as CPython 3.11 frees interned strings
//! that nothing else references.
//!
//! Run with `cargo run -p interning --example symbols`.

use interning::{CPython, Candidate, InternError, InternPolicy, Interner, Symbol};

fn main() -> Result<(), InternError> {
    let source = "total = price * count + total_tax ; count = count + 1";
    // Each name's value: how many times the tokenizer saw it.
    let mut names: Interner<u32> = Interner::new();
    let mut tokens: Vec<Symbol> = Vec::new();
    for word in source.split_whitespace() {
        if interning::all_name_chars(word) && !word.starts_with(|c: char| c.is_ascii_digit()) {
            let sym = names.intern_with(word, |_| 0)?;
            if let Some(seen) = names.value_mut(sym) {
                *seen += 1;
            }
            tokens.push(sym);
        }
    }
    for (sym, text, seen) in names.iter() {
        println!("{:>10} -> slot {} seen {seen}x", text, sym.index());
    }
    assert_eq!(tokens.first(), names.get("total").as_ref());

    // The scope ends: release every name; the symbols become stale.
    let count = names.get("count");
    for sym in tokens {
        let _ = names.release(sym); // later copies of a symbol are already stale
    }
    println!(
        "after release: {} names; count resolves to {:?}",
        names.len(),
        count.and_then(|s| names.resolve(s))
    );

    // What a CPython 3.11 compiler would share for these constants.
    let policy = CPython;
    for constant in ["total_tax", "hello world", "café", "123abc"] {
        let shared = policy.shares(Candidate::StrConstant(constant));
        println!("constant {constant:?} interned: {shared}");
    }
    Ok(())
}
