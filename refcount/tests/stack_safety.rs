//! Freeing a 1,000,000-long chain and a 1,000,000-wide list uses constant
//! stack (CPython's trashcan); run on a small thread stack to prove it.

use refcount::{Handle, RefcountError, Store, Trace};

struct Node(Vec<Handle>);

impl Trace for Node {
    fn trace(&self, visit: &mut dyn FnMut(Handle)) {
        for &h in &self.0 {
            visit(h);
        }
    }
}

const N: usize = 1_000_000;

fn on_small_stack(f: impl FnOnce() -> Result<(), RefcountError> + Send + 'static) {
    let joined = std::thread::Builder::new()
        .stack_size(64 * 1024)
        .spawn(f)
        .map(|t| t.join());
    assert!(
        matches!(joined, Ok(Ok(Ok(())))),
        "thread failed: {joined:?}"
    );
}

#[test]
fn million_long_chain_frees_iteratively() {
    on_small_stack(|| {
        let mut s = Store::new();
        let mut head = s.insert(Node(vec![]));
        for _ in 1..N {
            head = s.insert(Node(vec![head]));
        }
        assert_eq!(s.release(head)?, N);
        assert!(s.is_empty());
        Ok(())
    });
}

#[test]
fn million_wide_list_frees_iteratively() {
    on_small_stack(|| {
        let mut s = Store::new();
        let items: Vec<Handle> = (0..N).map(|_| s.insert(Node(vec![]))).collect();
        let list = s.insert(Node(items));
        assert_eq!(s.release(list)?, N + 1);
        assert!(s.is_empty());
        Ok(())
    });
}
