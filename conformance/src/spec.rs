//! Spec files: `NAME.py` with its header comment, its expected stdout in
//! `NAME.out` and, for a script that ends with an uncaught exception, its
//! expected exit status and last stderr line in `NAME.status`.
//!
//! # The header
//!
//! The header is the comment block at the top of the script (every line up to
//! the first line that does not start with `#`). A line of the form
//! `# key: value`, where `key` is a lowercase word (`[a-z][a-z0-9-]*`), sets a
//! key; every other header line is description. Keys:
//!
//! | key | value | default |
//! |---|---|---|
//! | `requires` | comma-separated capabilities the spec needs (`cycle-collection, small-int-cache`) | none |
//! | `timeout` | wall-clock seconds per cell (a number, at most 600) | [`DEFAULT_TIMEOUT`] |
//! | `max-steps` | the interpreter's step budget per cell (`Config::max_steps`) | [`DEFAULT_MAX_STEPS`] |
//!
//! An unknown key, a repeated key, a bad value, an unknown capability or a
//! header without description is an error that names the line. (So a
//! description line must not begin with a lowercase word and a colon.)
//!
//! # Error-case specs
//!
//! The oracle writes `NAME.status` only when python3 exits non-zero: line 1
//! is the exit status, line 2 the last non-empty line python3 wrote to stderr
//! (the exception line, e.g. `ZeroDivisionError: division by zero`). A cell of
//! such a spec passes when stdout and the status are equal and stderr's last
//! non-empty line is that line. For specs without `NAME.status` the expected
//! status is 0 and stderr is not compared (it holds unraisable-exception
//! reports and debug output whose addresses vary).

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Wall-clock limit per cell when the header gives no `timeout`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Step budget per cell when the header gives no `max-steps`.
pub const DEFAULT_MAX_STEPS: u64 = 50_000_000;
/// The largest `timeout` a header may ask for, in seconds.
pub const MAX_TIMEOUT_SECS: f64 = 600.0;

/// The header keys a spec may set.
pub const KEYS: [&str; 3] = ["requires", "timeout", "max-steps"];

/// A spec's parsed header comment.
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    /// The description lines, joined with spaces.
    pub description: String,
    /// Capabilities the spec needs (`# requires:`), in header order.
    pub requires: Vec<String>,
    /// Per-cell wall-clock limit (`# timeout:`).
    pub timeout: Option<Duration>,
    /// Per-cell step budget (`# max-steps:`).
    pub max_steps: Option<u64>,
}

impl Header {
    /// Parse the header of `source`, checking capabilities against `known`
    /// (pass the registry's vocabulary).
    ///
    /// ```
    /// use conformance::Header;
    /// let src = "# Two lists in a cycle.\n# requires: cycle-collection\nimport gc\n";
    /// let h = Header::parse(src, &["cycle-collection"]).unwrap();
    /// assert_eq!(h.description, "Two lists in a cycle.");
    /// assert_eq!(h.requires, ["cycle-collection"]);
    /// assert!(Header::parse("# x\n# requires: telepathy\n", &["cycle-collection"]).is_err());
    /// ```
    pub fn parse(source: &str, known: &[&str]) -> Result<Header, SpecError> {
        let mut header = Header {
            description: String::new(),
            requires: Vec::new(),
            timeout: None,
            max_steps: None,
        };
        let mut seen: Vec<&str> = Vec::new();
        let mut description: Vec<&str> = Vec::new();
        for (index, raw) in source.lines().enumerate() {
            let line = index + 1;
            let Some(comment) = raw.strip_prefix('#') else {
                break;
            };
            let text = comment.trim();
            let Some((key, value)) = split_key(text) else {
                if !text.is_empty() {
                    description.push(text);
                }
                continue;
            };
            let value = value.trim();
            if !KEYS.contains(&key) {
                return Err(SpecError::UnknownKey {
                    line,
                    key: key.to_owned(),
                });
            }
            if seen.contains(&key) {
                return Err(SpecError::DuplicateKey {
                    line,
                    key: key.to_owned(),
                });
            }
            seen.push(key);
            let bad = |reason: &str| SpecError::BadValue {
                line,
                key: key.to_owned(),
                value: value.to_owned(),
                reason: reason.to_owned(),
            };
            match key {
                "requires" => {
                    for cap in value.split(',').map(str::trim) {
                        if cap.is_empty() {
                            return Err(bad("empty capability name"));
                        }
                        if !known.contains(&cap) {
                            return Err(SpecError::UnknownCapability {
                                line,
                                capability: cap.to_owned(),
                                known: known.iter().map(|k| (*k).to_owned()).collect(),
                            });
                        }
                        header.requires.push(cap.to_owned());
                    }
                }
                "timeout" => {
                    let secs: f64 = value
                        .parse()
                        .map_err(|_| bad("expected a number of seconds"))?;
                    if !(secs > 0.0 && secs <= MAX_TIMEOUT_SECS) {
                        return Err(bad("must be more than 0 and at most 600 seconds"));
                    }
                    header.timeout = Some(Duration::from_secs_f64(secs));
                }
                _ => {
                    let steps: u64 = value
                        .replace('_', "")
                        .parse()
                        .map_err(|_| bad("expected a positive integer"))?;
                    if steps == 0 {
                        return Err(bad("expected a positive integer"));
                    }
                    header.max_steps = Some(steps);
                }
            }
        }
        if description.is_empty() {
            return Err(SpecError::NoDescription);
        }
        header.description = description.join(" ");
        Ok(header)
    }
}

/// `key: value` where key is `[a-z][a-z0-9-]*`.
fn split_key(text: &str) -> Option<(&str, &str)> {
    let (key, value) = text.split_once(':')?;
    let mut chars = key.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    let rest_ok = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    (first_ok && rest_ok).then_some((key, value))
}

/// What a cell must reproduce.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expected {
    /// The whole of stdout (`NAME.out`).
    pub stdout: Vec<u8>,
    /// The exit status (0 unless `NAME.status` says otherwise).
    pub status: i32,
    /// For error-case specs, the last non-empty stderr line.
    pub stderr_last_line: Option<String>,
}

impl Expected {
    /// Parse the contents of a `NAME.status` file (see the module docs).
    pub fn parse_status(stdout: Vec<u8>, text: &str) -> Result<Expected, String> {
        let mut lines = text.lines();
        let status: i32 = lines
            .next()
            .map(str::trim)
            .ok_or("empty file")?
            .parse()
            .map_err(|_| "line 1 must be the exit status, an integer")?;
        if status == 0 {
            return Err("the exit status of an error-case spec is never 0".into());
        }
        let last = lines
            .next()
            .map(str::trim_end)
            .filter(|l| !l.trim().is_empty())
            .ok_or("line 2 must be the last stderr line (the exception line)")?;
        if lines.any(|l| !l.trim().is_empty()) {
            return Err("more than two lines".into());
        }
        Ok(Expected {
            stdout,
            status,
            stderr_last_line: Some(last.to_owned()),
        })
    }

    /// The text of the `NAME.status` file for a python3 run that exited with
    /// `status` and wrote `stderr` (None when the status is 0: no file).
    pub fn status_file(status: i32, stderr: &[u8]) -> Option<String> {
        (status != 0).then(|| {
            let stderr = String::from_utf8_lossy(stderr);
            format!("{status}\n{}\n", last_line(&stderr).unwrap_or(""))
        })
    }
}

/// The last non-empty line of `text`, without trailing whitespace.
pub fn last_line(text: &str) -> Option<&str> {
    text.lines()
        .rev()
        .map(str::trim_end)
        .find(|l| !l.is_empty())
}

/// One loaded spec.
#[derive(Clone, Debug)]
pub struct Spec {
    /// File stem: `seed_000_level2_refcount`.
    pub name: String,
    /// Path of the `.py` file.
    pub path: PathBuf,
    /// The script's bytes.
    pub source: Arc<[u8]>,
    /// Its header.
    pub header: Header,
    /// Its expectations.
    pub expected: Expected,
}

impl Spec {
    /// The file name the script runs under (`NAME.py`): what tracebacks show.
    pub fn filename(&self) -> String {
        format!("{}.py", self.name)
    }

    /// Load `NAME.py` and its expectations, checking the header against `known`.
    pub fn load(path: &Path, known: &[&str]) -> Result<Spec, SpecError> {
        let name = spec_name(path);
        let io = |p: &Path, e: std::io::Error| SpecError::Io {
            path: p.to_path_buf(),
            error: e.to_string(),
        };
        let source = fs::read(path).map_err(|e| io(path, e))?;
        let header = Header::parse(&String::from_utf8_lossy(&source), known)?;
        let out_path = path.with_extension("out");
        let stdout = match fs::read(&out_path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(SpecError::MissingExpected { path: out_path });
            }
            Err(e) => return Err(io(&out_path, e)),
        };
        let status_path = path.with_extension("status");
        let expected = match fs::read_to_string(&status_path) {
            Ok(text) => Expected::parse_status(stdout, &text).map_err(|reason| {
                SpecError::BadStatusFile {
                    path: status_path.clone(),
                    reason,
                }
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Expected {
                stdout,
                status: 0,
                stderr_last_line: None,
            },
            Err(e) => return Err(io(&status_path, e)),
        };
        Ok(Spec {
            name,
            path: path.to_path_buf(),
            source: source.into(),
            header,
            expected,
        })
    }
}

/// The spec name of a path: its file stem.
pub fn spec_name(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The `.py` files of a specs directory, sorted by name.
pub fn spec_paths(dir: &Path) -> Result<Vec<PathBuf>, SpecError> {
    let entries = fs::read_dir(dir).map_err(|e| SpecError::Io {
        path: dir.to_path_buf(),
        error: e.to_string(),
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "py") && p.is_file())
        .collect();
    paths.sort();
    Ok(paths)
}

/// A spec name with the loaded spec or the reason it cannot run.
pub type LoadedSpec = (String, Result<Spec, SpecError>);

/// Load every spec of `dir`: one entry per `.py` file, each a spec or the
/// reason it cannot run (so one bad spec never hides the others).
pub fn load_dir(dir: &Path, known: &[&str]) -> Result<Vec<LoadedSpec>, SpecError> {
    Ok(spec_paths(dir)?
        .into_iter()
        .map(|p| (spec_name(&p), Spec::load(&p, known)))
        .collect())
}

/// Why a spec cannot run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpecError {
    /// A file could not be read.
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        error: String,
    },
    /// `NAME.out` does not exist: run `cargo xtask oracle`.
    MissingExpected {
        /// The missing file.
        path: PathBuf,
    },
    /// `NAME.status` is malformed.
    BadStatusFile {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The header has no description line.
    NoDescription,
    /// A `# key:` line with a key not in [`KEYS`].
    UnknownKey {
        /// 1-based line number.
        line: usize,
        /// The key.
        key: String,
    },
    /// A key given twice.
    DuplicateKey {
        /// 1-based line number of the second one.
        line: usize,
        /// The key.
        key: String,
    },
    /// A key's value does not parse.
    BadValue {
        /// 1-based line number.
        line: usize,
        /// The key.
        key: String,
        /// The value as written.
        value: String,
        /// What was expected.
        reason: String,
    },
    /// `# requires:` names a capability no component declares.
    UnknownCapability {
        /// 1-based line number.
        line: usize,
        /// The unknown name.
        capability: String,
        /// The vocabulary.
        known: Vec<String>,
    },
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpecError::Io { path, error } => write!(f, "cannot read {}: {error}", path.display()),
            SpecError::MissingExpected { path } => write!(
                f,
                "no expected output {} (write it with `cargo xtask oracle`)",
                path.display()
            ),
            SpecError::BadStatusFile { path, reason } => {
                write!(f, "malformed {}: {reason}", path.display())
            }
            SpecError::NoDescription => {
                write!(f, "header: no description (say what the spec exercises)")
            }
            SpecError::UnknownKey { line, key } => write!(
                f,
                "header line {line}: unknown key `{key}` (keys: {})",
                KEYS.join(", ")
            ),
            SpecError::DuplicateKey { line, key } => {
                write!(f, "header line {line}: `{key}` given twice")
            }
            SpecError::BadValue {
                line,
                key,
                value,
                reason,
            } => write!(f, "header line {line}: bad {key} `{value}`: {reason}"),
            SpecError::UnknownCapability {
                line,
                capability,
                known,
            } => write!(
                f,
                "header line {line}: unknown capability `{capability}` (known: {})",
                known.join(", ")
            ),
        }
    }
}

impl std::error::Error for SpecError {}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    const CAPS: &[&str] = &["cycle-collection", "generations", "tracemalloc"];

    #[test]
    fn full_header() {
        let src = "# Collect a cycle.\n# More words.\n#\n# requires: cycle-collection,generations\n\
                   # timeout: 2.5\n# max-steps: 1_000\nimport gc\n# not header: anything\n";
        let h = Header::parse(src, CAPS).unwrap();
        assert_eq!(h.description, "Collect a cycle. More words.");
        assert_eq!(h.requires, ["cycle-collection", "generations"]);
        assert_eq!(h.timeout, Some(Duration::from_millis(2500)));
        assert_eq!(h.max_steps, Some(1000));
    }

    #[test]
    fn description_lines_may_contain_colons_after_other_text() {
        let h = Header::parse("# Seed 000, level 2 (lifecycle): del x\nx = 1\n", CAPS).unwrap();
        assert!(h.requires.is_empty());
        assert_eq!(h.timeout, None);
    }

    #[rstest]
    #[case("import gc\n", "no description")]
    #[case("# x\n# require: cycle-collection\n", "line 2: unknown key `require`")]
    #[case("# x\n# requires: telepathy\n", "unknown capability `telepathy`")]
    #[case("# x\n# requires: cycle-collection,\n", "empty capability")]
    #[case("# x\n# timeout: soon\n", "bad timeout `soon`")]
    #[case("# x\n# timeout: 0\n", "more than 0")]
    #[case("# x\n# timeout: 601\n", "at most 600")]
    #[case("# x\n# max-steps: -3\n", "bad max-steps")]
    #[case("# x\n# max-steps: 0\n", "positive integer")]
    #[case("# x\n# timeout: 1\n# timeout: 2\n", "line 3: `timeout` given twice")]
    fn malformed_headers_are_named(#[case] src: &str, #[case] message: &str) {
        let err = Header::parse(src, CAPS).unwrap_err().to_string();
        assert!(err.contains(message), "{err}");
    }

    #[test]
    fn status_files() {
        let e = Expected::parse_status(b"x\n".to_vec(), "1\nZeroDivisionError: division by zero\n")
            .unwrap();
        assert_eq!(e.status, 1);
        assert_eq!(
            e.stderr_last_line.as_deref(),
            Some("ZeroDivisionError: division by zero")
        );
        assert!(Expected::parse_status(vec![], "").is_err());
        assert!(Expected::parse_status(vec![], "one\nX\n").is_err());
        assert!(Expected::parse_status(vec![], "0\nX\n").is_err());
        assert!(Expected::parse_status(vec![], "1\n").is_err());
        assert!(Expected::parse_status(vec![], "1\nX\nY\n").is_err());
        assert_eq!(
            Expected::status_file(
                1,
                b"Traceback (most recent call last):\n  ...\nKeyError: 'k'\n\n"
            ),
            Some("1\nKeyError: 'k'\n".to_owned())
        );
        assert_eq!(Expected::status_file(0, b"noise"), None);
    }
}
