//! The `gc` module over the configured [`cyclegc::Collector`].

use cyclegc::DebugFlags;

use crate::object::{Kind, NameId, ObjRef};
use crate::vm::number::Num;
use crate::vm::{PyResult, Vm};

type Kw<'a> = &'a [(NameId, ObjRef)];

impl Vm {
    pub(crate) fn make_gc_module(&mut self) -> PyResult<ObjRef> {
        let m = self.new_module("gc")?;
        let Some(d) = self.module_dict(m) else {
            return Ok(m);
        };
        let fns: &[(&'static str, crate::object::NativeFn)] = &[
            ("collect", collect),
            ("enable", enable),
            ("disable", disable),
            ("isenabled", isenabled),
            ("get_count", get_count),
            ("get_threshold", get_threshold),
            ("set_threshold", set_threshold),
            ("get_stats", get_stats),
            ("is_tracked", is_tracked),
            ("is_finalized", is_finalized),
            ("get_objects", get_objects),
            ("get_referrers", get_referrers),
            ("get_referents", get_referents),
            ("freeze", freeze),
            ("unfreeze", unfreeze),
            ("get_freeze_count", get_freeze_count),
            ("set_debug", set_debug),
            ("get_debug", get_debug),
        ];
        for (name, f) in fns {
            self.add_function(d, name, *f)?;
        }
        let g = self.gc_garbage;
        self.module_set(m, "garbage", g)?;
        let c = self.gc_callbacks;
        self.module_set(m, "callbacks", c)?;
        for (name, v) in [
            ("DEBUG_STATS", DebugFlags::STATS.0),
            ("DEBUG_COLLECTABLE", DebugFlags::COLLECTABLE.0),
            ("DEBUG_UNCOLLECTABLE", DebugFlags::UNCOLLECTABLE.0),
            ("DEBUG_SAVEALL", DebugFlags::SAVEALL.0),
            ("DEBUG_LEAK", DebugFlags::LEAK.0),
        ] {
            let i = self.new_int(i64::from(v))?;
            self.module_set(m, name, i)?;
            self.decref(i);
        }
        Ok(m)
    }
}

fn int_arg(vm: &mut Vm, v: ObjRef, what: &str) -> PyResult<i64> {
    match vm.num(v) {
        Some(Num::I(i)) => Ok(i),
        _ => {
            let msg = format!(
                "'{}' object cannot be interpreted as an integer{what}",
                vm.type_name(v)
            );
            Err(vm.type_error(msg))
        }
    }
}

fn collect(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("collect", args, 0, 1)?;
    let g = match args.first().copied().or_else(|| vm.kwarg(kw, "generation")) {
        Some(v) => int_arg(vm, v, "")?,
        None => 2,
    };
    if !(0..=2).contains(&g) {
        return Err(vm.value_error("invalid generation"));
    }
    let n = vm.collect_garbage(g as usize)?;
    vm.new_int(n as i64)
}

fn enable(vm: &mut Vm, _r: Option<ObjRef>, _args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.gc.enable();
    Ok(vm.none())
}

fn disable(vm: &mut Vm, _r: Option<ObjRef>, _args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.gc.disable();
    Ok(vm.none())
}

fn isenabled(vm: &mut Vm, _r: Option<ObjRef>, _args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let b = vm.gc.is_enabled();
    Ok(vm.bool_obj(b))
}

fn triple(vm: &mut Vm, v: [i64; 3]) -> PyResult<ObjRef> {
    let a = vm.new_int(v[0])?;
    let b = vm.new_int(v[1])?;
    let c = vm.new_int(v[2])?;
    vm.new_tuple(vec![a, b, c])
}

fn get_count(vm: &mut Vm, _r: Option<ObjRef>, _args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let c = vm.gc.count();
    triple(vm, c.map(|n| i64::try_from(n).unwrap_or(i64::MAX)))
}

fn get_threshold(
    vm: &mut Vm,
    _r: Option<ObjRef>,
    _args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    let t = vm.gc.threshold();
    triple(vm, t.map(i64::from))
}

fn set_threshold(
    vm: &mut Vm,
    _r: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    vm.check_args("set_threshold", args, 1, 3)?;
    let mut t = Vec::new();
    for a in args {
        // C ints, as CPython parses them ("i|ii"): a negative threshold is
        // stored as given (and then exceeded by every count).
        let v = int_arg(vm, *a, "")?;
        match i32::try_from(v) {
            Ok(v) => t.push(v),
            Err(_) if v > 0 => {
                return Err(vm.overflow_error("signed integer is greater than maximum"));
            }
            Err(_) => return Err(vm.overflow_error("signed integer is less than minimum")),
        }
    }
    if let Err(e) = vm.gc.set_threshold(&t) {
        return Err(vm.type_error(e.to_string()));
    }
    Ok(vm.none())
}

fn get_stats(vm: &mut Vm, _r: Option<ObjRef>, _args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let stats = vm.gc.stats();
    let mut items = Vec::new();
    for s in stats {
        let d = vm.new_dict()?;
        for (k, v) in [
            ("collections", s.collections),
            ("collected", s.collected),
            ("uncollectable", s.uncollectable),
        ] {
            let key = vm.new_str(k)?;
            let val = vm.new_int(v as i64)?;
            let r = vm.dict_set(d, key, val);
            vm.decref(key);
            vm.decref(val);
            r?;
        }
        items.push(d);
    }
    vm.new_list(items)
}

fn is_tracked(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("is_tracked", args, 1, 1)?;
    let b = vm.gc.is_tracked(&vm.heap, args[0]);
    Ok(vm.bool_obj(b))
}

fn is_finalized(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("is_finalized", args, 1, 1)?;
    let b = vm.gc.is_finalized(&vm.heap, args[0]);
    Ok(vm.bool_obj(b))
}

fn node_list(vm: &mut Vm, nodes: Vec<ObjRef>) -> PyResult<ObjRef> {
    let nodes: Vec<ObjRef> = nodes.into_iter().filter(|n| vm.heap.is_live(*n)).collect();
    for n in &nodes {
        vm.incref(*n);
    }
    vm.new_list(nodes)
}

fn get_objects(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("get_objects", args, 0, 1)?;
    let g = match args.first().copied().or_else(|| vm.kwarg(kw, "generation")) {
        Some(v) if !vm.is_none(v) => Some(int_arg(vm, v, "")?),
        _ => None,
    };
    if let Some(g) = g {
        if g < 0 {
            return Err(vm.value_error("generation parameter cannot be negative"));
        }
        if g > 2 {
            return Err(vm.value_error(
                "generation parameter must be less than the number of available generations (3)",
            ));
        }
    }
    let nodes = match vm.gc.get_objects(g.map(|g| g as usize)) {
        Ok(n) => n,
        Err(e) => return Err(vm.value_error(e.to_string())),
    };
    node_list(vm, nodes)
}

fn get_referrers(
    vm: &mut Vm,
    _r: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    let nodes = vm.gc.get_referrers(&vm.heap, args);
    node_list(vm, nodes)
}

fn get_referents(
    vm: &mut Vm,
    _r: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    let nodes = vm.gc.get_referents(&vm.heap, args);
    // Types are referents in CPython's traversal too, but built-in classes
    // are not GC-visible in get_referents' usual output for instances.
    let nodes = nodes
        .into_iter()
        .filter(|n| !matches!(vm.kind(*n), Kind::Dead))
        .collect();
    node_list(vm, nodes)
}

fn freeze(vm: &mut Vm, _r: Option<ObjRef>, _args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.gc.freeze();
    Ok(vm.none())
}

fn unfreeze(vm: &mut Vm, _r: Option<ObjRef>, _args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.gc.unfreeze();
    Ok(vm.none())
}

fn get_freeze_count(
    vm: &mut Vm,
    _r: Option<ObjRef>,
    _args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    let n = vm.gc.freeze_count();
    vm.new_int(n as i64)
}

fn set_debug(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("set_debug", args, 1, 1)?;
    let f = int_arg(vm, args[0], "")?;
    vm.gc.set_debug(DebugFlags(f as u32));
    Ok(vm.none())
}

fn get_debug(vm: &mut Vm, _r: Option<ObjRef>, _args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let f = vm.gc.debug().0;
    vm.new_int(i64::from(f))
}
