//! A tree whose nodes point to their parent (so every edge is a cycle),
//! kept in `refcount`'s store and collected by `cyclegc`: no Python
//! anywhere. Dropping the root leaves the whole tree unreachable; the
//! collector finds it, runs each node's finalizer once, and the host
//! breaks the cycles.
//!
//! Run: `cargo run -p cyclegc --example parent_tree`

use cyclegc::{Collector, GcHeader, Generational, Graph, Host, TrialDeletion};
use refcount::{Decref, Handle, Store, Trace};

/// A tree node: a name, a strong parent pointer and strong children.
struct Node {
    name: String,
    parent: Option<Handle>,
    children: Vec<Handle>,
    header: GcHeader,
}

impl Trace for Node {
    fn trace(&self, visit: &mut dyn FnMut(Handle)) {
        self.parent
            .iter()
            .chain(&self.children)
            .for_each(|&h| visit(h));
    }
}

/// The host: the store plus what the finalizers did.
struct Tree {
    store: Store<Node>,
    finalized: Vec<String>,
}

impl Tree {
    fn add(&mut self, gc: &mut dyn Collector<Tree>, name: &str, parent: Option<Handle>) -> Handle {
        let h = self.store.insert(Node {
            name: name.into(),
            parent,
            children: vec![],
            header: GcHeader::default(),
        });
        if let Some(p) = parent {
            let _ = self.store.incref(p); // the child's parent pointer
            let _ = self.store.incref(h); // the parent's child pointer
            if let Ok(n) = self.store.get_mut(p) {
                n.children.push(h);
            }
        }
        let _ = gc.track(self, h);
        h
    }

    /// Drops a reference, freeing (and untracking) whatever reaches zero.
    fn decref(&mut self, gc: &mut dyn Collector<Tree>, h: Handle) {
        if let Ok(Decref::Alive(_)) = self.store.decref(h) {
            gc.note_decref(self, h);
        }
        while let Some(dead) = self.store.pop_zero() {
            gc.untrack(self, dead);
            let _ = self.store.free(dead);
        }
    }
}

impl Graph for Tree {
    type Node = Handle;
    fn refcount(&self, n: Handle) -> usize {
        self.store.refcount(n).unwrap_or(0)
    }
    fn traverse<F: FnMut(Handle)>(&self, n: Handle, mut visit: F) {
        if let Ok(node) = self.store.get(n) {
            node.parent
                .iter()
                .chain(&node.children)
                .for_each(|&h| visit(h));
        }
    }
    fn gc_header(&self, n: Handle) -> GcHeader {
        self.store
            .get(n)
            .map(|node| node.header)
            .unwrap_or_default()
    }
    fn set_gc_header(&mut self, n: Handle, header: GcHeader) {
        if let Ok(node) = self.store.get_mut(n) {
            node.header = header;
        }
    }
    fn has_finalizer(&self, _n: Handle) -> bool {
        true
    }
}

impl Host for Tree {
    fn finalize(&mut self, n: Handle, _gc: &mut dyn Collector<Self>) {
        if let Ok(node) = self.store.get(n) {
            self.finalized.push(node.name.clone());
        }
    }
    fn clear(&mut self, n: Handle, gc: &mut dyn Collector<Self>) {
        let _ = self.store.incref(n);
        let (parent, children) = match self.store.get_mut(n) {
            Ok(node) => (node.parent.take(), std::mem::take(&mut node.children)),
            Err(_) => return,
        };
        for h in parent.into_iter().chain(children) {
            self.decref(gc, h);
        }
        self.decref(gc, n);
    }
    fn save_garbage(&mut self, n: Handle) {
        let _ = self.store.incref(n);
    }
}

fn run(mut gc: Box<dyn Collector<Tree>>) {
    let gc = gc.as_mut();
    let mut tree = Tree {
        store: Store::new(),
        finalized: vec![],
    };
    let root = tree.add(gc, "root", None);
    let mut level = vec![root];
    for depth in 1..=4 {
        let mut next = vec![];
        for (i, &p) in level.iter().enumerate() {
            for j in 0..2 {
                let child = tree.add(gc, &format!("n{depth}.{}", 2 * i + j), Some(p));
                tree.decref(gc, child); // only the parent holds it now
                next.push(child);
            }
        }
        level = next;
    }
    let before = tree.store.len();
    tree.decref(gc, root); // the tree is now an unreachable cycle
    let found = cyclegc::collect(gc, &mut tree, 2).unwrap_or(0);
    println!(
        "{}: {before} nodes, dropped the root, collect() -> {found}, finalized {} (first: {:?}), left {}",
        gc.name(),
        tree.finalized.len(),
        tree.finalized.first(),
        tree.store.len()
    );
}

fn main() {
    run(Box::new(Generational::new()));
    run(Box::new(TrialDeletion::new()));
}
