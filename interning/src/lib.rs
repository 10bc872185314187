//! CPython 3.11's interning: which values share one object, and the table
//! of interned strings.
//!
//! This crate owns two things:
//!
//! - the **policy** ([`InternPolicy`], the trait this crate defines): given
//!   how a value is produced ([`Candidate`]), is it the canonical shared
//!   object? [`CPython`] answers as 3.11 does (small ints −5..=256, string
//!   constants made only of `[A-Za-z0-9_]`, names, one-character Latin-1
//!   strings, the empty string and tuple, `sys.intern`); [`NoSharing`]
//!   shares nothing.
//! - the **table** ([`Interner`]): text to a [`Symbol`] and a host value, on
//!   `hashbrown`, usable alone by any Rust program. Entries can be released,
//!   as 3.11's mortal interned strings are removed from `interned` when they
//!   die; stale symbols are refused, never misresolved.
//!
//! It does not own objects, refcounts or the small-int objects themselves:
//! the host (the `runtime` crate) creates those and asks the policy when to
//! reuse them.
//!
//! Costs: the policy is a few comparisons per question. The interner costs
//! one hash and one probe per lookup, an amortized append per new text, and
//! about 40 bytes per entry besides the text; see `bench/benches/intern.rs`
//! for figures next to `lasso` and `string-interner`.
//!
//! ```
//! use interning::{CPython, Candidate, InternPolicy, StringInterner};
//!
//! let policy = CPython;
//! assert!(policy.shares(Candidate::Int(256)));
//! assert!(!policy.shares(Candidate::Int(257)));
//! assert!(policy.shares(Candidate::StrConstant("hello_world")));
//! assert!(!policy.shares(Candidate::StrConstant("hello world")));
//!
//! let mut names = StringInterner::new();
//! let a = names.intern("spam")?;
//! assert_eq!(names.intern("spam")?, a);
//! assert_eq!(names.resolve(a), Some("spam"));
//! names.release(a)?;
//! assert_eq!(names.resolve(a), None); // stale symbols are refused
//! # Ok::<(), interning::InternError>(())
//! ```

#![forbid(unsafe_code)]

pub mod interner;
pub mod policy;

pub use interner::{InternError, Interner, StringInterner, Symbol};
pub use policy::{
    CHARS_INTERNED_APART_FROM_SINGLETON, CPython, Candidate, InternPolicy, NoSharing,
    SMALL_INT_MAX, SMALL_INT_MIN, all_name_chars, by_name,
};
