//! The virtual machine: the interpreter state ([`Vm`]), object creation,
//! reference counting with CPython's deallocation order, and the bytecode
//! evaluation loop (in [`eval`]).
//!
//! Python-to-Python calls do not recurse on the Rust stack: the evaluation
//! loop keeps a stack of [`frame::Frame`]s. Rust code that calls back into
//! Python (`__del__`, `__repr__`, `sorted(key=...)`) enters the loop again,
//! counted against the recursion limit like any Python call.

pub mod attr;
pub mod code;
pub mod container;
pub mod dealloc;
pub mod errors;
pub mod eval;
pub mod frame;
pub mod gc;
pub mod hash;
pub mod number;
pub mod ops_bridge;
pub mod subscript;
pub mod text;
pub mod traceback;
pub mod types;

use std::collections::HashMap;
use std::rc::Rc;

use num_bigint::BigInt;
use num_traits::ToPrimitive;

use crate::object::{Attrs, Heap, Kind, List, NameId, Obj, ObjRef, StrObj, flags, sizes};

pub use errors::{Abort, PyErr};
pub use types::Types;

/// Result of an operation that may raise.
pub type PyResult<T> = Result<T, PyErr>;

/// Limits a run is held to.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Python call depth before `RecursionError`.
    pub recursion_limit: u32,
    /// Instructions before the run is aborted.
    pub max_steps: Option<u64>,
}

/// Hooks through which the `weakref` module takes part in deallocation
/// and collection (CPython's `PyObject_ClearWeakRefs` and
/// `handle_weakrefs`). Installed by the module when it is first imported.
#[derive(Clone, Copy, Debug)]
pub struct WeakrefHooks {
    /// An object flagged [`flags::WEAKLY_REFERENCED`] is being deallocated
    /// by reference counting: after its `__del__`, before it is freed (it
    /// is still readable, with count 0). Clear its weak references and run
    /// their callbacks; must not resurrect it.
    pub clear_on_dealloc: fn(&mut Vm, ObjRef),
    /// The collector's `Step::HandleWeakrefs`: clear the weak references
    /// to these garbage objects, run the callbacks of those that are not
    /// garbage themselves; return how many weak reference objects the
    /// callbacks freed.
    pub handle_gc: fn(&mut Vm, &[ObjRef]) -> usize,
}

/// One interpreter.
pub struct Vm {
    /// Every object.
    pub heap: Heap,
    name_strs: Vec<ObjRef>,
    name_text: Vec<Rc<str>>,
    name_ids: HashMap<Rc<str>, NameId>,
    /// The interned-string table (`interning::Interner`: text -> the
    /// canonical str object; its reference is not counted, 3.11's mortal
    /// interned strings).
    interned: interning::Interner<ObjRef>,
    /// The interning policy (`--interning`): which values share one object.
    pub policy: Box<dyn interning::InternPolicy>,
    /// The policy's small-int range, cached for the hot path.
    small_int_range: Option<std::ops::RangeInclusive<i64>>,
    /// Whether the small-int cache and string interning are on.
    pub interning_on: bool,
    /// The built-in types and exception classes.
    pub t: Types,
    none: ObjRef,
    true_: ObjRef,
    false_: ObjRef,
    not_implemented: ObjRef,
    ellipsis: ObjRef,
    empty_tuple: ObjRef,
    empty_str: ObjRef,
    small_ints: Vec<ObjRef>,
    latin1: Vec<Option<ObjRef>>,
    /// What the script wrote to stdout.
    pub stdout: Vec<u8>,
    /// What went to stderr.
    pub stderr: Vec<u8>,
    /// Suspended caller frames of the running evaluation loops.
    pub frames: Vec<Box<frame::Frame>>,
    /// Python call depth.
    pub depth: u32,
    /// Limits.
    pub limits: Limits,
    /// Instructions executed.
    pub steps: u64,
    /// The `builtins` module's dict.
    pub builtins: ObjRef,
    /// Imported modules by name (`sys.modules`).
    pub modules: Vec<(String, ObjRef)>,
    /// The cycle collector.
    pub gc: Box<dyn cyclegc::Collector<Heap>>,
    /// The `weakref` module's hooks (None until it is imported).
    pub weakref_hooks: Option<WeakrefHooks>,
    /// State owned by the `weakref` module.
    pub weakref_state: Option<Box<dyn std::any::Any>>,
    /// Run in order at the start of teardown (CPython's atexit callbacks).
    pub atexit_hooks: Vec<fn(&mut Vm)>,
    /// The tracemalloc tracer when `--tracer tracemalloc` (its allocator
    /// decorator wraps the heap's allocator).
    pub tracer: Option<std::sync::Arc<tracemalloc::Tracemalloc>>,
    /// State owned by the `tracemalloc` module.
    pub tracemalloc_state: Option<Box<dyn std::any::Any>>,
    /// Whether frames are mirrored on tracemalloc's thread-local frame stack.
    pub trace_frames: bool,
    /// A collection the allocation counter asked for, run at the next
    /// instruction boundary.
    pub gc_pending: Option<usize>,
    /// Whether the collector wants to hear about decrefs to non-zero
    /// (trial deletion's candidate roots).
    pub gc_note_decref: bool,
    /// `gc.garbage`.
    pub gc_garbage: ObjRef,
    /// `gc.callbacks`.
    pub gc_callbacks: ObjRef,
    /// The exception currently being handled (`sys.exc_info()`).
    pub exc_info: Option<ObjRef>,
    /// Preallocated `MemoryError` (raised without allocating).
    pub memory_error: Option<ObjRef>,
    /// Well-known names.
    pub n: types::Names,
    /// An abort raised where it could not propagate (inside `__del__`),
    /// surfaced by the evaluation loop.
    pub abort: Option<Abort>,
    /// Set once teardown has begun.
    pub finalizing: bool,
    /// Script file name (`sys.argv[0]`).
    pub filename: Rc<str>,
    /// References held by the compiler's constant caches (released at teardown).
    pub const_cache: Vec<ObjRef>,
    /// Containers being repr'd (recursion guard: `[...]`).
    pub repr_stack: Vec<ObjRef>,
    /// An empty code object for placeholder frames.
    pub empty_code: Rc<code::Code>,
    /// Source text, for traceback lines.
    pub sources: HashMap<std::sync::Arc<str>, Rc<str>>,
}

impl std::fmt::Debug for Vm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vm").field("heap", &self.heap).finish()
    }
}

impl Vm {
    /// A new interpreter over `heap`, with the built-in types and modules.
    pub fn new(
        heap: Heap,
        gc: Box<dyn cyclegc::Collector<Heap>>,
        policy: Box<dyn interning::InternPolicy>,
        limits: Limits,
    ) -> Result<Vm, String> {
        let gc_note_decref = gc.name() == "trial-deletion";
        let placeholder = ObjRef::default();
        let mut vm = Vm {
            heap,
            name_strs: Vec::new(),
            name_text: Vec::new(),
            name_ids: HashMap::new(),
            interned: interning::Interner::new(),
            interning_on: policy.shares(interning::Candidate::StrConstant("a")),
            small_int_range: policy.small_int_range(),
            policy,
            t: Types::placeholder(placeholder),
            none: placeholder,
            true_: placeholder,
            false_: placeholder,
            not_implemented: placeholder,
            ellipsis: placeholder,
            empty_tuple: placeholder,
            empty_str: placeholder,
            small_ints: Vec::new(),
            latin1: vec![None; 256],
            stdout: Vec::new(),
            stderr: Vec::new(),
            frames: Vec::new(),
            depth: 0,
            limits,
            steps: 0,
            builtins: placeholder,
            modules: Vec::new(),
            exc_info: None,
            gc,
            weakref_hooks: None,
            weakref_state: None,
            atexit_hooks: Vec::new(),
            tracer: None,
            tracemalloc_state: None,
            trace_frames: false,
            gc_pending: None,
            gc_note_decref,
            gc_garbage: placeholder,
            gc_callbacks: placeholder,
            memory_error: None,
            n: types::Names::placeholder(),
            finalizing: false,
            abort: None,
            filename: Rc::from(""),
            sources: HashMap::new(),
            const_cache: Vec::new(),
            repr_stack: Vec::new(),
            empty_code: Rc::new(code::Code::empty()),
        };
        vm.bootstrap()
            .map_err(|_| "cannot allocate the built-in objects".to_string())?;
        Ok(vm)
    }

    fn immortal(
        &mut self,
        kind: Kind,
        size: usize,
    ) -> Result<ObjRef, crate::object::heap::OutOfMemory> {
        let r = self.heap.alloc(kind, size)?;
        self.heap.make_immortal(r);
        Ok(r)
    }

    fn bootstrap(&mut self) -> Result<(), crate::object::heap::OutOfMemory> {
        self.none = self.immortal(Kind::None, sizes::NONE)?;
        self.true_ = self.immortal(Kind::Bool(true), 28)?;
        self.false_ = self.immortal(Kind::Bool(false), 28)?;
        self.not_implemented = self.immortal(Kind::NotImplemented, sizes::NONE)?;
        self.ellipsis = self.immortal(Kind::Ellipsis, sizes::NONE)?;
        self.empty_tuple = self.immortal(Kind::Tuple(Box::new([])), sizes::tuple_size(0))?;
        self.empty_str = self.immortal(Kind::Str(make_str("")), sizes::str_size(0, 1, true))?;
        for i in -5i64..=256 {
            let r = self.immortal(
                Kind::Int(i),
                sizes::int_request(64 - i.unsigned_abs().leading_zeros() as u64),
            )?;
            self.small_ints.push(r);
        }
        self.n = types::Names::new(self);
        types::bootstrap_types(self)?;
        crate::builtins::install(self)?;
        self.gc_garbage = self
            .new_list(Vec::new())
            .map_err(|_| crate::object::heap::OutOfMemory)?;
        self.gc_callbacks = self
            .new_list(Vec::new())
            .map_err(|_| crate::object::heap::OutOfMemory)?;
        let me = self
            .new_exception_obj(self.t.memory_error, Vec::new())
            .map_err(|_| crate::object::heap::OutOfMemory)?;
        self.memory_error = Some(me);
        Ok(())
    }

    // ---- reference counting -------------------------------------------

    /// `Py_INCREF`.
    #[inline]
    pub fn incref(&mut self, r: ObjRef) {
        self.heap.incref(r);
    }

    /// `Py_DECREF`: at zero the object is deallocated now (its `__del__`
    /// runs first), and what it owned is released depth-first.
    #[inline]
    pub fn decref(&mut self, r: ObjRef) {
        let mark = self.heap.zero_mark();
        if self.heap.decref_to_zero(r) {
            self.drain_zeros(mark);
        } else if self.gc_note_decref && self.heap.get(r).kind.is_gc() {
            self.gc.note_decref(&self.heap, r);
        }
    }

    /// `Py_XDECREF`.
    #[inline]
    pub fn xdecref(&mut self, r: Option<ObjRef>) {
        if let Some(r) = r {
            self.decref(r);
        }
    }

    /// A new reference to `r`.
    #[inline]
    pub fn new_ref(&mut self, r: ObjRef) -> ObjRef {
        self.heap.incref(r);
        r
    }

    /// The object.
    #[inline]
    pub fn obj(&self, r: ObjRef) -> &Obj {
        self.heap.get(r)
    }

    /// Its contents.
    #[inline]
    pub fn kind(&self, r: ObjRef) -> &Kind {
        &self.heap.get(r).kind
    }

    // ---- singletons ---------------------------------------------------

    /// A new reference to `None`.
    #[inline]
    pub fn none(&mut self) -> ObjRef {
        self.none
    }
    /// The `None` handle (no new reference).
    #[inline]
    pub fn none_ref(&self) -> ObjRef {
        self.none
    }
    /// `True`/`False`.
    #[inline]
    pub fn bool_obj(&mut self, b: bool) -> ObjRef {
        if b { self.true_ } else { self.false_ }
    }
    /// `NotImplemented`.
    pub fn not_implemented(&self) -> ObjRef {
        self.not_implemented
    }
    /// `...`.
    pub fn new_ellipsis(&self) -> ObjRef {
        self.ellipsis
    }
    /// Whether `r` is `None`.
    #[inline]
    pub fn is_none(&self, r: ObjRef) -> bool {
        r == self.none
    }

    // ---- object creation ------------------------------------------------

    /// Allocate an object of `size` bytes; `MemoryError` when the allocator refuses.
    pub fn alloc(&mut self, kind: Kind, size: usize) -> PyResult<ObjRef> {
        // A bare object() has no GC header in CPython.
        let gc = kind.is_gc() && !matches!(&kind, Kind::Instance(i) if i.class == self.t.object);
        match self.heap.alloc(kind, size) {
            Ok(r) => {
                if gc {
                    self.gc_track_new(r);
                }
                Ok(r)
            }
            Err(_) => Err(self.memory_error()),
        }
    }

    /// The `MemoryError` to raise.
    pub fn memory_error(&mut self) -> PyErr {
        match self.memory_error {
            Some(e) => {
                self.incref(e);
                PyErr::Exc(e)
            }
            None => PyErr::Abort(Abort::Internal("out of memory during start-up".into())),
        }
    }

    /// A Python int from an `i64` (cached for -5..=256 when interning is on).
    #[inline]
    pub fn new_int(&mut self, i: i64) -> PyResult<ObjRef> {
        if let Some(range) = &self.small_int_range
            && range.contains(&i)
            && let Some(&r) = self.small_ints.get((i + 5) as usize)
        {
            return Ok(r);
        }
        let bits = 64 - i.unsigned_abs().leading_zeros() as u64;
        self.alloc(Kind::Int(i), sizes::int_request(bits))
    }

    /// A Python int from a big integer (normalized to the `i64` form when it fits).
    pub fn new_bigint(&mut self, i: BigInt) -> PyResult<ObjRef> {
        match i.to_i64() {
            Some(v) => self.new_int(v),
            None => {
                let bits = i.bits();
                self.alloc(Kind::BigInt(Box::new(i)), sizes::int_request(bits))
            }
        }
    }

    /// A float.
    pub fn new_float(&mut self, f: f64) -> PyResult<ObjRef> {
        self.alloc(Kind::Float(f), sizes::FLOAT)
    }

    /// A str (empty and single latin-1 characters are shared, as CPython's).
    pub fn new_str(&mut self, s: &str) -> PyResult<ObjRef> {
        if s.is_empty() {
            return Ok(self.empty_str);
        }
        let mut it = s.chars();
        if let (Some(c), None) = (it.next(), it.clone().next())
            && (c as u32) < 256
        {
            return self.latin1_char(c);
        }
        let so = make_str(s);
        let size = sizes::str_size(so.chars, so.width as usize, so.ascii);
        self.alloc(Kind::Str(so), size)
    }

    fn latin1_char(&mut self, c: char) -> PyResult<ObjRef> {
        let i = c as usize;
        if let Some(Some(r)) = self.latin1.get(i) {
            let r = *r;
            return Ok(r);
        }
        let so = make_str(c.encode_utf8(&mut [0; 4]));
        let size = sizes::str_size(1, 1, so.ascii);
        let r = self
            .heap
            .alloc(Kind::Str(so), size)
            .map_err(|_| self.memory_error())?;
        self.heap.make_immortal(r);
        if let Some(slot) = self.latin1.get_mut(i) {
            *slot = Some(r);
        }
        Ok(r)
    }

    /// A str from a `String`.
    pub fn new_string(&mut self, s: String) -> PyResult<ObjRef> {
        self.new_str(&s)
    }

    /// The canonical interned str equal to `s` (CPython's `PyUnicode_InternInPlace`).
    pub fn intern_str(&mut self, s: &str) -> PyResult<ObjRef> {
        if let Some(r) = self.lookup_interned(s) {
            self.incref(r);
            return Ok(r);
        }
        let r = self.new_str(s)?;
        self.register_interned(s, r);
        Ok(r)
    }

    /// Record `r` (a str equal to `s`) as the interned instance. The table's
    /// reference is not counted (3.11's mortal interned strings).
    pub fn register_interned(&mut self, s: &str, r: ObjRef) {
        if let Some(o) = self.heap.get_mut(r)
            && o.flags & flags::IMMORTAL == 0
        {
            o.flags |= flags::INTERNED;
        }
        let _ = self.interned.intern_with(s, |_| r);
    }

    /// The interned str for `s`, if any.
    pub fn lookup_interned(&self, s: &str) -> Option<ObjRef> {
        self.interned.get_value(s).map(|(_, r)| *r)
    }

    pub(crate) fn forget_interned(&mut self, s: &str) {
        self.interned.remove(s);
    }

    /// Bytes.
    pub fn new_bytes(&mut self, b: &[u8]) -> PyResult<ObjRef> {
        let size = sizes::BYTES_BASE + b.len();
        self.alloc(Kind::Bytes(b.into()), size)
    }

    /// A tuple taking ownership of `items`.
    pub fn new_tuple(&mut self, items: Vec<ObjRef>) -> PyResult<ObjRef> {
        if items.is_empty() {
            return Ok(self.empty_tuple);
        }
        let size = sizes::tuple_size(items.len());
        match self.heap.alloc(Kind::Tuple(items.into_boxed_slice()), size) {
            Ok(r) => {
                self.gc_track_new(r);
                Ok(r)
            }
            Err(_) => Err(self.memory_error()),
        }
    }

    /// A list taking ownership of `items`, allocated exactly (as `list(...)` of a sized iterable).
    pub fn new_list(&mut self, items: Vec<ObjRef>) -> PyResult<ObjRef> {
        let n = items.len();
        let buf = if n == 0 {
            None
        } else {
            match self.heap.alloc_block(8 * n) {
                Ok(b) => Some(b),
                Err(_) => {
                    for i in items {
                        self.decref(i);
                    }
                    return Err(self.memory_error());
                }
            }
        };
        self.alloc(
            Kind::List(List {
                items,
                allocated: n,
                buf,
            }),
            sizes::LIST,
        )
    }

    /// An empty dict.
    pub fn new_dict(&mut self) -> PyResult<ObjRef> {
        self.alloc(Kind::Dict(Box::default()), sizes::DICT)
    }

    /// An empty set (`frozen` for a frozenset).
    pub fn new_set(&mut self, frozen: bool) -> PyResult<ObjRef> {
        let k = if frozen {
            Kind::FrozenSet(Box::default())
        } else {
            Kind::Set(Box::default())
        };
        self.alloc(k, sizes::SET)
    }

    /// A cell.
    pub fn new_cell(&mut self, v: Option<ObjRef>) -> PyResult<ObjRef> {
        self.alloc(Kind::Cell(v), sizes::CELL)
    }

    /// A plain instance of `class` with no attributes.
    pub fn new_instance(&mut self, class: ObjRef) -> PyResult<ObjRef> {
        self.incref(class);
        // A bare object() has no dict: a 16-byte PyObject.
        let plain = class == self.t.object;
        let size = if plain { sizes::NONE } else { sizes::INSTANCE };
        // init_inline_values: roundup(n + 3, 8) + 8 * (n + 1) bytes for the
        // n names of the class's shared keys.
        let values = if plain {
            None
        } else {
            let n = self.class(class).map_or(0, |c| c.shared_names);
            match self.heap.alloc_block((n + 3).div_ceil(8) * 8 + 8 * (n + 1)) {
                Ok(b) => Some(b),
                Err(_) => {
                    self.decref(class);
                    return Err(self.memory_error());
                }
            }
        };
        self.alloc(
            Kind::Instance(Box::new(crate::object::Instance {
                class,
                attrs: Attrs::default(),
                exc: None,
                values,
            })),
            size,
        )
    }

    // ---- names ----------------------------------------------------------

    /// Intern an identifier for attribute and variable access.
    pub fn intern_name(&mut self, s: &str) -> NameId {
        if let Some(&id) = self.name_ids.get(s) {
            return id;
        }
        let id = NameId(self.name_text.len() as u32);
        let text: Rc<str> = Rc::from(s);
        let r = match self.lookup_interned(s) {
            Some(r) => {
                self.incref(r);
                r
            }
            None => {
                let r = match self.new_str(s) {
                    Ok(r) => r,
                    Err(e) => {
                        self.drop_err(e);
                        self.empty_str
                    }
                };
                self.register_interned(s, r);
                r
            }
        };
        self.name_strs.push(r);
        self.name_text.push(text.clone());
        self.name_ids.insert(text, id);
        id
    }

    /// The text of a name.
    pub fn name_str(&self, id: NameId) -> &str {
        self.name_text.get(id.0 as usize).map_or("", |s| s)
    }

    /// The str object of a name (no new reference).
    pub fn name_obj(&self, id: NameId) -> ObjRef {
        self.name_strs
            .get(id.0 as usize)
            .copied()
            .unwrap_or(self.empty_str)
    }

    /// The name for a str object's text, if it is already a known name.
    pub fn name_of_str(&mut self, r: ObjRef) -> Option<NameId> {
        match self.kind(r) {
            Kind::Str(s) => {
                let s: Rc<str> = Rc::from(&*s.s);
                Some(self.intern_name(&s))
            }
            _ => None,
        }
    }

    /// Release the names table's strings (teardown).
    pub(crate) fn release_names(&mut self) {
        let strs = std::mem::take(&mut self.name_strs);
        self.name_text.clear();
        self.name_ids.clear();
        for r in strs {
            self.decref(r);
        }
    }

    /// Discard an error nobody will see (releasing the exception).
    pub fn drop_err(&mut self, e: PyErr) {
        if let PyErr::Exc(r) = e {
            self.decref(r);
        }
    }

    /// Write text to stdout.
    pub fn write_out(&mut self, s: &str) {
        self.stdout.extend_from_slice(s.as_bytes());
    }

    /// Write text to stderr.
    pub fn write_err(&mut self, s: &str) {
        self.stderr.extend_from_slice(s.as_bytes());
    }
}

/// Build a [`StrObj`] (computing the PEP 393 kind).
pub fn make_str(s: &str) -> StrObj {
    let (width, ascii) = sizes::str_kind(s);
    StrObj {
        chars: if ascii { s.len() } else { s.chars().count() },
        s: s.into(),
        width: width as u8,
        ascii,
        hash: std::cell::Cell::new(-1),
    }
}
