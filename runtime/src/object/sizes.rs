//! CPython 3.11's object sizes (64-bit build), as `sys.getsizeof` reports
//! them: `tp_basicsize + ob_size * tp_itemsize`, plus the 16-byte `PyGC_Head`
//! for GC objects and the 16-byte managed-dict pre-header for instances.
//! These are also the sizes of the blocks the runtime requests from the
//! allocator, so the allocator sees CPython's request sizes. Growth
//! policies (list over-allocation, dict and set tables) are `ops::list_growth`'s.

/// `PyGC_Head`: two pointers before every GC object.
pub const GC_HEAD: usize = 16;
/// `None`, `NotImplemented`, `Ellipsis`: a bare `PyObject`.
pub const NONE: usize = 16;
/// `float`: `PyFloatObject`.
pub const FLOAT: usize = 24;
/// `list` object (without its item array).
pub const LIST: usize = 40 + GC_HEAD;
/// `dict` object (without its keys table).
pub const DICT: usize = 48 + GC_HEAD;
/// `set`/`frozenset` object, including its 8-entry small table.
pub const SET: usize = 200 + GC_HEAD;
/// Plain instance of a Python class (3.11 managed dict: pre-header + GC head + basicsize).
pub const INSTANCE: usize = 56;
/// Function object.
pub const FUNCTION: usize = 152;
/// Bound method.
pub const METHOD: usize = 64;
/// Built-in function or method.
pub const BUILTIN: usize = 72;
/// Class object (`type` instance).
pub const CLASS: usize = 1688;
/// Generator object.
pub const GENERATOR: usize = 200;
/// Cell object.
pub const CELL: usize = 40;
/// Code object (approximate: CPython's varies with the code).
pub const CODE: usize = 208;
/// Module object.
pub const MODULE: usize = 72;
/// Iterators, views, `range`, `enumerate`, `zip`, `map`, `filter`...
pub const ITER: usize = 48;
/// `staticmethod`, `classmethod`.
pub const DESCR: usize = 48;
/// `property`.
pub const PROPERTY: usize = 80;
/// `slice`.
pub const SLICE: usize = 56;
/// `BaseException` instances.
pub const EXCEPTION: usize = 88;
/// `bytes` header (plus length + 1).
pub const BYTES_BASE: usize = 33;

/// `int`: 24-byte header plus 4 bytes per 30-bit digit (at least one).
pub fn int_size(bits: u64) -> usize {
    let digits = bits.div_ceil(30).max(1) as usize;
    24 + 4 * digits
}

/// The bytes `_PyLong_New` requests from the allocator: 4 more than
/// `sys.getsizeof` reports (measured with tracemalloc on 3.11).
pub fn int_request(bits: u64) -> usize {
    int_size(bits) + 4
}

/// `tuple`: 24-byte header + 8 per item + GC head.
pub fn tuple_size(len: usize) -> usize {
    crate::ops::list_growth::tuple_sizeof(len)
}

/// The storage kind of a str (PEP 393): bytes per character and whether all
/// characters are ASCII.
pub fn str_kind(s: &str) -> (usize, bool) {
    let mut max = 0u32;
    for c in s.chars() {
        max = max.max(c as u32);
    }
    if max < 0x80 {
        (1, true)
    } else if max < 0x100 {
        (1, false)
    } else if max < 0x10000 {
        (2, false)
    } else {
        (4, false)
    }
}

/// `str`: compact ASCII is 48 + len + 1; other compact kinds are
/// 72 + (len + 1) * char size.
pub fn str_size(chars: usize, width: usize, ascii: bool) -> usize {
    if ascii {
        48 + chars + 1
    } else {
        72 + (chars + 1) * width
    }
}
