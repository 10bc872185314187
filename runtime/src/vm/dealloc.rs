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
                // subtype_dealloc: resurrect temporarily around the finalizer.
                self.heap.set_refcount(r, 1);
                self.call_del(r);
                // Dropping the temporary reference queues it again if nothing
                // resurrected it; the next pop frees it.
                self.heap.decref_to_zero(r);
                continue;
            }
            let interned = self.heap.get(r).flags & flags::INTERNED != 0;
            if interned && let Kind::Str(s) = self.kind(r) {
                let text: std::rc::Rc<str> = std::rc::Rc::from(&*s.s);
                if self.lookup_interned(&text) == Some(r) {
                    self.forget_interned(&text);
                }
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
    /// `tp_clear`: drop every reference `r` holds (the object stays, empty).
    pub fn clear_refs(&mut self, r: ObjRef) {
        let Some(o) = self.heap.get_mut(r) else {
            return;
        };
        let empty = match &o.kind {
            Kind::Tuple(_) => Kind::Tuple(Box::new([])),
            Kind::Instance(i) => Kind::Instance(Box::new(crate::object::Instance {
                class: i.class,
                attrs: Default::default(),
                exc: None,
            })),
            _ => Kind::Cell(None),
        };
        let keep_class = matches!(o.kind, Kind::Instance(_));
        let old = std::mem::replace(&mut o.kind, empty);
        let mut refs = Vec::new();
        old.referents(&mut refs);
        if keep_class {
            // The class reference stays with the emptied instance.
            if let Some(pos) = refs.iter().rposition(|_| true) {
                refs.remove(pos);
            }
        }
        refs.reverse();
        self.free_buffers(old);
        for c in refs {
            self.decref(c);
        }
    }
}
