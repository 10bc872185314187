//! Which values share one object: the interning *policy*.
//!
//! CPython 3.11 hands out the same object for some equal values: the small
//! ints −5..=256 (`_PY_NSMALLNEGINTS`, `_PY_NSMALLPOSINTS` in
//! `Include/internal/pycore_global_objects.h`), the one-character Latin-1
//! strings (`LATIN1(ch)` singletons), the empty string and empty tuple,
//! string constants made only of `[A-Za-z0-9_]` (`intern_string_constants`
//! in `Objects/codeobject.c`), every name (`intern_strings`), and whatever
//! `sys.intern` is given. A host asks its policy, value by value, whether to
//! reuse a canonical object ([`InternPolicy::shares`]); the [`Interner`]
//! then holds the canonical string objects.
//!
//! [`Interner`]: crate::Interner

use core::fmt;
use core::ops::RangeInclusive;

/// Smallest cached int: `-_PY_NSMALLNEGINTS`.
pub const SMALL_INT_MIN: i64 = -5;
/// Largest cached int: `_PY_NSMALLPOSINTS - 1`.
pub const SMALL_INT_MAX: i64 = 256;

/// The one-character ASCII strings whose *interned* object is not the
/// `chr()` singleton in CPython 3.11, because other static strings with that
/// text were interned first (reference §5.2, experiment 7.9). A source
/// literal `'a'` is therefore not `chr(97)`, while `'Q'` is `chr(81)`.
pub const CHARS_INTERNED_APART_FROM_SINGLETON: &str = "BCLST_abcdefhijklmnopqrstvwxy";

/// A value the host is about to create, described by how it is produced.
///
/// The host asks [`InternPolicy::shares`] whether an existing canonical
/// object must be returned instead of a new one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Candidate<'a> {
    /// An int produced at run time (`int('7')`, arithmetic, `len`). The
    /// host passes values that fit an `i64`; bigger ints are never shared.
    Int(i64),
    /// A string constant of compiled code (`co_consts`), after constant
    /// folding (`'ab' + 'cd'` arrives here as `"abcd"`).
    StrConstant(&'a str),
    /// A name: `co_names`, `co_varnames`, attribute names given to
    /// `setattr`/`getattr`, keyword names. (Keys of ordinary dicts are not
    /// names.)
    Name(&'a str),
    /// A one-character string produced at run time (`chr`, indexing,
    /// slicing, `str.join` of one character).
    Char(char),
    /// The empty string, however produced (`''`, `str()`, `''.join([])`).
    EmptyStr,
    /// The empty tuple, however produced (`()`, `tuple()`, `tuple([])`).
    EmptyTuple,
    /// An explicit `sys.intern(s)` of an exact `str`.
    Explicit(&'a str),
}

/// The policy trait: which values share one object.
///
/// Object safe: the runtime holds a `Box<dyn InternPolicy>` chosen by its
/// configuration. The conformance suite reads [`capabilities`] to know
/// which identity facts (`a is b`) a combination can reproduce.
///
/// [`capabilities`]: InternPolicy::capabilities
pub trait InternPolicy: fmt::Debug + Send + Sync {
    /// Short name used in reports and on the command line (`"cpython"`).
    fn name(&self) -> &'static str;

    /// Capability names for the conformance matrix.
    fn capabilities(&self) -> &'static [&'static str];

    /// Whether a value produced as `candidate` is the canonical shared
    /// object (`true`) or a fresh object (`false`).
    fn shares(&self, candidate: Candidate<'_>) -> bool;

    /// The range of ints the host should preallocate, if any (CPython
    /// fills its small-int array at start-up: `_PyLong_InitGlobalObjects`).
    fn small_int_range(&self) -> Option<RangeInclusive<i64>>;

    /// Whether interned strings leave the table when their last outside
    /// reference dies (3.11: yes; 3.12: no, they are immortal). When `true`
    /// the table's own references must not be counted in the refcount.
    fn interned_strings_are_mortal(&self) -> bool;

    /// Whether the interned object for the one-character string `c` is the
    /// same object as its Latin-1 singleton. CPython 3.11 answers `false`
    /// for the characters of [`CHARS_INTERNED_APART_FROM_SINGLETON`].
    fn interned_char_is_singleton(&self, c: char) -> bool;
}

/// `all_name_chars` in `Objects/codeobject.c`: only ASCII letters, digits
/// and `_` (a leading digit is allowed; the empty string qualifies too).
#[must_use]
pub fn all_name_chars(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// CPython 3.11's policy.
///
/// Capabilities: `small-int-cache`, `string-interning`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CPython;

impl InternPolicy for CPython {
    fn name(&self) -> &'static str {
        "cpython"
    }

    fn capabilities(&self) -> &'static [&'static str] {
        &["small-int-cache", "string-interning"]
    }

    fn shares(&self, candidate: Candidate<'_>) -> bool {
        match candidate {
            Candidate::Int(v) => (SMALL_INT_MIN..=SMALL_INT_MAX).contains(&v),
            Candidate::StrConstant(s) => all_name_chars(s),
            Candidate::Char(c) => u32::from(c) < 256,
            Candidate::Name(_)
            | Candidate::EmptyStr
            | Candidate::EmptyTuple
            | Candidate::Explicit(_) => true,
        }
    }

    fn small_int_range(&self) -> Option<RangeInclusive<i64>> {
        Some(SMALL_INT_MIN..=SMALL_INT_MAX)
    }

    fn interned_strings_are_mortal(&self) -> bool {
        true
    }

    fn interned_char_is_singleton(&self, c: char) -> bool {
        !CHARS_INTERNED_APART_FROM_SINGLETON.contains(c)
    }
}

/// The policy that shares nothing: every value is a fresh object and
/// `sys.intern(s)` returns `s` itself.
///
/// Capabilities: none. (Named `NoSharing` rather than `None` so that it
/// never shadows `Option::None`; its [`name`](InternPolicy::name) is
/// `"none"`.)
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NoSharing;

impl InternPolicy for NoSharing {
    fn name(&self) -> &'static str {
        "none"
    }

    fn capabilities(&self) -> &'static [&'static str] {
        &[]
    }

    fn shares(&self, _candidate: Candidate<'_>) -> bool {
        false
    }

    fn small_int_range(&self) -> Option<RangeInclusive<i64>> {
        None
    }

    fn interned_strings_are_mortal(&self) -> bool {
        true
    }

    fn interned_char_is_singleton(&self, _c: char) -> bool {
        false
    }
}

/// The policy named `name` (`"cpython"` or `"none"`), for command lines
/// and configuration files.
#[must_use]
pub fn by_name(name: &str) -> Option<Box<dyn InternPolicy>> {
    match name {
        "cpython" => Some(Box::new(CPython)),
        "none" => Some(Box::new(NoSharing)),
        _ => None,
    }
}
