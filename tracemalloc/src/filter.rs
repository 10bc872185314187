//! [`Filter`], [`DomainFilter`] and [`TraceFilter`]: what
//! `Snapshot.filter_traces()` keeps, with `Lib/tracemalloc.py`'s truth tables.

use crate::fnmatch::Pattern;
use crate::frame::{Frame, Traceback};
use crate::snapshot::Trace;

/// `_normalize_filename`: `os.path.normcase` (nothing on POSIX), then a
/// trailing `.pyc` becomes `.py`.
fn normalize_filename(name: &str) -> &str {
    match name.strip_suffix(".pyc") {
        Some(stem) => name.get(..stem.len() + 3).unwrap_or(name),
        None => name,
    }
}

/// `tracemalloc.Filter(inclusive, filename_pattern, lineno=None,
/// all_frames=False, domain=None)`.
///
/// Every pattern is valid (as with Python's `fnmatch`): see
/// [`Pattern`](crate::Pattern).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    /// Keep matching traces (`true`) or drop them (`false`).
    pub inclusive: bool,
    filename_pattern: String,
    pattern: Pattern,
    /// Only this line (`None`: any line; 0 is a real line number).
    pub lineno: Option<i64>,
    /// Look at every frame (`true`) or only the most recent one.
    pub all_frames: bool,
    /// Only this domain (`None`: any).
    pub domain: Option<i64>,
}

impl Filter {
    /// A filter; the pattern is normalized as CPython does (`.pyc` → `.py`).
    pub fn new(
        inclusive: bool,
        filename_pattern: &str,
        lineno: Option<i64>,
        all_frames: bool,
        domain: Option<i64>,
    ) -> Self {
        let filename_pattern = normalize_filename(filename_pattern).to_owned();
        let pattern = Pattern::new(&filename_pattern);
        Filter {
            inclusive,
            filename_pattern,
            pattern,
            lineno,
            all_frames,
            domain,
        }
    }

    /// `Filter(inclusive, pattern)` with the other arguments defaulted.
    pub fn simple(inclusive: bool, filename_pattern: &str) -> Self {
        Filter::new(inclusive, filename_pattern, None, false, None)
    }

    /// `filter.filename_pattern` (normalized).
    pub fn filename_pattern(&self) -> &str {
        &self.filename_pattern
    }

    /// `Filter._match_frame_impl`: pattern and line, ignoring `inclusive`.
    fn match_frame_impl(&self, filename: &str, lineno: u32) -> bool {
        if !self.pattern.matches(normalize_filename(filename)) {
            return false;
        }
        match self.lineno {
            None => true,
            Some(l) => i64::from(lineno) == l,
        }
    }

    /// `Filter._match_frame(filename, lineno)`: the frame test with
    /// `inclusive` applied (an exclusive filter "matches" what it keeps).
    pub fn match_frame(&self, filename: &str, lineno: u32) -> bool {
        self.match_frame_impl(filename, lineno) ^ !self.inclusive
    }

    /// `Filter._match_traceback`. A traceback without frames (which Python
    /// would answer with `IndexError`) is treated as matching no frame.
    pub fn match_traceback(&self, traceback: &Traceback) -> bool {
        let frames = traceback.frames();
        if self.all_frames {
            if frames
                .iter()
                .any(|f| self.match_frame_impl(&f.filename, f.lineno))
            {
                self.inclusive
            } else {
                !self.inclusive
            }
        } else {
            match traceback.most_recent() {
                Some(Frame { filename, lineno }) => self.match_frame(filename, *lineno),
                None => !self.inclusive,
            }
        }
    }

    /// `Filter._match(trace)`: `True` means "keep" for an inclusive filter
    /// and "not excluded" for an exclusive one.
    pub fn matches(&self, trace: &Trace) -> bool {
        let res = self.match_traceback(&trace.traceback);
        match self.domain {
            None => res,
            Some(d) if self.inclusive => res && i64::from(trace.domain) == d,
            Some(d) => res || i64::from(trace.domain) != d,
        }
    }
}

/// `tracemalloc.DomainFilter(inclusive, domain)`: looks at the domain only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DomainFilter {
    /// Keep (`true`) or drop (`false`) traces of `domain`.
    pub inclusive: bool,
    /// The domain.
    pub domain: i64,
}

impl DomainFilter {
    /// `DomainFilter(inclusive, domain)`.
    pub fn new(inclusive: bool, domain: i64) -> Self {
        DomainFilter { inclusive, domain }
    }

    /// `DomainFilter._match(trace)`.
    pub fn matches(&self, trace: &Trace) -> bool {
        (i64::from(trace.domain) == self.domain) ^ !self.inclusive
    }
}

/// Either kind of filter, as `filter_traces()` takes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TraceFilter {
    /// A file name (and line, domain) filter.
    Filter(Filter),
    /// A domain filter.
    Domain(DomainFilter),
}

impl TraceFilter {
    /// `filter.inclusive`.
    pub fn inclusive(&self) -> bool {
        match self {
            TraceFilter::Filter(f) => f.inclusive,
            TraceFilter::Domain(d) => d.inclusive,
        }
    }

    /// `filter._match(trace)`.
    pub fn matches(&self, trace: &Trace) -> bool {
        match self {
            TraceFilter::Filter(f) => f.matches(trace),
            TraceFilter::Domain(d) => d.matches(trace),
        }
    }
}

impl From<Filter> for TraceFilter {
    fn from(f: Filter) -> Self {
        TraceFilter::Filter(f)
    }
}

impl From<DomainFilter> for TraceFilter {
    fn from(d: DomainFilter) -> Self {
        TraceFilter::Domain(d)
    }
}
