//! The policies against CPython 3.11's facts (reference §5, experiments
//! 7.7–7.10).

use interning::{CPython, Candidate, InternPolicy, NoSharing, all_name_chars, by_name};
use rstest::rstest;

#[rstest]
#[case(Candidate::Int(256), true)]
#[case(Candidate::Int(257), false)]
#[case(Candidate::Int(-5), true)]
#[case(Candidate::Int(-6), false)]
#[case(Candidate::Int(0), true)]
#[case(Candidate::Int(i64::MIN), false)]
#[case(Candidate::StrConstant("hello_world"), true)]
#[case(Candidate::StrConstant("a1_B"), true)]
#[case(Candidate::StrConstant("123abc"), true)]
#[case(Candidate::StrConstant("hello world"), false)]
#[case(Candidate::StrConstant("hello-world"), false)]
#[case(Candidate::StrConstant("café"), false)]
#[case(Candidate::StrConstant(""), true)]
#[case(Candidate::Name("my_unique_attr_name_42"), true)]
#[case(Candidate::Name("not an identifier"), true)]
#[case(Candidate::Char('A'), true)]
#[case(Candidate::Char('\u{ff}'), true)]
#[case(Candidate::Char('\u{e9}'), true)]
#[case(Candidate::Char('\u{100}'), false)]
#[case(Candidate::EmptyStr, true)]
#[case(Candidate::EmptyTuple, true)]
#[case(Candidate::Explicit("hello world!"), true)]
fn cpython_shares_as_3_11(#[case] candidate: Candidate<'_>, #[case] shared: bool) {
    assert_eq!(CPython.shares(candidate), shared, "{candidate:?}");
    assert!(
        !NoSharing.shares(candidate),
        "NoSharing shares {candidate:?}"
    );
}

#[test]
fn capabilities_and_names() {
    assert_eq!(
        CPython.capabilities(),
        ["small-int-cache", "string-interning"]
    );
    assert!(NoSharing.capabilities().is_empty());
    assert_eq!(CPython.name(), "cpython");
    assert_eq!(NoSharing.name(), "none");
    assert_eq!(by_name("cpython").map(|p| p.name()), Some("cpython"));
    assert_eq!(by_name("none").map(|p| p.name()), Some("none"));
    assert!(by_name("pypy").is_none());
}

#[test]
fn small_int_range_is_minus_5_to_256() {
    assert_eq!(CPython.small_int_range(), Some(-5..=256));
    assert_eq!(NoSharing.small_int_range(), None);
    assert!(CPython.interned_strings_are_mortal());
}

#[test]
fn the_29_characters_interned_apart_from_their_singleton() {
    let apart: String = (0u8..128)
        .map(char::from)
        .filter(|&c| !CPython.interned_char_is_singleton(c))
        .collect();
    assert_eq!(apart, "BCLST_abcdefhijklmnopqrstvwxy");
    assert!(CPython.interned_char_is_singleton('Q'));
    assert!(CPython.interned_char_is_singleton('~'));
}

#[test]
fn all_name_chars_is_ascii_alnum_and_underscore() {
    assert!(all_name_chars("abc_XYZ_019"));
    assert!(!all_name_chars("a.b"));
    assert!(!all_name_chars("ä"));
    assert!(!all_name_chars("tab\t"));
}

#[test]
fn policies_are_object_safe() {
    let policies: Vec<Box<dyn InternPolicy>> = vec![Box::new(CPython), Box::new(NoSharing)];
    let shared: Vec<bool> = policies
        .iter()
        .map(|p| p.shares(Candidate::Int(1)))
        .collect();
    assert_eq!(shared, [true, false]);
}
