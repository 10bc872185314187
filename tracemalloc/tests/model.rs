//! Random operation sequences against a plain model (a `BTreeMap` of live
//! blocks and two counters), as slotmap tests itself against a `HashMap`:
//! traced memory, peak, trace lookups and per-line statistics must agree
//! after every step.

use std::collections::BTreeMap;

use proptest::prelude::*;
use tracemalloc::{AllocObserver, Frame, KeyType, Tracemalloc, frame_stack};

#[derive(Clone, Debug)]
enum Op {
    Alloc {
        domain: u32,
        slot: u8,
        size: u16,
    },
    Free {
        domain: u32,
        slot: u8,
    },
    Realloc {
        domain: u32,
        from: u8,
        to: u8,
        size: u16,
    },
    Line(u8),
    ResetPeak,
    Clear,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..2u32, 0..32u8, 0..2000u16).prop_map(|(domain, slot, size)| Op::Alloc { domain, slot, size }),
        3 => (0..2u32, 0..32u8).prop_map(|(domain, slot)| Op::Free { domain, slot }),
        2 => (0..2u32, 0..32u8, 0..32u8, 0..2000u16).prop_map(|(domain, from, to, size)| Op::Realloc { domain, from, to, size }),
        2 => (1..5u8).prop_map(Op::Line),
        1 => Just(Op::ResetPeak),
        1 => Just(Op::Clear),
    ]
}

#[derive(Default)]
struct Model {
    live: BTreeMap<(u32, usize), (usize, u32)>,
    current: usize,
    peak: usize,
}

impl Model {
    fn add(&mut self, key: (u32, usize), size: usize, line: u32) {
        if let Some((old, _)) = self.live.insert(key, (size, line)) {
            self.current -= old;
        }
        self.current += size;
        self.peak = self.peak.max(self.current);
    }
    fn remove(&mut self, key: (u32, usize)) {
        if let Some((old, _)) = self.live.remove(&key) {
            self.current -= old;
        }
    }
}

fn addr(slot: u8) -> usize {
    0x1000 + usize::from(slot) * 0x100
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn tracer_agrees_with_the_model(ops in proptest::collection::vec(op(), 1..120)) {
        let t = Tracemalloc::new();
        t.start(1).unwrap();
        let mut m = Model::default();
        let mut line = 1u32;
        let _frame = frame_stack::enter(Frame::new("p.py", line));
        for op in ops {
            match op {
                Op::Alloc { domain, slot, size } => {
                    t.on_alloc(domain, addr(slot), size.into());
                    m.add((domain, addr(slot)), size.into(), line);
                }
                Op::Free { domain, slot } => {
                    t.on_free(domain, addr(slot));
                    m.remove((domain, addr(slot)));
                }
                Op::Realloc { domain, from, to, size } => {
                    t.on_realloc(domain, addr(from), addr(to), size.into());
                    m.remove((domain, addr(from)));
                    m.add((domain, addr(to)), size.into(), line);
                }
                Op::Line(l) => {
                    line = l.into();
                    frame_stack::set_lineno(line);
                }
                Op::ResetPeak => {
                    t.reset_peak();
                    m.peak = m.current;
                }
                Op::Clear => {
                    t.clear_traces();
                    m = Model::default();
                }
            }
            prop_assert_eq!(t.traced_memory(), (m.current, m.peak));
            prop_assert_eq!(t.trace_count(), m.live.len());
        }
        for (&(domain, a), &(size, l)) in &m.live {
            let trace = t.trace(domain, a).unwrap();
            prop_assert_eq!(trace.size, size);
            prop_assert_eq!(trace.traceback.frames(), &[Frame::new("p.py", l)][..]);
        }
        let stats = t.take_snapshot().unwrap().statistics(KeyType::Lineno, false).unwrap();
        let mut want: BTreeMap<u32, (i64, i64)> = BTreeMap::new();
        for &(size, l) in m.live.values() {
            let e = want.entry(l).or_default();
            e.0 += size as i64;
            e.1 += 1;
        }
        let got: BTreeMap<u32, (i64, i64)> =
            stats.iter().map(|s| (s.traceback.frames()[0].lineno, (s.size, s.count))).collect();
        prop_assert_eq!(got, want);
        // Sorted biggest first.
        prop_assert!(stats.windows(2).all(|w| (w[0].size, w[0].count) >= (w[1].size, w[1].count)));
    }
}
