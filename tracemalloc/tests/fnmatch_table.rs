//! `Pattern` against CPython 3.11's `fnmatch.fnmatchcase` on 3,780
//! (pattern, name) pairs recorded from `python3` (`data/fnmatch.tsv`),
//! including the odd corners of `fnmatch.translate` (unclosed `[`, `[]]`,
//! empty ranges, `[!]`, hyphens at the ends).

use tracemalloc::Pattern;

#[test]
fn every_recorded_pattern_matches_like_cpython() {
    let table = include_str!("data/fnmatch.tsv");
    let mut checked = 0;
    let mut wrong = Vec::new();
    for line in table.lines().filter(|l| !l.starts_with('#')) {
        let mut cols = line.split('\t');
        let (Some(pat), Some(name), Some(expected)) = (cols.next(), cols.next(), cols.next())
        else {
            panic!("bad table line {line:?}");
        };
        let pat = pat.replace("\\n", "\n");
        let name = name.replace("\\n", "\n");
        let got = Pattern::new(&pat).matches(&name);
        if got != (expected == "1") {
            wrong.push(format!(
                "fnmatch({name:?}, {pat:?}) = {got}, CPython says {expected}"
            ));
        }
        checked += 1;
    }
    assert_eq!(checked, 3780);
    assert!(
        wrong.is_empty(),
        "{} mismatches:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn long_star_patterns_do_not_blow_up() {
    // Exponential for a naive backtracking matcher; quick here.
    let pat = Pattern::new(&"*a".repeat(40));
    let name = "a".repeat(39) + "b";
    assert!(!pat.matches(&name));
    assert!(pat.matches(&"a".repeat(40)));
}
