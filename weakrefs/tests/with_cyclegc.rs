//! The registry behind a real collector: `cyclegc`'s `Host::handle_weakrefs`
//! hook implemented with [`Registry::handle_weakrefs`], for both cycle
//! detectors (experiment 7.6, §8 scenarios 23 and 25).

use cyclegc::{Collector, GcHeader, Generational, Graph, Host, TrialDeletion, collect};
use rstest::rstest;
use weakrefs::{NewWeakRef, Registry, WeakRefId};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cb {
    Log(&'static str),
    /// Drop the one outside reference to the weakref object itself
    /// (`d['x'] = ref(k, lambda r: d.pop('x'))`).
    PopSelf(&'static str),
}

/// Nodes are objects or weak reference objects; `rc` counts references.
struct Heap {
    rc: Vec<usize>,
    edges: Vec<Vec<usize>>,
    hdr: Vec<GcHeader>,
    alive: Vec<bool>,
    names: Vec<&'static str>,
    has_del: Vec<bool>,
    weakref: Vec<Option<WeakRefId>>,
    reg: Registry<usize, usize, Cb>,
    log: Vec<String>,
}

impl Heap {
    fn new() -> Self {
        Self {
            rc: Vec::new(),
            edges: Vec::new(),
            hdr: Vec::new(),
            alive: Vec::new(),
            names: Vec::new(),
            has_del: Vec::new(),
            weakref: Vec::new(),
            reg: Registry::new(),
            log: Vec::new(),
        }
    }

    fn obj(&mut self, gc: &mut dyn Collector<Self>, name: &'static str, has_del: bool) -> usize {
        let n = self.rc.len();
        self.rc.push(1);
        self.edges.push(Vec::new());
        self.hdr.push(GcHeader::default());
        self.alive.push(true);
        self.names.push(name);
        self.has_del.push(has_del);
        self.weakref.push(None);
        assert!(gc.track(self, n).is_ok());
        n
    }

    fn link(&mut self, a: usize, b: usize) {
        self.edges[a].push(b);
        self.rc[b] += 1;
    }

    fn weakref(
        &mut self,
        gc: &mut dyn Collector<Self>,
        name: &'static str,
        to: usize,
        cb: Option<Cb>,
    ) -> usize {
        let w = self.obj(gc, name, false);
        let id = self.reg.insert(
            to,
            NewWeakRef {
                flavor: weakrefs::Flavor::Ref,
                callback: cb,
                subclass: false,
            },
            w,
        );
        self.weakref[w] = Some(id);
        w
    }

    fn resolve(&self, w: usize) -> Option<usize> {
        self.weakref[w].and_then(|id| self.reg.resolve(id))
    }

    /// Drops one reference; frees iteratively what reaches zero (the
    /// refcount path: weak references cleared, callbacks run).
    fn decref(&mut self, gc: &mut dyn Collector<Self>, n: usize) {
        let mut pending = vec![n];
        while let Some(m) = pending.pop() {
            self.rc[m] -= 1;
            if self.rc[m] > 0 {
                gc.note_decref(self, m); // a possible cycle root (trial deletion)
            }
            if self.rc[m] == 0 && self.alive[m] {
                gc.untrack(self, m);
                self.alive[m] = false;
                if let Some(id) = self.weakref[m] {
                    let _ = self.reg.remove(id);
                }
                let due = self.reg.clear_referent(m);
                self.run(
                    gc,
                    due.into_iter().map(|p| (p.weakref, p.callback)).collect(),
                );
                pending.append(&mut self.edges[m]);
            }
        }
    }

    /// Calls `callback(wr)` for each, holding `wr` alive across the call;
    /// returns how many weakref objects died from it.
    fn run(&mut self, gc: &mut dyn Collector<Self>, due: Vec<(usize, Cb)>) -> usize {
        let mut freed = 0;
        for (w, cb) in due {
            self.rc[w] += 1;
            let dead = self.resolve(w).is_none();
            match cb {
                Cb::Log(text) => self.log.push(format!("cb {text} dead={dead}")),
                Cb::PopSelf(text) => {
                    self.log.push(format!("cb {text} dead={dead}"));
                    self.decref(gc, w);
                }
            }
            self.decref(gc, w);
            if !self.alive[w] {
                freed += 1;
            }
        }
        freed
    }
}

impl Graph for Heap {
    type Node = usize;
    fn refcount(&self, n: usize) -> usize {
        self.rc[n]
    }
    fn traverse<F: FnMut(usize)>(&self, n: usize, visit: F) {
        self.edges[n].iter().copied().for_each(visit);
    }
    fn gc_header(&self, n: usize) -> GcHeader {
        self.hdr[n]
    }
    fn set_gc_header(&mut self, n: usize, h: GcHeader) {
        self.hdr[n] = h;
    }
    fn has_finalizer(&self, n: usize) -> bool {
        self.has_del[n]
    }
}

impl Host for Heap {
    fn finalize(&mut self, n: usize, _gc: &mut dyn Collector<Self>) {
        self.log.push(format!("__del__ {}", self.names[n]));
    }

    fn clear(&mut self, n: usize, gc: &mut dyn Collector<Self>) {
        for m in std::mem::take(&mut self.edges[n]) {
            self.decref(gc, m);
        }
    }

    /// The whole hook: clear, skip trash weakrefs, then call back.
    fn handle_weakrefs(&mut self, garbage: &[usize], gc: &mut dyn Collector<Self>) -> usize {
        let trash: Vec<WeakRefId> = garbage.iter().filter_map(|&n| self.weakref[n]).collect();
        let due = self.reg.handle_weakrefs(garbage.iter().copied(), trash);
        self.run(
            gc,
            due.into_iter().map(|p| (p.weakref, p.callback)).collect(),
        )
    }

    fn save_garbage(&mut self, n: usize) {
        self.rc[n] += 1;
    }
}

fn collector(name: &str) -> Box<dyn Collector<Heap>> {
    if name == "generational" {
        Box::new(Generational::new())
    } else {
        Box::new(TrialDeletion::new())
    }
}

/// Experiment 7.6 part 1: the callback runs before `__del__`, with `wr()`
/// already None; both cycle members are collected.
#[rstest]
fn callback_before_del(#[values("generational", "trial-deletion")] which: &str) {
    let mut gc = collector(which);
    let gc = gc.as_mut();
    let mut heap = Heap::new();
    let a = heap.obj(gc, "A", true);
    let b = heap.obj(gc, "B", true);
    heap.link(a, b);
    heap.link(b, a);
    let ref_a = heap.weakref(gc, "ref_a", a, Some(Cb::Log("ref_a")));
    let ref_b = heap.weakref(gc, "ref_b", b, None);
    heap.decref(gc, a);
    heap.decref(gc, b);
    assert_eq!(collect(gc, &mut heap, 2).ok(), Some(2));
    assert_eq!(heap.log, ["cb ref_a dead=true", "__del__ A", "__del__ B"]);
    assert_eq!((heap.resolve(ref_a), heap.resolve(ref_b)), (None, None));
}

/// Scenario 25 (bpo-38006): a weakref in the trash whose referent is kept
/// alive elsewhere is cleared and never calls back, not even later.
#[rstest]
fn trash_weakref_to_a_live_referent(#[values("generational", "trial-deletion")] which: &str) {
    let mut gc = collector(which);
    let gc = gc.as_mut();
    let mut heap = Heap::new();
    let hidden = heap.obj(gc, "hidden", false);
    let a = heap.obj(gc, "A", false);
    heap.link(a, a);
    let wr = heap.weakref(gc, "wr", hidden, Some(Cb::Log("SHOULD NOT PRINT")));
    heap.link(a, wr);
    heap.decref(gc, wr);
    heap.decref(gc, a);
    assert_eq!(collect(gc, &mut heap, 2).ok(), Some(2));
    assert!(heap.alive[hidden]);
    assert_eq!(heap.reg.weakref_count(hidden), 0);
    heap.decref(gc, hidden);
    assert!(heap.log.is_empty(), "{:?}", heap.log);
}

/// Experiment 7.6 last part: a callback that frees its own weakref; the
/// weakref counts as collected (`collect -> 2`).
#[rstest]
fn callback_freeing_its_weakref_counts(#[values("generational", "trial-deletion")] which: &str) {
    let mut gc = collector(which);
    let gc = gc.as_mut();
    let mut heap = Heap::new();
    let k = heap.obj(gc, "k1", false);
    heap.link(k, k);
    let w = heap.weakref(gc, "d['x']", k, Some(Cb::PopSelf("pop")));
    heap.decref(gc, k);
    assert_eq!(collect(gc, &mut heap, 2).ok(), Some(2));
    assert_eq!(heap.log, ["cb pop dead=true"]);
    assert!(!heap.alive[w]);
    assert!(heap.reg.is_empty());
}
