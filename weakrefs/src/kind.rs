//! Which kinds of object can be weakly referenced.
//!
//! In CPython a type supports weak references when `tp_weaklistoffset` is
//! non-zero. The host answers for its own kinds through [`ReferentKind`];
//! [`builtin_allows_weakrefs`] gives CPython 3.11's answer for built-in
//! type names, checked against `python3` (reference §4.1, experiment 7.20).

use crate::WeakError;

/// The host's answer about one referent: its type name and whether its
/// type has a weak reference list.
pub trait ReferentKind {
    /// `type(o).__name__` (`"int"`, `"Slots"`, `"weakref.ReferenceType"`).
    fn type_name(&self) -> &str;
    /// Whether the type supports weak references (`tp_weaklistoffset`).
    fn allows_weakrefs(&self) -> bool;
}

/// A ready-made [`ReferentKind`]: a type name and the answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kind<'a> {
    /// `type(o).__name__`.
    pub type_name: &'a str,
    /// Whether the type supports weak references.
    pub weakrefable: bool,
}

impl<'a> Kind<'a> {
    /// A kind whose answer is CPython's for the built-in `type_name`; any
    /// name CPython does not know as built-in is taken for a user class
    /// with a `__dict__`, which allows weak references.
    #[must_use]
    pub fn builtin(type_name: &'a str) -> Self {
        Self {
            type_name,
            weakrefable: builtin_allows_weakrefs(type_name).unwrap_or(true),
        }
    }

    /// A user class: weakly referenceable unless it has `__slots__`
    /// without `'__weakref__'`.
    #[must_use]
    pub fn user_class(type_name: &'a str, slots_without_weakref: bool) -> Self {
        Self {
            type_name,
            weakrefable: !slots_without_weakref,
        }
    }
}

impl ReferentKind for Kind<'_> {
    fn type_name(&self) -> &str {
        self.type_name
    }

    fn allows_weakrefs(&self) -> bool {
        self.weakrefable
    }
}

/// Built-in types of CPython 3.11 that do **not** allow weak references.
pub const NOT_WEAKREFABLE: &[&str] = &[
    "int",
    "bool",
    "float",
    "complex",
    "str",
    "bytes",
    "bytearray",
    "tuple",
    "list",
    "dict",
    "NoneType",
    "NotImplementedType",
    "ellipsis",
    "object",
    "range",
    "slice",
    "cell",
    "frame",
    "super",
    "property",
    "classmethod",
    "staticmethod",
    "enumerate",
    "zip",
    "map",
    "filter",
    "list_iterator",
    "list_reverseiterator",
    "tuple_iterator",
    "set_iterator",
    "range_iterator",
    "str_iterator",
    "dict_keys",
    "dict_values",
    "dict_items",
    "dict_keyiterator",
    "dict_valueiterator",
    "dict_itemiterator",
    "BaseException",
    "Exception",
    "weakref.ReferenceType",
    "weakref.ProxyType",
    "weakref.CallableProxyType",
    "finalize",
];

/// Built-in types of CPython 3.11 that allow weak references.
pub const WEAKREFABLE: &[&str] = &[
    "set",
    "frozenset",
    "type",
    "function",
    "builtin_function_or_method",
    "method",
    "generator",
    "module",
    "code",
    "memoryview",
    "WeakSet",
    "WeakValueDictionary",
    "WeakKeyDictionary",
];

/// CPython 3.11's answer for a built-in type name, or `None` when the name
/// is not one of the built-in types listed here.
///
/// Exceptions: every built-in exception type lacks a weak reference list
/// in 3.11; only `BaseException` and `Exception` are listed, the host
/// answers for the others.
#[must_use]
pub fn builtin_allows_weakrefs(type_name: &str) -> Option<bool> {
    if NOT_WEAKREFABLE.contains(&type_name) {
        Some(false)
    } else if WEAKREFABLE.contains(&type_name) {
        Some(true)
    } else {
        None
    }
}

/// `Ok` when `kind` allows weak references, otherwise CPython's
/// `TypeError: cannot create weak reference to '<name>' object`.
pub fn check_weakrefable(kind: &(impl ReferentKind + ?Sized)) -> Result<(), WeakError> {
    if kind.allows_weakrefs() {
        Ok(())
    } else {
        Err(WeakError::NotWeakrefable {
            type_name: kind.type_name().to_owned(),
        })
    }
}
