//! The one place where a [`Config`](crate::Config) becomes components.
//!
//! Every swappable mechanism (allocator, collector, tracer, interning policy)
//! is registered here by name with the capabilities the conformance suite
//! checks specs against. Adding an implementation = implementing the crate's
//! trait and adding one [`ComponentInfo`] row plus one arm in the matching
//! `build_*` function.

use std::fmt;

/// One registered implementation of a component kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ComponentInfo {
    /// `"alloc"`, `"gc"`, `"tracer"` or `"interning"`.
    pub kind: &'static str,
    /// The name given to `--alloc`, `--gc`, `--tracer`, `--interning`.
    pub name: &'static str,
    /// What specs may require of it (`# requires: ...` in a spec header).
    pub capabilities: &'static [&'static str],
}

const REGISTRY: &[ComponentInfo] = &[
    ComponentInfo {
        kind: "alloc",
        name: "pymalloc",
        capabilities: &["pymalloc"],
    },
    ComponentInfo {
        kind: "alloc",
        name: "system",
        capabilities: &[],
    },
    ComponentInfo {
        kind: "alloc",
        name: "bump",
        capabilities: &[],
    },
    ComponentInfo {
        kind: "gc",
        name: "generational",
        capabilities: &["cycle-collection", "generations"],
    },
    ComponentInfo {
        kind: "gc",
        name: "trial-deletion",
        capabilities: &["cycle-collection"],
    },
    ComponentInfo {
        kind: "gc",
        name: "off",
        capabilities: &[],
    },
    ComponentInfo {
        kind: "tracer",
        name: "tracemalloc",
        capabilities: &["tracemalloc"],
    },
    ComponentInfo {
        kind: "tracer",
        name: "null",
        capabilities: &[],
    },
    ComponentInfo {
        kind: "interning",
        name: "cpython",
        capabilities: &["small-int-cache", "string-interning"],
    },
    ComponentInfo {
        kind: "interning",
        name: "none",
        capabilities: &[],
    },
];

/// Every registered implementation, grouped by kind.
pub fn registry() -> &'static [ComponentInfo] {
    REGISTRY
}

/// The names registered for one kind, in registry order.
pub fn names(kind: &str) -> Vec<&'static str> {
    REGISTRY
        .iter()
        .filter(|c| c.kind == kind)
        .map(|c| c.name)
        .collect()
}

/// A name in a [`Config`](crate::Config) that no implementation answers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownComponent {
    /// The component kind (`"alloc"`, ...).
    pub kind: &'static str,
    /// The name that was asked for.
    pub name: String,
}

impl fmt::Display for UnknownComponent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown {} implementation '{}' (choose one of: {})",
            self.kind,
            self.name,
            names(self.kind).join(", ")
        )
    }
}

impl std::error::Error for UnknownComponent {}

/// Check that `name` is registered for `kind`.
pub fn lookup(kind: &'static str, name: &str) -> Result<&'static ComponentInfo, UnknownComponent> {
    REGISTRY
        .iter()
        .find(|c| c.kind == kind && c.name == name)
        .ok_or_else(|| UnknownComponent {
            kind,
            name: name.to_string(),
        })
}

/// Validate every component name of a configuration.
pub fn validate(config: &crate::Config) -> Result<(), UnknownComponent> {
    lookup("alloc", &config.alloc)?;
    lookup("gc", &config.gc)?;
    lookup("tracer", &config.tracer)?;
    lookup("interning", &config.interning)?;
    Ok(())
}
