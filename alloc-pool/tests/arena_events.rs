//! Arena allocation and release are `tracing` events (target
//! `alloc_pool::arena`), from `PyMalloc` at once and from `GlobalPyMalloc`
//! after its lock is released.

use std::alloc::{GlobalAlloc, Layout};
use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use alloc_pool::{Block, GlobalPyMalloc, PyAllocator, PyMalloc};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// A minimal subscriber recording `(target, message, arenas)` of each event.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<(String, String, u64)>>>);

struct Fields {
    message: String,
    arenas: u64,
}

impl Visit for Fields {
    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "arenas" {
            self.arenas = value;
        }
    }
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        if field.name() == "message" {
            self.message = format!("{value:?}");
        }
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields {
            message: String::new(),
            arenas: 0,
        };
        event.record(&mut fields);
        let target = event.metadata().target().to_string();
        self.0
            .lock()
            .unwrap()
            .push((target, fields.message, fields.arenas));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

fn arena_worth_of_512_byte_blocks() -> usize {
    64 * 31
}

#[test]
fn pymalloc_reports_arena_allocation_and_release() {
    let recorder = Recorder::default();
    let events = recorder.0.clone();
    tracing::subscriber::with_default(recorder, || {
        let pm = PyMalloc::new();
        let l = Layout::from_size_align(512, 16).unwrap();
        let blocks: Vec<Block> = (0..2 * arena_worth_of_512_byte_blocks() + 1)
            .map(|_| pm.alloc(l).unwrap())
            .collect();
        for b in blocks {
            pm.free(b).unwrap();
        }
    });
    let events = events.lock().unwrap();
    let arena: Vec<_> = events
        .iter()
        .filter(|e| e.0 == "alloc_pool::arena")
        .collect();
    let allocated = arena.iter().filter(|e| e.1 == "arena allocated").count();
    let released = arena.iter().filter(|e| e.1 == "arena released").count();
    assert_eq!((allocated, released), (3, 2), "{events:?}");
    assert_eq!(arena[0].2, 1, "the event carries the current arena count");
}

#[test]
fn global_pymalloc_reports_after_unlocking() {
    static POOL: GlobalPyMalloc = GlobalPyMalloc::new();
    let recorder = Recorder::default();
    let events = recorder.0.clone();
    tracing::subscriber::with_default(recorder, || {
        let l = Layout::from_size_align(16, 16).unwrap();
        // SAFETY: non-zero layout; the pointer is freed once with it.
        unsafe {
            let p = GlobalAlloc::alloc(&POOL, l);
            assert!(!p.is_null());
            GlobalAlloc::dealloc(&POOL, p, l);
        }
    });
    let events = events.lock().unwrap();
    assert_eq!(
        events.iter().filter(|e| e.1 == "arena allocated").count(),
        1,
        "{events:?}"
    );
}
