//! `GlobalPyMalloc` shared by threads through `GlobalAlloc`, `PyAllocator`
//! and `Allocator`, without being the process's global allocator.

use std::alloc::{GlobalAlloc, Layout};
use std::sync::Arc;
use std::thread;

use alloc_pool::{GlobalPyMalloc, PyAllocator};
use allocator_api2::vec::Vec as ApiVec;

static POOL: GlobalPyMalloc = GlobalPyMalloc::new();

#[test]
fn threads_allocate_and_free_concurrently_through_global_alloc() {
    let threads: Vec<_> = (0..4u64)
        .map(|t| {
            thread::spawn(move || {
                let mut live: Vec<(usize, Layout, u8)> = Vec::new();
                let mut x = t.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
                for i in 0..20_000u32 {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    let size = 1 + (x % 700) as usize;
                    let layout = Layout::from_size_align(size, 8).unwrap();
                    let tag = (i % 251) as u8;
                    // SAFETY: non-zero layout; each pointer is written within
                    // its size and freed once with its layout.
                    unsafe {
                        let p = GlobalAlloc::alloc(&POOL, layout);
                        assert!(!p.is_null());
                        assert_eq!(p as usize % 8, 0);
                        p.write_bytes(tag, size);
                        live.push((p as usize, layout, tag));
                        if x % 3 == 0 {
                            let (q, l, tag) = live.swap_remove((x as usize / 3) % live.len());
                            let bytes = std::slice::from_raw_parts(q as *const u8, l.size());
                            assert!(
                                bytes.iter().all(|&b| b == tag),
                                "another thread wrote into a live block"
                            );
                            GlobalAlloc::dealloc(&POOL, q as *mut u8, l);
                        }
                        if x % 7 == 0 && !live.is_empty() {
                            let (q, l, tag) = live.swap_remove((x as usize / 7) % live.len());
                            let new = 1 + (x as usize >> 20) % 900;
                            let r = GlobalAlloc::realloc(&POOL, q as *mut u8, l, new);
                            assert!(!r.is_null());
                            let kept =
                                std::slice::from_raw_parts(r as *const u8, l.size().min(new));
                            assert!(kept.iter().all(|&b| b == tag));
                            let nl = Layout::from_size_align(new, 8).unwrap();
                            r.write_bytes(tag, new);
                            live.push((r as usize, nl, tag));
                        }
                    }
                }
                for (p, l, _) in live {
                    // SAFETY: each remaining pointer is live with its layout.
                    unsafe { GlobalAlloc::dealloc(&POOL, p as *mut u8, l) };
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let s = POOL.stats();
    assert_eq!(s.blocks_in_use, 0);
    assert_eq!(s.bytes_in_use, 0);
    assert!(s.arenas.current <= 1);
    assert_eq!(s.pools.total(), s.arenas.current * (1 << 20));
}

#[test]
fn the_safe_and_collection_interfaces_work_across_threads() {
    let pool = Arc::new(GlobalPyMalloc::new());
    let threads: Vec<_> = (0..3)
        .map(|t| {
            let pool = Arc::clone(&pool);
            thread::spawn(move || {
                let mut v: ApiVec<u64, &GlobalPyMalloc> = ApiVec::new_in(&pool);
                v.extend(0..10_000u64 * (t + 1));
                let blocks: Vec<_> = (0..1000)
                    .map(|i| {
                        pool.alloc(Layout::from_size_align(1 + i % 600, 8).unwrap())
                            .unwrap()
                    })
                    .collect();
                for b in blocks {
                    pool.free(b).unwrap();
                }
                v.iter().sum::<u64>()
            })
        })
        .collect();
    let sums: Vec<u64> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert_eq!(sums[0], (0..10_000u64).sum());
    assert_eq!(pool.stats().blocks_in_use, 0);
    assert_eq!(pool.name(), "pymalloc");
    assert_eq!(pool.id(), pool.id(), "the identity is minted once");
}

#[test]
fn the_limit_makes_global_alloc_return_null() {
    let pool = GlobalPyMalloc::with_limit(1 << 20);
    let big = Layout::from_size_align(2 << 20, 8).unwrap();
    // SAFETY: non-zero layout; a null result is not freed.
    let p = unsafe { GlobalAlloc::alloc(&pool, big) };
    assert!(p.is_null());
    assert!(PyAllocator::alloc(&pool, big).is_err());
}

/// Under `GlobalAlloc` (which must not unwind) a double free found by the
/// debug checks prints `alloc-pool: double free ...` and aborts. The test
/// re-runs itself as a child process that does the double free.
#[cfg(debug_assertions)]
#[test]
fn double_free_through_global_alloc_aborts_with_a_message() {
    const NAME: &str = "double_free_through_global_alloc_aborts_with_a_message";
    if std::env::var_os("ALLOC_POOL_DOUBLE_FREE_CHILD").is_some() {
        let pool = GlobalPyMalloc::new();
        let l = Layout::from_size_align(64, 8).unwrap();
        // SAFETY: deliberately violated (the second dealloc): the point of the test.
        unsafe {
            let keep = GlobalAlloc::alloc(&pool, l);
            let p = GlobalAlloc::alloc(&pool, l);
            GlobalAlloc::dealloc(&pool, p, l);
            GlobalAlloc::dealloc(&pool, p, l);
            GlobalAlloc::dealloc(&pool, keep, l);
        }
        return;
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([NAME, "--exact", "--test-threads=1"])
        .env("ALLOC_POOL_DOUBLE_FREE_CHILD", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the child must abort");
    assert!(stderr.contains("alloc-pool: double free"), "{stderr}");
}
