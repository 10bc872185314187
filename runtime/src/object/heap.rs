//! The object store: slots with generations, reference counts, and the
//! allocator every object block and container buffer comes from.
//!
//! The heap only counts; deciding what happens when a count reaches zero
//! (`__del__`, releasing referents depth-first like CPython's deallocators)
//! is the VM's job (`vm::dealloc`), as it may run Python code.

use std::alloc::Layout as AllocLayout;

use alloc_pool::{Block, PyAllocator};

use super::{Kind, Obj, ObjRef, flags};

/// Allocation failed: out of memory or over the configured ceiling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutOfMemory;

#[derive(Debug)]
struct Slot {
    generation: u32,
    obj: Option<Obj>,
}

/// All objects of one interpreter.
pub struct Heap {
    slots: Vec<Slot>,
    free: Vec<u32>,
    alloc: Box<dyn PyAllocator>,
    live: usize,
    bytes: u64,
    limit: Option<u64>,
    dead: Obj,
}

impl std::fmt::Debug for Heap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Heap")
            .field("live", &self.live)
            .field("bytes", &self.bytes)
            .finish()
    }
}

impl Heap {
    /// A heap over `alloc`, refusing allocations past `limit` bytes.
    pub fn new(alloc: Box<dyn PyAllocator>, limit: Option<u64>) -> Self {
        Heap {
            slots: Vec::with_capacity(1024),
            free: Vec::new(),
            alloc,
            live: 0,
            bytes: 0,
            limit,
            dead: Obj {
                rc: 0,
                flags: flags::IMMORTAL,
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
        self.live
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
            return Err(OutOfMemory);
        }
        match self.alloc.realloc(block, size) {
            Ok(b) => {
                self.bytes = self.bytes - old + size as u64;
                Ok(Some(b))
            }
            Err(e) => {
                // The old block is intact; keep it rather than leak it.
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
                // The contents may own buffers; release them.
                self.release_kind_buffers(kind);
                return Err(e);
            }
        };
        Ok(self.insert(Obj {
            rc: 1,
            flags: 0,
            block: Some(block),
            kind,
        }))
    }

    fn release_kind_buffers(&mut self, kind: Kind) {
        match kind {
            Kind::List(l) => {
                if let Some(b) = l.buf {
                    self.free_block(b)
                }
            }
            Kind::Dict(d) => {
                if let Some(b) = d.buf {
                    self.free_block(b)
                }
            }
            Kind::Set(s) | Kind::FrozenSet(s) => {
                if let Some(b) = s.buf {
                    self.free_block(b)
                }
            }
            _ => {}
        }
    }

    fn insert(&mut self, obj: Obj) -> ObjRef {
        self.live += 1;
        if let Some(idx) = self.free.pop()
            && let Some(slot) = self.slots.get_mut(idx as usize)
        {
            slot.obj = Some(obj);
            return ObjRef::from_raw(idx, slot.generation);
        }
        let idx = self.slots.len() as u32;
        self.slots.push(Slot {
            generation: 0,
            obj: Some(obj),
        });
        ObjRef::from_raw(idx, 0)
    }

    /// The object behind `r` (a dead placeholder for a stale handle).
    #[inline]
    pub fn get(&self, r: ObjRef) -> &Obj {
        match self.slots.get(r.index() as usize) {
            Some(Slot {
                generation,
                obj: Some(o),
            }) if *generation == r.generation() => o,
            _ => &self.dead,
        }
    }

    /// Mutable access; `None` for a stale handle.
    #[inline]
    pub fn get_mut(&mut self, r: ObjRef) -> Option<&mut Obj> {
        match self.slots.get_mut(r.index() as usize) {
            Some(Slot {
                generation,
                obj: Some(o),
            }) if *generation == r.generation() => Some(o),
            _ => None,
        }
    }

    /// The object's contents.
    #[inline]
    pub fn kind(&self, r: ObjRef) -> &Kind {
        &self.get(r).kind
    }

    /// Whether `r` names a live object.
    pub fn is_live(&self, r: ObjRef) -> bool {
        !matches!(self.get(r).kind, Kind::Dead)
    }

    /// `Py_INCREF`.
    #[inline]
    pub fn incref(&mut self, r: ObjRef) {
        if let Some(o) = self.get_mut(r)
            && o.flags & flags::IMMORTAL == 0
        {
            o.rc += 1;
        }
    }

    /// Decrement the count; returns true when it reached zero (the caller
    /// then deallocates).
    #[inline]
    pub fn decref_to_zero(&mut self, r: ObjRef) -> bool {
        if let Some(o) = self.get_mut(r)
            && o.flags & flags::IMMORTAL == 0
            && o.rc > 0
        {
            o.rc -= 1;
            return o.rc == 0;
        }
        false
    }

    /// `id(obj)`: the block address.
    pub fn addr(&self, r: ObjRef) -> usize {
        self.get(r).block.as_ref().map_or(0, |b| b.addr())
    }

    /// Remove the object from its slot, free its block, and hand back its contents.
    pub fn remove(&mut self, r: ObjRef) -> Option<Kind> {
        let slot = self.slots.get_mut(r.index() as usize)?;
        if slot.generation != r.generation() {
            return None;
        }
        let obj = slot.obj.take()?;
        slot.generation = slot.generation.wrapping_add(1);
        self.free.push(r.index());
        self.live -= 1;
        if let Some(b) = obj.block {
            self.free_block(b);
        }
        Some(obj.kind)
    }

    /// Handles of every live object (teardown and leak checks).
    pub fn all_live(&self) -> Vec<ObjRef> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                s.obj
                    .as_ref()
                    .map(|_| ObjRef::from_raw(i as u32, s.generation))
            })
            .collect()
    }

    /// The allocator's statistics report.
    pub fn debug_stats(&self) -> String {
        self.alloc.debug_stats()
    }
}
