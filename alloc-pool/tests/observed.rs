//! `Observed` reports every event of every interface, once, with its domain,
//! and never reports the observer's own allocations.

use std::alloc::Layout;
use std::sync::Mutex;

use alloc_pool::{AllocError, AllocObserver, Bump, Domain, Observed, PyAllocator, System};
use allocator_api2::alloc::Allocator;
use allocator_api2::vec::Vec as ApiVec;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Event {
    Alloc(Domain, usize, usize),
    Realloc(Domain, usize, usize, usize),
    Free(Domain, usize),
}

#[derive(Default)]
struct Recorder(Mutex<Vec<Event>>);

impl Recorder {
    fn take(&self) -> Vec<Event> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

impl AllocObserver for Recorder {
    fn on_alloc(&self, domain: Domain, addr: usize, size: usize) {
        // Pushing allocates: through the global allocator here, but the guard
        // also covers allocations through the observed allocator itself.
        self.0
            .lock()
            .unwrap()
            .push(Event::Alloc(domain, addr, size));
    }
    fn on_realloc(&self, domain: Domain, old: usize, new: usize, size: usize) {
        self.0
            .lock()
            .unwrap()
            .push(Event::Realloc(domain, old, new, size));
    }
    fn on_free(&self, domain: Domain, addr: usize) {
        self.0.lock().unwrap().push(Event::Free(domain, addr));
    }
}

fn layout(size: usize) -> Layout {
    Layout::from_size_align(size, 8).unwrap()
}

#[test]
fn py_allocator_events_carry_domain_address_and_size() {
    let traced = Observed::with_domain(System::new(), Recorder::default(), 7);
    let block = traced.alloc(layout(40)).unwrap();
    let a = block.addr();
    let block = traced.realloc(block, 4000).map_err(|e| e.error).unwrap();
    let b = block.addr();
    traced.free(block).unwrap();
    assert_eq!(
        traced.observer().take(),
        vec![
            Event::Alloc(7, a, 40),
            Event::Realloc(7, a, b, 4000),
            Event::Free(7, b)
        ]
    );
    assert_eq!(traced.domain(), 7);
    assert_eq!(traced.name(), "system");
    assert_eq!(traced.stats().blocks_in_use, 0);
}

#[test]
fn a_foreign_block_is_handed_back_and_not_reported() {
    let traced = Observed::new(System::new(), Recorder::default());
    let other = System::new();
    let block = other.alloc(layout(16)).unwrap();
    let addr = block.addr();
    let Err(AllocError::ForeignBlock(block)) = traced.free(block) else {
        panic!("a foreign block must be handed back")
    };
    assert_eq!(block.addr(), addr);
    let err = traced.realloc(block, 32).unwrap_err();
    assert!(matches!(err.error, AllocError::ForeignOwner { .. }));
    other.free(err.block).unwrap();
    assert_eq!(traced.observer().take(), vec![]);
}

#[test]
fn failed_requests_are_not_reported() {
    let traced = Observed::new(Bump::with_limit(64 * 1024), Recorder::default());
    let huge = Layout::from_size_align(1 << 30, 8).unwrap();
    assert!(matches!(
        traced.alloc(huge),
        Err(AllocError::OutOfMemory { .. })
    ));
    assert_eq!(traced.observer().take(), vec![]);
}

#[test]
fn allocator_api_events_for_a_growing_vec() {
    let traced = Observed::new(System::new(), Recorder::default());
    {
        let mut v: ApiVec<u64, &Observed<System, Recorder>> = ApiVec::new_in(&traced);
        for i in 0..100 {
            v.push(i);
        }
        assert_eq!(v.iter().sum::<u64>(), 4950);
    }
    let events = traced.observer().take();
    let allocs = events
        .iter()
        .filter(|e| matches!(e, Event::Alloc(..)))
        .count();
    let reallocs = events
        .iter()
        .filter(|e| matches!(e, Event::Realloc(..)))
        .count();
    let frees = events
        .iter()
        .filter(|e| matches!(e, Event::Free(..)))
        .count();
    assert_eq!((allocs, frees), (1, 1));
    assert!(reallocs >= 3, "{events:?}");
    // The chain of addresses is consistent: each realloc starts where the
    // previous event left the block, and the free names the last address.
    let mut current = None;
    for e in &events {
        match *e {
            Event::Alloc(_, addr, _) => current = Some(addr),
            Event::Realloc(_, old, new, _) => {
                assert_eq!(Some(old), current);
                current = Some(new);
            }
            Event::Free(_, addr) => assert_eq!(Some(addr), current),
        }
    }
    assert_eq!(traced.stats().blocks_in_use, 0);
}

#[test]
fn allocator_api_zeroed_and_shrink() {
    let traced = Observed::new(System::new(), Recorder::default());
    let l = layout(64);
    let p = traced.allocate_zeroed(l).unwrap();
    // SAFETY: `p` is a live 64-byte block from `traced`, zeroed.
    unsafe {
        assert!(
            std::slice::from_raw_parts(p.cast::<u8>().as_ptr(), 64)
                .iter()
                .all(|&b| b == 0)
        );
        let q = traced.shrink(p.cast(), l, layout(8)).unwrap();
        traced.deallocate(q.cast(), layout(8));
    }
    let events = traced.observer().take();
    assert_eq!(events.len(), 3);
    assert!(matches!(events[1], Event::Realloc(0, _, _, 8)));
}

/// An observer that allocates through the allocator it observes: the guard
/// keeps its own allocations out of the event stream (no recursion).
struct SelfAllocating<'a> {
    pool: &'a System,
    seen: Mutex<usize>,
}

impl AllocObserver for SelfAllocating<'_> {
    fn on_alloc(&self, _: Domain, _: usize, _: usize) {
        let scratch = self.pool.alloc(layout(24)).unwrap();
        self.pool.free(scratch).unwrap();
        *self.seen.lock().unwrap() += 1;
    }
    fn on_realloc(&self, _: Domain, _: usize, _: usize, _: usize) {}
    fn on_free(&self, _: Domain, _: usize) {}
}

#[test]
fn observer_allocations_are_not_observed() {
    let system = System::new();
    let observer = SelfAllocating {
        pool: &system,
        seen: Mutex::new(0),
    };
    let traced = Observed::new(&system, &observer);
    let blocks: Vec<_> = (0..10).map(|_| traced.alloc(layout(8)).unwrap()).collect();
    for b in blocks {
        traced.free(b).unwrap();
    }
    assert_eq!(*observer.seen.lock().unwrap(), 10);
    let s = system.stats();
    assert_eq!((s.allocations_total, s.frees_total), (20, 20));
}

#[test]
fn global_alloc_interface_reports_too() {
    use std::alloc::GlobalAlloc;
    let traced = Observed::new(std::alloc::System, Recorder::default());
    let l = layout(100);
    // SAFETY: non-zero layout; each pointer is freed once with its layout.
    unsafe {
        let p = traced.alloc(l);
        assert!(!p.is_null());
        let q = traced.realloc(p, l, 300);
        assert!(!q.is_null());
        traced.dealloc(q, layout(300));
        let z = traced.alloc_zeroed(l);
        traced.dealloc(z, l);
        assert_eq!(
            traced.observer().take(),
            vec![
                Event::Alloc(0, p as usize, 100),
                Event::Realloc(0, p as usize, q as usize, 300),
                Event::Free(0, q as usize),
                Event::Alloc(0, z as usize, 100),
                Event::Free(0, z as usize),
            ]
        );
    }
}
