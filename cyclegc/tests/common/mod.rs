//! The test graph: a tiny object model on `refcount`'s store, with
//! CPython's deallocation order (refcount path: `__del__`, then weakref
//! callbacks, then free), PEP 442-style finalizer behaviours, weak
//! references with callbacks, tuples and dicts that may be untracked, and
//! legacy (`tp_del`) finalizers. Every scenario file drives every collector
//! through it.
#![allow(dead_code, unreachable_pub)]

use cyclegc::{
    CallbackInfo, Collector, GcError, GcHeader, Generational, Graph, Host, Off, Phase, Step,
    TrialDeletion, UntrackKind,
};
use refcount::{Decref, Handle, Recorder, Store, Trace};
use std::collections::HashMap;

/// Which collector a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Impl {
    Generational,
    TrialDeletion,
    Off,
}

impl Impl {
    pub fn build(self) -> Box<dyn Collector<Heap>> {
        match self {
            Impl::Generational => Box::new(Generational::new()),
            Impl::TrialDeletion => Box::new(TrialDeletion::new()),
            Impl::Off => Box::new(Off::new()),
        }
    }
}

/// What `__del__` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Del {
    #[default]
    None,
    /// Logs `del NAME`.
    Log,
    /// Logs, then stores itself in `heap.saved` (resurrection).
    Resurrect,
    /// Logs, then drops all of its own references (breaks its cycle).
    Suicide,
    /// Logs the value of a nested `gc.collect()`.
    NestedCollect,
    /// Allocates a new object holding a reference to itself, kept in
    /// `heap.saved`, and drops its own references.
    Mutate,
}

/// What a weak reference callback does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrCallback {
    /// Logs `cb NAME referent=...`.
    Log,
    /// Logs, then removes the weakref from `holder`'s references.
    PopFrom(Handle),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Instance,
    List,
    Tuple,
    Dict,
    /// Not a GC object (int, str).
    Atom,
    Weakref {
        referent: Option<Handle>,
        callback: Option<WrCallback>,
    },
}

#[derive(Debug, Clone)]
pub struct Obj {
    pub name: String,
    pub kind: Kind,
    pub refs: Vec<Handle>,
    pub hdr: GcHeader,
    pub del: Del,
    pub legacy: bool,
    /// Weak references to this object, in CPython's list order.
    pub weakrefs: Vec<Handle>,
}

impl Trace for Obj {
    fn trace(&self, visit: &mut dyn FnMut(Handle)) {
        for &r in &self.refs {
            visit(r);
        }
    }
}

/// The host.
pub struct Heap {
    pub store: Store<Obj, Recorder>,
    /// Everything printed: `del X`, `cb X ...`, `nested -> n`.
    pub log: Vec<String>,
    /// `is_finalized(self)` as seen inside each `__del__`.
    pub finalized_inside: Vec<bool>,
    /// Strong references a finalizer stored (the resurrection root).
    pub saved: Vec<Handle>,
    /// Strong references held for the garbage list.
    pub garbage: Vec<Handle>,
    pub debug: Vec<String>,
    pub callbacks: Vec<(Phase, CallbackInfo)>,
    /// `__del__` calls per name.
    pub del_calls: HashMap<String, usize>,
    /// Collections the automatic trigger ran: (generation, value).
    pub auto: Vec<(usize, usize)>,
    /// Disable the automatic trigger in `new_obj`.
    pub manual: bool,
    /// Reach a header, count and referents with one store lookup
    /// (`update_gc_header`, `scan_object` and `scan_and_visit` overridden,
    /// as a fast host does) instead of through the trait's default methods;
    /// untrack freed objects through `Collector::untrack_header`.
    pub one_lookup: bool,
    /// Drive collections through `Collector::step`, clearing each object
    /// the collector hands back, as a runtime does, instead of through
    /// `cyclegc::collect` (`Collector::step_clearing`).
    pub step_by_step: bool,
    /// `Host::clear_batch` (1: CPython's one clear at a time). Above 1,
    /// `clear` leaves whatever it releases in the zero queue, and
    /// `end_clears` frees it (finalizers included), as a host that clears
    /// in batches does.
    pub clear_batch: usize,
    /// The zero-queue mark of the batch in progress.
    batch_mark: Option<refcount::ZeroMark>,
    /// Every `Host::clear` and `Host::end_clears` call, in order:
    /// `clear NAME`, `end_clears`.
    pub clears: Vec<String>,
    /// Objects whose type has no `tp_clear` (CPython's tuples): `clear`
    /// leaves their references in place.
    pub no_tp_clear: Vec<Handle>,
}

impl Default for Heap {
    fn default() -> Self {
        Self::new()
    }
}

impl Heap {
    pub fn new() -> Self {
        Self {
            store: Store::with_hooks(Recorder::default()),
            log: vec![],
            finalized_inside: vec![],
            saved: vec![],
            garbage: vec![],
            debug: vec![],
            callbacks: vec![],
            del_calls: HashMap::new(),
            auto: vec![],
            manual: true,
            one_lookup: false,
            step_by_step: false,
            clear_batch: 1,
            batch_mark: None,
            clears: vec![],
            no_tp_clear: vec![],
        }
    }

    pub fn name(&self, h: Handle) -> String {
        self.store
            .get(h)
            .map(|o| o.name.clone())
            .unwrap_or_else(|_| "<freed>".into())
    }

    pub fn alive(&self, h: Handle) -> bool {
        self.store.contains(h)
    }

    pub fn refs(&self, h: Handle) -> Vec<Handle> {
        self.store
            .get(h)
            .map(|o| o.refs.clone())
            .unwrap_or_default()
    }

    /// Allocates an object holding `refs` (each incref'd), tracks it if it
    /// is a GC object (dicts only when they hold something that may be
    /// tracked), counting the allocation first as CPython does.
    pub fn new_obj(
        &mut self,
        gc: &mut dyn Collector<Heap>,
        name: &str,
        kind: Kind,
        refs: &[Handle],
        del: Del,
    ) -> Handle {
        for &r in refs {
            let _ = self.store.incref(r);
        }
        let is_gc = kind != Kind::Atom;
        let h = self.store.insert(Obj {
            name: name.to_string(),
            kind: kind.clone(),
            refs: refs.to_vec(),
            hdr: GcHeader::default(),
            del,
            legacy: false,
            weakrefs: vec![],
        });
        if is_gc {
            if let Some(g) = gc.note_allocation()
                && !self.manual
            {
                let n = self.run_collection(gc, g).unwrap_or(usize::MAX);
                self.auto.push((g, n));
            }
            let track = match kind {
                Kind::Dict => refs.iter().any(|&r| self.may_be_tracked(&*gc, r)),
                _ => true,
            };
            if track {
                gc.track(self, h).expect("track");
            }
        }
        h
    }

    pub fn obj(&mut self, gc: &mut dyn Collector<Heap>, name: &str) -> Handle {
        self.new_obj(gc, name, Kind::Instance, &[], Del::None)
    }

    pub fn obj_del(&mut self, gc: &mut dyn Collector<Heap>, name: &str, del: Del) -> Handle {
        self.new_obj(gc, name, Kind::Instance, &[], del)
    }

    pub fn set_legacy(&mut self, h: Handle) {
        if let Ok(o) = self.store.get_mut(h) {
            o.legacy = true;
        }
    }

    /// `_PyObject_GC_MAY_BE_TRACKED`.
    pub fn may_be_tracked(&self, gc: &dyn Collector<Heap>, h: Handle) -> bool {
        match self.store.get(h).map(|o| &o.kind) {
            Ok(Kind::Atom) | Err(_) => false,
            Ok(Kind::Tuple) => gc.is_tracked(self, h),
            Ok(_) => true,
        }
    }

    /// A weak reference to `referent`; callback refs go to the front
    /// (after none: this model has no basic ref), so callbacks run LIFO.
    pub fn weakref(
        &mut self,
        gc: &mut dyn Collector<Heap>,
        name: &str,
        referent: Handle,
        callback: Option<WrCallback>,
    ) -> Handle {
        let wr = self.new_obj(
            gc,
            name,
            Kind::Weakref {
                referent: Some(referent),
                callback,
            },
            &[],
            Del::None,
        );
        if let Ok(o) = self.store.get_mut(referent) {
            o.weakrefs.insert(0, wr);
        }
        wr
    }

    pub fn wr_referent(&self, wr: Handle) -> Option<Handle> {
        match self.store.get(wr).map(|o| &o.kind) {
            Ok(Kind::Weakref { referent, .. }) => *referent,
            _ => None,
        }
    }

    /// `from.append(to)` / `from.attr = to`: a new reference. Tracks a
    /// dict that receives something that may be tracked.
    pub fn add_ref(&mut self, gc: &mut dyn Collector<Heap>, from: Handle, to: Handle) {
        if self.store.incref(to).is_err() {
            return;
        }
        let mut is_dict = false;
        if let Ok(o) = self.store.get_mut(from) {
            o.refs.push(to);
            is_dict = o.kind == Kind::Dict;
        }
        if is_dict && !gc.is_tracked(self, from) && self.may_be_tracked(&*gc, to) {
            let _ = gc.track(self, from);
        }
    }

    /// Removes one reference `from -> to`.
    pub fn remove_ref(&mut self, gc: &mut dyn Collector<Heap>, from: Handle, to: Handle) {
        let removed = match self.store.get_mut(from) {
            Ok(o) => match o.refs.iter().position(|&r| r == to) {
                Some(i) => {
                    o.refs.remove(i);
                    true
                }
                None => false,
            },
            Err(_) => false,
        };
        if removed {
            self.decref(gc, to);
        }
    }

    pub fn incref(&mut self, h: Handle) {
        let _ = self.store.incref(h);
    }

    /// `Py_DECREF`, with CPython's deallocation of whatever reaches zero
    /// before returning (nested drains through zero marks).
    pub fn decref(&mut self, gc: &mut dyn Collector<Heap>, h: Handle) {
        let mark = self.store.zero_mark();
        if let Ok(Decref::Alive(_)) = self.store.decref(h) {
            gc.note_decref(self, h);
        }
        self.flush_hooks(gc);
        self.drain(gc, mark);
    }

    /// Forwards decrements-to-nonzero done inside `Store::free`.
    fn flush_hooks(&mut self, gc: &mut dyn Collector<Heap>) {
        let decremented = std::mem::take(&mut self.store.hooks_mut().decremented);
        for h in decremented {
            gc.note_decref(self, h);
        }
        self.store.hooks_mut().clear();
    }

    fn drain(&mut self, gc: &mut dyn Collector<Heap>, mark: refcount::ZeroMark) {
        while let Some(h) = self.store.pop_zero_above(mark) {
            let Ok(o) = self.store.get(h) else { continue };
            let (del, legacy) = (o.del, o.legacy);
            // subtype_dealloc: __del__ first, FINALIZED set after it.
            if del != Del::None && !o.hdr.is_finalized() {
                let _ = self.store.set_refcount(h, 1);
                self.run_del(h, gc);
                if let Ok(o) = self.store.get_mut(h) {
                    o.hdr = o.hdr.with_finalized();
                }
                let inner = self.store.zero_mark();
                let _ = self.store.decref(h); // requeues h if still dead
                self.drain(gc, inner);
                continue;
            }
            if legacy {
                self.log.push(format!("tp_del {}", self.name(h)));
            }
            self.clear_weakrefs_refcount_path(gc, h);
            if self.one_lookup {
                // A fast host untracks through the header it holds.
                if let Ok(o) = self.store.get_mut(h) {
                    gc.untrack_header(h, &mut o.hdr);
                }
            } else {
                gc.untrack(self, h);
            }
            gc.note_deallocation();
            if let Ok(o) = self.store.free(h) {
                // A weakref object leaves its referent's list.
                if let Kind::Weakref {
                    referent: Some(r), ..
                } = o.kind
                    && let Ok(ro) = self.store.get_mut(r)
                {
                    ro.weakrefs.retain(|&w| w != h);
                }
            }
            self.flush_hooks(gc);
        }
    }

    /// `PyObject_ClearWeakRefs`: clear all, then call callbacks in order.
    fn clear_weakrefs_refcount_path(&mut self, gc: &mut dyn Collector<Heap>, h: Handle) {
        let wrs = match self.store.get_mut(h) {
            Ok(o) => std::mem::take(&mut o.weakrefs),
            Err(_) => return,
        };
        let mut to_call = vec![];
        for &wr in &wrs {
            if let Ok(w) = self.store.get_mut(wr)
                && let Kind::Weakref { referent, callback } = &mut w.kind
            {
                *referent = None;
                if let Some(cb) = *callback {
                    let _ = self.store.incref(wr);
                    to_call.push((wr, cb));
                }
            }
        }
        for (wr, cb) in to_call {
            self.run_wr_callback(gc, wr, cb);
            self.decref(gc, wr);
        }
    }

    fn run_wr_callback(&mut self, gc: &mut dyn Collector<Heap>, wr: Handle, cb: WrCallback) {
        let referent = self.wr_referent(wr).map(|r| self.name(r));
        self.log
            .push(format!("cb {} referent={referent:?}", self.name(wr)));
        if let WrCallback::PopFrom(holder) = cb {
            self.remove_ref(gc, holder, wr);
        }
    }

    fn run_del(&mut self, h: Handle, gc: &mut dyn Collector<Heap>) {
        let name = self.name(h);
        *self.del_calls.entry(name.clone()).or_default() += 1;
        self.finalized_inside.push(gc.is_finalized(self, h));
        self.log.push(format!("del {name}"));
        let del = self.store.get(h).map(|o| o.del).unwrap_or_default();
        match del {
            Del::None | Del::Log => {}
            Del::Resurrect => {
                self.incref(h);
                self.saved.push(h);
            }
            Del::Suicide => self.drop_refs(gc, h),
            Del::NestedCollect => {
                let n = self.run_collection(gc, 2).unwrap_or(usize::MAX);
                self.log.push(format!("nested -> {n}"));
            }
            Del::Mutate => {
                let spawn = self.new_obj(gc, "spawn", Kind::List, &[h], Del::None);
                self.saved.push(spawn);
                self.drop_refs(gc, h);
            }
        }
    }

    /// `tp_clear`: drop every reference the object holds.
    pub fn drop_refs(&mut self, gc: &mut dyn Collector<Heap>, h: Handle) {
        let refs = match self.store.get_mut(h) {
            Ok(o) => std::mem::take(&mut o.refs),
            Err(_) => return,
        };
        for r in refs {
            self.decref(gc, r);
        }
    }

    /// Empties `saved`, dropping those references.
    pub fn clear_saved(&mut self, gc: &mut dyn Collector<Heap>) {
        for h in std::mem::take(&mut self.saved) {
            self.decref(gc, h);
        }
    }

    /// `gc.garbage.clear()`.
    pub fn clear_garbage(&mut self, gc: &mut dyn Collector<Heap>) {
        let _ = gc.take_garbage();
        for h in std::mem::take(&mut self.garbage) {
            self.decref(gc, h);
        }
    }

    pub fn del_log(&self) -> Vec<String> {
        self.log.clone()
    }
}

impl Graph for Heap {
    type Node = Handle;

    fn refcount(&self, node: Handle) -> usize {
        self.store.refcount(node).unwrap_or(0)
    }

    fn traverse<F: FnMut(Handle)>(&self, node: Handle, mut visit: F) {
        if let Ok(o) = self.store.get(node) {
            for &r in &o.refs {
                visit(r);
            }
        }
    }

    fn gc_header(&self, node: Handle) -> GcHeader {
        self.store.get(node).map(|o| o.hdr).unwrap_or_default()
    }

    fn set_gc_header(&mut self, node: Handle, header: GcHeader) {
        if let Ok(o) = self.store.get_mut(node) {
            o.hdr = header;
        }
    }

    fn update_gc_header<R>(&mut self, node: Handle, f: impl FnOnce(&mut GcHeader) -> R) -> R {
        if !self.one_lookup {
            // What the trait's default does.
            let before = self.gc_header(node);
            let mut header = before;
            let out = f(&mut header);
            if header != before {
                self.set_gc_header(node, header);
            }
            return out;
        }
        match self.store.get_mut(node) {
            Ok(o) => f(&mut o.hdr),
            Err(_) => f(&mut GcHeader::default()),
        }
    }

    fn scan_object(
        &mut self,
        node: Handle,
        referents: &mut Vec<Handle>,
        f: impl FnOnce(usize, &mut GcHeader) -> bool,
    ) -> bool {
        if !self.one_lookup {
            // What the trait's default does.
            let refcount = self.refcount(node);
            let traverse = self.update_gc_header(node, |h| f(refcount, h));
            if traverse {
                self.traverse(node, |r| referents.push(r));
            }
            return traverse;
        }
        match self.store.refcount_and_get_mut(node) {
            Ok((refcount, o)) => {
                let traverse = f(refcount, &mut o.hdr);
                if traverse {
                    referents.extend(o.refs.iter().copied());
                }
                traverse
            }
            Err(_) => f(0, &mut GcHeader::default()),
        }
    }

    fn scan_and_visit(
        &mut self,
        node: Handle,
        scratch: &mut Vec<Handle>,
        f: impl FnOnce(usize, &mut GcHeader) -> bool,
        mut visit: impl FnMut(Handle, &mut GcHeader),
    ) -> bool {
        if !self.one_lookup {
            // What the trait's default does.
            scratch.clear();
            let traverse = self.scan_object(node, scratch, f);
            if traverse {
                for &r in scratch.iter() {
                    self.update_gc_header(r, |h| visit(r, h));
                }
            }
            return traverse;
        }
        // The referents copied out of the object, no buffer.
        let (traverse, refs) = match self.store.refcount_and_get_mut(node) {
            Ok((refcount, o)) => {
                let traverse = f(refcount, &mut o.hdr);
                (traverse, if traverse { o.refs.clone() } else { Vec::new() })
            }
            Err(_) => return f(0, &mut GcHeader::default()),
        };
        for r in refs {
            self.update_gc_header(r, |h| visit(r, h));
        }
        traverse
    }

    fn is_gc(&self, node: Handle) -> bool {
        matches!(self.store.get(node), Ok(o) if o.kind != Kind::Atom)
    }

    fn has_finalizer(&self, node: Handle) -> bool {
        matches!(self.store.get(node), Ok(o) if o.del != Del::None)
    }

    fn has_legacy_finalizer(&self, node: Handle) -> bool {
        matches!(self.store.get(node), Ok(o) if o.legacy)
    }

    fn untrack_kind(&self, node: Handle) -> UntrackKind {
        match self.store.get(node).map(|o| &o.kind) {
            Ok(Kind::Tuple) => UntrackKind::Tuple,
            Ok(Kind::Dict) => UntrackKind::Dict,
            _ => UntrackKind::Never,
        }
    }

    fn type_name(&self, node: Handle) -> String {
        self.name(node)
    }

    fn address(&self, _node: Handle) -> usize {
        0xADD
    }
}

impl Host for Heap {
    fn finalize(&mut self, node: Handle, gc: &mut dyn Collector<Self>) {
        self.incref(node);
        self.run_del(node, gc);
        self.decref(gc, node);
    }

    fn clear(&mut self, node: Handle, gc: &mut dyn Collector<Self>) {
        self.clears.push(format!("clear {}", self.name(node)));
        if self.no_tp_clear.contains(&node) {
            return;
        }
        // Batches exist only under `step_clearing` (`cyclegc::collect`); a
        // host driving `Collector::step` gets one clear at a time.
        if self.clear_batch > 1 && !self.step_by_step {
            // Nothing is freed before `end_clears`: no reference held.
            self.batch_mark.get_or_insert(self.store.zero_mark());
            let refs = match self.store.get_mut(node) {
                Ok(o) => std::mem::take(&mut o.refs),
                Err(_) => return,
            };
            for r in refs {
                if let Ok(Decref::Alive(_)) = self.store.decref(r) {
                    gc.note_decref(self, r);
                }
            }
            return;
        }
        self.incref(node);
        self.drop_refs(gc, node);
        self.decref(gc, node);
    }

    fn clear_batch(&self) -> usize {
        self.clear_batch
    }

    fn end_clears(&mut self, gc: &mut dyn Collector<Self>) {
        self.clears.push("end_clears".into());
        if let Some(mark) = self.batch_mark.take() {
            self.drain(gc, mark);
        }
    }

    fn handle_weakrefs(&mut self, garbage: &[Handle], gc: &mut dyn Collector<Self>) -> usize {
        let mut to_call = vec![];
        for &op in garbage {
            if let Ok(o) = self.store.get_mut(op)
                && let Kind::Weakref { referent, .. } = &mut o.kind
            {
                // A weakref in the garbage: cleared, callback never called.
                if let Some(r) = referent.take()
                    && let Ok(ro) = self.store.get_mut(r)
                {
                    ro.weakrefs.retain(|&w| w != op);
                }
            }
            let wrs = match self.store.get_mut(op) {
                Ok(o) => std::mem::take(&mut o.weakrefs),
                Err(_) => continue,
            };
            for wr in wrs {
                let cb = match self.store.get_mut(wr) {
                    Ok(w) => match &mut w.kind {
                        Kind::Weakref { referent, callback } => {
                            *referent = None;
                            *callback
                        }
                        _ => None,
                    },
                    Err(_) => None,
                };
                if let Some(cb) = cb
                    && !gc.in_garbage_set(self, wr)
                {
                    self.incref(wr);
                    to_call.push((wr, cb));
                }
            }
        }
        let mut freed = 0;
        for (wr, cb) in to_call {
            self.run_wr_callback(gc, wr, cb);
            self.decref(gc, wr);
            if !self.alive(wr) {
                freed += 1;
            }
        }
        freed
    }

    fn save_garbage(&mut self, node: Handle) {
        self.incref(node);
        self.garbage.push(node);
    }

    fn debug_line(&mut self, line: &str) {
        // stderr = stdout, as the reference scripts do.
        self.debug.push(line.to_string());
        self.log.push(line.to_string());
    }

    fn callback(&mut self, phase: Phase, info: &CallbackInfo) {
        self.callbacks.push((phase, *info));
    }
}

impl Heap {
    /// One collection, driven as [`Heap::step_by_step`] says.
    pub fn run_collection(
        &mut self,
        gc: &mut dyn Collector<Heap>,
        generation: usize,
    ) -> Result<usize, GcError> {
        if !self.step_by_step {
            return cyclegc::collect(gc, self, generation);
        }
        if !gc.start_collection(self, generation)? {
            return Ok(0);
        }
        loop {
            match gc.step(self)? {
                Step::Debug(line) => self.debug_line(&line),
                Step::Start(info) => self.callback(Phase::Start, &info),
                Step::Stop(info) => self.callback(Phase::Stop, &info),
                Step::HandleWeakrefs(garbage) => {
                    let freed = self.handle_weakrefs(&garbage, gc);
                    gc.report_weakrefs_freed(freed);
                }
                Step::Finalize(node) => self.finalize(node, gc),
                Step::Clear(node) => self.clear(node, gc),
                Step::SaveGarbage(node) => self.save_garbage(node),
                Step::Done(outcome) => return Ok(outcome.total()),
            }
        }
    }
}

/// `gc.collect(generation)`.
pub fn collect(heap: &mut Heap, gc: &mut dyn Collector<Heap>, generation: usize) -> usize {
    heap.run_collection(gc, generation).expect("collect")
}

pub fn has(gc: &dyn Collector<Heap>, capability: &str) -> bool {
    gc.capabilities().contains(&capability)
}
