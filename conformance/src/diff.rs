//! A line diff of expected and actual output, for failing cells.
//!
//! Longest-common-subsequence over lines, printed as hunks with two lines of
//! context (`-` expected, `+` actual). Outputs too large for the quadratic
//! table fall back to the first differing line with its neighbours.

/// Lines kept around each change.
const CONTEXT: usize = 2;
/// Largest `expected × actual` line product the LCS table may use.
const MAX_TABLE: usize = 4_000_000;
/// Output lines before the diff is cut short.
const MAX_LINES: usize = 60;

/// A readable diff of `expected` against `actual` (empty when equal).
///
/// ```
/// let d = conformance::diff::diff("a\nb\nc\n", "a\nB\nc\n");
/// assert_eq!(d, "  a\n- b\n+ B\n  c\n");
/// ```
pub fn diff(expected: &str, actual: &str) -> String {
    if expected == actual {
        return String::new();
    }
    let e: Vec<&str> = expected.lines().collect();
    let a: Vec<&str> = actual.lines().collect();
    let ops = if e.len().saturating_mul(a.len()) <= MAX_TABLE {
        lcs_ops(&e, &a)
    } else {
        first_difference_ops(&e, &a)
    };
    let mut out = render(&ops);
    if out.is_empty() {
        // Same lines, different line endings or final newline.
        out = format!(
            "(outputs differ only in line endings or the final newline: expected {} bytes, got {})\n",
            expected.len(),
            actual.len()
        );
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Op<'a> {
    Same(&'a str),
    Del(&'a str),
    Add(&'a str),
    Skip,
}

fn lcs_ops<'a>(e: &[&'a str], a: &[&'a str]) -> Vec<Op<'a>> {
    let (n, m) = (e.len(), a.len());
    // table[i][j] = LCS length of e[i..] and a[j..], flattened.
    let width = m + 1;
    let mut table = vec![0u32; (n + 1) * width];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let v = if e[i] == a[j] {
                table[(i + 1) * width + j + 1] + 1
            } else {
                table[(i + 1) * width + j].max(table[i * width + j + 1])
            };
            table[i * width + j] = v;
        }
    }
    let mut ops = Vec::with_capacity(n + m);
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if e[i] == a[j] {
            ops.push(Op::Same(e[i]));
            i += 1;
            j += 1;
        } else if table[(i + 1) * width + j] >= table[i * width + j + 1] {
            ops.push(Op::Del(e[i]));
            i += 1;
        } else {
            ops.push(Op::Add(a[j]));
            j += 1;
        }
    }
    ops.extend(e[i..].iter().map(|l| Op::Del(l)));
    ops.extend(a[j..].iter().map(|l| Op::Add(l)));
    ops
}

fn first_difference_ops<'a>(e: &[&'a str], a: &[&'a str]) -> Vec<Op<'a>> {
    let first = e.iter().zip(a).take_while(|(x, y)| x == y).count();
    let mut ops: Vec<Op<'a>> = e[..first].iter().map(|l| Op::Same(l)).collect();
    ops.extend(e[first..].iter().take(10).map(|l| Op::Del(l)));
    ops.extend(a[first..].iter().take(10).map(|l| Op::Add(l)));
    ops.push(Op::Skip);
    ops
}

fn render(ops: &[Op<'_>]) -> String {
    let changed: Vec<bool> = ops.iter().map(|op| !matches!(op, Op::Same(_))).collect();
    let near_change = |k: usize| {
        let lo = k.saturating_sub(CONTEXT);
        let hi = (k + CONTEXT + 1).min(ops.len());
        changed[lo..hi].iter().any(|&c| c)
    };
    let mut out = String::new();
    let mut lines = 0;
    let mut gap = false;
    for (k, op) in ops.iter().enumerate() {
        if !near_change(k) {
            gap = true;
            continue;
        }
        if lines >= MAX_LINES {
            out.push_str("  ... (diff cut short)\n");
            break;
        }
        if gap && !out.is_empty() {
            out.push_str("  ...\n");
        }
        gap = false;
        lines += 1;
        match op {
            Op::Same(l) => out.push_str(&format!("  {l}\n")),
            Op::Del(l) => out.push_str(&format!("- {l}\n")),
            Op::Add(l) => out.push_str(&format!("+ {l}\n")),
            Op::Skip => out.push_str("  ... (outputs too long to align; first difference shown)\n"),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_is_empty() {
        assert_eq!(diff("a\n", "a\n"), "");
    }

    #[test]
    fn missing_and_extra_lines() {
        assert_eq!(diff("a\nb\n", "a\n"), "  a\n- b\n");
        assert_eq!(diff("", "x\n"), "+ x\n");
    }

    #[test]
    fn distant_changes_get_separate_hunks() {
        let e: String = (0..20).map(|i| format!("{i}\n")).collect();
        let a = e.replace("3\n", "three\n").replace("17\n", "seventeen\n");
        let d = diff(&e, &a);
        assert!(d.contains("- 3\n+ three\n"), "{d}");
        assert!(d.contains("  ...\n"), "{d}");
        assert!(!d.contains("  10\n"), "{d}");
    }

    #[test]
    fn line_endings_only() {
        assert!(diff("a\n", "a").contains("line endings"));
    }

    #[test]
    fn huge_outputs_fall_back() {
        let e: String = (0..3000).map(|i| format!("{i}\n")).collect();
        let a = e.replace("1500\n", "x\n");
        let d = diff(&e, &a);
        assert!(
            d.contains("- 1500") && d.contains("first difference"),
            "{d}"
        );
    }
}
