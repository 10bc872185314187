//! Poisson sampling by bytes, as heap profilers (tcmalloc, Go's pprof,
//! CPython's proposed sampled tracemalloc) do: a mode beyond CPython 3.11.
//!
//! Sample points fall on the stream of allocated bytes as a Poisson process
//! with mean spacing `rate` bytes: the gap to the next point is drawn from
//! an exponential distribution, and an allocation is traced when a point
//! falls inside it. A block of `size` bytes is therefore traced with
//! probability `p = 1 - exp(-size / rate)`, independently of everything
//! else, and weighting each traced block by `1/p` makes the per-group sums
//! of size and count **unbiased** estimates of the exact ones. Big blocks
//! are almost always traced (a 4 MiB block at rate 512 KiB: p > 0.9996);
//! small ones rarely, but each stands for many.
//!
//! The countdown to the next sample is per thread, so the untraced path is
//! a thread-local subtraction and comparison; the random draws use a small
//! xorshift generator ([`Rng`]) seeded per tracing session, so a fixed seed
//! on one thread gives the same samples every run.

/// The sampling probability of a block: `1 - exp(-size / rate)`.
pub fn probability(size: usize, rate: u64) -> f64 {
    if rate == 0 {
        return 1.0;
    }
    -(-(size as f64) / rate as f64).exp_m1()
}

/// The estimator weight of a sampled block: `1 / probability` (1 for a
/// zero-size block, which is never sampled).
pub fn inverse_probability(size: usize, rate: u64) -> f64 {
    let p = probability(size, rate);
    if p > 0.0 { 1.0 / p } else { 1.0 }
}

/// xorshift64* (Vigna): 64-bit state, good enough statistically for
/// sampling and a handful of instructions per draw. Not cryptographic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator from `seed` (any value; it is mixed first so that nearby
    /// seeds give unrelated streams).
    pub const fn new(seed: u64) -> Self {
        // splitmix64 finalizer; never leaves the state at 0.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Rng {
            state: if z == 0 { 0x2545_F491_4F6C_DD1D } else { z },
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A uniform draw in (0, 1].
    pub fn next_unit(&mut self) -> f64 {
        // 53 random bits; +1 keeps it away from 0 so ln() is finite.
        ((self.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64
    }

    /// Bytes until the next sample point: exponential with mean `rate`,
    /// at least 1.
    pub fn next_gap(&mut self, rate: u64) -> i64 {
        let gap = -self.next_unit().ln() * rate as f64;
        if gap >= i64::MAX as f64 {
            i64::MAX
        } else {
            (gap as i64).max(1)
        }
    }
}
