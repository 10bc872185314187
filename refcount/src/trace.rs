//! Handles and the trait through which an object lists its referents.

slotmap::new_key_type! {
    /// A generational handle to an object in a [`Store`](crate::Store).
    ///
    /// 8 bytes, `Copy`. A handle whose object was freed is *stale*: every
    /// store operation on it returns
    /// [`RefcountError::StaleHandle`](crate::RefcountError::StaleHandle),
    /// even after its slot is reused (the version differs).
    pub struct Handle;
}

/// An object that holds strong references to other objects of its store
/// (CPython: `tp_traverse`, seen from the deallocator's side).
///
/// Each handle reported counts as one reference the object owns: when the
/// object is freed, the store decrements each reported handle once.
/// Reporting a handle twice means owning two references.
pub trait Trace {
    /// Calls `visit` once per strong reference this object holds.
    fn trace(&self, visit: &mut dyn FnMut(Handle));

    /// The order in which deallocation releases the references (CPython's
    /// `tp_dealloc` order, which can differ from `tp_traverse`'s: a dict
    /// traverses value then key but deallocates key then value). Defaults
    /// to [`Trace::trace`]'s order. Must report the same multiset.
    fn trace_dealloc(&self, visit: &mut dyn FnMut(Handle)) {
        self.trace(visit);
    }
}

/// Objects that hold no references (ints, strings, plain data).
macro_rules! leaf_trace {
    ($($t:ty),*) => {$(
        impl Trace for $t {
            fn trace(&self, _visit: &mut dyn FnMut(Handle)) {}
        }
    )*};
}
leaf_trace!((), bool, i64, u64, f64, String);

impl Trace for Handle {
    fn trace(&self, visit: &mut dyn FnMut(Handle)) {
        visit(*self);
    }
}

impl<T: Trace> Trace for Vec<T> {
    fn trace(&self, visit: &mut dyn FnMut(Handle)) {
        for item in self {
            item.trace(visit);
        }
    }
}

impl<T: Trace> Trace for Option<T> {
    fn trace(&self, visit: &mut dyn FnMut(Handle)) {
        if let Some(item) = self {
            item.trace(visit);
        }
    }
}
