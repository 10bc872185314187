//! `Snapshot.dump()` / `Snapshot.load()`: a small versioned binary format.
//!
//! CPython pickles the snapshot; PyMM writes its own format instead (no
//! pickle machinery, and a damaged or foreign file is refused with a
//! [`LoadError`], never half-loaded):
//!
//! ```text
//! magic        8 bytes  "PYMMTMS\0"
//! version      u32      1
//! sample_rate  u64      0 = exact snapshot
//! limit        u64      traceback_limit
//! strings      u32 n, then n × (u32 length, UTF-8 bytes)      file names
//! tracebacks   u32 n, then n × (u32 total_nframe or u32::MAX for None,
//!                               u32 frames, frames × (u32 string, u32 lineno))
//!                                                             oldest frame first
//! traces       u64 n, then n × (u32 domain, u64 size, u32 traceback)
//! checksum     u64      FNV-1a of every byte before it
//! ```
//!
//! Integers are little-endian. Identical tracebacks are written once, so a
//! loaded snapshot shares them again.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use crate::error::{LoadError, TraceError};
use crate::frame::{Filename, Frame, Traceback};
use crate::snapshot::{Snapshot, Trace};

/// The first 8 bytes of every dump.
pub const MAGIC: [u8; 8] = *b"PYMMTMS\0";
/// The format version this crate writes and reads.
pub const FORMAT_VERSION: u32 = 1;

const NO_TOTAL: u32 = u32::MAX;

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_u64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

impl Snapshot {
    /// The snapshot in the dump format.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut strings: Vec<&str> = Vec::new();
        let mut string_ids: HashMap<&str, u32> = HashMap::new();
        let mut tracebacks: Vec<&Traceback> = Vec::new();
        // Interned tracebacks share storage: key by address and total_nframe.
        let mut tb_ids: HashMap<(usize, usize, Option<u32>), u32> = HashMap::new();
        let mut trace_tbs: Vec<u32> = Vec::with_capacity(self.traces().len());
        for trace in self.traces() {
            let tb = &trace.traceback;
            let key = (tb.frames().as_ptr() as usize, tb.len(), tb.total_nframe());
            let id = *tb_ids.entry(key).or_insert_with(|| {
                tracebacks.push(tb);
                (tracebacks.len() - 1) as u32
            });
            trace_tbs.push(id);
            for frame in tb.frames() {
                let name: &str = &frame.filename;
                string_ids.entry(name).or_insert_with(|| {
                    strings.push(name);
                    (strings.len() - 1) as u32
                });
            }
        }
        let mut out = Vec::new();
        out.extend_from_slice(&MAGIC);
        put_u32(&mut out, FORMAT_VERSION);
        put_u64(&mut out, self.sample_rate().unwrap_or(0));
        put_u64(&mut out, self.traceback_limit() as u64);
        put_u32(&mut out, strings.len() as u32);
        for s in &strings {
            put_u32(&mut out, s.len() as u32);
            out.extend_from_slice(s.as_bytes());
        }
        put_u32(&mut out, tracebacks.len() as u32);
        for tb in &tracebacks {
            put_u32(&mut out, tb.total_nframe().unwrap_or(NO_TOTAL));
            put_u32(&mut out, tb.len() as u32);
            for frame in tb.frames() {
                let name: &str = &frame.filename;
                put_u32(&mut out, string_ids.get(name).copied().unwrap_or(0));
                put_u32(&mut out, frame.lineno);
            }
        }
        put_u64(&mut out, self.traces().len() as u64);
        for (trace, tb) in self.traces().iter().zip(&trace_tbs) {
            put_u32(&mut out, trace.domain);
            put_u64(&mut out, trace.size as u64);
            put_u32(&mut out, *tb);
        }
        let sum = fnv1a(&out);
        put_u64(&mut out, sum);
        out
    }

    /// Reads a snapshot written by [`Snapshot::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Snapshot, LoadError> {
        if bytes.len() < MAGIC.len() || bytes.get(..MAGIC.len()) != Some(&MAGIC[..]) {
            return Err(LoadError::NotASnapshot);
        }
        let mut r = Reader {
            bytes,
            pos: MAGIC.len(),
        };
        let version = r.u32()?;
        if version != FORMAT_VERSION {
            return Err(LoadError::UnsupportedVersion(version));
        }
        let body_len = bytes.len().checked_sub(8).ok_or(LoadError::Truncated)?;
        if body_len < r.pos {
            return Err(LoadError::Truncated);
        }
        let (body, sum) = bytes.split_at(body_len);
        let mut sum_bytes = [0u8; 8];
        sum_bytes.copy_from_slice(sum);
        if fnv1a(body) != u64::from_le_bytes(sum_bytes) {
            return Err(LoadError::ChecksumMismatch);
        }
        let mut r = Reader {
            bytes: body,
            pos: r.pos,
        };
        let sample_rate = r.u64()?;
        let limit = usize::try_from(r.u64()?).map_err(|_| LoadError::Corrupt("traceback limit"))?;

        let nstrings = r.count(4)?;
        let mut strings: Vec<Filename> = Vec::with_capacity(nstrings);
        for _ in 0..nstrings {
            let len = r.u32()? as usize;
            let raw = r.take(len)?;
            let s = core::str::from_utf8(raw)
                .map_err(|_| LoadError::Corrupt("file name is not UTF-8"))?;
            strings.push(Filename::from(Arc::<str>::from(s)));
        }

        let ntb = r.count(8)?;
        let mut tracebacks: Vec<Traceback> = Vec::with_capacity(ntb);
        for _ in 0..ntb {
            let total = r.u32()?;
            let nframes = r.count_u32(8)?;
            let mut frames = Vec::with_capacity(nframes);
            for _ in 0..nframes {
                let name = strings
                    .get(r.u32()? as usize)
                    .ok_or(LoadError::Corrupt("file name index out of range"))?
                    .clone();
                let lineno = r.u32()?;
                frames.push(Frame {
                    filename: name,
                    lineno,
                });
            }
            let total = if total == NO_TOTAL { None } else { Some(total) };
            tracebacks.push(Traceback::from_oldest_first(frames, total));
        }

        let ntraces = r.count_u64(16)?;
        let mut traces = Vec::with_capacity(ntraces);
        for _ in 0..ntraces {
            let domain = r.u32()?;
            let size = usize::try_from(r.u64()?).map_err(|_| LoadError::Corrupt("trace size"))?;
            let traceback = tracebacks
                .get(r.u32()? as usize)
                .ok_or(LoadError::Corrupt("traceback index out of range"))?
                .clone();
            traces.push(Trace {
                domain,
                size,
                traceback,
            });
        }
        if r.pos != body.len() {
            return Err(LoadError::Corrupt("trailing bytes after the traces"));
        }
        if sample_rate == 0 {
            Ok(Snapshot::new(traces, limit))
        } else {
            Snapshot::new_sampled(traces, limit, sample_rate)
                .map_err(|_| LoadError::Corrupt("sample rate"))
        }
    }

    /// `snapshot.dump(filename)`.
    pub fn dump(&self, path: impl AsRef<Path>) -> Result<(), TraceError> {
        std::fs::write(path, self.to_bytes())?;
        Ok(())
    }

    /// `Snapshot.load(filename)`: a corrupt or foreign file is
    /// [`TraceError::Load`], an unreadable one [`TraceError::Io`].
    pub fn load(path: impl AsRef<Path>) -> Result<Snapshot, TraceError> {
        let bytes = std::fs::read(path)?;
        Ok(Snapshot::from_bytes(&bytes)?)
    }
}

/// Bounds-checked little-endian reader.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], LoadError> {
        let end = self.pos.checked_add(n).ok_or(LoadError::Truncated)?;
        let s = self.bytes.get(self.pos..end).ok_or(LoadError::Truncated)?;
        self.pos = end;
        Ok(s)
    }

    fn u32(&mut self) -> Result<u32, LoadError> {
        let mut b = [0u8; 4];
        b.copy_from_slice(self.take(4)?);
        Ok(u32::from_le_bytes(b))
    }

    fn u64(&mut self) -> Result<u64, LoadError> {
        let mut b = [0u8; 8];
        b.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(b))
    }

    /// An element count that the remaining bytes can hold (each element
    /// takes at least `min_size` bytes), so a damaged count cannot make the
    /// loader reserve huge amounts of memory.
    fn check(&self, n: u64, min_size: u64) -> Result<usize, LoadError> {
        let left = (self.bytes.len() - self.pos.min(self.bytes.len())) as u64;
        if n.saturating_mul(min_size) > left {
            return Err(LoadError::Truncated);
        }
        usize::try_from(n).map_err(|_| LoadError::Truncated)
    }

    fn count(&mut self, min_size: u64) -> Result<usize, LoadError> {
        let n = u64::from(self.u32()?);
        self.check(n, min_size)
    }

    fn count_u32(&mut self, min_size: u64) -> Result<usize, LoadError> {
        self.count(min_size)
    }

    fn count_u64(&mut self, min_size: u64) -> Result<usize, LoadError> {
        let n = self.u64()?;
        self.check(n, min_size)
    }
}
