//! Sampling mode: on a fixed seed, the estimates of size and count per
//! line are within the stated error of exact tracing on the same events.
//!
//! Stated error: with sampling rate R, a group whose blocks total B bytes
//! gets about B/R samples and a relative standard error of about
//! 1/sqrt(B/R). The workload below has at least ~150 expected samples per
//! group, so 3 standard errors is at most 25%: every group's size and
//! count estimates must be within 25% of the exact figures, and the total
//! within 10%.

use tracemalloc::{
    AllocObserver, Frame, KeyType, Statistic, TraceError, Tracemalloc, frame_stack, sampling,
};

const RATE: u64 = 4096;

/// (line, block size, blocks)
const WORKLOAD: &[(u32, usize, usize)] = &[
    (1, 32, 20_000),
    (2, 256, 5_000),
    (3, 8192, 200),
    (4, 1 << 20, 10),
    (5, 100, 8_000),
];

fn run(tracers: &[&Tracemalloc]) {
    let _f = frame_stack::enter(Frame::new("work.py", 0));
    let mut addr = 0x10_0000usize;
    for &(line, size, n) in WORKLOAD {
        frame_stack::set_lineno(line);
        for i in 0..n {
            for t in tracers {
                t.on_alloc(0, addr, size);
            }
            // Free every third block of line 5 again.
            if line == 5 && i % 3 == 0 {
                for t in tracers {
                    t.on_free(0, addr);
                }
            }
            addr += size.next_multiple_of(16);
        }
    }
}

fn by_line(stats: &[Statistic]) -> Vec<(u32, i64, i64)> {
    let mut v: Vec<_> = stats
        .iter()
        .map(|s| (s.traceback.frames()[0].lineno, s.size, s.count))
        .collect();
    v.sort();
    v
}

fn within(est: i64, exact: i64, tolerance: f64) -> bool {
    ((est - exact) as f64).abs() <= tolerance * exact as f64
}

#[test]
fn sampled_estimates_are_within_the_stated_error_of_exact_tracing() {
    let exact = Tracemalloc::new();
    let sampled = Tracemalloc::new();
    exact.start(1).unwrap();
    sampled.start_sampling(1, RATE, 42).unwrap();
    assert!(sampled.is_sampling() && !exact.is_sampling());
    assert_eq!(sampled.sample_rate(), Some(RATE));
    run(&[&exact, &sampled]);

    let exact_stats = by_line(
        &exact
            .take_snapshot()
            .unwrap()
            .statistics(KeyType::Lineno, false)
            .unwrap(),
    );
    let snap = sampled.take_snapshot().unwrap();
    assert_eq!(snap.sample_rate(), Some(RATE));
    let est_stats = by_line(&snap.statistics(KeyType::Lineno, false).unwrap());
    assert_eq!(exact_stats.len(), 5);
    assert_eq!(est_stats.len(), 5, "every line was sampled at least once");
    for (e, s) in exact_stats.iter().zip(&est_stats) {
        assert_eq!(e.0, s.0);
        assert!(
            within(s.1, e.1, 0.25),
            "line {}: size estimate {} vs exact {}",
            e.0,
            s.1,
            e.1
        );
        assert!(
            within(s.2, e.2, 0.25),
            "line {}: count estimate {} vs exact {}",
            e.0,
            s.2,
            e.2
        );
    }
    let (cur_exact, peak_exact) = exact.traced_memory();
    let (cur_est, peak_est) = sampled.traced_memory();
    assert!(
        within(cur_est as i64, cur_exact as i64, 0.10),
        "{cur_est} vs {cur_exact}"
    );
    assert!(
        within(peak_est as i64, peak_exact as i64, 0.10),
        "{peak_est} vs {peak_exact}"
    );
    // Far fewer blocks are kept than traced exactly.
    assert!(sampled.trace_count() * 10 < exact.trace_count());
}

#[test]
fn the_same_seed_samples_the_same_blocks() {
    let counts: Vec<usize> = (0..2)
        .map(|_| {
            let t = Tracemalloc::new();
            t.start_sampling(1, RATE, 7).unwrap();
            run(&[&t]);
            t.trace_count()
        })
        .collect();
    assert_eq!(counts[0], counts[1]);
}

#[test]
fn freeing_sampled_blocks_forgets_them() {
    let t = Tracemalloc::new();
    t.start_sampling(1, 16, 1).unwrap();
    for i in 0..100 {
        t.on_alloc(0, 0x1000 + i * 0x1000, 4096);
    }
    // 4096-byte blocks at rate 16 are sampled with probability ~1.
    assert_eq!(t.trace_count(), 100);
    for i in 0..100 {
        t.on_free(0, 0x1000 + i * 0x1000);
    }
    assert_eq!(t.trace_count(), 0);
    assert_eq!(t.traced_memory().0, 0);
}

#[test]
fn sampling_rate_zero_is_refused_and_tracing_stays_off() {
    let t = Tracemalloc::new();
    let err = t.start_sampling(1, 0, 1).unwrap_err();
    assert!(matches!(err, TraceError::InvalidSampleRate));
    assert!(!t.is_tracing());
    assert!(matches!(
        t.start_sampling(0, 10, 1),
        Err(TraceError::InvalidFrameCount(0))
    ));
}

#[test]
fn probability_and_weights() {
    assert_eq!(sampling::probability(0, 100), 0.0);
    assert!((sampling::probability(100, 100) - (1.0 - (-1f64).exp())).abs() < 1e-12);
    assert!(sampling::probability(1 << 30, 4096) > 0.999_999);
    assert_eq!(sampling::inverse_probability(0, 100), 1.0);
    let mut rng = sampling::Rng::new(3);
    let mean: f64 = (0..20_000).map(|_| rng.next_gap(1000) as f64).sum::<f64>() / 20_000.0;
    assert!((mean - 1000.0).abs() < 50.0, "mean gap {mean}");
}
