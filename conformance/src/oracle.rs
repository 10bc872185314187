//! The oracle: CPython 3.11 (`python3`) derives every spec's expectations.
//!
//! Each spec runs as `python3 NAME.py` in the specs directory with
//! `PYTHONHASHSEED=0` and a wall-clock limit; its stdout becomes `NAME.out`
//! and, when it exits non-zero, its status and last stderr line become
//! `NAME.status` (see [`crate::spec`]). Expectations are never edited by hand.

use crate::spec::{Expected, Header, spec_name, spec_paths};
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// The CPython version expectations come from.
pub const PYTHON_VERSION: &str = "3.11";
/// Wall-clock limit of one python3 run.
pub const ORACLE_TIMEOUT: Duration = Duration::from_secs(30);

/// Whether a usable python3 is on PATH.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Python {
    /// python3 is CPython 3.11.
    Ready,
    /// python3 is missing.
    Absent(String),
    /// python3 is another version (the string is its `major.minor`).
    WrongVersion(String),
}

/// Ask `python3` for its version.
pub fn probe_python() -> Python {
    match Command::new("python3")
        .args(["-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
        .output()
    {
        Err(e) => Python::Absent(e.to_string()),
        Ok(out) if !out.status.success() => {
            Python::Absent(String::from_utf8_lossy(&out.stderr).trim().to_owned())
        }
        Ok(out) => {
            let version = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            if version == PYTHON_VERSION {
                Python::Ready
            } else {
                Python::WrongVersion(version)
            }
        }
    }
}

/// What python3 did with one script.
#[derive(Clone, Debug)]
pub struct PythonRun {
    /// Its stdout.
    pub stdout: Vec<u8>,
    /// Its stderr.
    pub stderr: Vec<u8>,
    /// Its exit status (-1 when killed by a signal).
    pub status: i32,
}

fn drain(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = pipe.read_to_end(&mut buf);
        buf
    })
}

fn wait_with_timeout(child: &mut Child, timeout: Duration) -> io::Result<Option<i32>> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status.code().unwrap_or(-1)));
        }
        if start.elapsed() >= timeout {
            child.kill()?;
            child.wait()?;
            return Ok(None);
        }
        thread::sleep(Duration::from_millis(5));
    }
}

/// Run `python3 FILENAME` in `dir` with `PYTHONHASHSEED=0`; `Ok(None)` when
/// it did not finish within `timeout` (it is killed).
pub fn run_python(dir: &Path, filename: &str, timeout: Duration) -> io::Result<Option<PythonRun>> {
    let mut child = Command::new("python3")
        .arg(filename)
        .current_dir(dir)
        .env("PYTHONHASHSEED", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let stdout = child.stdout.take().map(drain);
    let stderr = child.stderr.take().map(drain);
    let status = wait_with_timeout(&mut child, timeout)?;
    let stdout = stdout.and_then(|h| h.join().ok()).unwrap_or_default();
    let stderr = stderr.and_then(|h| h.join().ok()).unwrap_or_default();
    Ok(status.map(|status| PythonRun {
        stdout,
        stderr,
        status,
    }))
}

/// What the oracle found for one spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The files on disk are what python3 prints.
    Current,
    /// The files were (re)written.
    Written,
    /// `--check`: the files differ from what python3 prints (why).
    Stale(String),
    /// The spec could not be judged: bad header, python3 timed out or failed
    /// to start.
    Error(String),
}

/// Per-spec verdicts, sorted by spec name.
#[derive(Clone, Debug, Default)]
pub struct OracleReport {
    /// (spec name, verdict).
    pub specs: Vec<(String, Verdict)>,
}

impl OracleReport {
    /// Specs whose verdict is [`Verdict::Stale`] or [`Verdict::Error`].
    pub fn problems(&self) -> Vec<&(String, Verdict)> {
        self.specs
            .iter()
            .filter(|(_, v)| matches!(v, Verdict::Stale(_) | Verdict::Error(_)))
            .collect()
    }
}

/// Derive (or, with `check`, verify) the expectations of every spec in `dir`,
/// `jobs` python3 processes at a time. Headers are validated against
/// `capabilities` as well.
pub fn run_oracle(
    dir: &Path,
    check: bool,
    capabilities: &[&str],
    jobs: usize,
    timeout: Duration,
) -> io::Result<OracleReport> {
    let paths = spec_paths(dir).map_err(|e| io::Error::other(e.to_string()))?;
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(String, Verdict)>> = Mutex::new(Vec::new());
    thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, paths.len().max(1)) {
            scope.spawn(|| {
                while let Some(path) = paths.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let verdict = judge(path, check, capabilities, timeout);
                    results
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((spec_name(path), verdict));
                }
            });
        }
    });
    let mut specs = results.into_inner().unwrap_or_else(|e| e.into_inner());
    specs.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(OracleReport { specs })
}

fn judge(path: &Path, check: bool, capabilities: &[&str], timeout: Duration) -> Verdict {
    let source = match fs::read(path) {
        Ok(s) => s,
        Err(e) => return Verdict::Error(format!("cannot read: {e}")),
    };
    if let Err(e) = Header::parse(&String::from_utf8_lossy(&source), capabilities) {
        return Verdict::Error(e.to_string());
    }
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let filename = format!("{}.py", spec_name(path));
    let run = match run_python(&dir, &filename, timeout) {
        Ok(Some(run)) => run,
        Ok(None) => {
            return Verdict::Error(format!(
                "python3 did not finish within {:.1}s",
                timeout.as_secs_f64()
            ));
        }
        Err(e) => return Verdict::Error(format!("cannot run python3: {e}")),
    };
    let out_path = path.with_extension("out");
    let status_path: PathBuf = path.with_extension("status");
    let want_status = Expected::status_file(run.status, &run.stderr);
    let have_out = fs::read(&out_path).ok();
    let have_status = fs::read_to_string(&status_path).ok();
    let out_ok = have_out.as_deref() == Some(run.stdout.as_slice());
    let status_ok = have_status == want_status;
    if out_ok && status_ok {
        return Verdict::Current;
    }
    if check {
        let mut why = Vec::new();
        if have_out.is_none() {
            why.push(format!("{} is missing", file_name(&out_path)));
        } else if !out_ok {
            why.push(format!(
                "{} differs from python3's stdout",
                file_name(&out_path)
            ));
        }
        if !status_ok {
            why.push(match (&have_status, &want_status) {
                (None, Some(_)) => format!(
                    "python3 exits {} but {} is missing",
                    run.status,
                    file_name(&status_path)
                ),
                (Some(_), None) => {
                    format!("python3 exits 0 but {} exists", file_name(&status_path))
                }
                _ => format!("{} differs from python3's exit", file_name(&status_path)),
            });
        }
        return Verdict::Stale(why.join("; "));
    }
    let written = fs::write(&out_path, &run.stdout).and_then(|()| match &want_status {
        Some(text) => fs::write(&status_path, text),
        None if have_status.is_some() => fs::remove_file(&status_path),
        None => Ok(()),
    });
    match written {
        Ok(()) => Verdict::Written,
        Err(e) => Verdict::Error(format!("cannot write expectations: {e}")),
    }
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
