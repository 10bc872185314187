//! [`Statistic`], [`StatisticDiff`] and [`KeyType`]: the results of
//! `Snapshot.statistics()` and `Snapshot.compare_to()`, with CPython's text.

use core::cmp::Ordering;
use core::fmt;
use core::str::FromStr;

use crate::error::TraceError;
use crate::format::{format_size, format_size_f64};
use crate::frame::Traceback;

/// How `statistics()` groups traces (`key_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// `'filename'`: the most recent frame's file (line printed as 0).
    Filename,
    /// `'lineno'`: the most recent frame's file and line.
    Lineno,
    /// `'traceback'`: the whole traceback.
    Traceback,
}

impl KeyType {
    /// The Python spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyType::Filename => "filename",
            KeyType::Lineno => "lineno",
            KeyType::Traceback => "traceback",
        }
    }
}

impl FromStr for KeyType {
    type Err = TraceError;
    /// `ValueError("unknown key_type: 'bogus'")` for anything else.
    fn from_str(s: &str) -> Result<Self, TraceError> {
        match s {
            "filename" => Ok(KeyType::Filename),
            "lineno" => Ok(KeyType::Lineno),
            "traceback" => Ok(KeyType::Traceback),
            other => Err(TraceError::UnknownKeyType(other.to_owned())),
        }
    }
}

/// `tracemalloc.Statistic(traceback, size, count)`.
///
/// From a sampled snapshot, `size` and `count` are unbiased estimates
/// (rounded to integers).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Statistic {
    /// The group's key.
    pub traceback: Traceback,
    /// Total bytes.
    pub size: i64,
    /// Number of blocks.
    pub count: i64,
}

impl Statistic {
    /// `Statistic(traceback, size, count)`.
    pub fn new(traceback: Traceback, size: i64, count: i64) -> Self {
        Statistic {
            traceback,
            size,
            count,
        }
    }

    /// `repr()`: `<Statistic traceback=<Traceback (...)> size=168 count=2>`.
    pub fn repr(&self) -> String {
        format!(
            "<Statistic traceback={} size={} count={}>",
            self.traceback.repr(),
            self.size,
            self.count
        )
    }

    /// `Statistic._sort_key` order; statistics are listed in **descending**
    /// order of `(size, count, traceback)`.
    pub fn sort_key_cmp(&self, other: &Self) -> Ordering {
        (self.size, self.count, &self.traceback).cmp(&(other.size, other.count, &other.traceback))
    }
}

/// `str()`: `a.py:1: size=66 B, count=1, average=66 B` (no average when
/// count is 0).
impl fmt::Display for Statistic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: size={}, count={}",
            self.traceback,
            format_size(self.size, false),
            self.count
        )?;
        write_average(f, self.size, self.count)
    }
}

/// `tracemalloc.StatisticDiff(traceback, size, size_diff, count, count_diff)`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StatisticDiff {
    /// The group's key.
    pub traceback: Traceback,
    /// Total bytes in the new snapshot.
    pub size: i64,
    /// New minus old bytes.
    pub size_diff: i64,
    /// Blocks in the new snapshot.
    pub count: i64,
    /// New minus old block count.
    pub count_diff: i64,
}

impl StatisticDiff {
    /// `StatisticDiff(traceback, size, size_diff, count, count_diff)`.
    pub fn new(
        traceback: Traceback,
        size: i64,
        size_diff: i64,
        count: i64,
        count_diff: i64,
    ) -> Self {
        StatisticDiff {
            traceback,
            size,
            size_diff,
            count,
            count_diff,
        }
    }

    /// `repr()`: `<StatisticDiff traceback=<Traceback (...)> size=168 (+100) count=2 (+1)>`.
    pub fn repr(&self) -> String {
        format!(
            "<StatisticDiff traceback={} size={} ({:+}) count={} ({:+})>",
            self.traceback.repr(),
            self.size,
            self.size_diff,
            self.count,
            self.count_diff
        )
    }

    /// `StatisticDiff._sort_key` order; diffs are listed in **descending**
    /// order of `(abs(size_diff), size, abs(count_diff), count, traceback)`.
    pub fn sort_key_cmp(&self, other: &Self) -> Ordering {
        let key = |d: &Self| {
            (
                d.size_diff.unsigned_abs(),
                d.size,
                d.count_diff.unsigned_abs(),
                d.count,
            )
        };
        key(self)
            .cmp(&key(other))
            .then_with(|| self.traceback.cmp(&other.traceback))
    }
}

/// `str()`: `a.py:5: size=5002 B (+5000 B), count=2 (+1), average=2501 B`.
impl fmt::Display for StatisticDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: size={} ({}), count={} ({:+})",
            self.traceback,
            format_size(self.size, false),
            format_size(self.size_diff, true),
            self.count,
            self.count_diff
        )?;
        write_average(f, self.size, self.count)
    }
}

/// `", average=%s" % _format_size(size / count, False)` when count is not 0.
fn write_average(f: &mut fmt::Formatter<'_>, size: i64, count: i64) -> fmt::Result {
    if count != 0 {
        write!(
            f,
            ", average={}",
            format_size_f64(size as f64 / count as f64, false)
        )?;
    }
    Ok(())
}
