//! Raising exceptions from Rust: [`PyErr`], and helpers that build the
//! exception objects CPython raises with CPython's messages.

use crate::object::{ExcState, Instance, Kind, ObjRef, sizes};

use super::{PyResult, Vm};

/// Why a run stops without a Python exception.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Abort {
    /// `--max-steps` exhausted.
    StepLimit(u64),
    /// An internal invariant failed (reported, never a panic).
    Internal(String),
}

/// A raised exception (an owned reference to the exception object), or an
/// abort that no `except` clause can catch.
#[derive(Debug)]
pub enum PyErr {
    /// A Python exception.
    Exc(ObjRef),
    /// Stop the run.
    Abort(Abort),
}

impl Vm {
    /// A new exception instance of `class` with `args` (owned).
    pub fn new_exception_obj(&mut self, class: ObjRef, args: Vec<ObjRef>) -> PyResult<ObjRef> {
        let args = self.new_tuple(args)?;
        self.incref(class);
        self.alloc(
            Kind::Instance(Box::new(Instance {
                class,
                attrs: Default::default(),
                values: None,
                exc: Some(Box::new(ExcState {
                    args: Some(args),
                    ..Default::default()
                })),
            })),
            sizes::EXCEPTION,
        )
    }

    /// An exception of `class` with one str argument, as a [`PyErr`].
    pub fn err(&mut self, class: ObjRef, msg: impl AsRef<str>) -> PyErr {
        let s = match self.new_str(msg.as_ref()) {
            Ok(s) => s,
            Err(e) => return e,
        };
        match self.new_exception_obj(class, vec![s]) {
            Ok(e) => PyErr::Exc(e),
            Err(e) => e,
        }
    }

    /// An exception of `class` with no arguments.
    pub fn err_noarg(&mut self, class: ObjRef) -> PyErr {
        match self.new_exception_obj(class, Vec::new()) {
            Ok(e) => PyErr::Exc(e),
            Err(e) => e,
        }
    }

    /// An exception of `class` whose single argument is `arg` (owned).
    pub fn err_with(&mut self, class: ObjRef, arg: ObjRef) -> PyErr {
        match self.new_exception_obj(class, vec![arg]) {
            Ok(e) => PyErr::Exc(e),
            Err(e) => e,
        }
    }

    /// `TypeError(msg)`.
    pub fn type_error(&mut self, msg: impl AsRef<str>) -> PyErr {
        let c = self.t.type_error;
        self.err(c, msg)
    }
    /// `ValueError(msg)`.
    pub fn value_error(&mut self, msg: impl AsRef<str>) -> PyErr {
        let c = self.t.value_error;
        self.err(c, msg)
    }
    /// `IndexError(msg)`.
    pub fn index_error(&mut self, msg: impl AsRef<str>) -> PyErr {
        let c = self.t.index_error;
        self.err(c, msg)
    }
    /// `KeyError(key)` (takes a new reference to `key`).
    pub fn key_error(&mut self, key: ObjRef) -> PyErr {
        self.incref(key);
        let c = self.t.key_error;
        self.err_with(c, key)
    }
    /// `AttributeError(msg)`.
    pub fn attribute_error(&mut self, msg: impl AsRef<str>) -> PyErr {
        let c = self.t.attribute_error;
        self.err(c, msg)
    }
    /// `ZeroDivisionError(msg)`.
    pub fn zero_division(&mut self, msg: impl AsRef<str>) -> PyErr {
        let c = self.t.zero_division_error;
        self.err(c, msg)
    }
    /// `OverflowError(msg)`.
    pub fn overflow_error(&mut self, msg: impl AsRef<str>) -> PyErr {
        let c = self.t.overflow_error;
        self.err(c, msg)
    }
    /// `RuntimeError(msg)`.
    pub fn runtime_error(&mut self, msg: impl AsRef<str>) -> PyErr {
        let c = self.t.runtime_error;
        self.err(c, msg)
    }
    /// `NameError(msg)`.
    pub fn name_error(&mut self, msg: impl AsRef<str>) -> PyErr {
        let c = self.t.name_error;
        self.err(c, msg)
    }
    /// `StopIteration()`.
    pub fn stop_iteration(&mut self) -> PyErr {
        let c = self.t.stop_iteration;
        self.err_noarg(c)
    }

    /// Whether `err` is an instance of exception class `class`.
    pub fn err_matches(&self, err: &PyErr, class: ObjRef) -> bool {
        match err {
            PyErr::Exc(e) => {
                let c = self.type_of(*e);
                self.is_subclass(c, class)
            }
            PyErr::Abort(_) => false,
        }
    }

    /// The exception state of an exception object.
    pub fn exc_state(&self, e: ObjRef) -> Option<&ExcState> {
        match self.kind(e) {
            Kind::Instance(i) => i.exc.as_deref(),
            _ => None,
        }
    }

    /// Mutable exception state.
    pub fn exc_state_mut(&mut self, e: ObjRef) -> Option<&mut ExcState> {
        match self.heap.get_mut(e).map(|o| &mut o.kind) {
            Some(Kind::Instance(i)) => i.exc.as_deref_mut(),
            _ => None,
        }
    }

    /// `BaseException.__str__`: `''`, `str(args[0])`, or `str(args)`.
    pub fn exc_str(&mut self, e: ObjRef) -> PyResult<String> {
        let args = self.exc_state(e).and_then(|s| s.args);
        let Some(args) = args else {
            return Ok(String::new());
        };
        let items: Vec<ObjRef> = match self.kind(args) {
            Kind::Tuple(t) => t.to_vec(),
            _ => Vec::new(),
        };
        let cls = self.type_of(e);
        if self.is_subclass(cls, self.t.key_error) && items.len() == 1 {
            return self.repr_string(items[0]);
        }
        match items.len() {
            0 => Ok(String::new()),
            1 => self.str_string(items[0]),
            _ => self.repr_string(args),
        }
    }
}
