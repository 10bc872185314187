//! [`Trace`] and [`Snapshot`]: a frozen copy of the traces, grouped into
//! statistics (`Snapshot.statistics`, `compare_to`) and filtered
//! (`filter_traces`) exactly as `Lib/tracemalloc.py` does.

use core::fmt;
use std::collections::HashMap;
use std::sync::Arc;

use alloc_pool::Domain;

use crate::error::TraceError;
use crate::filter::TraceFilter;
use crate::format::format_size;
use crate::frame::{Frame, Traceback};
use crate::sampling;
use crate::statistic::{KeyType, Statistic, StatisticDiff};

/// `tracemalloc.Trace`: one live block.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Trace {
    /// The allocation domain (0 for Python's own allocators).
    pub domain: Domain,
    /// The requested size in bytes.
    pub size: usize,
    /// Where it was allocated (with `total_nframe` set, as `_get_traces` gives it).
    pub traceback: Traceback,
}

impl Trace {
    /// `repr()`: `<Trace domain=0 size=10 B, traceback=<Traceback (...)>>`
    /// (CPython formats the size here).
    pub fn repr(&self) -> String {
        format!(
            "<Trace domain={} size={}, traceback={}>",
            self.domain,
            format_size(i64::try_from(self.size).unwrap_or(i64::MAX), false),
            self.traceback.repr()
        )
    }
}

/// `str()`: `b.py:4: 10 B`.
impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}",
            self.traceback,
            format_size(i64::try_from(self.size).unwrap_or(i64::MAX), false)
        )
    }
}

/// `tracemalloc.Snapshot`: traces and the traceback limit they were taken with.
///
/// A snapshot taken in sampling mode remembers the sampling rate, and its
/// statistics are unbiased estimates (see [`sampling`](crate::sampling)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    traces: Vec<Trace>,
    traceback_limit: usize,
    sample_rate: Option<u64>,
}

/// One group's running totals: exact, and weighted for sampled snapshots.
#[derive(Default, Clone, Copy)]
struct Acc {
    size: i64,
    count: i64,
    est_size: f64,
    est_count: f64,
}

impl Acc {
    fn add(&mut self, size: usize, weight: f64) {
        self.size = self
            .size
            .saturating_add(i64::try_from(size).unwrap_or(i64::MAX));
        self.count += 1;
        self.est_size += size as f64 * weight;
        self.est_count += weight;
    }

    /// (size, count): exact, or the rounded estimates of a sampled snapshot.
    fn totals(&self, sampled: bool) -> (i64, i64) {
        if sampled {
            (self.est_size.round() as i64, self.est_count.round() as i64)
        } else {
            (self.size, self.count)
        }
    }
}

/// Groups in first-seen order (the order Python's dict would keep).
struct Groups {
    index: HashMap<Traceback, usize>,
    groups: Vec<(Traceback, Acc)>,
}

impl Groups {
    fn new() -> Self {
        Groups {
            index: HashMap::new(),
            groups: Vec::new(),
        }
    }

    fn slot(&mut self, key: Traceback) -> usize {
        match self.index.get(&key) {
            Some(&i) => i,
            None => {
                let i = self.groups.len();
                self.index.insert(key.clone(), i);
                self.groups.push((key, Acc::default()));
                i
            }
        }
    }

    fn add(&mut self, slot: usize, size: usize, weight: f64) {
        if let Some((_, acc)) = self.groups.get_mut(slot) {
            acc.add(size, weight);
        }
    }

    fn take(&mut self, key: &Traceback) -> Option<Acc> {
        let i = self.index.remove(key)?;
        self.groups.get_mut(i).map(|(_, acc)| core::mem::take(acc))
    }
}

impl Snapshot {
    /// `Snapshot(traces, traceback_limit)`: an exact snapshot.
    pub fn new(traces: Vec<Trace>, traceback_limit: usize) -> Self {
        Snapshot {
            traces,
            traceback_limit,
            sample_rate: None,
        }
    }

    /// A snapshot of sampled traces: `sample_rate` is the mean number of
    /// bytes between samples (must be at least 1).
    pub fn new_sampled(
        traces: Vec<Trace>,
        traceback_limit: usize,
        sample_rate: u64,
    ) -> Result<Self, TraceError> {
        if sample_rate == 0 {
            return Err(TraceError::InvalidSampleRate);
        }
        Ok(Snapshot {
            traces,
            traceback_limit,
            sample_rate: Some(sample_rate),
        })
    }

    /// `snapshot.traces`.
    pub fn traces(&self) -> &[Trace] {
        &self.traces
    }

    /// `snapshot.traceback_limit`.
    pub fn traceback_limit(&self) -> usize {
        self.traceback_limit
    }

    /// The sampling rate (mean bytes between samples) of a sampled snapshot.
    pub fn sample_rate(&self) -> Option<u64> {
        self.sample_rate
    }

    /// The weight of one trace: 1 when exact, `1/p(size)` when sampled.
    fn weight(&self, size: usize) -> f64 {
        match self.sample_rate {
            None => 1.0,
            Some(rate) => sampling::inverse_probability(size, rate),
        }
    }

    /// `Snapshot._group_by(key_type, cumulative)`.
    fn group_by(&self, key_type: KeyType, cumulative: bool) -> Result<Groups, TraceError> {
        if cumulative && key_type == KeyType::Traceback {
            return Err(TraceError::CumulativeTraceback);
        }
        let mut groups = Groups::new();
        if !cumulative {
            // Interned tracebacks share storage: remember each one's group by
            // address (CPython's `tracebacks` dict keyed by the raw tuple).
            let mut by_storage: HashMap<(usize, usize), usize> = HashMap::new();
            for trace in &self.traces {
                let frames = trace.traceback.frames();
                let storage = (frames.as_ptr() as usize, frames.len());
                let slot = match by_storage.get(&storage) {
                    Some(&slot) => slot,
                    None => {
                        let key = group_key(&trace.traceback, key_type)?;
                        let slot = groups.slot(key);
                        by_storage.insert(storage, slot);
                        slot
                    }
                };
                groups.add(slot, trace.size, self.weight(trace.size));
            }
        } else {
            let mut by_frame: HashMap<&Frame, usize> = HashMap::new();
            for trace in &self.traces {
                let weight = self.weight(trace.size);
                // Most recent first, as `_tracemalloc` stores the frames.
                for frame in trace.traceback.frames().iter().rev() {
                    let slot = match by_frame.get(frame) {
                        Some(&slot) => slot,
                        None => {
                            let key_frame = match key_type {
                                KeyType::Filename => Frame {
                                    filename: frame.filename.clone(),
                                    lineno: 0,
                                },
                                _ => frame.clone(),
                            };
                            let slot =
                                groups.slot(Traceback::from_oldest_first(vec![key_frame], None));
                            by_frame.insert(frame, slot);
                            slot
                        }
                    };
                    groups.add(slot, trace.size, weight);
                }
            }
        }
        Ok(groups)
    }

    /// `snapshot.statistics(key_type, cumulative=False)`: sorted from the
    /// biggest group down.
    pub fn statistics(
        &self,
        key_type: KeyType,
        cumulative: bool,
    ) -> Result<Vec<Statistic>, TraceError> {
        let sampled = self.sample_rate.is_some();
        let groups = self.group_by(key_type, cumulative)?;
        let mut stats: Vec<Statistic> = groups
            .groups
            .into_iter()
            .map(|(tb, acc)| {
                let (size, count) = acc.totals(sampled);
                Statistic::new(tb, size, count)
            })
            .collect();
        stats.sort_by(|a, b| b.sort_key_cmp(a));
        Ok(stats)
    }

    /// `snapshot.compare_to(old_snapshot, key_type, cumulative=False)`:
    /// groups of `self` diffed against `old` (a group only in `self` is all
    /// new; a group only in `old` comes back with size and count 0), sorted
    /// from the biggest change down.
    pub fn compare_to(
        &self,
        old: &Snapshot,
        key_type: KeyType,
        cumulative: bool,
    ) -> Result<Vec<StatisticDiff>, TraceError> {
        let new_groups = self.group_by(key_type, cumulative)?;
        let mut old_groups = old.group_by(key_type, cumulative)?;
        let (new_sampled, old_sampled) = (self.sample_rate.is_some(), old.sample_rate.is_some());
        let mut diffs = Vec::with_capacity(new_groups.groups.len());
        for (tb, acc) in new_groups.groups {
            let (size, count) = acc.totals(new_sampled);
            let diff = match old_groups.take(&tb) {
                Some(prev) => {
                    let (old_size, old_count) = prev.totals(old_sampled);
                    StatisticDiff::new(
                        tb,
                        size,
                        size.saturating_sub(old_size),
                        count,
                        count.saturating_sub(old_count),
                    )
                }
                None => StatisticDiff::new(tb, size, size, count, count),
            };
            diffs.push(diff);
        }
        let remaining = old_groups.index;
        for (tb, acc) in old_groups.groups {
            if remaining.contains_key(&tb) {
                let (size, count) = acc.totals(old_sampled);
                diffs.push(StatisticDiff::new(
                    tb,
                    0,
                    size.saturating_neg(),
                    0,
                    count.saturating_neg(),
                ));
            }
        }
        diffs.sort_by(|a, b| b.sort_key_cmp(a));
        Ok(diffs)
    }

    /// `snapshot.filter_traces(filters)`: a new snapshot with the traces
    /// that (match any inclusive filter, if there is one) and (match every
    /// exclusive filter). No filters: a copy. `self` is unchanged.
    pub fn filter_traces(&self, filters: &[TraceFilter]) -> Snapshot {
        let (include, exclude): (Vec<&TraceFilter>, Vec<&TraceFilter>) =
            filters.iter().partition(|f| f.inclusive());
        let traces = self
            .traces
            .iter()
            .filter(|trace| {
                (include.is_empty() || include.iter().any(|f| f.matches(trace)))
                    && exclude.iter().all(|f| f.matches(trace))
            })
            .cloned()
            .collect();
        Snapshot {
            traces,
            traceback_limit: self.traceback_limit,
            sample_rate: self.sample_rate,
        }
    }
}

/// The group key of one trace's traceback for a non-cumulative grouping.
fn group_key(tb: &Traceback, key_type: KeyType) -> Result<Traceback, TraceError> {
    Ok(match key_type {
        KeyType::Traceback => tb.with_total_nframe(None),
        KeyType::Lineno => match tb.most_recent() {
            Some(frame) => Traceback::from_oldest_first(vec![frame.clone()], None),
            None => Traceback::from_oldest_first(Arc::<[Frame]>::from(Vec::new()), None),
        },
        KeyType::Filename => {
            let frame = tb.most_recent().ok_or(TraceError::EmptyTraceback)?;
            Traceback::from_oldest_first(
                vec![Frame {
                    filename: frame.filename.clone(),
                    lineno: 0,
                }],
                None,
            )
        }
    })
}
