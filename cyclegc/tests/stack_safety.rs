//! Million-object chains and cycles use constant stack: every collector's
//! traversals are iterative. A lean host (plain vectors, iterative
//! freeing) keeps this fast; run on a thread with a 256 KiB stack.

mod common;
use common::Impl;
use cyclegc::{CYCLE_COLLECTION, Collector, GcHeader, Graph, Host};
use rstest::rstest;

const N: usize = 1_000_000;

/// Node i holds at most one reference, `next[i]`.
struct Ring {
    rc: Vec<usize>,
    next: Vec<Option<usize>>,
    hdr: Vec<GcHeader>,
    alive: usize,
}

impl Graph for Ring {
    type Node = usize;
    fn refcount(&self, n: usize) -> usize {
        self.rc.get(n).copied().unwrap_or(0)
    }
    fn traverse<F: FnMut(usize)>(&self, n: usize, mut visit: F) {
        if let Some(Some(m)) = self.next.get(n) {
            visit(*m);
        }
    }
    fn gc_header(&self, n: usize) -> GcHeader {
        self.hdr.get(n).copied().unwrap_or_default()
    }
    fn set_gc_header(&mut self, n: usize, h: GcHeader) {
        if let Some(slot) = self.hdr.get_mut(n) {
            *slot = h;
        }
    }
}

impl Ring {
    /// Drops one reference to `n`, freeing iteratively what reaches zero.
    fn decref(&mut self, gc: &mut dyn Collector<Ring>, mut n: usize) {
        loop {
            let Some(rc) = self.rc.get_mut(n) else { return };
            *rc -= 1;
            if *rc > 0 {
                gc.note_decref(self, n);
                return;
            }
            gc.untrack(self, n);
            self.alive -= 1;
            match self.next.get_mut(n).and_then(Option::take) {
                Some(m) => n = m,
                None => return,
            }
        }
    }
}

impl Host for Ring {
    fn finalize(&mut self, _n: usize, _gc: &mut dyn Collector<Self>) {}
    fn clear(&mut self, n: usize, gc: &mut dyn Collector<Self>) {
        if let Some(m) = self.next.get_mut(n).and_then(Option::take) {
            self.decref(gc, m);
        }
    }
    fn save_garbage(&mut self, n: usize) {
        if let Some(rc) = self.rc.get_mut(n) {
            *rc += 1;
        }
    }
}

fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    let joined = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .map(|t| t.join());
    assert!(matches!(joined, Ok(Ok(()))), "thread failed");
}

#[rstest]
fn million_chain_then_ring(
    #[values(Impl::Generational, Impl::TrialDeletion, Impl::Off)] imp: Impl,
) {
    on_small_stack(move || {
        let mut gc: Box<dyn Collector<Ring>> = match imp {
            Impl::Generational => Box::new(cyclegc::Generational::new()),
            Impl::TrialDeletion => Box::new(cyclegc::TrialDeletion::new()),
            Impl::Off => Box::new(cyclegc::Off::new()),
        };
        let gc = gc.as_mut();
        // A live chain 0 -> 1 -> ... -> N-1, node 0 held by the test.
        let mut ring = Ring {
            rc: vec![1; N],
            next: (0..N).map(|i| (i + 1 < N).then_some(i + 1)).collect(),
            hdr: vec![GcHeader::default(); N],
            alive: N,
        };
        for i in 0..N {
            gc.track(&mut ring, i).expect("track");
        }
        for i in 1..N {
            gc.note_decref(&ring, i);
        }
        assert_eq!(cyclegc::collect(gc, &mut ring, 2).expect("collect"), 0);
        assert_eq!(ring.alive, N);
        // Close the ring and drop the test's reference: a million-object
        // garbage cycle.
        ring.next[N - 1] = Some(0);
        ring.rc[0] += 1;
        ring.decref(gc, 0);
        let found = cyclegc::collect(gc, &mut ring, 2).expect("collect");
        if gc.capabilities().contains(&CYCLE_COLLECTION) {
            assert_eq!(found, N);
            assert_eq!(ring.alive, 0);
            assert!(gc.get_objects(None).expect("all").is_empty());
        } else {
            assert_eq!((found, ring.alive), (0, N));
        }
    });
}
