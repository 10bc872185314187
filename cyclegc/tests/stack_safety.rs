//! Million-object chains and cycles use constant stack: the collectors'
//! traversals are iterative, and so is the test host's deallocation (on
//! refcount's zero queue). Run on a thread with a 256 KiB stack.

mod common;
use common::{Del, Heap, Impl, Kind, collect, has};
use cyclegc::CYCLE_COLLECTION;
use rstest::rstest;

const N: usize = 1_000_000;

fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    let joined = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .map(|t| t.join());
    assert!(matches!(joined, Ok(Ok(()))), "thread failed");
}

#[rstest]
fn million_ring(#[values(Impl::Generational, Impl::TrialDeletion, Impl::Off)] imp: Impl) {
    on_small_stack(move || {
        let mut gc = imp.build();
        let gc = gc.as_mut();
        let mut heap = Heap::new();
        let first = heap.new_obj(gc, "first", Kind::List, &[], Del::None);
        let mut prev = first;
        for _ in 1..N {
            let n = heap.new_obj(gc, "n", Kind::List, &[prev], Del::None);
            heap.decref(gc, prev);
            prev = n;
        }
        // A live million-long chain: nothing to collect.
        assert_eq!(collect(&mut heap, gc, 2), 0);
        assert_eq!(heap.store.len(), N);
        // Close the ring and drop it: a million-object garbage cycle.
        heap.add_ref(gc, first, prev);
        heap.decref(gc, prev);
        if has(gc, CYCLE_COLLECTION) {
            assert_eq!(collect(&mut heap, gc, 2), N);
            assert!(heap.store.is_empty());
        } else {
            assert_eq!(collect(&mut heap, gc, 2), 0);
            assert_eq!(heap.store.len(), N);
        }
    });
}
