//! The component matrix: which allocators, collectors, tracers and interning
//! policies exist, what each can do (its capabilities), and every combination
//! of one of each.
//!
//! The list comes from the engine (for the real interpreter,
//! `runtime::components::registry()`), so a new component registered there
//! appears in the matrix with no change here.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The four slots a combination fills, in the order combination ids use.
pub const KINDS: [&str; 4] = ["alloc", "gc", "tracer", "interning"];

/// One registered component.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Component {
    /// Which slot it fills: one of [`KINDS`].
    pub kind: String,
    /// Its name, as the `pymm` flags spell it (`pymalloc`, `generational`, ...).
    pub name: String,
    /// What it can do (`cycle-collection`, `small-int-cache`, ...).
    pub capabilities: Vec<String>,
}

impl Component {
    /// A component from borrowed parts (handy for tables and tests).
    pub fn new(kind: &str, name: &str, capabilities: &[&str]) -> Self {
        Component {
            kind: kind.to_owned(),
            name: name.to_owned(),
            capabilities: capabilities.iter().map(|c| (*c).to_owned()).collect(),
        }
    }
}

/// One cell column of the matrix: one component of each kind.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Combination {
    /// Allocator name.
    pub alloc: String,
    /// Cycle collector name.
    pub gc: String,
    /// Allocation tracer name.
    pub tracer: String,
    /// Interning policy name.
    pub interning: String,
}

impl Combination {
    /// A combination from borrowed names.
    pub fn new(alloc: &str, gc: &str, tracer: &str, interning: &str) -> Self {
        Combination {
            alloc: alloc.to_owned(),
            gc: gc.to_owned(),
            tracer: tracer.to_owned(),
            interning: interning.to_owned(),
        }
    }

    /// The name of the component filling `kind` (one of [`KINDS`]).
    pub fn get(&self, kind: &str) -> Option<&str> {
        match kind {
            "alloc" => Some(&self.alloc),
            "gc" => Some(&self.gc),
            "tracer" => Some(&self.tracer),
            "interning" => Some(&self.interning),
            _ => None,
        }
    }

    /// `alloc/gc/tracer/interning`, e.g. `pymalloc/generational/tracemalloc/cpython`:
    /// the id reports and `known-failures.txt` patterns use.
    pub fn id(&self) -> String {
        format!(
            "{}/{}/{}/{}",
            self.alloc, self.gc, self.tracer, self.interning
        )
    }
}

impl std::str::FromStr for Combination {
    type Err = String;

    /// Parse an id `alloc/gc/tracer/interning`.
    fn from_str(id: &str) -> Result<Self, Self::Err> {
        match id.split('/').collect::<Vec<_>>().as_slice() {
            [a, g, t, i] if [a, g, t, i].iter().all(|s| !s.is_empty()) => {
                Ok(Combination::new(a, g, t, i))
            }
            _ => Err(format!(
                "bad combination `{id}`: expected alloc/gc/tracer/interning"
            )),
        }
    }
}

impl fmt::Display for Combination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id())
    }
}

/// The registered components, and the capability arithmetic over them.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    components: Vec<Component>,
}

impl Registry {
    /// A registry over `components` (registry order is kept: it orders the matrix).
    pub fn new(components: Vec<Component>) -> Self {
        Registry { components }
    }

    /// All components, in registry order.
    pub fn components(&self) -> &[Component] {
        &self.components
    }

    /// Names of the components of `kind`, in registry order.
    pub fn names(&self, kind: &str) -> Vec<&str> {
        self.components
            .iter()
            .filter(|c| c.kind == kind)
            .map(|c| c.name.as_str())
            .collect()
    }

    /// Every capability any component declares (sorted, deduplicated): the
    /// vocabulary a spec's `# requires:` may use.
    pub fn all_capabilities(&self) -> Vec<&str> {
        let mut caps: Vec<&str> = self
            .components
            .iter()
            .flat_map(|c| c.capabilities.iter().map(String::as_str))
            .collect();
        caps.sort_unstable();
        caps.dedup();
        caps
    }

    /// The union of the capabilities of a combination's components.
    pub fn capabilities_of(&self, combination: &Combination) -> Vec<&str> {
        let mut caps: Vec<&str> = self
            .components
            .iter()
            .filter(|c| combination.get(&c.kind) == Some(c.name.as_str()))
            .flat_map(|c| c.capabilities.iter().map(String::as_str))
            .collect();
        caps.sort_unstable();
        caps.dedup();
        caps
    }

    /// Which of `required` the combination lacks (empty: it should behave as CPython).
    pub fn missing<'r>(&self, combination: &Combination, required: &'r [String]) -> Vec<&'r str> {
        let have = self.capabilities_of(combination);
        required
            .iter()
            .map(String::as_str)
            .filter(|r| !have.contains(r))
            .collect()
    }

    /// Every combination, alloc-major in registry order, restricted by
    /// `filter` (component names per kind; an empty list keeps all).
    pub fn combinations(&self, filter: &ComponentFilter) -> Vec<Combination> {
        let pick = |kind: &str, wanted: &[String]| -> Vec<String> {
            self.names(kind)
                .into_iter()
                .filter(|n| wanted.is_empty() || wanted.iter().any(|w| w == n))
                .map(str::to_owned)
                .collect()
        };
        let allocs = pick("alloc", &filter.alloc);
        let gcs = pick("gc", &filter.gc);
        let tracers = pick("tracer", &filter.tracer);
        let internings = pick("interning", &filter.interning);
        let mut out = Vec::new();
        for a in &allocs {
            for g in &gcs {
                for t in &tracers {
                    for i in &internings {
                        out.push(Combination::new(a, g, t, i));
                    }
                }
            }
        }
        out
    }

    /// Check that every name in `filter` is registered: `Err` names the first
    /// unknown one and lists the known names of that kind.
    pub fn validate(&self, filter: &ComponentFilter) -> Result<(), String> {
        for (kind, wanted) in [
            ("alloc", &filter.alloc),
            ("gc", &filter.gc),
            ("tracer", &filter.tracer),
            ("interning", &filter.interning),
        ] {
            let known = self.names(kind);
            if let Some(bad) = wanted.iter().find(|w| !known.contains(&w.as_str())) {
                return Err(format!(
                    "unknown {kind} component `{bad}` (known: {})",
                    known.join(", ")
                ));
            }
        }
        Ok(())
    }
}

/// Which components to keep, per kind (`--alloc pymalloc,system` ...); an
/// empty list keeps every component of that kind.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ComponentFilter {
    /// Allocators to keep.
    pub alloc: Vec<String>,
    /// Collectors to keep.
    pub gc: Vec<String>,
    /// Tracers to keep.
    pub tracer: Vec<String>,
    /// Interning policies to keep.
    pub interning: Vec<String>,
}

/// The component table the runtime contract publishes (names and capabilities
/// as `runtime::components::registry()` gives them): what fake engines in
/// tests report, and the fixture the real registry is checked against.
pub fn contract_components() -> Vec<Component> {
    vec![
        Component::new("alloc", "pymalloc", &["pymalloc"]),
        Component::new("alloc", "system", &[]),
        Component::new("alloc", "bump", &[]),
        Component::new("gc", "generational", &["cycle-collection", "generations"]),
        Component::new("gc", "trial-deletion", &["cycle-collection"]),
        Component::new("gc", "off", &[]),
        Component::new("tracer", "tracemalloc", &["tracemalloc"]),
        Component::new("tracer", "null", &[]),
        Component::new(
            "interning",
            "cpython",
            &["small-int-cache", "string-interning"],
        ),
        Component::new("interning", "none", &[]),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_full_matrix_has_36_combinations_in_registry_order() {
        let reg = Registry::new(contract_components());
        let all = reg.combinations(&ComponentFilter::default());
        assert_eq!(all.len(), 36);
        assert_eq!(all[0].id(), "pymalloc/generational/tracemalloc/cpython");
        assert_eq!(all[35].id(), "bump/off/null/none");
    }

    #[test]
    fn filters_restrict_and_validate() {
        let reg = Registry::new(contract_components());
        let f = ComponentFilter {
            gc: vec!["off".into(), "generational".into()],
            tracer: vec!["null".into()],
            ..Default::default()
        };
        assert_eq!(reg.combinations(&f).len(), 3 * 2 * 2);
        assert!(reg.validate(&f).is_ok());
        let bad = ComponentFilter {
            gc: vec!["mark-sweep".into()],
            ..Default::default()
        };
        let err = reg.validate(&bad).unwrap_err();
        assert!(
            err.contains("mark-sweep") && err.contains("trial-deletion"),
            "{err}"
        );
    }

    #[test]
    fn ids_round_trip() {
        let c = Combination::new("bump", "trial-deletion", "null", "none");
        assert_eq!(c.id().parse::<Combination>(), Ok(c));
        assert!("a/b/c".parse::<Combination>().is_err());
        assert!("a//c/d".parse::<Combination>().is_err());
    }

    #[test]
    fn missing_capabilities() {
        let reg = Registry::new(contract_components());
        let req = vec!["cycle-collection".to_owned(), "small-int-cache".to_owned()];
        let full = Combination::new("pymalloc", "generational", "tracemalloc", "cpython");
        assert!(reg.missing(&full, &req).is_empty());
        let off = Combination::new("system", "off", "null", "none");
        assert_eq!(
            reg.missing(&off, &req),
            ["cycle-collection", "small-int-cache"]
        );
        assert_eq!(
            reg.all_capabilities(),
            [
                "cycle-collection",
                "generations",
                "pymalloc",
                "small-int-cache",
                "string-interning",
                "tracemalloc"
            ]
        );
    }
}
