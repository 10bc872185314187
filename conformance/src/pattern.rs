//! Shell-style name patterns (`*` and `?`), used by `--spec` and by
//! `known-failures.txt`.

/// Does `name` match `pattern`? `*` matches any run of characters
/// (including `/`), `?` exactly one; everything else matches itself.
///
/// Iterative with one backtrack point, so it is linear in practice and never
/// recurses on hostile input.
///
/// ```
/// use conformance::pattern::matches;
/// assert!(matches("gc_*", "gc_collect_counts"));
/// assert!(matches("*/off/*/*", "pymalloc/off/null/cpython"));
/// assert!(!matches("weak_?", "weak_10"));
/// ```
pub fn matches(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni) = (0usize, 0usize);
    // Position of the last `*` in the pattern and the name index it absorbed up to.
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ni));
                pi += 1;
            }
            Some(&c) if c == '?' || Some(&c) == n.get(ni) => {
                pi += 1;
                ni += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    pi = sp + 1;
                    ni = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|&c| c == '*'))
}

/// `--spec` semantics: a pattern with a wildcard is matched against the whole
/// name; a plain word matches any name that contains it.
pub fn matches_spec_filter(filter: &str, name: &str) -> bool {
    if filter.contains(['*', '?']) {
        matches(filter, name)
    } else {
        name.contains(filter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("*", "", true)]
    #[case("*", "anything/at/all", true)]
    #[case("abc", "abc", true)]
    #[case("abc", "abd", false)]
    #[case("a*c", "abbbc", true)]
    #[case("a*c", "abbbd", false)]
    #[case("a?c", "abc", true)]
    #[case("a?c", "ac", false)]
    #[case("*b*b*", "abab", true)]
    #[case("*/off/*/*", "system/off/null/none", true)]
    #[case("*/off/*/*", "system/generational/null/none", false)]
    #[case("seed_*", "seed_000_level2_refcount", true)]
    #[case("x**", "x", true)]
    fn glob(#[case] pattern: &str, #[case] name: &str, #[case] expected: bool) {
        assert_eq!(matches(pattern, name), expected);
    }

    #[test]
    fn plain_filter_is_a_substring() {
        assert!(matches_spec_filter("weak", "seed_000_level8_weakref"));
        assert!(!matches_spec_filter("weak", "gc_freeze"));
        assert!(matches_spec_filter("gc_*", "gc_freeze"));
        assert!(!matches_spec_filter("gc_*", "seed_003_gc"));
    }
}
