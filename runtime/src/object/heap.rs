//! The object store: `refcount::Store` (generational handles, counts, the
//! drain queue) holding [`Obj`]s, plus the allocator every object block and
//! container buffer comes from, with the memory ceiling.
//!
//! The heap only counts; what happens when a count reaches zero (`__del__`,
//! then freeing in CPython's order through the store's zero queue) is the
//! VM's job (`vm::dealloc`), as it may run Python code.

use std::alloc::Layout as AllocLayout;

use alloc_pool::{Block, PyAllocator};
use refcount::{Decref, Store, ZeroMark};

use super::{Kind, Obj, ObjRef, flags};

/// Allocation failed: out of memory or over the configured ceiling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutOfMemory;

/// All objects of one interpreter.
pub struct Heap {
    store: Store<Obj>,
    alloc: Box<dyn PyAllocator>,
    bytes: u64,
    limit: Option<u64>,
    dead: Obj,
}

impl std::fmt::Debug for Heap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Heap")
            .field("live", &self.store.len())
            .field("bytes", &self.bytes)
            .finish()
    }
}

impl Heap {
    /// A heap over `alloc`, refusing allocations past `limit` bytes.
    pub fn new(alloc: Box<dyn PyAllocator>, limit: Option<u64>) -> Self {
        Heap {
            store: Store::new(),
            alloc,
            bytes: 0,
            limit,
            dead: Obj {
                flags: flags::IMMORTAL,
                gc: cyclegc::GcHeader::UNTRACKED,
                block: None,
                kind: Kind::Dead,
            },
        }
    }

    /// The allocator.
    pub fn allocator(&self) -> &dyn PyAllocator {
        &*self.alloc
    }

    /// Objects alive.
    pub fn live(&self) -> usize {
        self.store.len()
    }

    /// Bytes currently allocated through this heap.
    pub fn bytes_in_use(&self) -> u64 {
        self.bytes
    }

    /// Bytes the ceiling still allows.
    pub fn remaining(&self) -> u64 {
        match self.limit {
            Some(l) => l.saturating_sub(self.bytes),
            None => u64::MAX / 2,
        }
    }

    /// Allocate a raw block of `size` bytes (a container buffer).
    pub fn alloc_block(&mut self, size: usize) -> Result<Block, OutOfMemory> {
        let size = size.max(1);
        if let Some(limit) = self.limit
            && self.bytes.saturating_add(size as u64) > limit
        {
            return Err(OutOfMemory);
        }
        let layout = AllocLayout::from_size_align(size, 8).map_err(|_| OutOfMemory)?;
        let b = self.alloc.alloc(layout).map_err(|_| OutOfMemory)?;
        self.bytes += size as u64;
        Ok(b)
    }

    /// Resize a container buffer (`PyMem_Realloc`); `None` allocates.
    pub fn realloc_block(
        &mut self,
        block: Option<Block>,
        size: usize,
    ) -> Result<Option<Block>, OutOfMemory> {
        let Some(block) = block else {
            if size == 0 {
                return Ok(None);
            }
            return self.alloc_block(size).map(Some);
        };
        if size == 0 {
            self.free_block(block);
            return Ok(None);
        }
        let old = block.size() as u64;
        if let Some(limit) = self.limit
            && (self.bytes - old).saturating_add(size as u64) > limit
        {
            self.free_block(block);
            return Err(OutOfMemory);
        }
        match self.alloc.realloc(block, size) {
            Ok(b) => {
                self.bytes = self.bytes - old + size as u64;
                Ok(Some(b))
            }
            Err(e) => {
                self.free_block(e.block);
                Err(OutOfMemory)
            }
        }
    }

    /// Release a block.
    pub fn free_block(&mut self, block: Block) {
        self.bytes = self.bytes.saturating_sub(block.size() as u64);
        // A foreign block cannot occur: every block here came from `alloc`.
        let _ = self.alloc.free(block);
    }

    /// Create an object with a block of `size` bytes and refcount 1.
    pub fn alloc(&mut self, kind: Kind, size: usize) -> Result<ObjRef, OutOfMemory> {
        let block = match self.alloc_block(size) {
            Ok(b) => b,
            Err(e) => {
                self.release_kind_buffers(kind);
                return Err(e);
            }
        };
        Ok(ObjRef(self.store.insert(Obj {
            flags: 0,
            gc: cyclegc::GcHeader::UNTRACKED,
            block: Some(block),
            kind,
        })))
    }

    fn release_kind_buffers(&mut self, kind: Kind) {
        let b = match kind {
            Kind::List(l) => l.buf,
            Kind::Dict(d) => d.buf,
            Kind::Set(s) | Kind::FrozenSet(s) => s.buf,
            Kind::Instance(i) => i.values,
            _ => None,
        };
        if let Some(b) = b {
            self.free_block(b);
        }
    }

    /// Make `r` immortal (never counted, never freed before teardown).
    pub fn make_immortal(&mut self, r: ObjRef) {
        let _ = self.store.make_immortal(r.0);
        if let Ok(o) = self.store.get_mut(r.0) {
            o.flags |= flags::IMMORTAL;
        }
    }

    /// The object behind `r` (a dead placeholder for a stale handle).
    #[inline]
    pub fn get(&self, r: ObjRef) -> &Obj {
        self.store.get(r.0).unwrap_or(&self.dead)
    }

    /// Mutable access; `None` for a stale handle.
    #[inline]
    pub fn get_mut(&mut self, r: ObjRef) -> Option<&mut Obj> {
        self.store.get_mut(r.0).ok()
    }

    /// The object's contents.
    #[inline]
    pub fn kind(&self, r: ObjRef) -> &Kind {
        &self.get(r).kind
    }

    /// Whether `r` names a live object.
    pub fn is_live(&self, r: ObjRef) -> bool {
        self.store.contains(r.0)
    }

    /// `ob_refcnt` (`None` for immortal or stale handles).
    pub fn refcount(&self, r: ObjRef) -> Option<usize> {
        match self.store.is_immortal(r.0) {
            Ok(false) => self.store.refcount(r.0).ok(),
            _ => None,
        }
    }

    /// `Py_SET_REFCNT`.
    pub fn set_refcount(&mut self, r: ObjRef, n: usize) {
        let _ = self.store.set_refcount(r.0, n);
    }

    /// `Py_INCREF`.
    #[inline]
    pub fn incref(&mut self, r: ObjRef) {
        let _ = self.store.incref(r.0);
    }

    /// The zero queue's current top (see `refcount::Store::zero_mark`).
    #[inline]
    pub fn zero_mark(&self) -> ZeroMark {
        self.store.zero_mark()
    }

    /// Decrement the count; true when it reached zero (the object is then
    /// on the zero queue for the VM to drain).
    #[inline]
    pub fn decref_to_zero(&mut self, r: ObjRef) -> bool {
        matches!(self.store.decref(r.0), Ok(Decref::Zero))
    }

    /// The next object at zero above `mark`.
    #[inline]
    pub fn pop_zero_above(&mut self, mark: ZeroMark) -> Option<ObjRef> {
        self.store.pop_zero_above(mark).map(ObjRef)
    }

    /// `id(obj)`: the block address.
    pub fn addr(&self, r: ObjRef) -> usize {
        self.get(r).block.as_ref().map_or(0, |b| b.addr())
    }

    /// Free an object whose count is zero: its referents are released
    /// through the zero queue, its block is freed, its contents returned.
    pub fn free(&mut self, r: ObjRef) -> Option<Kind> {
        let obj = self.store.free(r.0).ok()?;
        if let Some(b) = obj.block {
            self.free_block(b);
        }
        Some(obj.kind)
    }

    /// Handles of every live object (teardown and leak checks).
    pub fn all_live(&self) -> Vec<ObjRef> {
        self.store.iter().map(|(h, _)| ObjRef(h)).collect()
    }

    /// The allocator's statistics report.
    pub fn debug_stats(&self) -> String {
        self.alloc.debug_stats()
    }
}

/// `tp_traverse`: calls `visit` with each reference `kind` holds, in
/// CPython's order.
fn traverse_kind(kind: &Kind, mut visit: impl FnMut(ObjRef)) {
    match kind {
        // list_traverse and tupletraverse visit the last item first.
        Kind::List(l) => l.items.iter().rev().copied().for_each(visit),
        Kind::Tuple(t) => t.iter().rev().copied().for_each(visit),
        Kind::Dict(d) => {
            // dict_traverse: a str-keyed table visits values only.
            let str_keys = d.table.is_str_keyed();
            for (_, k, v) in d.table.iter() {
                visit(v);
                if !str_keys {
                    visit(k);
                }
            }
        }
        Kind::Instance(i) if i.exc.is_none() => {
            i.attrs.items.iter().for_each(|(_, v)| visit(*v));
            visit(i.class);
        }
        k => {
            let mut v = Vec::new();
            k.referents(&mut v);
            for r in v {
                visit(r);
            }
        }
    }
}

/// The heap as the cycle collector sees it (CPython's `tp_traverse` and
/// GC header): the only way a collector reaches objects.
impl cyclegc::Graph for Heap {
    type Node = ObjRef;

    fn refcount(&self, node: ObjRef) -> usize {
        self.store.refcount(node.0).unwrap_or(0)
    }

    fn traverse<F: FnMut(ObjRef)>(&self, node: ObjRef, visit: F) {
        traverse_kind(&self.get(node).kind, visit);
    }

    /// One lookup for the collector's per-object step (count, header and
    /// referents of the object being scanned).
    #[inline]
    fn scan_object(
        &mut self,
        node: ObjRef,
        referents: &mut Vec<ObjRef>,
        f: impl FnOnce(usize, &mut cyclegc::GcHeader) -> bool,
    ) -> bool {
        let Ok((refcount, o)) = self.store.refcount_and_get_mut(node.0) else {
            return f(0, &mut cyclegc::GcHeader::default());
        };
        let traverse = f(refcount, &mut o.gc);
        if o.gc.is_finalized() {
            o.flags |= flags::FINALIZED;
        }
        if traverse {
            traverse_kind(&o.kind, |r| referents.push(r));
        }
        traverse
    }

    fn gc_header(&self, node: ObjRef) -> cyclegc::GcHeader {
        self.get(node).gc
    }

    fn set_gc_header(&mut self, node: ObjRef, header: cyclegc::GcHeader) {
        self.update_gc_header(node, |h| *h = header);
    }

    /// One lookup for the collector's read-modify-write of a header (the
    /// per-reference step of `subtract_refs` and `move_unreachable`).
    #[inline]
    fn update_gc_header<R>(
        &mut self,
        node: ObjRef,
        f: impl FnOnce(&mut cyclegc::GcHeader) -> R,
    ) -> R {
        match self.get_mut(node) {
            Some(o) => {
                let out = f(&mut o.gc);
                if o.gc.is_finalized() {
                    o.flags |= flags::FINALIZED;
                }
                out
            }
            None => f(&mut cyclegc::GcHeader::default()),
        }
    }

    fn is_gc(&self, node: ObjRef) -> bool {
        self.get(node).kind.is_gc()
    }

    fn has_finalizer(&self, node: ObjRef) -> bool {
        match &self.get(node).kind {
            Kind::Instance(i) => {
                matches!(&self.get(i.class).kind, Kind::Class(c) if c.slots.has_del)
            }
            Kind::Generator(g) => g.frame.as_ref().is_some_and(|f| f.ip > 0),
            _ => false,
        }
    }

    fn untrack_kind(&self, node: ObjRef) -> cyclegc::UntrackKind {
        match &self.get(node).kind {
            Kind::Tuple(_) => cyclegc::UntrackKind::Tuple,
            Kind::Dict(_) => cyclegc::UntrackKind::Dict,
            _ => cyclegc::UntrackKind::Never,
        }
    }

    fn type_name(&self, node: ObjRef) -> String {
        let o = self.get(node);
        match &o.kind {
            Kind::Instance(i) => match &self.get(i.class).kind {
                Kind::Class(c) => c.name.clone(),
                _ => "object".into(),
            },
            k => super::kind_type_name(k).to_string(),
        }
    }

    fn address(&self, node: ObjRef) -> usize {
        self.addr(node)
    }
}
