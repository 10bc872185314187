//! A host with finalizers over `refcount` alone: a file-handle-like object
//! prints when it is finalized, one finalizer resurrects its object once,
//! and a long chain is freed without recursion.
//!
//! Run: `cargo run -p refcount --example finalizers`

use refcount::{Handle, RefcountError, Store, Trace};

struct Obj {
    name: String,
    next: Option<Handle>,
    resurrect_once: bool,
}

impl Trace for Obj {
    fn trace(&self, visit: &mut dyn FnMut(Handle)) {
        if let Some(h) = self.next {
            visit(h);
        }
    }
}

/// The host: owns the store and the places a finalizer may store things.
struct Host {
    store: Store<Obj>,
    saved: Vec<Handle>,
    log: Vec<String>,
}

impl Host {
    /// Drops a reference and runs the drain loop: finalize, maybe
    /// resurrect, free.
    fn decref(&mut self, h: Handle) -> Result<(), RefcountError> {
        self.store.decref(h)?;
        while let Some(h) = self.store.pop_zero() {
            // The finalizer has `&mut self`: the store is not borrowed.
            let obj = self.store.get_mut(h)?;
            self.log.push(format!("finalize {}", obj.name));
            if std::mem::take(&mut obj.resurrect_once) {
                self.store.incref(h)?;
                self.saved.push(h);
                continue;
            }
            let value = self.store.free(h)?;
            drop(value); // a real host releases the value's memory blocks here
        }
        Ok(())
    }
}

fn main() -> Result<(), RefcountError> {
    let mut host = Host {
        store: Store::new(),
        saved: vec![],
        log: vec![],
    };
    let b = host.store.insert(Obj {
        name: "b".into(),
        next: None,
        resurrect_once: false,
    });
    let a = host.store.insert(Obj {
        name: "a".into(),
        next: Some(b),
        resurrect_once: true,
    });
    host.decref(a)?; // a resurrects itself; b stays alive through it
    println!("{:?}, alive: {}", host.log, host.store.len());
    let saved = host.saved.pop().ok_or(RefcountError::StaleHandle(a))?;
    host.decref(saved)?; // now a and b go
    println!("{:?}, alive: {}", host.log, host.store.len());

    let mut head = host.store.insert(Obj {
        name: "0".into(),
        next: None,
        resurrect_once: false,
    });
    for i in 1..1_000_000 {
        head = host.store.insert(Obj {
            name: i.to_string(),
            next: Some(head),
            resurrect_once: false,
        });
    }
    host.log.clear();
    host.decref(head)?;
    println!(
        "freed a chain of {} objects iteratively; alive: {}",
        host.log.len(),
        host.store.len()
    );
    Ok(())
}
