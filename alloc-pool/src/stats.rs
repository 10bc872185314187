//! [`AllocStats`] and the `sys._debugmallocstats()` report.

use core::fmt::Write as _;

use crate::size_class::{ARENA_SIZE, NB_SMALL_SIZE_CLASSES, POOL_SIZE, SMALL_REQUEST_THRESHOLD};

/// Statistics of one allocator (the alloc-pool helper extends this; other
/// crates read only the fields below).
///
/// The first four fields mean the same for every allocator. `arenas` and
/// `pools` are filled by [`PyMalloc`](crate::PyMalloc) (all zero elsewhere);
/// for `PyMalloc` they obey `sys._debugmallocstats()`'s arithmetic, see
/// [`PoolStats::total`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AllocStats {
    /// Blocks currently allocated and not yet freed (all sizes).
    pub blocks_in_use: u64,
    /// Bytes requested by the blocks currently in use.
    pub bytes_in_use: u64,
    /// Allocations served since creation (including reallocs that moved).
    pub allocations_total: u64,
    /// Frees since creation.
    pub frees_total: u64,
    /// Successful reallocations, in place or moved (a move also counts one
    /// allocation and one free).
    pub reallocs_total: u64,
    /// Blocks in use that were sent to the system allocator (0 bytes, more
    /// than 512 bytes, or aligned above 16): CPython's `raw_allocated_blocks`.
    pub raw_blocks_in_use: u64,
    /// Bytes currently held from the system: arenas plus system blocks (for
    /// [`Bump`](crate::Bump), its chunks).
    pub system_bytes: u64,
    /// Blocks held in thread caches ([`ThreadCached`](crate::ThreadCached)):
    /// taken from the pools (so the pool census counts them as in use) but
    /// not handed out.
    pub thread_cached_blocks: u64,
    /// The configured ceiling on `system_bytes`, if any.
    pub memory_limit: Option<u64>,
    /// The arena counters.
    pub arenas: ArenaStats,
    /// The pool census.
    pub pools: PoolStats,
}

/// Arena counters, as `sys._debugmallocstats()` prints them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ArenaStats {
    /// `ntimes_arena_allocated`: arenas ever taken from the system.
    pub allocated_total: u64,
    /// Arenas given back (`allocated_total - current`).
    pub reclaimed: u64,
    /// `narenas_highwater`: the most arenas held at once.
    pub highwater: u64,
    /// `narenas_currently_allocated`.
    pub current: u64,
}

/// One size class in the pool census.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SizeClassStats {
    /// The class index `i` (`(nbytes - 1) >> 4`).
    pub class: u32,
    /// Its block size, `(i + 1) * 16`.
    pub size: u32,
    /// Pools of this class holding at least one block.
    pub pools: u64,
    /// Blocks of this class in use.
    pub blocks_in_use: u64,
    /// Free blocks in those pools (`pools * blocks per pool - blocks_in_use`).
    pub avail_blocks: u64,
}

/// The census of pools, as `_PyObject_DebugMallocStats` computes it by
/// walking every carved pool of every arena.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PoolStats {
    /// One entry per size class (all 32 for pymalloc, empty otherwise).
    pub size_classes: Vec<SizeClassStats>,
    /// Empty or never-carved pools in allocated arenas (`Σ nfreepools`).
    pub unused_pools: u64,
    /// `Σ blocks_in_use * size`.
    pub bytes_in_allocated_blocks: u64,
    /// `Σ avail_blocks * size`.
    pub bytes_in_available_blocks: u64,
    /// `pools in use * 48`.
    pub bytes_lost_to_pool_headers: u64,
    /// `Σ pools * ((16384 - 48) % size)`.
    pub bytes_lost_to_quantization: u64,
    /// 16 KiB per arena whose base is not pool-aligned: always 0 here, as
    /// arenas are allocated 1 MiB-aligned.
    pub bytes_lost_to_arena_alignment: u64,
}

impl PoolStats {
    /// Pools holding at least one block, over all classes.
    pub fn pools_in_use(&self) -> u64 {
        self.size_classes.iter().map(|c| c.pools).sum()
    }

    /// The report's `Total`: the sum of allocated and available blocks, unused
    /// pools, pool headers, quantization and alignment. For pymalloc it
    /// equals `arenas.current * 1 MiB`.
    pub fn total(&self) -> u64 {
        self.bytes_in_allocated_blocks
            + self.bytes_in_available_blocks
            + self.unused_pools * POOL_SIZE as u64
            + self.bytes_lost_to_pool_headers
            + self.bytes_lost_to_quantization
            + self.bytes_lost_to_arena_alignment
    }
}

/// CPython's `printone`: the label padded to column 35, `=`, then the value
/// right-aligned in 21 columns with thousands separators.
pub(crate) fn printone(out: &mut String, label: &str, value: u64) {
    let _ = writeln!(out, "{label:<35}={:>21}", with_commas(value));
}

/// `1234567` → `"1,234,567"`.
pub(crate) fn with_commas(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// The report for allocators without pools (system, bump): the counters in
/// `printone` layout.
pub(crate) fn flat_report(name: &str, stats: &AllocStats) -> String {
    let mut out = String::with_capacity(512);
    let _ = writeln!(out, "{name} allocator: no pools, no arenas.\n");
    printone(&mut out, "# blocks in use", stats.blocks_in_use);
    printone(&mut out, "# bytes in use", stats.bytes_in_use);
    printone(&mut out, "# allocations total", stats.allocations_total);
    printone(&mut out, "# frees total", stats.frees_total);
    printone(&mut out, "# reallocs total", stats.reallocs_total);
    printone(&mut out, "# bytes from the system", stats.system_bytes);
    out
}

/// The `_PyObject_DebugMallocStats` report for pymalloc statistics.
///
/// Differs from CPython's by design: there is no "arena map" section (no
/// radix tree: Rust's `dealloc` is told the block's size), and no free-list
/// section (those belong to the runtime's object types).
pub(crate) fn pymalloc_report(stats: &AllocStats) -> String {
    let mut out = String::with_capacity(4096);
    let _ = writeln!(
        out,
        "Small block threshold = {SMALL_REQUEST_THRESHOLD}, in {NB_SMALL_SIZE_CLASSES} size classes.\n"
    );
    out.push_str("class   size   num pools   blocks in use  avail blocks\n");
    out.push_str("-----   ----   ---------   -------------  ------------\n");
    for c in stats.pools.size_classes.iter().filter(|c| c.pools > 0) {
        let _ = writeln!(
            out,
            "{:5} {:6} {:11} {:15} {:13}",
            c.class, c.size, c.pools, c.blocks_in_use, c.avail_blocks
        );
    }
    out.push('\n');
    let a = &stats.arenas;
    printone(&mut out, "# arenas allocated total", a.allocated_total);
    printone(&mut out, "# arenas reclaimed", a.reclaimed);
    printone(&mut out, "# arenas highwater mark", a.highwater);
    printone(&mut out, "# arenas allocated current", a.current);
    let label = format!("{} arenas * {ARENA_SIZE} bytes/arena", a.current);
    printone(&mut out, &label, a.current * ARENA_SIZE as u64);
    out.push('\n');
    let p = &stats.pools;
    printone(
        &mut out,
        "# bytes in allocated blocks",
        p.bytes_in_allocated_blocks,
    );
    printone(
        &mut out,
        "# bytes in available blocks",
        p.bytes_in_available_blocks,
    );
    let label = format!("{} unused pools * {POOL_SIZE} bytes", p.unused_pools);
    printone(&mut out, &label, p.unused_pools * POOL_SIZE as u64);
    printone(
        &mut out,
        "# bytes lost to pool headers",
        p.bytes_lost_to_pool_headers,
    );
    printone(
        &mut out,
        "# bytes lost to quantization",
        p.bytes_lost_to_quantization,
    );
    printone(
        &mut out,
        "# bytes lost to arena alignment",
        p.bytes_lost_to_arena_alignment,
    );
    printone(&mut out, "Total", p.total());
    out.push('\n');
    printone(&mut out, "# raw blocks in use", stats.raw_blocks_in_use);
    printone(&mut out, "# blocks in use", stats.blocks_in_use);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printone_matches_cpython_columns() {
        let mut s = String::new();
        printone(&mut s, "# arenas allocated total", 4);
        printone(&mut s, "4 arenas * 1048576 bytes/arena", 4_194_304);
        assert_eq!(
            s,
            "# arenas allocated total           =                    4\n\
             4 arenas * 1048576 bytes/arena     =            4,194,304\n"
        );
    }

    #[test]
    fn commas() {
        assert_eq!(with_commas(0), "0");
        assert_eq!(with_commas(999), "999");
        assert_eq!(with_commas(1000), "1,000");
        assert_eq!(with_commas(65_536), "65,536");
        assert_eq!(with_commas(4_194_304), "4,194,304");
    }
}
