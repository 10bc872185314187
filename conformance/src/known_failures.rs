//! `conformance/known-failures.txt`: cells the runtime cannot pass yet.
//!
//! One entry per line, three fields separated by `|`:
//!
//! ```text
//! # spec pattern        | combination pattern  | reason
//! tm_snapshot_compare   | *                    | Snapshot.compare_to not implemented yet
//! gc_thresholds_*       | */trial-deletion/*/* | trial deletion has no generations to count
//! ```
//!
//! Patterns use `*` and `?` (see [`crate::pattern`]); the combination
//! pattern matches the id `alloc/gc/tracer/interning`. The reason is
//! required. Blank lines and lines starting with `#` are ignored.
//!
//! A matching cell that fails (or crashes, or times out) is reported as a
//! *known failure* and does not fail the run; a matching cell that passes is
//! reported as *fixed* and fails the run, so the list only shrinks.

use crate::pattern::matches;
use std::fmt;

/// One line of the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownFailure {
    /// 1-based line in the file.
    pub line: usize,
    /// Which specs (pattern on the spec name).
    pub spec: String,
    /// Which combinations (pattern on `alloc/gc/tracer/interning`).
    pub combination: String,
    /// Why it fails.
    pub reason: String,
}

/// The parsed list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KnownFailures {
    entries: Vec<KnownFailure>,
}

/// A malformed line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownFailuresError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for KnownFailuresError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "known-failures.txt line {}: {}", self.line, self.reason)
    }
}

impl std::error::Error for KnownFailuresError {}

impl KnownFailures {
    /// Parse the file's text.
    ///
    /// ```
    /// use conformance::KnownFailures;
    /// let k = KnownFailures::parse("gc_freeze | */off/*/* | no collector\n").unwrap();
    /// assert!(k.find("gc_freeze", "system/off/null/none").is_some());
    /// assert!(k.find("gc_freeze", "system/generational/null/none").is_none());
    /// assert!(KnownFailures::parse("gc_freeze | *\n").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<KnownFailures, KnownFailuresError> {
        let mut entries = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = trimmed.splitn(3, '|').map(str::trim).collect();
            let [spec, combination, reason] = fields.as_slice() else {
                return Err(KnownFailuresError {
                    line,
                    reason: "expected `spec | combination | reason`".into(),
                });
            };
            if spec.is_empty() || combination.is_empty() {
                return Err(KnownFailuresError {
                    line,
                    reason: "empty pattern (use `*` for all)".into(),
                });
            }
            if reason.is_empty() {
                return Err(KnownFailuresError {
                    line,
                    reason: "every known failure needs a reason".into(),
                });
            }
            entries.push(KnownFailure {
                line,
                spec: (*spec).to_owned(),
                combination: (*combination).to_owned(),
                reason: (*reason).to_owned(),
            });
        }
        Ok(KnownFailures { entries })
    }

    /// The first entry covering this cell.
    pub fn find(&self, spec: &str, combination_id: &str) -> Option<&KnownFailure> {
        self.entries
            .iter()
            .find(|e| matches(&e.spec, spec) && matches(&e.combination, combination_id))
    }

    /// All entries.
    pub fn entries(&self) -> &[KnownFailure] {
        &self.entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_blanks_and_reasons_with_bars() {
        let k = KnownFailures::parse("# header\n\n  seed_* | * | needs a | b  \n").unwrap();
        assert_eq!(k.entries().len(), 1);
        assert_eq!(k.entries()[0].reason, "needs a | b");
        assert_eq!(k.entries()[0].line, 3);
        assert!(k.find("seed_000_x", "a/b/c/d").is_some());
    }

    #[test]
    fn malformed_lines_are_named() {
        let e = KnownFailures::parse("ok | * | r\nbroken\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = KnownFailures::parse("x | * |   \n").unwrap_err();
        assert!(e.to_string().contains("needs a reason"), "{e}");
        let e = KnownFailures::parse(" | * | r\n").unwrap_err();
        assert!(e.to_string().contains("empty pattern"), "{e}");
    }
}
