//! The object model: handles, object kinds, and the heap that owns them.
//!
//! Every Python object is an [`Obj`] in the [`Heap`], reached through an
//! [`ObjRef`] (a generational handle: a stale handle reads as a dead
//! object, never as another object). Each object owns a block from the
//! configured allocator of CPython 3.11's size (see [`sizes`]); `id(obj)` is
//! that block's address. Container storage (list item arrays, dict keys
//! tables, set tables) is allocated, grown and freed through the same
//! allocator with CPython's growth policies.

pub mod dict;
pub mod heap;
pub mod set;
pub mod sizes;

use std::rc::Rc;

use alloc_pool::Block;
use num_bigint::BigInt;

pub use dict::Dict;
pub use heap::Heap;
pub use set::SetTable;

use crate::vm::code::Code;
use crate::vm::frame::Frame;

/// A handle to an object in the [`Heap`]: `refcount`'s generational
/// handle (a stale handle reads as a dead object, never as another object).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjRef(pub refcount::Handle);

impl ObjRef {
    /// Build a handle from raw parts (tests and tables): slot index and version.
    pub fn from_raw(idx: u32, version: u32) -> Self {
        let ffi = (u64::from(version | 1) << 32) | u64::from(idx);
        ObjRef(refcount::Handle::from(slotmap::KeyData::from_ffi(ffi)))
    }
}

/// An interned attribute or variable name (index into the runtime's name table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NameId(pub u32);

/// Attributes keyed by interned name, in insertion order (3.11's inline
/// values for instances; a small table for classes and modules).
#[derive(Clone, Debug, Default)]
pub struct Attrs {
    /// (name, value) pairs in insertion order.
    pub items: Vec<(NameId, ObjRef)>,
}

impl Attrs {
    /// Value of `name`.
    #[inline]
    pub fn get(&self, name: NameId) -> Option<ObjRef> {
        self.items.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    }
    /// Set `name`, returning the previous value (which the caller releases).
    pub fn set(&mut self, name: NameId, value: ObjRef) -> Option<ObjRef> {
        for (n, v) in self.items.iter_mut() {
            if *n == name {
                return Some(std::mem::replace(v, value));
            }
        }
        self.items.push((name, value));
        None
    }
    /// Remove `name`, returning its value.
    pub fn remove(&mut self, name: NameId) -> Option<ObjRef> {
        let pos = self.items.iter().position(|(n, _)| *n == name)?;
        Some(self.items.remove(pos).1)
    }
}

/// A Python class (a `type` instance), built-in or user-defined.
#[derive(Debug)]
pub struct Class {
    /// `__name__`.
    pub name: String,
    /// `__qualname__`.
    pub qualname: String,
    /// The single base (`None` only for `object`).
    pub base: Option<ObjRef>,
    /// The class namespace.
    pub attrs: Attrs,
    /// `__mro__`: this class first, then its bases up to `object`.
    pub mro: Vec<ObjRef>,
    /// The built-in type whose layout instances use.
    pub layout: Layout,
    /// Fast checks, refreshed when the class dict changes.
    pub slots: SlotFlags,
    /// `__module__`.
    pub module: String,
    /// The constructor of a built-in type (`int(...)`, `list(...)`).
    pub ctor: Option<NativeFn>,
    /// How many attribute names instances of this class have used (CPython's
    /// shared keys): sizes the values array of new instances.
    pub shared_names: usize,
}

/// Which special methods a class (or a base) defines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SlotFlags {
    /// `__del__` (a finalizer).
    pub has_del: bool,
    /// `__getattr__`.
    pub has_getattr: bool,
    /// `__eq__` defined in Python.
    pub has_eq: bool,
    /// `__hash__` defined in Python.
    pub has_hash: bool,
    /// `__hash__ = None` (unhashable), or `__eq__` without `__hash__`.
    pub unhashable: bool,
    /// `__setattr__` defined in Python.
    pub has_setattr: bool,
}

/// The built-in layout an instance uses (CPython's `tp_base` solid base).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Not instantiable this way (a built-in type with its own kind).
    Builtin(TypeTag),
    /// A plain instance (`object` subclass).
    Object,
    /// An exception instance.
    Exception,
}

/// The built-in types, one tag each.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TypeTag {
    Object,
    Type,
    NoneType,
    NotImplementedType,
    Ellipsis,
    Bool,
    Int,
    Float,
    Str,
    Bytes,
    Tuple,
    List,
    Dict,
    Set,
    FrozenSet,
    Range,
    Slice,
    Function,
    BuiltinFunction,
    Method,
    Cell,
    Code,
    Module,
    Generator,
    Iterator,
    StaticMethod,
    ClassMethod,
    Property,
    Super,
    DictKeys,
    DictValues,
    DictItems,
    BaseException,
}

/// A Python-level function.
#[derive(Debug)]
pub struct Function {
    /// The compiled body.
    pub code: Rc<Code>,
    /// The `Code` heap object (owns the constants).
    pub code_obj: ObjRef,
    /// The module's globals (a dict).
    pub globals: ObjRef,
    /// Positional defaults.
    pub defaults: Vec<ObjRef>,
    /// Keyword-only defaults by name.
    pub kwdefaults: Vec<(NameId, ObjRef)>,
    /// Closure cells, in the order of the code's free variables.
    pub closure: Vec<ObjRef>,
    /// `__name__`.
    pub name: String,
    /// `__qualname__`.
    pub qualname: String,
    /// Attributes set on the function object.
    pub attrs: Attrs,
}

/// Signature of a native function: `(vm, self, positional, keyword)`.
pub type NativeFn = fn(
    &mut crate::vm::Vm,
    Option<ObjRef>,
    &[ObjRef],
    &[(NameId, ObjRef)],
) -> crate::vm::PyResult<ObjRef>;

/// A function implemented in Rust (`builtin_function_or_method`).
#[derive(Debug)]
pub struct Builtin {
    /// `__name__`.
    pub name: &'static str,
    /// The implementation.
    pub func: NativeFn,
    /// The bound receiver, for methods of built-in types.
    pub receiver: Option<ObjRef>,
}

/// What a built-in iterator walks over.
#[allow(missing_docs)]
#[derive(Debug)]
pub enum IterKind {
    /// list, tuple, str (by character index), bytes
    Seq {
        seq: ObjRef,
        idx: usize,
    },
    /// reversed(list/tuple/str)
    Reversed {
        seq: ObjRef,
        idx: Option<usize>,
    },
    Range {
        cur: i64,
        stop: i64,
        step: i64,
    },
    BigRange {
        cur: BigInt,
        stop: BigInt,
        step: BigInt,
    },
    /// dict keys/values/items by entry index
    Dict {
        dict: ObjRef,
        idx: usize,
        what: DictView,
        len: usize,
    },
    Set {
        set: ObjRef,
        slot: usize,
        len: usize,
    },
    Enumerate {
        it: ObjRef,
        count: i64,
    },
    Zip {
        its: Vec<ObjRef>,
    },
    Map {
        func: ObjRef,
        its: Vec<ObjRef>,
    },
    Filter {
        func: ObjRef,
        it: ObjRef,
    },
    /// a str iterated by byte offset (non-ASCII text)
    StrChars {
        s: ObjRef,
        byte: usize,
    },
    Exhausted,
}

/// Which part of a dict a view or iterator shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DictView {
    /// `keys()`
    Keys,
    /// `values()`
    Values,
    /// `items()`
    Items,
}

/// A str object (PEP 393 sizes are derived from `width`/`ascii`).
#[derive(Debug)]
pub struct StrObj {
    /// The text.
    pub s: Box<str>,
    /// Number of code points.
    pub chars: usize,
    /// Bytes per code point in CPython's compact layout (1, 2 or 4).
    pub width: u8,
    /// All ASCII (CPython's compact ASCII layout).
    pub ascii: bool,
    /// Cached hash (`-1`: not yet computed).
    pub hash: std::cell::Cell<i64>,
}

/// A list: items plus CPython's allocated capacity and its item-array block.
#[derive(Debug, Default)]
pub struct List {
    /// The items.
    pub items: Vec<ObjRef>,
    /// `allocated` as CPython's `list_resize` computes it.
    pub allocated: usize,
    /// The item array (`ob_item`) block, `8 * allocated` bytes.
    pub buf: Option<Block>,
}

/// A dict object.
#[derive(Debug, Default)]
pub struct DictObj {
    /// The table.
    pub table: Dict,
    /// The keys-table block.
    pub buf: Option<Block>,
}

/// A set or frozenset object.
#[derive(Debug, Default)]
pub struct SetObj {
    /// The table.
    pub table: SetTable,
    /// The table block once it outgrows the small table.
    pub buf: Option<Block>,
}

/// An instance of a Python class, or of an exception class.
#[derive(Debug)]
pub struct Instance {
    /// `__class__`.
    pub class: ObjRef,
    /// Instance attributes (3.11 inline values).
    pub attrs: Attrs,
    /// Exception state when the class derives from `BaseException`.
    pub exc: Option<Box<ExcState>>,
    /// The inline-values array (3.11 `new_values`: a separate PyMem block
    /// sized for the class's shared keys when the instance was created).
    pub values: Option<Block>,
}

/// What `BaseException` carries.
#[derive(Debug, Default)]
pub struct ExcState {
    /// `args` (a tuple).
    pub args: Option<ObjRef>,
    /// `__cause__`.
    pub cause: Option<ObjRef>,
    /// `__context__`.
    pub context: Option<ObjRef>,
    /// `__suppress_context__`.
    pub suppress_context: bool,
    /// Traceback entries, innermost first: (filename, line, function name).
    pub traceback: Vec<TraceEntry>,
    /// The frames the exception unwound, kept alive as CPython's traceback
    /// objects keep them (their locals die with the exception).
    pub frames: Vec<Box<Frame>>,
}

/// One traceback line.
#[derive(Clone, Debug)]
pub struct TraceEntry {
    /// The code's file name.
    pub filename: std::sync::Arc<str>,
    /// 1-based line.
    pub line: u32,
    /// The function name (`<module>` at top level).
    pub name: std::sync::Arc<str>,
}

/// A generator object: its suspended frame.
#[derive(Debug)]
pub struct Generator {
    /// The frame, `None` once finished.
    pub frame: Option<Box<Frame>>,
    /// Currently executing (re-entrance is a ValueError).
    pub running: bool,
    /// `__name__`.
    pub name: Rc<str>,
    /// `__qualname__`.
    pub qualname: Rc<str>,
}

/// A module object.
#[derive(Debug)]
pub struct Module {
    /// `__name__`.
    pub name: String,
    /// Its namespace (a dict object).
    pub dict: ObjRef,
}

/// What an object is.
#[allow(missing_docs)]
#[derive(Debug)]
pub enum Kind {
    None,
    NotImplemented,
    Ellipsis,
    Bool(bool),
    Int(i64),
    BigInt(Box<BigInt>),
    Float(f64),
    Str(StrObj),
    Bytes(Box<[u8]>),
    Tuple(Box<[ObjRef]>),
    List(List),
    Dict(Box<DictObj>),
    Set(Box<SetObj>),
    FrozenSet(Box<SetObj>),
    Range {
        start: ObjRef,
        stop: ObjRef,
        step: ObjRef,
    },
    Slice {
        start: ObjRef,
        stop: ObjRef,
        step: ObjRef,
    },
    Function(Box<Function>),
    Builtin(Builtin),
    Method {
        func: ObjRef,
        receiver: ObjRef,
    },
    Class(Box<Class>),
    Instance(Box<Instance>),
    Cell(Option<ObjRef>),
    Code(Rc<Code>),
    Module(Box<Module>),
    Generator(Box<Generator>),
    Iter(Box<IterKind>),
    DictViewObj {
        dict: ObjRef,
        what: DictView,
    },
    StaticMethod(ObjRef),
    ClassMethod(ObjRef),
    Property {
        fget: Option<ObjRef>,
        fset: Option<ObjRef>,
        fdel: Option<ObjRef>,
    },
    Super {
        class: ObjRef,
        obj: ObjRef,
    },
    /// A freed slot's contents (never reachable through a live handle).
    Dead,
}

impl Kind {
    /// Every reference this object owns (CPython's `tp_traverse`), in the
    /// order CPython's deallocator releases them.
    pub fn referents(&self, out: &mut Vec<ObjRef>) {
        match self {
            Kind::Tuple(items) => out.extend(items.iter().rev()),
            Kind::List(l) => out.extend(l.items.iter().rev()),
            Kind::Dict(d) => {
                for (_, k, v) in d.table.iter() {
                    out.push(k);
                    out.push(v);
                }
            }
            Kind::Set(s) | Kind::FrozenSet(s) => out.extend(s.table.iter().map(|(k, _)| k)),
            Kind::Range { start, stop, step } | Kind::Slice { start, stop, step } => {
                out.extend([*start, *stop, *step])
            }
            Kind::Function(f) => {
                out.push(f.code_obj);
                out.push(f.globals);
                out.extend(f.defaults.iter());
                out.extend(f.kwdefaults.iter().map(|(_, v)| *v));
                out.extend(f.closure.iter());
                out.extend(f.attrs.items.iter().map(|(_, v)| *v));
            }
            Kind::Builtin(b) => out.extend(b.receiver),
            Kind::Method { func, receiver } => out.extend([*func, *receiver]),
            Kind::Class(c) => {
                out.extend(c.base);
                out.extend(c.attrs.items.iter().map(|(_, v)| *v));
            }
            Kind::Instance(i) => {
                out.extend(i.attrs.items.iter().map(|(_, v)| *v));
                if let Some(e) = &i.exc {
                    out.extend(e.args);
                    out.extend(e.cause);
                    out.extend(e.context);
                    for f in &e.frames {
                        f.referents(out);
                    }
                }
                out.push(i.class);
            }
            Kind::Cell(c) => out.extend(*c),
            Kind::Module(m) => out.push(m.dict),
            Kind::Generator(g) => {
                if let Some(f) = &g.frame {
                    f.referents(out);
                }
            }
            Kind::Iter(it) => match &**it {
                IterKind::Seq { seq, .. } | IterKind::Reversed { seq, .. } => out.push(*seq),
                IterKind::Dict { dict, .. } => out.push(*dict),
                IterKind::Set { set, .. } => out.push(*set),
                IterKind::Enumerate { it, .. } => out.push(*it),
                IterKind::Zip { its } => out.extend(its.iter()),
                IterKind::Map { func, its } => {
                    out.push(*func);
                    out.extend(its.iter());
                }
                IterKind::Filter { func, it } => out.extend([*func, *it]),
                IterKind::StrChars { s, .. } => out.push(*s),
                IterKind::Range { .. } | IterKind::BigRange { .. } | IterKind::Exhausted => {}
            },
            Kind::DictViewObj { dict, .. } => out.push(*dict),
            Kind::StaticMethod(f) | Kind::ClassMethod(f) => out.push(*f),
            Kind::Property { fget, fset, fdel } => {
                out.extend([*fget, *fset, *fdel].into_iter().flatten())
            }
            Kind::Super { class, obj } => out.extend([*class, *obj]),
            Kind::Code(c) => out.extend(c.consts.iter()),
            Kind::None
            | Kind::NotImplemented
            | Kind::Ellipsis
            | Kind::Bool(_)
            | Kind::Int(_)
            | Kind::BigInt(_)
            | Kind::Float(_)
            | Kind::Str(_)
            | Kind::Bytes(_)
            | Kind::Dead => {}
        }
    }

    /// Whether CPython would track this kind in the cyclic GC.
    pub fn is_gc(&self) -> bool {
        !matches!(
            self,
            Kind::None
                | Kind::NotImplemented
                | Kind::Ellipsis
                | Kind::Bool(_)
                | Kind::Int(_)
                | Kind::BigInt(_)
                | Kind::Float(_)
                | Kind::Str(_)
                | Kind::Bytes(_)
                | Kind::Range { .. }
                | Kind::Slice { .. }
                | Kind::Code(_)
                | Kind::Dead
        )
    }
}

/// Per-object flags.
pub mod flags {
    /// Never counted, never freed before teardown (singletons, small ints).
    pub const IMMORTAL: u8 = 1;
    /// `__del__` has run (PEP 442's FINALIZED bit).
    pub const FINALIZED: u8 = 2;
    /// Interned str.
    pub const INTERNED: u8 = 8;
    /// Some weak reference points here: the weakref hook runs when it dies.
    pub const WEAKLY_REFERENCED: u8 = 16;
}

/// One object: flags, its allocator block and contents (the reference
/// count lives in the `refcount` store's slot).
#[derive(Debug)]
pub struct Obj {
    /// [`flags`] bits.
    pub flags: u8,
    /// The cycle collector's per-object header (tracked slot, FINALIZED).
    pub gc: cyclegc::GcHeader,
    /// The object's block (`id()` is its address).
    pub block: Option<Block>,
    /// Contents.
    pub kind: Kind,
}

impl refcount::Trace for Obj {
    fn trace(&self, visit: &mut dyn FnMut(refcount::Handle)) {
        // The common containers are visited without collecting first.
        match &self.kind {
            Kind::List(l) => l.items.iter().rev().for_each(|r| visit(r.0)),
            Kind::Tuple(t) => t.iter().rev().for_each(|r| visit(r.0)),
            Kind::Instance(i) => {
                if i.exc.is_none() {
                    i.attrs.items.iter().for_each(|(_, v)| visit(v.0));
                    visit(i.class.0);
                } else {
                    let mut v = Vec::new();
                    self.kind.referents(&mut v);
                    v.into_iter().for_each(|r| visit(r.0));
                }
            }
            Kind::None
            | Kind::NotImplemented
            | Kind::Ellipsis
            | Kind::Bool(_)
            | Kind::Int(_)
            | Kind::BigInt(_)
            | Kind::Float(_)
            | Kind::Str(_)
            | Kind::Bytes(_)
            | Kind::Dead => {}
            k => {
                let mut v = Vec::new();
                k.referents(&mut v);
                v.into_iter().for_each(|r| visit(r.0));
            }
        }
    }
}

/// The type name of a built-in kind (for the collector's debug output).
pub fn kind_type_name(k: &Kind) -> &'static str {
    match k {
        Kind::None => "NoneType",
        Kind::NotImplemented => "NotImplementedType",
        Kind::Ellipsis => "ellipsis",
        Kind::Bool(_) => "bool",
        Kind::Int(_) | Kind::BigInt(_) => "int",
        Kind::Float(_) => "float",
        Kind::Str(_) => "str",
        Kind::Bytes(_) => "bytes",
        Kind::Tuple(_) => "tuple",
        Kind::List(_) => "list",
        Kind::Dict(_) => "dict",
        Kind::Set(_) => "set",
        Kind::FrozenSet(_) => "frozenset",
        Kind::Range { .. } => "range",
        Kind::Slice { .. } => "slice",
        Kind::Function(_) => "function",
        Kind::Builtin(_) => "builtin_function_or_method",
        Kind::Method { .. } => "method",
        Kind::Class(_) => "type",
        Kind::Instance(_) => "object",
        Kind::Cell(_) => "cell",
        Kind::Code(_) => "code",
        Kind::Module(_) => "module",
        Kind::Generator(_) => "generator",
        Kind::Iter(_) => "iterator",
        Kind::DictViewObj { .. } => "dict_view",
        Kind::StaticMethod(_) => "staticmethod",
        Kind::ClassMethod(_) => "classmethod",
        Kind::Property { .. } => "property",
        Kind::Super { .. } => "super",
        Kind::Dead => "freed",
    }
}
