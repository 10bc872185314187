//! The re-entrancy guard: while the tracer works on this thread (tables
//! locked, frame stack changing), allocation events on the same thread are
//! ignored instead of traced or deadlocking. CPython's tracemalloc has the
//! same flag (`tracemalloc_reentrant_key`). Const-initialized and without
//! destructor, so reading it never allocates.

use core::cell::Cell;

thread_local! {
    static IN_TRACER: Cell<bool> = const { Cell::new(false) };
}

/// Whether this thread is inside the tracer (or exiting).
#[inline]
pub(crate) fn in_tracer() -> bool {
    IN_TRACER.try_with(Cell::get).unwrap_or(true)
}

/// Marks this thread as inside the tracer until dropped (nests).
pub(crate) struct TracerGuard {
    was: bool,
}

impl TracerGuard {
    #[inline]
    pub(crate) fn enter() -> Self {
        let was = IN_TRACER.try_with(|f| f.replace(true)).unwrap_or(true);
        TracerGuard { was }
    }
}

impl Drop for TracerGuard {
    #[inline]
    fn drop(&mut self) {
        let was = self.was;
        let _ = IN_TRACER.try_with(|f| f.set(was));
    }
}
