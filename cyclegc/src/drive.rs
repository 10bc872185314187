//! Driving a collection for a pure-Rust [`Host`].

use crate::{Collector, GcError, Host, Phase, Step};

/// Runs one collection of `generation` to the end, carrying out each
/// [`Step`] through the host's [`Host`] methods, and returns `gc.collect()`'s
/// value (`collected + uncollectable`). A collection already in progress
/// makes this return `Ok(0)` at once (CPython's re-entrancy guard).
///
/// A host whose finalizers need `&mut` to a structure that also owns the
/// collector (a Python runtime) writes this loop itself.
pub fn collect<G: Host>(
    collector: &mut dyn Collector<G>,
    host: &mut G,
    generation: usize,
) -> Result<usize, GcError> {
    if !collector.start_collection(host, generation)? {
        return Ok(0);
    }
    loop {
        match collector.step_clearing(host)? {
            Step::Debug(line) => host.debug_line(&line),
            Step::Start(info) => host.callback(Phase::Start, &info),
            Step::Stop(info) => host.callback(Phase::Stop, &info),
            Step::HandleWeakrefs(garbage) => {
                let freed = host.handle_weakrefs(&garbage, &mut *collector);
                collector.report_weakrefs_freed(freed);
            }
            Step::Finalize(node) => host.finalize(node, &mut *collector),
            // Only from a collector whose `step_clearing` hands them out.
            Step::Clear(node) => host.clear(node, &mut *collector),
            Step::SaveGarbage(node) => host.save_garbage(node),
            Step::Done(outcome) => return Ok(outcome.total()),
        }
    }
}

/// Counts one allocation ([`Collector::note_allocation`]) and, if the
/// automatic trigger fires, runs that collection. Returns its value, or
/// `None` when nothing was collected.
pub fn note_allocation<G: Host>(
    collector: &mut dyn Collector<G>,
    host: &mut G,
) -> Result<Option<usize>, GcError> {
    match collector.note_allocation() {
        Some(generation) => collect(collector, host, generation).map(Some),
        None => Ok(None),
    }
}
