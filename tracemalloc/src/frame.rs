//! [`Filename`], [`Frame`] and [`Traceback`]: the pure-data frame types, with
//! the exact `str()`/`repr()`/`format()` text of `Lib/tracemalloc.py`.

use core::cmp::Ordering;
use core::fmt;
use core::hash::{Hash, Hasher};
use core::ops::Deref;
use std::sync::Arc;

/// A frame's file name: a `&'static str` (what `file!()` gives a Rust
/// program, free to copy) or a shared `Arc<str>` (what the Python runtime
/// has for a module's `co_filename`). Cloning never copies the text.
///
/// Equality, ordering and hashing are by content, as Python compares `str`.
#[derive(Clone)]
pub struct Filename(Repr);

#[derive(Clone)]
enum Repr {
    Static(&'static str),
    Shared(Arc<str>),
}

impl Filename {
    /// A file name borrowed for the whole program (no allocation).
    pub const fn from_static(name: &'static str) -> Self {
        Filename(Repr::Static(name))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(s) => s,
            Repr::Shared(s) => s,
        }
    }

    /// Whether both names share storage (a cheap sufficient test of equality).
    pub(crate) fn same_storage(&self, other: &Filename) -> bool {
        match (&self.0, &other.0) {
            (Repr::Static(a), Repr::Static(b)) => core::ptr::eq(*a, *b),
            (Repr::Shared(a), Repr::Shared(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// `<unknown>`: the file name CPython records when a frame has none, or
/// when no frame is running at all.
pub const UNKNOWN_FILENAME: Filename = Filename::from_static("<unknown>");

impl Deref for Filename {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<&'static str> for Filename {
    fn from(s: &'static str) -> Self {
        Filename::from_static(s)
    }
}

impl From<Arc<str>> for Filename {
    fn from(s: Arc<str>) -> Self {
        Filename(Repr::Shared(s))
    }
}

impl From<String> for Filename {
    fn from(s: String) -> Self {
        Filename(Repr::Shared(Arc::from(s)))
    }
}

impl PartialEq for Filename {
    fn eq(&self, other: &Self) -> bool {
        self.same_storage(other) || self.as_str() == other.as_str()
    }
}
impl Eq for Filename {}

impl PartialOrd for Filename {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Filename {
    /// Byte order of UTF-8 is code-point order, which is how Python orders `str`.
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Filename {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl fmt::Debug for Filename {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Filename {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One frame of a traceback: `tracemalloc.Frame`.
///
/// Ordered by `(filename, lineno)` as Python orders the `_frame` tuple.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Frame {
    /// The file name (`co_filename`).
    pub filename: Filename,
    /// The line number; 0 when unknown.
    pub lineno: u32,
}

impl Frame {
    /// A frame.
    pub fn new(filename: impl Into<Filename>, lineno: u32) -> Self {
        Frame {
            filename: filename.into(),
            lineno,
        }
    }

    /// `<unknown>:0`, what CPython records when no frame is available.
    pub const fn unknown() -> Self {
        Frame {
            filename: UNKNOWN_FILENAME,
            lineno: 0,
        }
    }

    /// `repr(frame)`: `<Frame filename='file.py' lineno=12>`.
    pub fn repr(&self) -> String {
        format!(
            "<Frame filename={} lineno={}>",
            py_str_repr(&self.filename),
            self.lineno
        )
    }
}

/// `str(frame)`: `file.py:12`.
impl fmt::Display for Frame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.filename, self.lineno)
    }
}

/// `tracemalloc.Traceback`: frames ordered **oldest first**, as the Python
/// class stores them (`_tracemalloc` hands out most-recent-first tuples and
/// the constructor reverses them; [`Traceback::new`] does the same).
///
/// Cloning shares the frames (the tracer interns tracebacks, so identical
/// tracebacks of different traces are one allocation). Equality, ordering
/// and hashing look at the frames only, never at `total_nframe`, exactly
/// like `Traceback.__eq__`/`__lt__`/`__hash__`.
#[derive(Clone, Debug)]
pub struct Traceback {
    frames: Arc<[Frame]>,
    total_nframe: Option<u32>,
}

impl Traceback {
    /// `Traceback(frames, total_nframe=None)`: `most_recent_first` is in the
    /// order `_tracemalloc` produces (most recent call first); it is stored
    /// reversed.
    pub fn new(
        most_recent_first: impl IntoIterator<Item = Frame>,
        total_nframe: Option<u32>,
    ) -> Self {
        let mut frames: Vec<Frame> = most_recent_first.into_iter().collect();
        frames.reverse();
        Traceback {
            frames: frames.into(),
            total_nframe,
        }
    }

    /// A traceback from frames already ordered oldest first.
    pub fn from_oldest_first(frames: impl Into<Arc<[Frame]>>, total_nframe: Option<u32>) -> Self {
        Traceback {
            frames: frames.into(),
            total_nframe,
        }
    }

    /// The frames, oldest first (`tuple(traceback)`).
    pub fn frames(&self) -> &[Frame] {
        &self.frames
    }

    /// The most recent frame (what `'lineno'` statistics and a
    /// non-`all_frames` filter look at), if any.
    pub fn most_recent(&self) -> Option<&Frame> {
        self.frames.last()
    }

    /// `len(traceback)`.
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    /// Whether there are no frames (never true for a traceback the tracer
    /// recorded: it records `<unknown>:0` instead).
    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// `traceback[index]`, oldest first; negative indices count from the end
    /// as in Python. `None` is Python's `IndexError`.
    pub fn get(&self, index: i64) -> Option<&Frame> {
        let len = self.frames.len() as i64;
        let i = if index < 0 { index + len } else { index };
        if (0..len).contains(&i) {
            self.frames.get(i as usize)
        } else {
            None
        }
    }

    /// `traceback.total_nframe`: how many frames the stack had when the
    /// trace was recorded (capped at 65535), or `None`.
    pub fn total_nframe(&self) -> Option<u32> {
        self.total_nframe
    }

    /// The same frames with another `total_nframe`.
    pub fn with_total_nframe(&self, total_nframe: Option<u32>) -> Self {
        Traceback {
            frames: Arc::clone(&self.frames),
            total_nframe,
        }
    }

    /// Whether both share one frame allocation (interned tracebacks do).
    pub fn shares_frames_with(&self, other: &Traceback) -> bool {
        Arc::ptr_eq(&self.frames, &other.frames)
    }

    /// `repr(traceback)`:
    /// `<Traceback (<Frame filename='a.py' lineno=1>,)>`, with
    /// ` total_nframe=N` before the `>` when it is set.
    pub fn repr(&self) -> String {
        let mut s = String::from("<Traceback (");
        for (i, frame) in self.frames.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            s.push_str(&frame.repr());
        }
        if self.frames.len() == 1 {
            s.push(',');
        }
        s.push(')');
        if let Some(n) = self.total_nframe {
            s.push_str(&format!(" total_nframe={n}"));
        }
        s.push('>');
        s
    }

    /// `traceback.format(limit=None, most_recent_first=False)`.
    ///
    /// `source_line(filename, lineno)` plays `linecache.getline`: each frame
    /// gives `'  File "a.py", line 5'`, followed by `'    <line>'` (the
    /// source line stripped of surrounding whitespace) when it returns a
    /// non-blank line. A positive `limit` keeps the `limit` most recent
    /// frames, a negative one the `-limit` oldest, `Some(0)` keeps none.
    pub fn format(
        &self,
        limit: Option<i64>,
        most_recent_first: bool,
        mut source_line: impl FnMut(&str, u32) -> Option<String>,
    ) -> Vec<String> {
        let frames: &[Frame] = &self.frames;
        let len = frames.len();
        let slice = match limit {
            None => frames,
            Some(l) if l > 0 => {
                // self[-limit:]
                let keep = (l as u64).min(len as u64) as usize;
                frames.get(len - keep..).unwrap_or(&[])
            }
            Some(l) => {
                // self[:limit] with limit <= 0: drop the last -limit frames
                let drop = l.unsigned_abs().min(len as u64) as usize;
                if l == 0 {
                    &[]
                } else {
                    frames.get(..len - drop).unwrap_or(&[])
                }
            }
        };
        let mut lines = Vec::new();
        let mut emit = |frame: &Frame| {
            lines.push(format!(
                "  File \"{}\", line {}",
                frame.filename, frame.lineno
            ));
            if let Some(line) = source_line(&frame.filename, frame.lineno) {
                let line = line.trim();
                if !line.is_empty() {
                    lines.push(format!("    {line}"));
                }
            }
        };
        if most_recent_first {
            slice.iter().rev().for_each(&mut emit);
        } else {
            slice.iter().for_each(&mut emit);
        }
        lines
    }
}

/// `str(traceback)` is `str(traceback[0])`: the **oldest** frame. An empty
/// traceback (Python would raise `IndexError`) prints nothing.
impl fmt::Display for Traceback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.frames.first() {
            Some(frame) => fmt::Display::fmt(frame, f),
            None => Ok(()),
        }
    }
}

impl PartialEq for Traceback {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.frames, &other.frames) || self.frames == other.frames
    }
}
impl Eq for Traceback {}

impl PartialOrd for Traceback {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Traceback {
    /// Tuple order of the oldest-first frames, as `Traceback.__lt__`.
    fn cmp(&self, other: &Self) -> Ordering {
        self.frames.iter().cmp(other.frames.iter())
    }
}

impl Hash for Traceback {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.frames.hash(state)
    }
}

/// Python's `repr()` of a `str`: single quotes unless the text contains a
/// single quote and no double quote; backslash, quote and control
/// characters escaped as Python escapes them.
pub(crate) fn py_str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || (0x7f..=0xa0).contains(&(c as u32)) || c as u32 == 0xad => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}
