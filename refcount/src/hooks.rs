//! Hooks through which a store tells a collector about reference-count
//! events.

use crate::Handle;

/// Events a cycle collector (or a statistics gatherer) wants to hear about.
///
/// The store owns its hooks value and calls it with handles only: a hook
/// can record an event (push a candidate root, bump a counter) but cannot
/// reach back into the store or the host, so calling it while the store is
/// borrowed is sound. A host that keeps its collector elsewhere drains what
/// its hooks recorded (see [`Recorder`]), or simply reads the return values
/// of [`Store::insert`](crate::Store::insert) and
/// [`Store::decref`](crate::Store::decref), which carry the same facts.
///
/// All methods default to doing nothing.
pub trait Hooks {
    /// A new object was inserted (CPython: `_PyObject_GC_Link` counting an
    /// allocation).
    fn on_alloc(&mut self, _handle: Handle) {}
    /// An object was freed and its slot vacated (CPython: `PyObject_GC_Del`).
    fn on_dealloc(&mut self, _handle: Handle) {}
    /// A `decref` left the count above zero: the object may now be the
    /// root of an unreachable cycle (Bacon–Rajan's "possible root", purple).
    fn on_decref_nonzero(&mut self, _handle: Handle, _refcount: usize) {}
}

/// Hooks that do nothing; the default, compiled away entirely.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct NoHooks;

impl Hooks for NoHooks {}

/// Hooks that record events in vectors for the host to drain.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Recorder {
    /// Objects allocated since the last drain, in order.
    pub allocated: Vec<Handle>,
    /// Objects freed since the last drain, in order.
    pub deallocated: Vec<Handle>,
    /// Objects decremented to a non-zero count since the last drain, in
    /// order (with repeats).
    pub decremented: Vec<Handle>,
}

impl Recorder {
    /// Empties all three vectors.
    pub fn clear(&mut self) {
        self.allocated.clear();
        self.deallocated.clear();
        self.decremented.clear();
    }
}

impl Hooks for Recorder {
    fn on_alloc(&mut self, handle: Handle) {
        self.allocated.push(handle);
    }
    fn on_dealloc(&mut self, handle: Handle) {
        self.deallocated.push(handle);
    }
    fn on_decref_nonzero(&mut self, handle: Handle, _refcount: usize) {
        self.decremented.push(handle);
    }
}
