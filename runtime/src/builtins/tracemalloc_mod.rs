//! The `tracemalloc` module (CPython's `Modules/_tracemalloc.c` plus the
//! Python side of `Lib/tracemalloc.py`), over the `tracemalloc` crate.
//!
//! The C-level functions (`start`, `stop`, `is_tracing`,
//! `get_traced_memory`, `reset_peak`, `clear_traces`,
//! `get_traceback_limit`, `get_tracemalloc_memory`) are natives over the
//! interpreter's [`Tracemalloc`](tracemalloc::Tracemalloc), the tracer whose
//! `Traced<A>` decorator is the heap's allocator when the configuration
//! names the `tracemalloc` tracer ([`Vm::tracer`]). Tracebacks come from the
//! frames the VM mirrors on the crate's thread-local frame stack.
//!
//! Snapshots stay in Rust (a `tracemalloc::Snapshot` per Python `Snapshot`,
//! freed with it): `statistics`, `compare_to` and `filter_traces` run in the
//! crate, and only their results become Python objects. The small data
//! classes (`Frame`, `Traceback`, `Trace`, `Statistic`, `StatisticDiff`,
//! `Filter`, `DomainFilter`) are Python ([`PYTHON_SIDE`], our own code with
//! `Lib/tracemalloc.py`'s behaviour and formats), so they compare, hash
//! and print as CPython's do.
//!
//! With the `null` tracer the module still works as an API: tracing can be
//! switched on and off, but nothing is traced (`(0, 0)`, empty snapshots).
//!
//! CPython quirks of `get_object_traceback` (§7.21) that are modelled: an
//! instance of a plain class (3.11's managed-dict pre-header makes the C
//! code look at the wrong address) and a list or dict (taken from a free
//! list filled before tracing started) have no traceback.

use std::any::Any;
use std::collections::HashMap;

use tracemalloc::{
    DomainFilter, Filter, Frame, KeyType, Snapshot, Trace, TraceFilter, Traceback, format_size,
    format_size_f64,
};

use crate::object::{Kind, Layout, NameId, ObjRef};
use crate::vm::number::Num;
use crate::vm::{PyResult, Vm};

type Kw<'a> = &'a [(NameId, ObjRef)];

/// The module's Rust state, kept in [`Vm::tracemalloc_state`].
#[derive(Debug, Default)]
struct TmState {
    /// Live snapshots by id.
    snaps: HashMap<i64, Snapshot>,
    /// The next snapshot id.
    next: i64,
    /// Tracing switched on under the `null` tracer (nothing is recorded).
    null_tracing: bool,
    /// The traceback limit under the `null` tracer.
    null_limit: usize,
}

fn state(vm: &Vm) -> Option<&TmState> {
    vm.tracemalloc_state
        .as_ref()
        .and_then(|s| s.downcast_ref::<TmState>())
}

fn state_mut(vm: &mut Vm) -> Option<&mut TmState> {
    vm.tracemalloc_state
        .as_mut()
        .and_then(|s| s.downcast_mut::<TmState>())
}

/// The Python half of the module.
pub(super) const PYTHON_SIDE: &str = r#"
def _format_size(size, sign):
    return _fmt_size(size, sign)

class Frame:
    def __init__(self, frame):
        self._frame = frame
    filename = property(lambda self: self._frame[0])
    lineno = property(lambda self: self._frame[1])
    def __eq__(self, other):
        if not isinstance(other, Frame):
            return NotImplemented
        return self._frame == other._frame
    def __ne__(self, other):
        if not isinstance(other, Frame):
            return NotImplemented
        return self._frame != other._frame
    def __lt__(self, other):
        if not isinstance(other, Frame):
            return NotImplemented
        return self._frame < other._frame
    def __le__(self, other):
        if not isinstance(other, Frame):
            return NotImplemented
        return self._frame <= other._frame
    def __gt__(self, other):
        if not isinstance(other, Frame):
            return NotImplemented
        return self._frame > other._frame
    def __ge__(self, other):
        if not isinstance(other, Frame):
            return NotImplemented
        return self._frame >= other._frame
    def __hash__(self):
        return hash(self._frame)
    def __str__(self):
        return "%s:%s" % (self.filename, self.lineno)
    def __repr__(self):
        return "<Frame filename=%r lineno=%r>" % (self.filename, self.lineno)

class Traceback:
    def __init__(self, frames, total_nframe=None):
        self._frames = tuple(reversed(frames))
        self._total_nframe = total_nframe
    total_nframe = property(lambda self: self._total_nframe)
    def __len__(self):
        return len(self._frames)
    def __getitem__(self, index):
        if isinstance(index, slice):
            return tuple([Frame(f) for f in self._frames[index]])
        return Frame(self._frames[index])
    def __iter__(self):
        return iter([Frame(f) for f in self._frames])
    def __contains__(self, frame):
        return frame._frame in self._frames
    def __hash__(self):
        return hash(self._frames)
    def __eq__(self, other):
        if not isinstance(other, Traceback):
            return NotImplemented
        return self._frames == other._frames
    def __ne__(self, other):
        if not isinstance(other, Traceback):
            return NotImplemented
        return self._frames != other._frames
    def __lt__(self, other):
        if not isinstance(other, Traceback):
            return NotImplemented
        return self._frames < other._frames
    def __le__(self, other):
        if not isinstance(other, Traceback):
            return NotImplemented
        return self._frames <= other._frames
    def __gt__(self, other):
        if not isinstance(other, Traceback):
            return NotImplemented
        return self._frames > other._frames
    def __ge__(self, other):
        if not isinstance(other, Traceback):
            return NotImplemented
        return self._frames >= other._frames
    def __str__(self):
        return str(self[0])
    def __repr__(self):
        s = "<Traceback %r" % (tuple([Frame(f) for f in self._frames]),)
        if self._total_nframe is None:
            s += ">"
        else:
            s += " total_nframe=" + str(self._total_nframe) + ">"
        return s
    def format(self, limit=None, most_recent_first=False):
        lines = []
        frames = [Frame(f) for f in self._frames]
        if limit is not None:
            if limit > 0:
                frames = frames[-limit:]
            else:
                frames = frames[:limit]
        if most_recent_first:
            frames = frames[::-1]
        for frame in frames:
            lines.append('  File "%s", line %s' % (frame.filename, frame.lineno))
            line = _getline(frame.filename, frame.lineno).strip()
            if line:
                lines.append("    %s" % line)
        return lines

def get_object_traceback(obj):
    frames = _get_object_traceback(obj)
    if frames is not None:
        return Traceback(frames)
    return None

class Trace:
    def __init__(self, trace):
        self._trace = trace
    domain = property(lambda self: self._trace[0])
    size = property(lambda self: self._trace[1])
    traceback = property(lambda self: Traceback(self._trace[2], self._trace[3]))
    def __eq__(self, other):
        if not isinstance(other, Trace):
            return NotImplemented
        return self._trace == other._trace
    def __hash__(self):
        return hash(self._trace)
    def __str__(self):
        return "%s: %s" % (self.traceback, _format_size(self.size, False))
    def __repr__(self):
        return "<Trace domain=%s size=%s, traceback=%r>" % (self.domain, _format_size(self.size, False), self.traceback)

class _Traces:
    def __init__(self, handle):
        self._handle = handle
    def __len__(self):
        return _snap_len(self._handle.sid)
    def __getitem__(self, index):
        if isinstance(index, slice):
            return tuple([Trace(_snap_trace(self._handle.sid, i)) for i in range(*index.indices(len(self)))])
        return Trace(_snap_trace(self._handle.sid, index))
    def __iter__(self):
        return iter([Trace(_snap_trace(self._handle.sid, i)) for i in range(len(self))])
    def __contains__(self, trace):
        return trace in list(self)
    def __eq__(self, other):
        if not isinstance(other, _Traces):
            return NotImplemented
        return list(self) == list(other)
    def __repr__(self):
        return "<Traces len=%s>" % len(self)

class Statistic:
    def __init__(self, traceback, size, count):
        self.traceback = traceback
        self.size = size
        self.count = count
    def __hash__(self):
        return hash((self.traceback, self.size, self.count))
    def __eq__(self, other):
        if not isinstance(other, Statistic):
            return NotImplemented
        return (self.traceback == other.traceback and self.size == other.size
                and self.count == other.count)
    def __str__(self):
        text = "%s: size=%s, count=%i" % (self.traceback, _format_size(self.size, False), self.count)
        if self.count:
            text += ", average=%s" % _format_size(self.size / self.count, False)
        return text
    def __repr__(self):
        return "<Statistic traceback=%r size=%i count=%i>" % (self.traceback, self.size, self.count)
    def _sort_key(self):
        return (self.size, self.count, self.traceback)

class StatisticDiff:
    def __init__(self, traceback, size, size_diff, count, count_diff):
        self.traceback = traceback
        self.size = size
        self.size_diff = size_diff
        self.count = count
        self.count_diff = count_diff
    def __hash__(self):
        return hash((self.traceback, self.size, self.size_diff, self.count, self.count_diff))
    def __eq__(self, other):
        if not isinstance(other, StatisticDiff):
            return NotImplemented
        return (self.traceback == other.traceback and self.size == other.size
                and self.size_diff == other.size_diff and self.count == other.count
                and self.count_diff == other.count_diff)
    def __str__(self):
        text = "%s: size=%s (%s), count=%i (%+i)" % (
            self.traceback, _format_size(self.size, False), _format_size(self.size_diff, True),
            self.count, self.count_diff)
        if self.count:
            text += ", average=%s" % _format_size(self.size / self.count, False)
        return text
    def __repr__(self):
        return "<StatisticDiff traceback=%r size=%i (%+i) count=%i (%+i)>" % (
            self.traceback, self.size, self.size_diff, self.count, self.count_diff)
    def _sort_key(self):
        return (abs(self.size_diff), self.size, abs(self.count_diff), self.count, self.traceback)

class BaseFilter:
    def __init__(self, inclusive):
        self.inclusive = inclusive

class Filter(BaseFilter):
    def __init__(self, inclusive, filename_pattern, lineno=None, all_frames=False, domain=None):
        super().__init__(inclusive)
        self.inclusive = inclusive
        self._filename_pattern = _normalize_filename(filename_pattern)
        self.lineno = lineno
        self.all_frames = all_frames
        self.domain = domain
    filename_pattern = property(lambda self: self._filename_pattern)
    def _spec(self):
        return ("f", bool(self.inclusive), self._filename_pattern, self.lineno,
                bool(self.all_frames), self.domain)
    def _match_frame(self, filename, lineno):
        return _filter_match(self._spec(), ((filename, lineno),))
    def _match_traceback(self, traceback):
        return _filter_match(self._spec(), tuple(reversed(traceback._frames)))

class DomainFilter(BaseFilter):
    def __init__(self, inclusive, domain):
        super().__init__(inclusive)
        self._domain = domain
    domain = property(lambda self: self._domain)
    def _spec(self):
        return ("d", bool(self.inclusive), self._domain)

class _SnapshotHandle:
    def __init__(self, sid):
        self.sid = sid
    def __del__(self):
        _snap_free(self.sid)

class Snapshot:
    def __init__(self, traces, traceback_limit):
        if isinstance(traces, _SnapshotHandle):
            handle = traces
        else:
            handle = _SnapshotHandle(_snap_new(list(traces), traceback_limit))
        self._handle = handle
        self.traces = _Traces(handle)
        self.traceback_limit = traceback_limit
    def dump(self, filename):
        _snap_dump(self._handle.sid, filename)
    @staticmethod
    def load(filename):
        sid, limit = _snap_load(filename)
        return Snapshot(_SnapshotHandle(sid), limit)
    def filter_traces(self, filters):
        specs = []
        for f in _iter_filters(filters):
            specs.append(f._spec())
        return Snapshot(_SnapshotHandle(_snap_filter(self._handle.sid, specs)), self.traceback_limit)
    def statistics(self, key_type, cumulative=False):
        return [Statistic(Traceback(frames, total), size, count)
                for (frames, total, size, count) in _snap_statistics(self._handle.sid, key_type, cumulative)]
    def compare_to(self, old_snapshot, key_type, cumulative=False):
        return [StatisticDiff(Traceback(frames, total), size, size_diff, count, count_diff)
                for (frames, total, size, size_diff, count, count_diff)
                in _snap_compare(self._handle.sid, old_snapshot._handle.sid, key_type, cumulative)]

def _iter_filters(filters):
    try:
        return list(filters)
    except TypeError:
        raise TypeError("filters must be a list of filters, not %s" % type(filters).__name__) from None

def take_snapshot():
    if not is_tracing():
        raise RuntimeError("the tracemalloc module must be tracing memory allocations to take a snapshot")
    return Snapshot(_SnapshotHandle(_snap_take()), get_traceback_limit())
"#;

impl Vm {
    /// `import tracemalloc`.
    pub(crate) fn make_tracemalloc_module(&mut self) -> PyResult<ObjRef> {
        let m = self.new_module("tracemalloc")?;
        let Some(d) = self.module_dict(m) else {
            return Ok(m);
        };
        let r = (|| -> PyResult<()> {
            let fns: &[(&'static str, crate::object::NativeFn)] = &[
                ("start", start),
                ("stop", stop),
                ("is_tracing", is_tracing),
                ("get_traced_memory", get_traced_memory),
                ("reset_peak", reset_peak),
                ("clear_traces", clear_traces),
                ("get_traceback_limit", get_traceback_limit),
                ("get_tracemalloc_memory", get_tracemalloc_memory),
                ("_get_object_traceback", get_object_traceback),
                ("_get_traces", get_traces),
                ("_fmt_size", fmt_size),
                ("_getline", getline),
                ("_normalize_filename", normalize_filename),
                ("_filter_match", filter_match),
                ("_snap_take", snap_take),
                ("_snap_new", snap_new),
                ("_snap_free", snap_free),
                ("_snap_len", snap_len),
                ("_snap_trace", snap_trace),
                ("_snap_statistics", snap_statistics),
                ("_snap_compare", snap_compare),
                ("_snap_filter", snap_filter),
                ("_snap_dump", snap_dump),
                ("_snap_load", snap_load),
            ];
            for (name, f) in fns {
                self.add_function(d, name, *f)?;
            }
            let file = self.new_str("tracemalloc.py")?;
            let r = self.module_set(m, "__file__", file);
            self.decref(file);
            r?;
            if self.tracemalloc_state.is_none() {
                self.tracemalloc_state = Some(Box::new(TmState {
                    null_limit: 1,
                    ..TmState::default()
                }) as Box<dyn Any>);
            }
            let code = crate::compile::compile_module(PYTHON_SIDE.as_bytes(), "tracemalloc.py")
                .map_err(|e| self.runtime_error(format!("tracemalloc: {e}")))?;
            let code_obj = self.materialize(&code)?;
            let r = self.run_module_code(code_obj, d);
            self.decref(code_obj);
            self.decref(r?);
            Ok(())
        })();
        if let Err(e) = r {
            self.decref(m);
            return Err(e);
        }
        Ok(m)
    }

    /// A Python tuple of `(filename, lineno)` pairs, most recent first.
    fn frames_tuple(&mut self, tb: &Traceback) -> PyResult<ObjRef> {
        let mut items = Vec::with_capacity(tb.len());
        for f in tb.frames().iter().rev() {
            match self.frame_pair(f) {
                Ok(p) => items.push(p),
                Err(e) => {
                    for i in items {
                        self.decref(i);
                    }
                    return Err(e);
                }
            }
        }
        self.new_tuple(items)
    }

    fn frame_pair(&mut self, f: &Frame) -> PyResult<ObjRef> {
        let name = self.new_str(f.filename.as_str())?;
        let line = match self.new_int(i64::from(f.lineno)) {
            Ok(l) => l,
            Err(e) => {
                self.decref(name);
                return Err(e);
            }
        };
        self.new_tuple(vec![name, line])
    }

    fn optional_int(&mut self, v: Option<i64>) -> PyResult<ObjRef> {
        match v {
            Some(i) => self.new_int(i),
            None => Ok(self.none()),
        }
    }

    /// A new tuple from owned items (released on failure).
    fn tuple_of(&mut self, items: Vec<PyResult<ObjRef>>) -> PyResult<ObjRef> {
        let mut out = Vec::with_capacity(items.len());
        let mut err = None;
        for i in items {
            match i {
                Ok(r) => out.push(r),
                Err(e) if err.is_none() => err = Some(e),
                Err(e) => self.drop_err(e),
            }
        }
        if let Some(e) = err {
            for r in out {
                self.decref(r);
            }
            return Err(e);
        }
        self.new_tuple(out)
    }

    /// Whether tracing is on (the real tracer, or the `null` tracer's flag).
    fn tm_is_tracing(&self) -> bool {
        match &self.tracer {
            Some(t) => t.is_tracing(),
            None => state(self).is_some_and(|s| s.null_tracing),
        }
    }

    fn tm_limit(&self) -> usize {
        match &self.tracer {
            Some(t) => t.traceback_limit(),
            None => state(self).map_or(1, |s| s.null_limit),
        }
    }

    fn snapshot_ref(&mut self, sid: ObjRef) -> PyResult<Snapshot> {
        let id = match self.num(sid) {
            Some(Num::I(i)) => i,
            _ => return Err(self.type_error("snapshot id must be an int")),
        };
        match state(self).and_then(|s| s.snaps.get(&id)) {
            Some(s) => Ok(s.clone()),
            None => Err(self.value_error("the snapshot was released")),
        }
    }

    fn store_snapshot(&mut self, snap: Snapshot) -> PyResult<ObjRef> {
        let id = match state_mut(self) {
            Some(st) => {
                let id = st.next;
                st.next += 1;
                st.snaps.insert(id, snap);
                id
            }
            None => return Err(self.runtime_error("tracemalloc module is not initialised")),
        };
        self.new_int(id)
    }

    fn key_type(&mut self, k: ObjRef) -> PyResult<KeyType> {
        match self.kind(k) {
            Kind::Str(s) => {
                let text = s.s.to_string();
                match text.parse::<KeyType>() {
                    Ok(kt) => Ok(kt),
                    Err(e) => Err(self.value_error(e.to_string())),
                }
            }
            _ => {
                let r = self.repr_string(k)?;
                Err(self.value_error(format!("unknown key_type: {r}")))
            }
        }
    }

    fn text_arg(&mut self, v: ObjRef) -> PyResult<String> {
        match self.kind(v) {
            Kind::Str(s) => Ok(s.s.to_string()),
            _ => {
                let msg = format!(
                    "expected str, bytes or os.PathLike object, not {}",
                    self.type_name(v)
                );
                Err(self.type_error(msg))
            }
        }
    }

    fn opt_i64(&mut self, v: ObjRef) -> PyResult<Option<i64>> {
        if self.is_none(v) {
            return Ok(None);
        }
        match self.num(v) {
            Some(Num::I(i)) => Ok(Some(i)),
            Some(Num::B(_)) => Err(self.overflow_error("Python int too large to convert to C int")),
            _ => {
                let msg = format!(
                    "'{}' object cannot be interpreted as an integer",
                    self.type_name(v)
                );
                Err(self.type_error(msg))
            }
        }
    }

    /// A filter spec tuple from the Python side: `("f", inclusive,
    /// pattern, lineno, all_frames, domain)` or `("d", inclusive, domain)`.
    fn filter_from_spec(&mut self, spec: ObjRef) -> PyResult<TraceFilter> {
        let items = match self.kind(spec) {
            Kind::Tuple(t) => t.to_vec(),
            _ => return Err(self.type_error("bad filter")),
        };
        let tag = match items.first().map(|t| self.kind(*t)) {
            Some(Kind::Str(s)) => s.s.to_string(),
            _ => String::new(),
        };
        let flag = |vm: &mut Vm, i: usize| -> PyResult<bool> {
            match items.get(i) {
                Some(v) => vm.truthy(*v),
                None => Ok(false),
            }
        };
        if tag == "d" && items.len() == 3 {
            let inclusive = flag(self, 1)?;
            let domain = self.opt_i64(items[2])?.unwrap_or(0);
            return Ok(TraceFilter::from(DomainFilter::new(inclusive, domain)));
        }
        if tag == "f" && items.len() == 6 {
            let inclusive = flag(self, 1)?;
            let pattern = self.text_arg(items[2])?;
            let lineno = self.opt_i64(items[3])?;
            let all_frames = flag(self, 4)?;
            let domain = self.opt_i64(items[5])?;
            return Ok(TraceFilter::from(Filter::new(
                inclusive, &pattern, lineno, all_frames, domain,
            )));
        }
        Err(self.type_error("bad filter"))
    }

    /// A traceback from a sequence of `(filename, lineno)` pairs, most
    /// recent first (what `_get_traces` and `Snapshot(...)` take).
    fn traceback_from_py(&mut self, frames: ObjRef, total: Option<u32>) -> PyResult<Traceback> {
        let mut out = Vec::new();
        for f in self.seq_items(frames) {
            let pair = self.seq_items(f);
            if pair.len() != 2 {
                return Err(self.type_error("a frame must be a (filename, lineno) tuple"));
            }
            let name = self.text_arg(pair[0])?;
            let line = self.opt_i64(pair[1])?.unwrap_or(0);
            out.push(Frame::new(
                std::sync::Arc::<str>::from(name),
                u32::try_from(line).unwrap_or(0),
            ));
        }
        Ok(Traceback::new(out, total))
    }
}

fn check_nframe(vm: &mut Vm, v: ObjRef) -> PyResult<i64> {
    match vm.num(v) {
        Some(Num::I(i)) if i32::try_from(i).is_ok() => Ok(i),
        Some(Num::I(_)) | Some(Num::B(_)) => {
            Err(vm.overflow_error("Python int too large to convert to C int"))
        }
        _ => {
            let msg = format!(
                "'{}' object cannot be interpreted as an integer",
                vm.type_name(v)
            );
            Err(vm.type_error(msg))
        }
    }
}

/// `tracemalloc.start(nframe: int = 1)`.
fn start(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.no_kwargs("_tracemalloc.start", kw)?;
    vm.check_args("start", args, 0, 1)?;
    let nframe = match args.first() {
        Some(v) => check_nframe(vm, *v)?,
        None => 1,
    };
    match vm.tracer.clone() {
        Some(t) => {
            if let Err(e) = t.start(nframe) {
                return Err(vm.value_error(e.to_string()));
            }
        }
        None => {
            if !(1..=65535).contains(&nframe) {
                return Err(vm.value_error("the number of frames must be in range [1; 65535]"));
            }
            if let Some(st) = state_mut(vm)
                && !st.null_tracing
            {
                st.null_tracing = true;
                st.null_limit = nframe as usize;
            }
        }
    }
    Ok(vm.none())
}

macro_rules! no_arg_native {
    ($fname:ident, $pyname:expr, |$vm:ident| $body:expr) => {
        fn $fname(
            $vm: &mut Vm,
            _r: Option<ObjRef>,
            args: &[ObjRef],
            kw: Kw<'_>,
        ) -> PyResult<ObjRef> {
            $vm.no_kwargs($pyname, kw)?;
            $vm.check_args($pyname, args, 0, 0)?;
            $body
        }
    };
}

no_arg_native!(stop, "_tracemalloc.stop", |vm| {
    match vm.tracer.clone() {
        Some(t) => t.stop(),
        None => {
            if let Some(st) = state_mut(vm) {
                st.null_tracing = false;
            }
        }
    }
    Ok(vm.none())
});

no_arg_native!(is_tracing, "_tracemalloc.is_tracing", |vm| {
    let b = vm.tm_is_tracing();
    Ok(vm.bool_obj(b))
});

no_arg_native!(get_traced_memory, "_tracemalloc.get_traced_memory", |vm| {
    let (cur, peak) = vm.tracer.as_ref().map_or((0, 0), |t| t.traced_memory());
    let a = vm.new_int(i64::try_from(cur).unwrap_or(i64::MAX));
    let b = vm.new_int(i64::try_from(peak).unwrap_or(i64::MAX));
    vm.tuple_of(vec![a, b])
});

no_arg_native!(reset_peak, "_tracemalloc.reset_peak", |vm| {
    if let Some(t) = &vm.tracer {
        t.reset_peak();
    }
    Ok(vm.none())
});

no_arg_native!(clear_traces, "_tracemalloc.clear_traces", |vm| {
    if let Some(t) = &vm.tracer {
        t.clear_traces();
    }
    Ok(vm.none())
});

no_arg_native!(
    get_traceback_limit,
    "_tracemalloc.get_traceback_limit",
    |vm| {
        let n = vm.tm_limit();
        vm.new_int(n as i64)
    }
);

no_arg_native!(
    get_tracemalloc_memory,
    "_tracemalloc.get_tracemalloc_memory",
    |vm| {
        let n = vm.tracer.as_ref().map_or(0, |t| t.tracemalloc_memory());
        vm.new_int(i64::try_from(n).unwrap_or(i64::MAX))
    }
);

/// Whether CPython 3.11's `get_object_traceback` would miss `obj` (§7.21).
fn hidden_by_cpython_quirk(vm: &Vm, obj: ObjRef) -> bool {
    match vm.kind(obj) {
        // Free lists filled before tracing started.
        Kind::List(_) | Kind::Dict(_) => true,
        // The managed-dict pre-header: the C code subtracts only the GC
        // header, so the lookup misses for instances with a dict.
        Kind::Instance(i) => {
            let slots = vm.n.slots;
            match vm.class(i.class) {
                Some(c) if c.layout == Layout::Object => c.attrs.get(slots).is_none(),
                _ => false,
            }
        }
        _ => false,
    }
}

/// `_tracemalloc._get_object_traceback(obj)`: frames most recent first, or None.
fn get_object_traceback(
    vm: &mut Vm,
    _r: Option<ObjRef>,
    args: &[ObjRef],
    kw: Kw<'_>,
) -> PyResult<ObjRef> {
    vm.no_kwargs("_tracemalloc._get_object_traceback", kw)?;
    vm.check_args("_tracemalloc._get_object_traceback", args, 1, 1)?;
    let obj = args[0];
    if hidden_by_cpython_quirk(vm, obj) {
        return Ok(vm.none());
    }
    let addr = vm.heap.addr(obj);
    let tb = vm.tracer.as_ref().and_then(|t| t.object_traceback(0, addr));
    match tb {
        Some(tb) => vm.frames_tuple(&tb),
        None => Ok(vm.none()),
    }
}

/// `_tracemalloc._get_traces()`: `[(domain, size, frames, total_nframe), ...]`.
/// Identical tracebacks are one tuple object, as the tracer interns them
/// (`test_get_traces_intern_traceback`).
fn get_traces(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.no_kwargs("_tracemalloc._get_traces", kw)?;
    vm.check_args("_tracemalloc._get_traces", args, 0, 0)?;
    let snap = match &vm.tracer {
        Some(t) if t.is_tracing() => t.take_snapshot().ok(),
        _ => None,
    };
    let mut out = Vec::new();
    // Interned frames tuples, keyed by the address of the shared frames.
    let mut interned: HashMap<usize, ObjRef> = HashMap::new();
    let mut failed = None;
    if let Some(s) = snap {
        for tr in s.traces() {
            let key = tr.traceback.frames().as_ptr() as usize;
            let frames = match interned.get(&key) {
                Some(&f) => {
                    vm.incref(f);
                    Ok(f)
                }
                None => vm.frames_tuple(&tr.traceback).inspect(|&f| {
                    vm.incref(f);
                    interned.insert(key, f);
                }),
            };
            let domain = vm.new_int(i64::from(tr.domain));
            let size = vm.new_int(i64::try_from(tr.size).unwrap_or(i64::MAX));
            let total = vm.optional_int(tr.traceback.total_nframe().map(i64::from));
            match vm.tuple_of(vec![domain, size, frames, total]) {
                Ok(t) => out.push(t),
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
    }
    for (_, f) in interned {
        vm.decref(f);
    }
    if let Some(e) = failed {
        for o in out {
            vm.decref(o);
        }
        return Err(e);
    }
    vm.new_list(out)
}

fn trace_tuple(vm: &mut Vm, tr: &Trace) -> PyResult<ObjRef> {
    let domain = vm.new_int(i64::from(tr.domain));
    let size = vm.new_int(i64::try_from(tr.size).unwrap_or(i64::MAX));
    let frames = vm.frames_tuple(&tr.traceback);
    let total = vm.optional_int(tr.traceback.total_nframe().map(i64::from));
    vm.tuple_of(vec![domain, size, frames, total])
}

/// `_format_size(size, sign)`.
fn fmt_size(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("_format_size", args, 2, 2)?;
    let sign = vm.truthy(args[1])?;
    let s = match vm.num(args[0]) {
        Some(Num::I(i)) => format_size(i, sign),
        Some(Num::F(f)) => format_size_f64(f, sign),
        Some(Num::B(b)) => {
            use num_traits::ToPrimitive;
            format_size_f64(b.to_f64().unwrap_or(f64::MAX), sign)
        }
        None => {
            let msg = format!("bad operand type for abs(): '{}'", vm.type_name(args[0]));
            return Err(vm.type_error(msg));
        }
    };
    vm.new_string(s)
}

/// `linecache.getline(filename, lineno)`: the script's own source, or the
/// file read from disk; `''` when there is none.
fn getline(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("_getline", args, 2, 2)?;
    let name = vm.text_arg(args[0])?;
    let line = vm.opt_i64(args[1])?.unwrap_or(0);
    let Some(idx) = usize::try_from(line).ok().and_then(|l| l.checked_sub(1)) else {
        return vm.new_str("");
    };
    let text: Option<String> = match vm.sources.get(name.as_str()) {
        Some(src) => src.lines().nth(idx).map(str::to_string),
        None => std::fs::read_to_string(&name)
            .ok()
            .and_then(|src| src.lines().nth(idx).map(str::to_string)),
    };
    match text {
        Some(t) => vm.new_string(format!("{t}\n")),
        None => vm.new_str(""),
    }
}

/// `Filter`'s pattern normalisation (`.pyc` → `.py`), with the TypeError
/// for a non-str pattern.
fn normalize_filename(
    vm: &mut Vm,
    _r: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    vm.check_args("_normalize_filename", args, 1, 1)?;
    let p = vm.text_arg(args[0])?;
    let f = Filter::simple(true, &p);
    vm.new_str(f.filename_pattern())
}

/// `Filter._match_traceback`: does the filter keep a trace with these
/// frames (most recent first)?
fn filter_match(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("_filter_match", args, 2, 2)?;
    let f = vm.filter_from_spec(args[0])?;
    let tb = vm.traceback_from_py(args[1], None)?;
    let trace = Trace {
        domain: 0,
        size: 0,
        traceback: tb,
    };
    let keep = f.matches(&trace);
    Ok(vm.bool_obj(keep))
}

fn snap_take(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("_snap_take", args, 0, 0)?;
    let snap = match vm.tracer.clone() {
        Some(t) => match t.take_snapshot() {
            Ok(s) => s,
            Err(e) => return Err(vm.runtime_error(e.to_string())),
        },
        None => {
            let limit = vm.tm_limit();
            Snapshot::new(Vec::new(), limit)
        }
    };
    vm.store_snapshot(snap)
}

/// `Snapshot(raw_traces, traceback_limit)` from Python data.
fn snap_new(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("_snap_new", args, 2, 2)?;
    let limit = vm.opt_i64(args[1])?.unwrap_or(1);
    let mut traces = Vec::new();
    for raw in vm.seq_items(args[0]) {
        let parts = vm.seq_items(raw);
        if parts.len() < 3 {
            return Err(vm.type_error("a trace must be (domain, size, frames[, total_nframe])"));
        }
        let domain = vm.opt_i64(parts[0])?.unwrap_or(0);
        let size = vm.opt_i64(parts[1])?.unwrap_or(0);
        let total = match parts.get(3) {
            Some(t) => vm.opt_i64(*t)?.and_then(|n| u32::try_from(n).ok()),
            None => None,
        };
        let traceback = vm.traceback_from_py(parts[2], total)?;
        traces.push(Trace {
            domain: u32::try_from(domain).unwrap_or(0),
            size: usize::try_from(size).unwrap_or(0),
            traceback,
        });
    }
    vm.store_snapshot(Snapshot::new(traces, usize::try_from(limit).unwrap_or(1)))
}

fn snap_free(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("_snap_free", args, 1, 1)?;
    if let Some(Num::I(id)) = vm.num(args[0])
        && let Some(st) = state_mut(vm)
    {
        st.snaps.remove(&id);
    }
    Ok(vm.none())
}

fn snap_len(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("_snap_len", args, 1, 1)?;
    let s = vm.snapshot_ref(args[0])?;
    vm.new_int(s.traces().len() as i64)
}

fn snap_trace(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("_snap_trace", args, 2, 2)?;
    let s = vm.snapshot_ref(args[0])?;
    let n = s.traces().len() as i64;
    let i = match vm.num(args[1]) {
        Some(Num::I(i)) => i,
        _ => {
            let msg = format!(
                "sequence indices must be integers, not {}",
                vm.type_name(args[1])
            );
            return Err(vm.type_error(msg));
        }
    };
    let idx = if i < 0 { i + n } else { i };
    match usize::try_from(idx).ok().and_then(|k| s.traces().get(k)) {
        Some(tr) => trace_tuple(vm, tr),
        None => Err(vm.index_error("list index out of range")),
    }
}

fn snap_statistics(
    vm: &mut Vm,
    _r: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    vm.check_args("_snap_statistics", args, 3, 3)?;
    let s = vm.snapshot_ref(args[0])?;
    let kt = vm.key_type(args[1])?;
    let cumulative = vm.truthy(args[2])?;
    let stats = match s.statistics(kt, cumulative) {
        Ok(st) => st,
        Err(e) => return Err(vm.value_error(e.to_string())),
    };
    let mut out = Vec::with_capacity(stats.len());
    for st in &stats {
        let frames = vm.frames_tuple(&st.traceback);
        let total = vm.optional_int(st.traceback.total_nframe().map(i64::from));
        let size = vm.new_int(st.size);
        let count = vm.new_int(st.count);
        match vm.tuple_of(vec![frames, total, size, count]) {
            Ok(t) => out.push(t),
            Err(e) => {
                for o in out {
                    vm.decref(o);
                }
                return Err(e);
            }
        }
    }
    vm.new_list(out)
}

fn snap_compare(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("_snap_compare", args, 4, 4)?;
    let new = vm.snapshot_ref(args[0])?;
    let old = vm.snapshot_ref(args[1])?;
    let kt = vm.key_type(args[2])?;
    let cumulative = vm.truthy(args[3])?;
    let diffs = match new.compare_to(&old, kt, cumulative) {
        Ok(d) => d,
        Err(e) => return Err(vm.value_error(e.to_string())),
    };
    let mut out = Vec::with_capacity(diffs.len());
    for d in &diffs {
        let frames = vm.frames_tuple(&d.traceback);
        let total = vm.optional_int(d.traceback.total_nframe().map(i64::from));
        let size = vm.new_int(d.size);
        let size_diff = vm.new_int(d.size_diff);
        let count = vm.new_int(d.count);
        let count_diff = vm.new_int(d.count_diff);
        match vm.tuple_of(vec![frames, total, size, size_diff, count, count_diff]) {
            Ok(t) => out.push(t),
            Err(e) => {
                for o in out {
                    vm.decref(o);
                }
                return Err(e);
            }
        }
    }
    vm.new_list(out)
}

fn snap_filter(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("_snap_filter", args, 2, 2)?;
    let s = vm.snapshot_ref(args[0])?;
    let mut filters = Vec::new();
    for spec in vm.seq_items(args[1]) {
        filters.push(vm.filter_from_spec(spec)?);
    }
    let f = s.filter_traces(&filters);
    vm.store_snapshot(f)
}

fn io_error(vm: &mut Vm, e: &std::io::Error, path: &str) -> crate::vm::PyErr {
    let (class, errno) = match e.kind() {
        std::io::ErrorKind::NotFound => (vm.t.file_not_found_error, 2),
        std::io::ErrorKind::PermissionDenied => (vm.t.os_error, 13),
        _ => (vm.t.os_error, e.raw_os_error().unwrap_or(5)),
    };
    let what = match e.kind() {
        std::io::ErrorKind::NotFound => "No such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "Permission denied".to_string(),
        _ => e.to_string(),
    };
    vm.err(class, format!("[Errno {errno}] {what}: '{path}'"))
}

fn snap_dump(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("_snap_dump", args, 2, 2)?;
    let s = vm.snapshot_ref(args[0])?;
    let path = vm.text_arg(args[1])?;
    if let Err(e) = std::fs::write(&path, s.to_bytes()) {
        return Err(io_error(vm, &e, &path));
    }
    Ok(vm.none())
}

fn snap_load(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("_snap_load", args, 1, 1)?;
    let path = vm.text_arg(args[0])?;
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => return Err(io_error(vm, &e, &path)),
    };
    let snap = match Snapshot::from_bytes(&bytes) {
        Ok(s) => s,
        Err(e) => return Err(vm.value_error(format!("cannot load snapshot: {e}"))),
    };
    let limit = snap.traceback_limit();
    let id = vm.store_snapshot(snap)?;
    let l = vm.new_int(limit as i64);
    vm.tuple_of(vec![Ok(id), l])
}
