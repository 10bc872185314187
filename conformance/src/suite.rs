//! A loaded suite (specs, known failures, the engine and its registry), the
//! selection of cells to run (filters and shards), and the run itself.

use crate::components::{Combination, ComponentFilter, Registry};
use crate::engine::Engine;
use crate::known_failures::{KnownFailures, KnownFailuresError};
use crate::pattern::matches_spec_filter;
use crate::report::Report;
use crate::runner::{CellResult, RunOptions, run_cell, run_matrix};
use crate::spec::{Spec, SpecError, load_dir};
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// The checked-in specs directory: `conformance/specs`.
pub fn specs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("specs")
}

/// The checked-in known-failures list: `conformance/known-failures.txt`.
pub fn known_failures_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("known-failures.txt")
}

/// Everything needed to run cells.
pub struct Suite {
    /// The specs directory.
    pub dir: PathBuf,
    /// What runs the scripts.
    pub engine: Arc<dyn Engine>,
    /// The engine's components.
    pub registry: Registry,
    /// The specs that loaded, sorted by name.
    pub specs: Vec<Spec>,
    /// The specs that did not, with the reason.
    pub errors: Vec<(String, SpecError)>,
    /// The known-failures list.
    pub known: KnownFailures,
}

/// Why a suite could not be loaded at all.
#[derive(Debug)]
pub enum SuiteError {
    /// The specs directory cannot be listed.
    Specs(SpecError),
    /// The known-failures list cannot be read.
    KnownFailuresIo(PathBuf, String),
    /// The known-failures list is malformed.
    KnownFailures(KnownFailuresError),
}

impl fmt::Display for SuiteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SuiteError::Specs(e) => e.fmt(f),
            SuiteError::KnownFailuresIo(p, e) => write!(f, "cannot read {}: {e}", p.display()),
            SuiteError::KnownFailures(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for SuiteError {}

/// Which cells to run.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// `--spec`: a substring of the spec name, or a pattern with `*`/`?`.
    pub spec: Option<String>,
    /// `--alloc`, `--gc`, `--tracer`, `--interning`.
    pub components: ComponentFilter,
    /// `--shard K/N` as (K, N), 1-based: cell *i* of the sorted list belongs
    /// to shard `i % N + 1`.
    pub shard: Option<(usize, usize)>,
}

/// The cells a selection picked.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The combinations, in matrix column order.
    pub combinations: Vec<Combination>,
    /// Indices of the selected specs in `Suite::specs`, in row order.
    pub specs: Vec<usize>,
    /// (spec index, combination index) pairs to run.
    pub cells: Vec<(usize, usize)>,
    /// Spec errors that the spec filter selects, with their messages.
    pub errors: Vec<(String, String)>,
}

impl Plan {
    /// Names of the specs that have cells in this plan, in row order.
    pub fn spec_names(&self, suite: &Suite) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for &(s, _) in &self.cells {
            if let Some(spec) = suite.specs.get(s)
                && names.last() != Some(&spec.name)
            {
                names.push(spec.name.clone());
            }
        }
        names
    }
}

impl Suite {
    /// Load the specs of `dir` and the list at `known_failures` (a missing
    /// file is an empty list), with `engine`'s registry as the capability
    /// vocabulary.
    pub fn load(
        dir: &Path,
        known_failures: &Path,
        engine: Arc<dyn Engine>,
    ) -> Result<Suite, SuiteError> {
        let registry = Registry::new(engine.components());
        let known = match fs::read_to_string(known_failures) {
            Ok(text) => KnownFailures::parse(&text).map_err(SuiteError::KnownFailures)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => KnownFailures::default(),
            Err(e) => {
                return Err(SuiteError::KnownFailuresIo(
                    known_failures.to_path_buf(),
                    e.to_string(),
                ));
            }
        };
        let vocabulary = registry.all_capabilities();
        let mut specs = Vec::new();
        let mut errors = Vec::new();
        for (name, loaded) in load_dir(dir, &vocabulary).map_err(SuiteError::Specs)? {
            match loaded {
                Ok(spec) => specs.push(spec),
                Err(e) => errors.push((name, e)),
            }
        }
        Ok(Suite {
            dir: dir.to_path_buf(),
            engine,
            registry,
            specs,
            errors,
            known,
        })
    }

    /// The cells `selection` picks: `Err` for an unknown component name or a
    /// bad shard.
    pub fn plan(&self, selection: &Selection) -> Result<Plan, String> {
        self.registry.validate(&selection.components)?;
        if let Some((k, n)) = selection.shard
            && (n == 0 || k == 0 || k > n)
        {
            return Err(format!("bad shard {k}/{n}: need 1 <= K <= N"));
        }
        let combinations = self.registry.combinations(&selection.components);
        let wanted = |name: &str| {
            selection
                .spec
                .as_deref()
                .is_none_or(|f| matches_spec_filter(f, name))
        };
        let specs: Vec<usize> = (0..self.specs.len())
            .filter(|&i| self.specs.get(i).is_some_and(|s| wanted(&s.name)))
            .collect();
        let mut cells = Vec::new();
        for &s in &specs {
            for c in 0..combinations.len() {
                cells.push((s, c));
            }
        }
        let errors: Vec<(String, String)> = self
            .errors
            .iter()
            .filter(|(name, _)| wanted(name))
            .map(|(name, e)| (name.clone(), e.to_string()))
            .collect();
        let (cells, errors) = match selection.shard {
            Some((k, n)) => (
                cells
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| i % n + 1 == k)
                    .map(|(_, cell)| cell)
                    .collect(),
                // Spec errors are reported by shard 1 only, so each is reported once.
                if k == 1 { errors } else { Vec::new() },
            ),
            None => (cells, errors),
        };
        Ok(Plan {
            combinations,
            specs,
            cells,
            errors,
        })
    }

    /// Run a plan and gather the report.
    pub fn run(
        &self,
        plan: &Plan,
        options: &RunOptions,
        progress: &(dyn Fn(&CellResult) + Sync),
    ) -> Report {
        let start = Instant::now();
        let cells = run_matrix(self, &plan.combinations, &plan.cells, options, progress);
        Report {
            specs: plan.spec_names(self),
            combinations: plan.combinations.clone(),
            cells,
            errors: plan.errors.clone(),
            elapsed: start.elapsed(),
        }
    }

    /// Run one cell by spec name and combination (what each `cargo test`
    /// case does): `Err` when the spec did not load or does not exist.
    pub fn run_one(
        &self,
        spec: &str,
        combination: &Combination,
        options: &RunOptions,
    ) -> Result<CellResult, String> {
        if let Some((_, e)) = self.errors.iter().find(|(n, _)| n == spec) {
            return Err(format!("{spec}: {e}"));
        }
        let found = self
            .specs
            .iter()
            .find(|s| s.name == spec)
            .ok_or_else(|| format!("no spec named `{spec}` in {}", self.dir.display()))?;
        Ok(run_cell(self, found, combination, options))
    }
}
