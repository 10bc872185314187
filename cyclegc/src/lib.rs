//! # cyclegc: finding and freeing unreachable reference cycles
//!
//! This crate owns PyMM's cycle collectors. It defines two traits:
//!
//! - [`Graph`], which a host implements over its own objects: the
//!   reference count of a node, a traversal of its referents, the place
//!   where the node keeps its 12-byte [`GcHeader`], and type facts (has a
//!   finalizer, lazy untracking); and [`Host`], which adds running
//!   finalizers, clearing, weak references and the garbage list for a
//!   pure-Rust host;
//! - [`Collector`], object safe, which every collector implements:
//!   tracking, allocation accounting and automatic triggering, collection
//!   of a generation, counts, thresholds, statistics, callbacks, freeze,
//!   debug flags, the garbage list, referrers and referents.
//!
//! Implementations, one module each, sharing one finalization protocol
//! (`finalize`: weak references, PEP 442 finalize-once, resurrection,
//! clearing, DEBUG_SAVEALL):
//!
//! | collector | capabilities | finds garbage by |
//! |---|---|---|
//! | [`Generational`] | `cycle-collection`, `generations` | CPython 3.11's gc_refs subtraction over generations 0..=g |
//! | [`TrialDeletion`] | `cycle-collection` | Bacon–Rajan trial deletion from buffered candidate roots |
//! | [`Off`] | — | nothing: cycles leak |
//!
//! ## Choosing a collector
//!
//! [`Generational`] is CPython's collector: every observable detail of
//! `gc` (counts, thresholds, generation order of `__del__`, untracking)
//! matches 3.11, and young collections never look at old objects.
//! [`TrialDeletion`] examines only what was decremented since the last
//! collection, so an untouched live heap costs nothing, but a long live
//! structure under a fresh candidate is walked again every time.
//! [`Off`] is the baseline that shows what cycle collection buys.
//!
//! ## Driving a collection
//!
//! A collection is a state machine ([`Collector::step`] returns a
//! [`Step`]): the collector hands control back to the host for each
//! finalizer, weak-reference pass, clear and callback, so the host runs
//! interpreter code with `&mut` to itself while the collector is not
//! borrowed, and that code may call the collector again (a nested
//! `gc.collect()` returns 0, `gc.is_finalized(self)` inside `__del__` is
//! true). A pure-Rust host implements [`Host`] and calls [`collect`].
//!
//! ## Costs
//!
//! Per tracked object: a node-table entry (node, list links, list label
//! and flags: 20 bytes for an 8-byte, 4-aligned node, 24 for an 8-aligned
//! one) plus the host's 12-byte header; trial deletion adds 16 bytes; a
//! vacated entry costs 4 bytes on the free stack until reused. The header
//! holds what a collection updates per reference (`gc_refs`, COLLECTING,
//! tentatively unreachable, as CPython's `PyGC_Head`), so following a
//! reference costs one host lookup (no hashing, no table access unless
//! the object changes list); track and untrack are O(1). A host that
//! reaches an object's header with one lookup overrides
//! [`Graph::update_gc_header`], and [`Graph::scan_object`] (count, header
//! and referents of the object being scanned at once); one that can copy an
//! object's referents out cheaply also overrides [`Graph::scan_and_visit`]
//! (the scan and its referents' header updates with no buffer in between:
//! a fifth fewer instructions per object on the benchmark's live heaps). A collection of
//! generation *g* by [`Generational`] touches every object of generations
//! `0..=g` and every edge out of them twice (once, when every object is
//! referenced from outside the set); [`TrialDeletion`] touches
//! only what the buffered candidates reach. After detection, the shared
//! protocol visits the garbage a few more times (weak references,
//! finalizers, a resurrection re-scan only if a finalizer ran, one
//! clear per object: a [`Step::Clear`] each through [`Collector::step`],
//! one loop inside the collector through [`Collector::step_clearing`]);
//! an object freed meanwhile, even one that outlived its own clear, is
//! untracked by setting a bit and unlinked in one sequential walk at the
//! end. Freeing garbage is where a heap larger than the cache pays, a
//! miss per decrement; a host without finalizers can clear in batches
//! ([`Host::clear_batch`]) and free what a batch released with the misses
//! overlapped (the benchmark host: about 40% off a 10^6-object random
//! garbage heap). All traversals are iterative: million-long
//! chains and cycles use constant stack. Measured costs are in the `gc`
//! benchmark group of the `bench` crate.
//!
//! ## Example
//!
//! ```
//! use cyclegc::{collect, Collector, GcHeader, Generational, Graph, Host};
//!
//! /// Nodes 0..n; `edges[n]` are n's references, `rc[n]` counts references to n.
//! struct Heap { rc: Vec<usize>, edges: Vec<Vec<usize>>, hdr: Vec<GcHeader>, alive: Vec<bool> }
//!
//! impl Graph for Heap {
//!     type Node = usize;
//!     fn refcount(&self, n: usize) -> usize { self.rc[n] }
//!     fn traverse<F: FnMut(usize)>(&self, n: usize, visit: F) { self.edges[n].iter().copied().for_each(visit) }
//!     fn gc_header(&self, n: usize) -> GcHeader { self.hdr[n] }
//!     fn set_gc_header(&mut self, n: usize, h: GcHeader) { self.hdr[n] = h }
//! }
//!
//! impl Host for Heap {
//!     fn finalize(&mut self, _n: usize, _gc: &mut dyn Collector<Self>) {}
//!     fn clear(&mut self, n: usize, gc: &mut dyn Collector<Self>) {
//!         // tp_clear: drop n's references; whatever reaches 0 is freed
//!         // (iteratively), and untracked first.
//!         let mut dropped = std::mem::take(&mut self.edges[n]);
//!         while let Some(m) = dropped.pop() {
//!             self.rc[m] -= 1;
//!             if self.rc[m] == 0 {
//!                 gc.untrack(self, m);
//!                 self.alive[m] = false;
//!                 dropped.append(&mut self.edges[m]);
//!             }
//!         }
//!     }
//!     fn save_garbage(&mut self, n: usize) { self.rc[n] += 1 }
//! }
//!
//! // 0 <-> 1 is a cycle nobody else references.
//! let mut heap = Heap { rc: vec![1, 1], edges: vec![vec![1], vec![0]],
//!                       hdr: vec![GcHeader::default(); 2], alive: vec![true; 2] };
//! let mut gc: Box<dyn Collector<Heap>> = Box::new(Generational::new());
//! gc.track(&mut heap, 0)?;
//! gc.track(&mut heap, 1)?;
//! assert_eq!(collect(gc.as_mut(), &mut heap, 2)?, 2);
//! assert_eq!(heap.alive, [false, false]);
//! assert!(gc.get_objects(None)?.is_empty());
//! # Ok::<(), cyclegc::GcError>(())
//! ```
#![forbid(unsafe_code)]

mod collector;
mod core;
mod drive;
mod error;
mod finalize;
mod gc_list;
mod gc_refs;
pub mod generational;
mod graph;
pub mod off;
pub mod trial_deletion;

pub use collector::{
    CYCLE_COLLECTION, Callback, CallbackId, CallbackInfo, Collector, DebugFlags, GENERATIONS,
    GenerationStats, NUM_GENERATIONS, Outcome, Phase, Step,
};
pub use drive::{collect, note_allocation};
pub use error::GcError;
pub use generational::Generational;
pub use graph::{GcHeader, Graph, Host, UntrackKind};
pub use off::Off;
pub use trial_deletion::TrialDeletion;
