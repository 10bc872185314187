//! What a run reports: the matrix, a summary, the failing cells with their
//! diffs, and machine-readable JSON and JUnit XML.

use crate::components::Combination;
use crate::runner::{CellResult, Outcome};
use serde_json::json;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

/// The results of one run.
#[derive(Clone, Debug)]
pub struct Report {
    /// Spec names, in row order (the specs that had cells in this run).
    pub specs: Vec<String>,
    /// The matrix columns.
    pub combinations: Vec<Combination>,
    /// Every cell that ran.
    pub cells: Vec<CellResult>,
    /// Specs that could not run (missing `.out`, bad header), with the reason.
    pub errors: Vec<(String, String)>,
    /// Wall-clock time of the run.
    pub elapsed: Duration,
}

impl Report {
    /// How many cells ended each way.
    pub fn counts(&self) -> BTreeMap<Outcome, usize> {
        let mut counts = BTreeMap::new();
        for cell in &self.cells {
            *counts.entry(cell.outcome).or_insert(0) += 1;
        }
        counts
    }

    /// True when nothing fails the run: no FAIL, crash, timeout, unexpected
    /// pass, fixed known failure or spec error.
    pub fn ok(&self) -> bool {
        self.errors.is_empty() && self.cells.iter().all(|c| !c.outcome.fails_run())
    }

    /// The matrix: one row per spec, one column per combination (legend first).
    pub fn matrix(&self) -> String {
        let mut out = String::new();
        out.push_str("columns (alloc/gc/tracer/interning):\n");
        for (i, c) in self.combinations.iter().enumerate() {
            let _ = writeln!(out, "  {:>3}  {}", i + 1, c.id());
        }
        let width = self.specs.iter().map(String::len).max().unwrap_or(4).max(4);
        let groups = self.column_groups();
        let mut digits = String::new();
        for (i, _) in self.combinations.iter().enumerate() {
            if groups.contains(&i) {
                digits.push(' ');
            }
            digits.push(char::from(b'0' + ((i + 1) % 10) as u8));
        }
        let _ = writeln!(out, "\n{:width$} {digits}", "spec");
        let mut by_cell: BTreeMap<(&str, &Combination), Outcome> = BTreeMap::new();
        for cell in &self.cells {
            by_cell.insert((cell.spec.as_str(), &cell.combination), cell.outcome);
        }
        for spec in &self.specs {
            let mut row = String::new();
            for (i, c) in self.combinations.iter().enumerate() {
                if groups.contains(&i) {
                    row.push(' ');
                }
                row.push(by_cell.get(&(spec.as_str(), c)).map_or(' ', |o| o.symbol()));
            }
            let _ = writeln!(out, "{spec:width$} {row}");
        }
        for (name, _) in &self.errors {
            let _ = writeln!(out, "{name:width$} ERROR (see below)");
        }
        out.push_str("\nlegend: ");
        let legend: Vec<String> = Outcome::ALL
            .iter()
            .map(|o| format!("{} {}", o.symbol(), o.label()))
            .collect();
        out.push_str(&legend.join(", "));
        out.push('\n');
        out
    }

    /// Column indices where the allocator changes (a space goes before them).
    fn column_groups(&self) -> Vec<usize> {
        (1..self.combinations.len())
            .filter(
                |&i| match (self.combinations.get(i - 1), self.combinations.get(i)) {
                    (Some(a), Some(b)) => a.alloc != b.alloc,
                    _ => false,
                },
            )
            .collect()
    }

    /// The failing cells (and with `verbose`, every non-passing cell),
    /// grouped when a spec fails the same way under several combinations.
    pub fn failures(&self, verbose: bool) -> String {
        let mut groups: Vec<FailureGroup<'_>> = Vec::new();
        for cell in &self.cells {
            let show = cell.outcome.fails_run() || (verbose && cell.outcome != Outcome::Pass);
            if !show {
                continue;
            }
            match groups.iter_mut().find(|g| {
                g.spec == cell.spec && g.outcome == cell.outcome && g.detail == cell.detail
            }) {
                Some(g) => g.combinations.push(cell.combination.id()),
                None => groups.push(FailureGroup {
                    spec: &cell.spec,
                    outcome: cell.outcome,
                    detail: &cell.detail,
                    known: cell.known_reason.as_deref(),
                    combinations: vec![cell.combination.id()],
                }),
            }
        }
        let mut out = String::new();
        for (name, reason) in &self.errors {
            let _ = writeln!(out, "ERROR {name}: {reason}");
        }
        for FailureGroup {
            spec,
            outcome,
            detail,
            known,
            combinations: combos,
        } in groups
        {
            let where_ = match combos.len() {
                1 => combos.join(""),
                n if n == self.combinations.len() => format!("all {n} combinations"),
                n if n > 6 => format!(
                    "{n} combinations: {}, ... and {} more",
                    combos[..6].join(", "),
                    n - 6
                ),
                n => format!("{n} combinations: {}", combos.join(", ")),
            };
            let _ = writeln!(out, "{} {spec} [{where_}]", outcome.label());
            if let Some(reason) = known {
                let _ = writeln!(out, "    known failure: {reason}");
            }
            for line in detail.lines() {
                let _ = writeln!(out, "    {line}");
            }
        }
        out
    }

    /// One line per outcome with its count, then the verdict.
    pub fn summary(&self) -> String {
        let counts = self.counts();
        let mut parts: Vec<String> = Outcome::ALL
            .iter()
            .filter_map(|o| counts.get(o).map(|n| format!("{n} {}", o.label())))
            .collect();
        if !self.errors.is_empty() {
            parts.push(format!("{} spec errors", self.errors.len()));
        }
        format!(
            "{} cells ({} specs x {} combinations) in {:.1}s: {}\n{}\n",
            self.cells.len(),
            self.specs.len(),
            self.combinations.len(),
            self.elapsed.as_secs_f64(),
            parts.join(", "),
            if self.ok() {
                "conformance: OK"
            } else {
                "conformance: FAILED"
            }
        )
    }

    /// The report as JSON: `summary`, `combinations`, `errors`, `cells`.
    pub fn to_json(&self) -> serde_json::Value {
        let counts: BTreeMap<String, usize> = self
            .counts()
            .into_iter()
            .map(|(o, n)| {
                let key = serde_json::to_value(o)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                (key, n)
            })
            .collect();
        json!({
            "ok": self.ok(),
            "elapsed_ms": self.elapsed.as_secs_f64() * 1000.0,
            "summary": counts,
            "specs": self.specs,
            "combinations": self.combinations.iter().map(Combination::id).collect::<Vec<_>>(),
            "errors": self.errors.iter().map(|(s, e)| json!({"spec": s, "error": e})).collect::<Vec<_>>(),
            "cells": self.cells,
        })
    }

    /// The report as JUnit XML: one `<testsuite>` per combination, one
    /// `<testcase>` per cell (expected divergences and known failures are
    /// `<skipped>`; FAIL, unexpected passes and fixed entries `<failure>`;
    /// crashes and timeouts `<error>`), plus a `spec-errors` suite.
    pub fn to_junit(&self) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let total_failures = self.cells.iter().filter(|c| is_failure(c.outcome)).count();
        let total_errors =
            self.cells.iter().filter(|c| is_error(c.outcome)).count() + self.errors.len();
        let _ = writeln!(
            out,
            "<testsuites name=\"pymm-conformance\" tests=\"{}\" failures=\"{total_failures}\" errors=\"{total_errors}\" time=\"{:.3}\">",
            self.cells.len() + self.errors.len(),
            self.elapsed.as_secs_f64()
        );
        for combination in &self.combinations {
            let id = combination.id();
            let cells: Vec<&CellResult> = self
                .cells
                .iter()
                .filter(|c| &c.combination == combination)
                .collect();
            let time: f64 = cells.iter().map(|c| c.duration.as_secs_f64()).sum();
            let _ = writeln!(
                out,
                "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{time:.3}\">",
                xml_escape(&id),
                cells.len(),
                cells.iter().filter(|c| is_failure(c.outcome)).count(),
                cells.iter().filter(|c| is_error(c.outcome)).count(),
                cells.iter().filter(|c| is_skipped(c.outcome)).count(),
            );
            for cell in cells {
                let _ = write!(
                    out,
                    "    <testcase classname=\"conformance.{}\" name=\"{}\" time=\"{:.3}\"",
                    xml_escape(&id),
                    xml_escape(&cell.spec),
                    cell.duration.as_secs_f64()
                );
                let label = xml_escape(cell.outcome.label());
                let detail = xml_escape(&cell.detail);
                let tag = if is_failure(cell.outcome) {
                    Some("failure")
                } else if is_error(cell.outcome) {
                    Some("error")
                } else {
                    None
                };
                if let Some(tag) = tag {
                    let _ = writeln!(
                        out,
                        ">\n      <{tag} message=\"{label}\" type=\"{label}\">{detail}</{tag}>\n    </testcase>"
                    );
                } else if is_skipped(cell.outcome) {
                    let reason = cell
                        .known_reason
                        .clone()
                        .unwrap_or_else(|| format!("lacks {}", cell.missing.join(", ")));
                    let _ = writeln!(
                        out,
                        ">\n      <skipped message=\"{label}: {}\"/>\n    </testcase>",
                        xml_escape(&reason)
                    );
                } else {
                    out.push_str("/>\n");
                }
            }
            out.push_str("  </testsuite>\n");
        }
        if !self.errors.is_empty() {
            let _ = writeln!(
                out,
                "  <testsuite name=\"spec-errors\" tests=\"{0}\" failures=\"0\" errors=\"{0}\" skipped=\"0\" time=\"0\">",
                self.errors.len()
            );
            for (name, reason) in &self.errors {
                let _ = writeln!(
                    out,
                    "    <testcase classname=\"conformance.spec-errors\" name=\"{}\" time=\"0\">\n      <error message=\"bad spec\" type=\"ERROR\">{}</error>\n    </testcase>",
                    xml_escape(name),
                    xml_escape(reason)
                );
            }
            out.push_str("  </testsuite>\n");
        }
        out.push_str("</testsuites>\n");
        out
    }
}

/// Cells of one spec that failed the same way.
struct FailureGroup<'a> {
    spec: &'a str,
    outcome: Outcome,
    detail: &'a str,
    known: Option<&'a str>,
    combinations: Vec<String>,
}

fn is_failure(o: Outcome) -> bool {
    matches!(o, Outcome::Fail | Outcome::UnexpectedPass | Outcome::Fixed)
}

fn is_error(o: Outcome) -> bool {
    matches!(o, Outcome::Crash | Outcome::Timeout)
}

fn is_skipped(o: Outcome) -> bool {
    matches!(o, Outcome::ExpectedDivergence | Outcome::KnownFailure)
}

/// Escape text for XML attributes and content; characters XML 1.0 cannot
/// carry become U+FFFD.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(spec: &str, combo: &Combination, outcome: Outcome, detail: &str) -> CellResult {
        CellResult {
            spec: spec.into(),
            combination: combo.clone(),
            outcome,
            missing: if outcome == Outcome::ExpectedDivergence {
                vec!["cycle-collection".into()]
            } else {
                vec![]
            },
            known_reason: None,
            detail: detail.into(),
            duration: Duration::from_millis(3),
        }
    }

    fn sample() -> Report {
        let a = Combination::new("pymalloc", "generational", "tracemalloc", "cpython");
        let b = Combination::new("system", "off", "null", "none");
        Report {
            specs: vec!["one".into(), "two".into()],
            combinations: vec![a.clone(), b.clone()],
            cells: vec![
                cell("one", &a, Outcome::Pass, ""),
                cell(
                    "one",
                    &b,
                    Outcome::ExpectedDivergence,
                    "lacks cycle-collection",
                ),
                cell("two", &a, Outcome::Fail, "stdout differs\n- 1\n+ 2 <&>"),
                cell("two", &b, Outcome::Crash, "the engine panicked: boom"),
            ],
            errors: vec![("three".into(), "no expected output".into())],
            elapsed: Duration::from_millis(12),
        }
    }

    #[test]
    fn matrix_and_summary() {
        let r = sample();
        assert!(!r.ok());
        let m = r.matrix();
        assert!(m.contains("one  . d\n"), "{m}");
        assert!(m.contains("two  F C\n"), "{m}");
        assert!(m.contains("three ERROR"), "{m}");
        let s = r.summary();
        assert!(
            s.contains("1 pass, 1 expected divergence, 1 FAIL, 1 CRASH, 1 spec errors"),
            "{s}"
        );
        assert!(s.contains("conformance: FAILED"), "{s}");
        let f = r.failures(false);
        assert!(
            f.contains("FAIL two [pymalloc/generational/tracemalloc/cpython]"),
            "{f}"
        );
        assert!(f.contains("    + 2 <&>"), "{f}");
        assert!(!f.contains("expected divergence"), "{f}");
        assert!(r.failures(true).contains("expected divergence one"));
    }

    #[test]
    fn json_report() {
        let v = sample().to_json();
        assert_eq!(v["ok"], false);
        assert_eq!(v["summary"]["fail"], 1);
        assert_eq!(v["summary"]["expected-divergence"], 1);
        assert_eq!(v["cells"][2]["outcome"], "fail");
        assert_eq!(v["cells"][2]["combination"]["gc"], "generational");
        assert_eq!(v["errors"][0]["spec"], "three");
    }

    #[test]
    fn junit_report_is_escaped_and_counts() {
        let x = sample().to_junit();
        assert!(
            x.contains(
                "<testsuites name=\"pymm-conformance\" tests=\"5\" failures=\"1\" errors=\"2\""
            ),
            "{x}"
        );
        assert!(x.contains("+ 2 &lt;&amp;&gt;"), "{x}");
        assert!(
            x.contains("<skipped message=\"expected divergence: lacks cycle-collection\"/>"),
            "{x}"
        );
        assert!(x.contains("<error message=\"CRASH\""), "{x}");
        assert!(x.contains("name=\"spec-errors\""), "{x}");
        assert_eq!(x.matches("<testcase").count(), 5);
        assert_eq!(xml_escape("a\u{1}b\"'"), "a\u{FFFD}b&quot;&apos;");
    }
}
