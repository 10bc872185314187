//! `Snapshot.dump()`/`load()`: round trips, and every kind of bad file
//! refused with its own typed error.

use tracemalloc::{
    AllocObserver, FORMAT_VERSION, Frame, KeyType, LoadError, MAGIC, Snapshot, Trace, TraceError,
    Traceback, Tracemalloc, frame_stack,
};

fn sample_snapshot() -> Snapshot {
    let t = Tracemalloc::new();
    t.start(3).unwrap();
    let _a = frame_stack::enter(Frame::new("main.py", 3));
    let _b = frame_stack::enter(Frame::new(String::from("lib/é.py"), 40));
    for i in 0..10 {
        t.on_alloc(if i % 2 == 0 { 0 } else { 7 }, 0x1000 + i * 0x40, 10 + i);
    }
    frame_stack::set_lineno(41);
    t.on_alloc(0, 0x9000, 5000);
    t.take_snapshot().unwrap()
}

#[test]
fn round_trip_keeps_traces_limit_and_statistics() {
    let snap = sample_snapshot();
    let loaded = Snapshot::from_bytes(&snap.to_bytes()).unwrap();
    assert_eq!(loaded, snap);
    assert_eq!(loaded.traceback_limit(), 3);
    for key in [KeyType::Filename, KeyType::Lineno, KeyType::Traceback] {
        assert_eq!(
            loaded.statistics(key, false).unwrap(),
            snap.statistics(key, false).unwrap()
        );
    }
    // total_nframe survives.
    assert!(
        loaded
            .traces()
            .iter()
            .all(|t| t.traceback.total_nframe() == Some(2))
    );
    // Identical tracebacks are shared again after loading.
    let same: Vec<&Trace> = loaded
        .traces()
        .iter()
        .filter(|t| t.traceback.most_recent().unwrap().lineno == 40)
        .collect();
    assert_eq!(same.len(), 10);
    assert!(
        same.windows(2)
            .all(|w| w[0].traceback.shares_frames_with(&w[1].traceback))
    );
}

#[test]
fn round_trip_through_a_file_and_of_hand_made_snapshots() {
    let dir = std::env::temp_dir().join(format!("pymm-tm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("snap.bin");
    let snap = Snapshot::new(
        vec![
            Trace {
                domain: 0,
                size: 1,
                traceback: Traceback::new([], None),
            },
            Trace {
                domain: u32::MAX,
                size: 2,
                traceback: Traceback::new([Frame::new("x", 0)], Some(0)),
            },
        ],
        65535,
    );
    snap.dump(&path).unwrap();
    assert_eq!(Snapshot::load(&path).unwrap(), snap);
    let sampled = Snapshot::new_sampled(vec![], 1, 4096).unwrap();
    sampled.dump(&path).unwrap();
    assert_eq!(Snapshot::load(&path).unwrap().sample_rate(), Some(4096));
    std::fs::remove_dir_all(&dir).unwrap();
}

fn load_err(bytes: &[u8]) -> LoadError {
    match Snapshot::from_bytes(bytes) {
        Err(e) => e,
        Ok(_) => panic!("accepted a bad file"),
    }
}

/// Rewrites the checksum so that only the field under test is wrong.
fn reseal(mut bytes: Vec<u8>) -> Vec<u8> {
    let body = bytes.len() - 8;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in &bytes[..body] {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    bytes[body..].copy_from_slice(&h.to_le_bytes());
    bytes
}

#[test]
fn a_foreign_file_is_not_a_snapshot() {
    assert_eq!(load_err(b""), LoadError::NotASnapshot);
    assert_eq!(
        load_err(b"root:x:0:0:root:/root:/bin/bash\n"),
        LoadError::NotASnapshot
    );
    // A pickle (what CPython's dump writes).
    assert_eq!(
        load_err(b"\x80\x05\x95\x10\x00\x00\x00"),
        LoadError::NotASnapshot
    );
}

#[test]
fn a_newer_version_is_refused_by_number() {
    let mut bytes = sample_snapshot().to_bytes();
    bytes[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    assert_eq!(
        load_err(&bytes),
        LoadError::UnsupportedVersion(FORMAT_VERSION + 1)
    );
}

#[test]
fn every_truncation_is_refused() {
    let bytes = sample_snapshot().to_bytes();
    for len in 0..bytes.len() {
        let err = load_err(&bytes[..len]);
        assert!(
            matches!(
                err,
                LoadError::NotASnapshot | LoadError::Truncated | LoadError::ChecksumMismatch
            ),
            "length {len}: {err:?}"
        );
    }
}

#[test]
fn every_flipped_byte_is_refused() {
    let bytes = sample_snapshot().to_bytes();
    for i in 0..bytes.len() {
        let mut bad = bytes.clone();
        bad[i] ^= 0x40;
        assert!(
            Snapshot::from_bytes(&bad).is_err(),
            "byte {i} flipped and accepted"
        );
    }
}

#[test]
fn impossible_fields_are_named() {
    let snap = Snapshot::new(
        vec![Trace {
            domain: 0,
            size: 3,
            traceback: Traceback::new([Frame::new("a", 1)], None),
        }],
        1,
    );
    let good = snap.to_bytes();
    // Layout: magic 8, version 4, rate 8, limit 8, nstrings 4 @28, len 4 @32, "a" @36,
    // ntb 4 @37, total 4 @41, nframes 4 @45, string idx 4 @49, lineno 4 @53,
    // ntraces 8 @57, domain 4 @65, size 8 @69, tb 4 @77, checksum @81.
    let mut bad = good.clone();
    bad[49] = 9;
    assert_eq!(
        load_err(&reseal(bad)),
        LoadError::Corrupt("file name index out of range")
    );
    let mut bad = good.clone();
    bad[77] = 1;
    assert_eq!(
        load_err(&reseal(bad)),
        LoadError::Corrupt("traceback index out of range")
    );
    let mut bad = good.clone();
    bad[36] = 0xff;
    assert_eq!(
        load_err(&reseal(bad)),
        LoadError::Corrupt("file name is not UTF-8")
    );
    // A huge count is refused before anything is reserved.
    let mut bad = good.clone();
    bad[57..65].copy_from_slice(&u64::MAX.to_le_bytes());
    assert_eq!(load_err(&reseal(bad)), LoadError::Truncated);
    let mut bad = good.clone();
    bad.insert(81, 0);
    assert_eq!(
        load_err(&reseal(bad)),
        LoadError::Corrupt("trailing bytes after the traces")
    );
    assert_eq!(&good[..8], &MAGIC);
}

#[test]
fn load_errors_are_value_errors_and_missing_files_os_errors() {
    let dir = std::env::temp_dir().join(format!("pymm-tm-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("corrupt.bin");
    std::fs::write(&path, b"garbage").unwrap();
    let err = Snapshot::load(&path).unwrap_err();
    assert!(matches!(err, TraceError::Load(LoadError::NotASnapshot)));
    assert_eq!(err.python_exception(), "ValueError");
    assert_eq!(
        err.to_string(),
        "not a tracemalloc snapshot file (bad magic)"
    );
    let err = Snapshot::load(dir.join("missing.bin")).unwrap_err();
    assert!(matches!(err, TraceError::Io(_)));
    assert_eq!(err.python_exception(), "OSError");
    std::fs::remove_dir_all(&dir).unwrap();
}
