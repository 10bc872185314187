//! Driving the cycle collector over the heap: tracking new objects,
//! deferred automatic collections, and `gc.collect()` carrying out each
//! [`cyclegc::Step`] (finalizers and `tp_clear` run with full access to the
//! interpreter, between steps).

use cyclegc::{Phase, Step};

use crate::object::{Kind, ObjRef};

use super::{PyResult, Vm};

impl Vm {
    /// `_PyObject_GC_TRACK` for a new GC object, plus the allocation count
    /// that may schedule an automatic collection.
    pub(crate) fn gc_track_new(&mut self, r: ObjRef) {
        // A new dict is tracked only once it holds a trackable object
        // (MAINTAIN_TRACKING); a bare object() is not a GC object.
        let track = !matches!(self.kind(r), Kind::Dict(_));
        if track && self.gc.track(&mut self.heap, r).is_err() {
            return;
        }
        if let Some(g) = self.gc.note_allocation() {
            self.gc_pending = Some(self.gc_pending.map_or(g, |p| p.max(g)));
        }
    }

    /// `_PyObject_GC_MAY_BE_TRACKED`: a GC object, and for a tuple, one
    /// still tracked.
    pub fn may_be_tracked(&self, r: ObjRef) -> bool {
        let k = self.kind(r);
        k.is_gc() && (!matches!(k, Kind::Tuple(_)) || self.gc.is_tracked(&self.heap, r))
    }

    /// Track a dict that just received `key`/`value` if either may be tracked.
    pub(crate) fn dict_maintain_tracking(&mut self, d: ObjRef, key: ObjRef, value: ObjRef) {
        if self.gc.is_tracked(&self.heap, d) {
            return;
        }
        if self.may_be_tracked(key) || self.may_be_tracked(value) {
            let _ = self.gc.track(&mut self.heap, d);
        }
    }

    /// Run the collection the allocation counter scheduled, if any (at an
    /// instruction boundary).
    pub(crate) fn run_pending_gc(&mut self) {
        if let Some(g) = self.gc_pending.take() {
            match self.collect_garbage(g) {
                Ok(_) => {}
                Err(e) => self.drop_err(e),
            }
        }
    }

    /// `gc.collect(generation)`: the number of unreachable objects found.
    pub fn collect_garbage(&mut self, generation: usize) -> PyResult<usize> {
        match self.gc.start_collection(&mut self.heap, generation) {
            Ok(true) => {}
            Ok(false) => return Ok(0),
            Err(e) => return Err(self.value_error(e.to_string())),
        }
        let _span = tracing::debug_span!("gc_collect", generation).entered();
        loop {
            let step = match self.gc.step(&mut self.heap) {
                Ok(s) => s,
                Err(e) => return Err(self.runtime_error(format!("gc: {e}"))),
            };
            match step {
                Step::Debug(line) => {
                    self.write_err(&line);
                    self.write_err("\n");
                }
                Step::Start(info) => self.run_gc_callbacks(Phase::Start, &info),
                Step::Stop(info) => self.run_gc_callbacks(Phase::Stop, &info),
                Step::HandleWeakrefs(garbage) => {
                    let freed = match self.weakref_hooks {
                        Some(h) => (h.handle_gc)(self, &garbage),
                        None => 0,
                    };
                    self.gc.report_weakrefs_freed(freed);
                }
                Step::Finalize(n) => {
                    self.incref(n);
                    self.call_del(n);
                    self.decref(n);
                }
                Step::Clear(n) => {
                    self.incref(n);
                    self.clear_refs(n);
                    self.decref(n);
                }
                Step::SaveGarbage(n) => {
                    let g = self.gc_garbage;
                    if let Err(e) = self.list_append(g, n) {
                        self.drop_err(e);
                    }
                }
                Step::Done(outcome) => {
                    tracing::debug!(
                        collected = outcome.collected,
                        uncollectable = outcome.uncollectable,
                        "gc collection done"
                    );
                    return Ok(outcome.total());
                }
            }
        }
    }

    fn run_gc_callbacks(&mut self, phase: Phase, info: &cyclegc::CallbackInfo) {
        let cbs = self.list_items(self.gc_callbacks);
        if cbs.is_empty() {
            return;
        }
        let r = (|| -> PyResult<()> {
            let d = self.new_dict()?;
            for (k, v) in [
                ("generation", info.generation),
                ("collected", info.collected),
                ("uncollectable", info.uncollectable),
            ] {
                let key = self.new_str(k)?;
                let val = self.new_int(v as i64)?;
                let r = self.dict_set(d, key, val);
                self.decref(key);
                self.decref(val);
                r?;
            }
            let p = self.new_str(phase.as_str())?;
            for cb in cbs {
                self.incref(cb);
                let res = self.call(cb, &[p, d], &[]);
                self.decref(cb);
                match res {
                    Ok(v) => self.decref(v),
                    Err(super::PyErr::Exc(e)) => {
                        let what = self.repr_string(cb).unwrap_or_default();
                        self.write_err(&format!("Exception ignored in: {what}\n"));
                        self.print_exception(e);
                        self.decref(e);
                    }
                    Err(a) => return Err(a),
                }
            }
            self.decref(p);
            self.decref(d);
            Ok(())
        })();
        if let Err(e) = r {
            self.drop_err(e);
        }
    }
}
