//! Deallocation when a reference count reaches zero: CPython's
//! `subtype_dealloc` order (finalizer first, then the object's references
//! released in its deallocator's order, depth-first), without recursion on
//! the Rust stack for long chains (an explicit stack plays the trashcan).

use crate::object::{Kind, ObjRef, flags};

use super::Vm;

impl Vm {
    /// Drain the zero queue above `mark`: each object whose count reached
    /// zero gets its `__del__` first (it may resurrect), then is freed; what
    /// it owned is released through the same queue, depth-first in CPython's
    /// `tp_dealloc` order, without recursion on the Rust stack.
    pub(crate) fn drain_zeros(&mut self, mark: refcount::ZeroMark) {
        while let Some(r) = self.heap.pop_zero_above(mark) {
            if self.needs_finalizer(r) {
                if let Some(o) = self.heap.get_mut(r) {
                    o.flags |= flags::FINALIZED;
                }
                // subtype_dealloc: resurrect temporarily around the finalizer;
                // the FINALIZED bit is set after it (PyObject_CallFinalizer).
                self.heap.set_refcount(r, 1);
                self.call_del(r);
                if let Some(o) = self.heap.get_mut(r) {
                    o.gc = o.gc.with_finalized();
                }
                // Dropping the temporary reference queues it again if nothing
                // resurrected it; the next pop frees it.
                self.heap.decref_to_zero(r);
                continue;
            }
            if self.heap.get(r).flags & flags::WEAKLY_REFERENCED != 0
                && let Some(h) = self.weakref_hooks
            {
                // PyObject_ClearWeakRefs: after the finalizer, before freeing.
                (h.clear_on_dealloc)(self, r);
                if self.heap.refcount(r).is_some_and(|n| n > 0) {
                    continue;
                }
            }
            let interned = self.heap.get(r).flags & flags::INTERNED != 0;
            if interned && let Kind::Str(s) = self.kind(r) {
                let text: std::rc::Rc<str> = std::rc::Rc::from(&*s.s);
                if self.lookup_interned(&text) == Some(r) {
                    self.forget_interned(&text);
                }
            }
            if self.heap.get(r).kind.is_gc() {
                // PyObject_GC_Del: untrack, and count0 -= 1.
                self.gc.untrack(&mut self.heap, r);
                self.gc.note_deallocation();
            }
            if let Some(kind) = self.heap.free(r) {
                self.free_buffers(kind);
            }
        }
    }

    fn free_buffers(&mut self, kind: Kind) {
        let block = match kind {
            Kind::List(l) => l.buf,
            Kind::Dict(d) => d.buf,
            Kind::Set(s) | Kind::FrozenSet(s) => s.buf,
            Kind::Instance(i) => i.values,
            _ => None,
        };
        if let Some(b) = block {
            self.heap.free_block(b);
        }
    }

    /// Whether `r` has a `__del__` that has not run yet.
    #[inline]
    pub fn needs_finalizer(&self, r: ObjRef) -> bool {
        let o = self.heap.get(r);
        if o.flags & flags::FINALIZED != 0 {
            return false;
        }
        match &o.kind {
            Kind::Instance(i) => self.class(i.class).is_some_and(|c| c.slots.has_del),
            // _PyGen_Finalize: a suspended generator is closed.
            Kind::Generator(g) => g.frame.as_ref().is_some_and(|f| f.ip > 0),
            _ => false,
        }
    }

    /// Call `type(r).__del__(r)`; an exception is reported as CPython's
    /// `PyErr_WriteUnraisable` does and otherwise ignored.
    pub fn call_del(&mut self, r: ObjRef) {
        if matches!(self.kind(r), Kind::Generator(_)) {
            let saved_exc = self.exc_info.take();
            let res = crate::builtins::close_generator(self, r);
            self.exc_info = saved_exc;
            match res {
                Ok(v) => self.decref(v),
                Err(super::PyErr::Exc(e)) => {
                    let what = self.repr_string(r).unwrap_or_else(|_| "generator".into());
                    self.write_err(&format!("Exception ignored in: {what}\n"));
                    self.print_exception(e);
                    self.decref(e);
                }
                Err(super::PyErr::Abort(a)) => self.abort = Some(a),
            }
            return;
        }
        let cls = self.type_of(r);
        let Some(del) = self.lookup_in_mro(cls, self.n.del) else {
            return;
        };
        self.incref(del);
        let saved_exc = self.exc_info.take();
        let res = self.call(del, &[r], &[]);
        self.exc_info = saved_exc;
        match res {
            Ok(v) => self.decref(v),
            Err(super::PyErr::Exc(e)) => {
                let what = self.repr_string(del).unwrap_or_else(|_| "__del__".into());
                self.write_err(&format!("Exception ignored in: {what}\n"));
                self.print_exception(e);
                self.decref(e);
            }
            Err(super::PyErr::Abort(a)) => self.abort = Some(a),
        }
        self.decref(del);
    }
}

impl Vm {
    /// `tp_clear`: drop the references `r` holds that can form cycles,
    /// keeping its type (a cleared list is an empty list, an instance
    /// loses its attributes). Tuples and strings hold nothing clearable.
    pub fn clear_refs(&mut self, r: ObjRef) {
        let mut refs: Vec<ObjRef> = Vec::new();
        let mut frame = None;
        let mut bufs = Vec::new();
        let Some(o) = self.heap.get_mut(r) else {
            return;
        };
        match &mut o.kind {
            Kind::List(l) => {
                refs.extend(l.items.drain(..).rev());
                l.allocated = 0;
                bufs.extend(l.buf.take());
            }
            Kind::Dict(d) => {
                refs = d.table.take_all();
                bufs.extend(d.buf.take());
            }
            Kind::Set(s) | Kind::FrozenSet(s) => {
                refs = s.table.take_all();
                bufs.extend(s.buf.take());
            }
            Kind::Instance(i) => {
                refs.extend(i.attrs.items.drain(..).map(|(_, v)| v));
                if let Some(e) = i.exc.as_mut() {
                    refs.extend(e.args.take());
                    refs.extend(e.cause.take());
                    refs.extend(e.context.take());
                    for f in e.frames.drain(..) {
                        f.referents(&mut refs);
                    }
                }
            }
            Kind::Function(f) => {
                refs.append(&mut f.defaults);
                refs.extend(f.kwdefaults.drain(..).map(|(_, v)| v));
                refs.append(&mut f.closure);
                refs.extend(f.attrs.items.drain(..).map(|(_, v)| v));
            }
            Kind::Class(c) => {
                refs.extend(c.attrs.items.drain(..).map(|(_, v)| v));
            }
            Kind::Cell(c) => refs.extend(c.take()),
            Kind::Generator(g) => frame = g.frame.take(),
            Kind::Property { fget, fset, fdel } => {
                refs.extend(fget.take());
                refs.extend(fset.take());
                refs.extend(fdel.take());
            }
            Kind::Iter(it) => {
                let old = std::mem::replace(&mut **it, crate::object::IterKind::Exhausted);
                Kind::Iter(Box::new(old)).referents(&mut refs);
            }
            _ => {}
        }
        for b in bufs {
            self.heap.free_block(b);
        }
        if let Some(f) = frame {
            self.release_frame(f);
        }
        for c in refs {
            self.decref(c);
        }
    }
}
