//! Model-based test of the `weakref` module: random sequences of object
//! creations (plain or in a self-cycle), weak references (basic ones,
//! which CPython reuses, and ones with callbacks), deletions of
//! references and objects, liveness checks and `getweakrefcount`, turned
//! into a Python script and run by the runtime; its output must be what a
//! small model of CPython's rules predicts: a reference dies with its
//! last name, a callback runs only if its reference outlives the referent,
//! callbacks run newest first once every reference is cleared, on the
//! refcount path and on the cycle-collection path alike.

use proptest::prelude::*;
use runtime::{Config, run_source};

#[derive(Clone, Debug)]
enum Op {
    /// `o{k} = C(k)` (with `o{k}.me = o{k}` when cyclic).
    New { k: usize, cyclic: bool },
    /// `r{j} = weakref.ref(o{k}[, callback])`.
    Ref { k: usize, callback: bool },
    /// `del r{j}` for the `n`-th existing name.
    DelRef { n: usize },
    /// `del o{k}` (plus `gc.collect()` for a cyclic object).
    DelObj { k: usize },
    /// `print(r{j}() is not None)` for the `n`-th existing name.
    Check { n: usize },
    /// `print(weakref.getweakrefcount(o{k}))`.
    Count { k: usize },
}

const OBJECTS: usize = 3;

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..OBJECTS, any::<bool>()).prop_map(|(k, cyclic)| Op::New { k, cyclic }),
        (0..OBJECTS, any::<bool>()).prop_map(|(k, callback)| Op::Ref { k, callback }),
        (0..8usize).prop_map(|n| Op::DelRef { n }),
        (0..OBJECTS).prop_map(|k| Op::DelObj { k }),
        (0..8usize).prop_map(|n| Op::Check { n }),
        (0..OBJECTS).prop_map(|k| Op::Count { k }),
    ]
}

/// One weak reference object of the model.
struct RefObj {
    /// Its referent, while alive.
    referent: Option<usize>,
    /// The callback's tag (`None`: a basic, reusable reference).
    callback: Option<usize>,
    /// How many script names hold it.
    names: usize,
}

#[derive(Default)]
struct Model {
    /// Alive objects: whether each is in a self-cycle.
    objects: Vec<Option<bool>>,
    refs: Vec<RefObj>,
    /// Script name `r{j}` → index into `refs`, for the names still bound.
    names: Vec<(usize, usize)>,
    next_name: usize,
    script: String,
    expected: String,
}

impl Model {
    fn new() -> Self {
        let mut m = Model {
            objects: vec![None; OBJECTS],
            ..Model::default()
        };
        m.script
            .push_str("import gc, weakref\nclass C:\n    def __init__(self, k): self.k = k\n");
        m
    }

    /// The object `k` dies: every reference to it is cleared, then the
    /// callbacks of the living references run, newest first.
    fn kill(&mut self, k: usize) {
        let mut due = Vec::new();
        for r in self.refs.iter_mut() {
            if r.referent == Some(k) && r.names > 0 {
                r.referent = None;
                if let Some(tag) = r.callback {
                    due.push(tag);
                }
            }
        }
        for tag in due.into_iter().rev() {
            self.expected.push_str(&format!("cb {tag} True\n"));
        }
        if let Some(slot) = self.objects.get_mut(k) {
            *slot = None;
        }
    }

    fn del_obj(&mut self, k: usize) {
        let Some(cyclic) = self.objects[k] else {
            return;
        };
        if cyclic {
            self.script.push_str(&format!("del o{k}\ngc.collect()\n"));
        } else {
            self.script.push_str(&format!("del o{k}\n"));
        }
        self.kill(k);
    }

    fn apply(&mut self, op: &Op) {
        match *op {
            Op::New { k, cyclic } => {
                self.del_obj(k);
                self.script.push_str(&format!("o{k} = C({k})\n"));
                if cyclic {
                    self.script.push_str(&format!("o{k}.me = o{k}\n"));
                }
                self.objects[k] = Some(cyclic);
            }
            Op::Ref { k, callback } => {
                if self.objects[k].is_none() {
                    return;
                }
                let j = self.next_name;
                self.next_name += 1;
                let idx = if callback {
                    self.script.push_str(&format!(
                        "r{j} = weakref.ref(o{k}, lambda r, j={j}: print('cb', j, r() is None))\n"
                    ));
                    self.refs.push(RefObj {
                        referent: Some(k),
                        callback: Some(j),
                        names: 0,
                    });
                    self.refs.len() - 1
                } else {
                    self.script.push_str(&format!("r{j} = weakref.ref(o{k})\n"));
                    let basic = self
                        .refs
                        .iter()
                        .position(|r| r.referent == Some(k) && r.callback.is_none() && r.names > 0);
                    match basic {
                        Some(i) => i,
                        None => {
                            self.refs.push(RefObj {
                                referent: Some(k),
                                callback: None,
                                names: 0,
                            });
                            self.refs.len() - 1
                        }
                    }
                };
                self.refs[idx].names += 1;
                self.names.push((j, idx));
            }
            Op::DelRef { n } => {
                if self.names.is_empty() {
                    return;
                }
                let (j, idx) = self.names.remove(n % self.names.len());
                self.script.push_str(&format!("del r{j}\n"));
                self.refs[idx].names -= 1;
            }
            Op::DelObj { k } => self.del_obj(k),
            Op::Check { n } => {
                if self.names.is_empty() {
                    return;
                }
                let (j, idx) = self.names[n % self.names.len()];
                self.script
                    .push_str(&format!("print('r{j}', r{j}() is not None)\n"));
                let alive = self.refs[idx].referent.is_some();
                self.expected
                    .push_str(&format!("r{j} {}\n", py_bool(alive)));
            }
            Op::Count { k } => {
                if self.objects[k].is_none() {
                    return;
                }
                self.script
                    .push_str(&format!("print('count', weakref.getweakrefcount(o{k}))\n"));
                let n = self
                    .refs
                    .iter()
                    .filter(|r| r.referent == Some(k) && r.names > 0)
                    .count();
                self.expected.push_str(&format!("count {n}\n"));
            }
        }
    }

    fn finish(&mut self) {
        for k in 0..OBJECTS {
            self.del_obj(k);
        }
        self.script.push_str("print('end')\n");
        self.expected.push_str("end\n");
    }
}

fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn weakrefs_follow_cpythons_rules(ops in prop::collection::vec(op(), 1..40), td in any::<bool>()) {
        let mut m = Model::new();
        for op in &ops {
            m.apply(op);
        }
        m.finish();
        let config = Config {
            gc: if td { "trial-deletion".into() } else { "generational".into() },
            check_leaks: true,
            max_steps: Some(5_000_000),
            ..Config::default()
        };
        let out = run_source("model.py", m.script.as_bytes(), &config);
        let stdout = String::from_utf8_lossy(&out.stdout);
        prop_assert_eq!(
            stdout.as_ref(),
            m.expected.as_str(),
            "script:\n{}\nstderr:\n{}",
            m.script,
            String::from_utf8_lossy(&out.stderr)
        );
        prop_assert_eq!(out.status, 0);
    }
}
