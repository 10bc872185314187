//! Running one script: the components a [`Config`] names, the VM, the
//! `__main__` module, error reporting, and teardown in CPython's order with
//! the leak check.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use alloc_pool::{Bump, PyAllocator, PyMalloc, System};

use crate::object::{Heap, Kind, ObjRef, flags};
use crate::vm::{Abort, Limits, PyErr, Vm};
use crate::{Config, RunOutput};

/// The allocator a configuration names (`components::validate` ran first).
fn make_allocator(config: &Config) -> Box<dyn PyAllocator> {
    match config.alloc.as_str() {
        "system" => Box::new(System::new()),
        "bump" => Box::new(Bump::new()),
        _ => Box::new(PyMalloc::new()),
    }
}

/// The collector a configuration names.
fn make_collector(config: &Config) -> Box<dyn cyclegc::Collector<Heap>> {
    match config.gc.as_str() {
        "trial-deletion" => Box::new(cyclegc::TrialDeletion::new()),
        "off" => Box::new(cyclegc::Off::new()),
        _ => Box::new(cyclegc::Generational::new()),
    }
}

/// Run a script.
pub(crate) fn run(filename: &str, source: &[u8], config: &Config, stats: bool) -> RunOutput {
    let span =
        tracing::info_span!("pymm_run", file = filename, alloc = %config.alloc, gc = %config.gc);
    let _enter = span.enter();
    let code = match crate::compile::compile_module(source, filename) {
        Ok(c) => c,
        Err(e) => {
            return RunOutput {
                stdout: Vec::new(),
                stderr: format!("{e}\n").into_bytes(),
                status: 1,
            };
        }
    };
    let (alloc, tracer) = if config.tracer == "tracemalloc" {
        // tracemalloc decorates the allocator, as CPython's installs itself
        // in front of PyMem/PyObject allocators.
        let tracer = std::sync::Arc::new(tracemalloc::Tracemalloc::new());
        let traced: Box<dyn PyAllocator> = Box::new(tracemalloc::Traced::new(
            make_allocator(config),
            std::sync::Arc::clone(&tracer),
        ));
        (traced, Some(tracer))
    } else {
        (make_allocator(config), None)
    };
    let heap = Heap::new(alloc, config.memory_limit);
    let limits = Limits {
        recursion_limit: config.recursion_limit.max(1),
        max_steps: config.max_steps,
    };
    let mut vm = match Vm::new(
        heap,
        make_collector(config),
        interning::by_name(&config.interning).unwrap_or_else(|| Box::new(interning::CPython)),
        limits,
    ) {
        Ok(vm) => vm,
        Err(e) => {
            return RunOutput {
                stdout: Vec::new(),
                stderr: format!("pymm: {e}\n").into_bytes(),
                status: 1,
            };
        }
    };
    vm.filename = Rc::from(filename);
    vm.trace_frames = tracer.is_some();
    vm.tracer = tracer;
    let text: Rc<str> = Rc::from(String::from_utf8_lossy(source).replace("\r\n", "\n"));
    vm.sources.insert(code.filename.clone(), text);
    let baseline: HashSet<ObjRef> = vm.heap.all_live().into_iter().collect();

    let mut status = 0;
    let main = run_main(&mut vm, &code, filename);
    match main {
        Ok(m) => finish_main(&mut vm, m, &mut status),
        Err(e) => report(&mut vm, e, &mut status),
    }
    teardown(&mut vm, &baseline, config.check_leaks, &mut status);
    if stats {
        let s = vm.heap.debug_stats();
        vm.write_err(&s);
    }
    tracing::info!(status, steps = vm.steps, "run finished");
    RunOutput {
        stdout: std::mem::take(&mut vm.stdout),
        stderr: std::mem::take(&mut vm.stderr),
        status,
    }
}

/// Create `__main__`, run the module body. Returns the module (owned) and
/// the result of the body.
fn run_main(
    vm: &mut Vm,
    code: &std::sync::Arc<crate::compile::CodeObject>,
    filename: &str,
) -> Result<(ObjRef, Result<(), PyErr>), PyErr> {
    let m = vm.new_module("__main__")?;
    vm.incref(m);
    vm.modules.push(("__main__".into(), m));
    let globals = match vm.module_dict(m) {
        Some(d) => d,
        None => return Err(PyErr::Abort(Abort::Internal("__main__ has no dict".into()))),
    };
    let f = vm.new_str(filename)?;
    vm.module_set(m, "__file__", f)?;
    vm.decref(f);
    let b = vm.builtins;
    vm.module_set(m, "__builtins__", b)?;
    let none = vm.none_ref();
    vm.module_set(m, "__doc__", none)?;
    let code_obj = vm.materialize(code)?;
    let r = vm.run_module_code(code_obj, globals);
    vm.decref(code_obj);
    let r = r.map(|v| vm.decref(v));
    Ok((m, r))
}

fn finish_main(vm: &mut Vm, (m, r): (ObjRef, Result<(), PyErr>), status: &mut i32) {
    if let Err(e) = r {
        report(vm, e, status);
    }
    vm.decref(m);
}

fn report(vm: &mut Vm, e: PyErr, status: &mut i32) {
    match e {
        PyErr::Exc(exc) => {
            if let Some(code) = vm.system_exit_status(exc) {
                *status = code;
            } else {
                vm.print_exception(exc);
                *status = 1;
            }
            vm.decref(exc);
        }
        PyErr::Abort(Abort::StepLimit(n)) => {
            vm.write_err(&format!("pymm: step limit of {n} instructions exceeded\n"));
            *status = 1;
        }
        PyErr::Abort(Abort::Internal(msg)) => {
            vm.write_err(&format!("pymm: internal error: {msg}\n"));
            *status = 1;
        }
    }
    if let Some(a) = vm.abort.take() {
        if let Abort::StepLimit(n) = a {
            vm.write_err(&format!("pymm: step limit of {n} instructions exceeded\n"));
        }
        *status = 1;
    }
}

/// Interpreter shutdown (CPython's `finalize_modules`, observable parts):
/// `__main__`'s names are set to `None` (names starting with one
/// underscore first, then the rest, in dict order), modules are released,
/// remaining cycles are finalized and cleared, then anything still alive is
/// a leaked reference.
fn teardown(vm: &mut Vm, baseline: &HashSet<ObjRef>, check_leaks: bool, status: &mut i32) {
    // atexit callbacks run before the interpreter starts finalizing.
    let hooks = std::mem::take(&mut vm.atexit_hooks);
    for h in hooks {
        h(vm);
    }
    vm.finalizing = true;
    // More steps are allowed for __del__ during teardown.
    vm.limits.max_steps = vm.limits.max_steps.map(|m| m.saturating_add(1_000_000));
    let modules = std::mem::take(&mut vm.modules);
    for (_, m) in &modules {
        if let Some(d) = vm.module_dict(*m) {
            clear_module_dict(vm, d);
        }
    }
    for (_, m) in modules {
        vm.decref(m);
    }
    if let Some(e) = vm.exc_info.take() {
        vm.decref(e);
    }
    let cache = std::mem::take(&mut vm.const_cache);
    for c in cache {
        vm.decref(c);
    }
    // The final collection (`_PyGC_CollectNoFail`): cycles with __del__
    // are finalized as CPython does at shutdown.
    vm.gc_pending = None;
    if let Err(e) = vm.collect_garbage(2) {
        vm.drop_err(e);
    }
    let garbage = vm.gc_garbage;
    if let Err(e) = vm.list_set_items(garbage, Vec::new()) {
        vm.drop_err(e);
    }
    let callbacks = vm.gc_callbacks;
    if let Err(e) = vm.list_set_items(callbacks, Vec::new()) {
        vm.drop_err(e);
    }
    // Whatever is left outside the built-ins is either garbage cycles or a
    // leaked reference. Count references from inside that set: an object
    // with more references than that is held by nothing that exists.
    let live: Vec<ObjRef> = vm
        .heap
        .all_live()
        .into_iter()
        .filter(|r| !baseline.contains(r) && vm.obj(*r).flags & flags::IMMORTAL == 0)
        .collect();
    let set: HashSet<ObjRef> = live.iter().copied().collect();
    let mut internal: HashMap<ObjRef, u32> = HashMap::new();
    let mut refs = Vec::new();
    for r in &live {
        refs.clear();
        vm.kind(*r).referents(&mut refs);
        for c in &refs {
            if set.contains(c) {
                *internal.entry(*c).or_default() += 1;
            }
        }
    }
    let leaked: Vec<ObjRef> = live
        .iter()
        .copied()
        .filter(|r| {
            vm.heap.refcount(*r).unwrap_or(0) > internal.get(r).copied().unwrap_or(0) as usize
                && !is_interned(vm, *r)
        })
        .collect();
    // Garbage cycles: run finalizers, then clear references (the final
    // collection CPython runs at shutdown).
    let leaked_set: HashSet<ObjRef> = leaked.iter().copied().collect();
    let garbage: Vec<ObjRef> = live
        .iter()
        .copied()
        .filter(|r| !leaked_set.contains(r))
        .collect();
    for r in &garbage {
        if vm.heap.is_live(*r) && vm.needs_finalizer(*r) {
            if let Some(o) = vm.heap.get_mut(*r) {
                o.flags |= flags::FINALIZED;
            }
            vm.incref(*r);
            vm.call_del(*r);
            vm.decref(*r);
        }
    }
    for r in &garbage {
        if vm.heap.is_live(*r) {
            vm.incref(*r);
            vm.clear_refs(*r);
            vm.decref(*r);
        }
    }
    vm.release_names();
    if check_leaks && !leaked.is_empty() {
        let mut by_type: Vec<(String, usize)> = Vec::new();
        for r in &leaked {
            let t = vm.type_name(*r).to_string();
            match by_type.iter_mut().find(|(n, _)| *n == t) {
                Some((_, c)) => *c += 1,
                None => by_type.push((t, 1)),
            }
        }
        let list: Vec<String> = by_type.iter().map(|(t, c)| format!("{t}: {c}")).collect();
        vm.write_err(&format!(
            "pymm: {} leaked object(s) still referenced after teardown: {}\n",
            leaked.len(),
            list.join(", ")
        ));
        if *status == 0 {
            *status = 3;
        }
    }
}

fn is_interned(vm: &Vm, r: ObjRef) -> bool {
    vm.obj(r).flags & flags::INTERNED != 0
}

/// `_PyModule_ClearDict`: names with a single leading underscore are set
/// to `None` first, then every other name except `__builtins__`.
fn clear_module_dict(vm: &mut Vm, d: ObjRef) {
    let none = vm.none_ref();
    for pass in 0..2 {
        let items = vm.dict_items(d);
        for (k, v) in items {
            if v == none {
                continue;
            }
            let name = match vm.kind(k) {
                Kind::Str(s) => s.s.to_string(),
                _ => continue,
            };
            let single = name.starts_with('_') && !name.starts_with("__");
            let take = if pass == 0 {
                single
            } else {
                name != "__builtins__"
            };
            if take && let Err(e) = vm.dict_set(d, k, none) {
                vm.drop_err(e);
            }
        }
    }
    if let Err(e) = vm.dict_clear(d) {
        vm.drop_err(e);
    }
}
