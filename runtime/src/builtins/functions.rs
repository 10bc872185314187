//! Built-in functions (`Python/bltinmodule.c`).

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};

use crate::compile::code::{BinaryOperator, ComparisonOperator};
use crate::object::{IterKind, Kind, NameId, ObjRef, sizes};
use crate::vm::number::Num;
use crate::vm::{PyResult, Vm};

type Kw<'a> = &'a [(NameId, ObjRef)];

pub(super) fn install(vm: &mut Vm, b: ObjRef) -> PyResult<()> {
    let fns: &[(&'static str, crate::object::NativeFn)] = &[
        ("print", print),
        ("len", len),
        ("id", id),
        ("isinstance", isinstance),
        ("issubclass", issubclass),
        ("hasattr", hasattr),
        ("getattr", getattr),
        ("setattr", setattr),
        ("delattr", delattr),
        ("repr", repr),
        ("ascii", ascii),
        ("sorted", sorted),
        ("sum", sum),
        ("min", min),
        ("max", max),
        ("abs", abs),
        ("any", any),
        ("all", all),
        ("iter", iter),
        ("next", next),
        ("hash", hash),
        ("round", round),
        ("divmod", divmod),
        ("pow", pow),
        ("chr", chr),
        ("ord", ord),
        ("hex", hex),
        ("bin", bin),
        ("oct", oct),
        ("callable", callable),
        ("format", format),
        ("vars", vars),
        ("dir", dir),
        ("globals", globals),
        ("locals", locals),
        ("__build_class__", build_class),
        ("enumerate", enumerate),
        ("zip", zip),
        ("map", map),
        ("filter", filter),
        ("reversed", reversed),
        ("exit", exit),
        ("quit", exit),
        ("input", input),
    ];
    for (name, f) in fns {
        vm.add_function(b, name, *f)?;
    }
    Ok(())
}

/// Natives that need the calling frame (`globals()`, `locals()`, `vars()`, `dir()`, `super()`).
pub fn frame_aware(f: crate::object::NativeFn) -> Option<&'static str> {
    let pairs: [(crate::object::NativeFn, &'static str); 4] = [
        (globals, "globals"),
        (locals, "locals"),
        (vars, "vars"),
        (dir, "dir"),
    ];
    pairs
        .iter()
        .find(|(g, _)| std::ptr::fn_addr_eq(*g, f))
        .map(|(_, n)| *n)
}

fn print(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], kw: Kw<'_>) -> PyResult<ObjRef> {
    let mut sep = " ".to_string();
    let mut end = "\n".to_string();
    let mut to_err = false;
    for (k, v) in kw {
        let name = vm.name_str(*k).to_string();
        match name.as_str() {
            "sep" | "end" => {
                let s = match vm.kind(*v) {
                    Kind::Str(s) => s.s.to_string(),
                    Kind::None => {
                        if name == "sep" {
                            " ".into()
                        } else {
                            "\n".into()
                        }
                    }
                    _ => {
                        let msg =
                            format!("{name} must be None or a string, not {}", vm.type_name(*v));
                        return Err(vm.type_error(msg));
                    }
                };
                if name == "sep" {
                    sep = s;
                } else {
                    end = s;
                }
            }
            "file" => {
                if let Kind::Module(m) = vm.kind(*v) {
                    to_err = m.name == "sys.stderr";
                }
                if let Kind::Instance(_) = vm.kind(*v) {
                    to_err = vm
                        .repr_string(*v)
                        .map(|s| s.contains("stderr"))
                        .unwrap_or(false);
                }
            }
            "flush" => {}
            _ => {
                let msg = format!("'{name}' is an invalid keyword argument for print()");
                return Err(vm.type_error(msg));
            }
        }
    }
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            out.push_str(&sep);
        }
        out.push_str(&vm.str_string(*a)?);
    }
    out.push_str(&end);
    if to_err {
        vm.write_err(&out);
    } else {
        vm.write_out(&out);
    }
    Ok(vm.none())
}

fn len(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.no_kwargs("len", kw)?;
    vm.check_args("len", args, 1, 1)?;
    let n = vm.len(args[0])?;
    vm.new_int(n as i64)
}

fn id(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("id", args, 1, 1)?;
    let a = vm.heap.addr(args[0]);
    vm.new_bigint(BigInt::from(a))
}

fn class_check(vm: &mut Vm, obj: ObjRef, spec: ObjRef, fname: &str, inst: bool) -> PyResult<bool> {
    match vm.kind(spec) {
        Kind::Class(_) => {
            if inst {
                Ok(vm.is_instance(obj, spec))
            } else {
                if !matches!(vm.kind(obj), Kind::Class(_)) {
                    return Err(vm.type_error("issubclass() arg 1 must be a class"));
                }
                Ok(vm.is_subclass(obj, spec))
            }
        }
        Kind::Tuple(t) => {
            let t = t.to_vec();
            for c in t {
                if class_check(vm, obj, c, fname, inst)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        _ => Err(vm.type_error(format!(
            "{fname}() arg 2 must be a type, a tuple of types, or a union"
        ))),
    }
}

fn isinstance(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("isinstance", args, 2, 2)?;
    let r = class_check(vm, args[0], args[1], "isinstance", true)?;
    Ok(vm.bool_obj(r))
}

fn issubclass(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("issubclass", args, 2, 2)?;
    let r = class_check(vm, args[0], args[1], "issubclass", false)?;
    Ok(vm.bool_obj(r))
}

fn attr_name(vm: &mut Vm, v: ObjRef) -> PyResult<NameId> {
    match vm.kind(v) {
        Kind::Str(_) => vm
            .name_of_str(v)
            .ok_or_else(|| vm.type_error("attribute name must be string")),
        _ => {
            let msg = format!("attribute name must be string, not '{}'", vm.type_name(v));
            Err(vm.type_error(msg))
        }
    }
}

fn hasattr(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("hasattr", args, 2, 2)?;
    let n = attr_name(vm, args[1])?;
    match vm.getattr(args[0], n) {
        Ok(v) => {
            vm.decref(v);
            Ok(vm.bool_obj(true))
        }
        Err(e) if vm.err_matches(&e, vm.t.attribute_error) => {
            vm.drop_err(e);
            Ok(vm.bool_obj(false))
        }
        Err(e) => Err(e),
    }
}

fn getattr(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("getattr", args, 2, 3)?;
    let n = attr_name(vm, args[1])?;
    match vm.getattr(args[0], n) {
        Ok(v) => Ok(v),
        Err(e) if args.len() == 3 && vm.err_matches(&e, vm.t.attribute_error) => {
            vm.drop_err(e);
            vm.incref(args[2]);
            Ok(args[2])
        }
        Err(e) => Err(e),
    }
}

fn setattr(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("setattr", args, 3, 3)?;
    let n = attr_name(vm, args[1])?;
    vm.setattr(args[0], n, args[2])?;
    Ok(vm.none())
}

fn delattr(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("delattr", args, 2, 2)?;
    let n = attr_name(vm, args[1])?;
    vm.delattr(args[0], n)?;
    Ok(vm.none())
}

fn repr(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("repr", args, 1, 1)?;
    vm.to_repr(args[0])
}

fn ascii(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("ascii", args, 1, 1)?;
    let s = vm.repr_string(args[0])?;
    vm.new_string(super::ascii_escape(&s))
}

/// Sort `items` in place (stable, CPython's `list.sort` semantics: only `<`).
pub(crate) fn sort_items(
    vm: &mut Vm,
    items: &mut Vec<ObjRef>,
    key: Option<ObjRef>,
    reverse: bool,
) -> PyResult<()> {
    let keys: Vec<ObjRef> = match key {
        Some(k) if !vm.is_none(k) => {
            let mut ks = Vec::with_capacity(items.len());
            for it in items.iter() {
                match vm.call(k, &[*it], &[]) {
                    Ok(v) => ks.push(v),
                    Err(e) => {
                        for x in ks {
                            vm.decref(x);
                        }
                        return Err(e);
                    }
                }
            }
            ks
        }
        _ => {
            for it in items.iter() {
                vm.incref(*it);
            }
            items.clone()
        }
    };
    let mut idx: Vec<usize> = (0..items.len()).collect();
    if reverse {
        idx.reverse();
    }
    // Merge sort on indices with a fallible comparison.
    let mut err = None;
    let mut less = |vm: &mut Vm, a: usize, b: usize| -> bool {
        if err.is_some() {
            return false;
        }
        match vm.compare_bool(ComparisonOperator::Lt, keys[a], keys[b]) {
            Ok(r) => r,
            Err(e) => {
                err = Some(e);
                false
            }
        }
    };
    let n = idx.len();
    let mut buf = idx.clone();
    let mut width = 1;
    while width < n {
        let mut i = 0;
        while i < n {
            let mid = (i + width).min(n);
            let hi = (i + 2 * width).min(n);
            let (mut l, mut r, mut k) = (i, mid, i);
            while l < mid && r < hi {
                if less(vm, idx[r], idx[l]) {
                    buf[k] = idx[r];
                    r += 1;
                } else {
                    buf[k] = idx[l];
                    l += 1;
                }
                k += 1;
            }
            while l < mid {
                buf[k] = idx[l];
                l += 1;
                k += 1;
            }
            while r < hi {
                buf[k] = idx[r];
                r += 1;
                k += 1;
            }
            i += 2 * width;
        }
        std::mem::swap(&mut idx, &mut buf);
        width *= 2;
    }
    if reverse {
        idx.reverse();
    }
    for k in keys {
        vm.decref(k);
    }
    if let Some(e) = err {
        return Err(e);
    }
    let sorted: Vec<ObjRef> = idx.iter().map(|&i| items[i]).collect();
    *items = sorted;
    Ok(())
}

fn sorted(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("sorted", args, 1, 1)?;
    let key = vm.kwarg(kw, "key");
    let reverse = match vm.kwarg(kw, "reverse") {
        Some(r) => vm.truthy(r)?,
        None => false,
    };
    // PySequence_List (list_extend: preallocated from the length hint), then sort in place.
    let l = vm.new_list(Vec::new())?;
    if let Err(e) = vm.list_extend(l, args[0]) {
        vm.decref(l);
        return Err(e);
    }
    let mut items = vm.list_items(l);
    if let Err(e) = sort_items(vm, &mut items, key, reverse) {
        vm.decref(l);
        return Err(e);
    }
    if let Some(crate::object::Obj {
        kind: Kind::List(li),
        ..
    }) = vm.heap.get_mut(l)
        && li.items.len() == items.len()
    {
        li.items = items;
    }
    Ok(l)
}

fn sum(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("sum", args, 1, 2)?;
    let start = args.get(1).copied().or_else(|| vm.kwarg(kw, "start"));
    let mut acc = match start {
        Some(s) => {
            if matches!(vm.kind(s), Kind::Str(_)) {
                return Err(vm.type_error("sum() can't sum strings [use ''.join(seq) instead]"));
            }
            vm.incref(s);
            s
        }
        None => vm.new_int(0)?,
    };
    let it = vm.get_iter(args[0]);
    let it = match it {
        Ok(i) => i,
        Err(e) => {
            vm.decref(acc);
            return Err(e);
        }
    };
    loop {
        match vm.iter_next(it) {
            Ok(Some(x)) => {
                let r = vm.binary_op(BinaryOperator::Add, acc, x, false);
                vm.decref(x);
                vm.decref(acc);
                match r {
                    Ok(v) => acc = v,
                    Err(e) => {
                        vm.decref(it);
                        return Err(e);
                    }
                }
            }
            Ok(None) => break,
            Err(e) => {
                vm.decref(it);
                vm.decref(acc);
                return Err(e);
            }
        }
    }
    vm.decref(it);
    Ok(acc)
}

fn minmax(
    vm: &mut Vm,
    args: &[ObjRef],
    kw: Kw<'_>,
    name: &str,
    op: ComparisonOperator,
) -> PyResult<ObjRef> {
    let key = vm.kwarg(kw, "key").filter(|k| !vm.is_none(*k));
    let default = vm.kwarg(kw, "default");
    let items = if args.len() == 1 {
        vm.collect(args[0])?
    } else if args.is_empty() {
        return Err(vm.type_error(format!("{name} expected at least 1 argument, got 0")));
    } else {
        for a in args {
            vm.incref(*a);
        }
        args.to_vec()
    };
    if items.is_empty() {
        if let Some(d) = default {
            vm.incref(d);
            return Ok(d);
        }
        return Err(vm.value_error(format!("{name}() arg is an empty sequence")));
    }
    let mut best = items[0];
    let mut best_key = match key {
        Some(k) => vm.call(k, &[best], &[]),
        None => {
            vm.incref(best);
            Ok(best)
        }
    };
    let mut res = Ok(());
    for it in items.iter().skip(1) {
        let Ok(bk) = best_key.as_ref().map(|b| *b) else {
            break;
        };
        let k = match key {
            Some(k) => vm.call(k, &[*it], &[]),
            None => {
                vm.incref(*it);
                Ok(*it)
            }
        };
        match k {
            Ok(k) => match vm.compare_bool(op, k, bk) {
                Ok(true) => {
                    vm.decref(bk);
                    best_key = Ok(k);
                    best = *it;
                }
                Ok(false) => vm.decref(k),
                Err(e) => {
                    vm.decref(k);
                    res = Err(e);
                    break;
                }
            },
            Err(e) => {
                res = Err(e);
                break;
            }
        }
    }
    if let Ok(bk) = &best_key {
        vm.decref(*bk);
    }
    vm.incref(best);
    for i in items {
        vm.decref(i);
    }
    if let Err(e) = best_key {
        vm.decref(best);
        return Err(e);
    }
    if let Err(e) = res {
        vm.decref(best);
        return Err(e);
    }
    Ok(best)
}

fn min(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], kw: Kw<'_>) -> PyResult<ObjRef> {
    minmax(vm, args, kw, "min", ComparisonOperator::Lt)
}

fn max(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], kw: Kw<'_>) -> PyResult<ObjRef> {
    minmax(vm, args, kw, "max", ComparisonOperator::Gt)
}

fn abs(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("abs", args, 1, 1)?;
    match vm.num(args[0]) {
        Some(Num::I(i)) => match i.checked_abs() {
            Some(a) => vm.new_int(a),
            None => vm.new_bigint(BigInt::from(i).abs()),
        },
        Some(Num::B(b)) => vm.new_bigint(b.abs()),
        Some(Num::F(f)) => vm.new_float(f.abs()),
        None => {
            if let Kind::Instance(i) = vm.kind(args[0]) {
                let cls = i.class;
                if let Some(m) = vm.lookup_in_mro(cls, vm.n.abs) {
                    vm.incref(m);
                    let r = vm.call(m, &[args[0]], &[]);
                    vm.decref(m);
                    return r;
                }
            }
            let msg = format!("bad operand type for abs(): '{}'", vm.type_name(args[0]));
            Err(vm.type_error(msg))
        }
    }
}

fn any_all(vm: &mut Vm, args: &[ObjRef], want: bool, name: &str) -> PyResult<ObjRef> {
    vm.check_args(name, args, 1, 1)?;
    let it = vm.get_iter(args[0])?;
    loop {
        match vm.iter_next(it) {
            Ok(Some(x)) => {
                let t = vm.truthy(x);
                vm.decref(x);
                match t {
                    Ok(t) if t == want => {
                        vm.decref(it);
                        return Ok(vm.bool_obj(want));
                    }
                    Ok(_) => {}
                    Err(e) => {
                        vm.decref(it);
                        return Err(e);
                    }
                }
            }
            Ok(None) => break,
            Err(e) => {
                vm.decref(it);
                return Err(e);
            }
        }
    }
    vm.decref(it);
    Ok(vm.bool_obj(!want))
}

fn any(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    any_all(vm, args, true, "any")
}

fn all(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    any_all(vm, args, false, "all")
}

fn iter(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("iter", args, 1, 1)?;
    vm.get_iter(args[0])
}

fn next(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("next", args, 1, 2)?;
    let it = args[0];
    let is_iter = matches!(vm.kind(it), Kind::Iter(_) | Kind::Generator(_))
        || matches!(vm.kind(it), Kind::Instance(i) if vm.lookup_in_mro(i.class, vm.n.next).is_some());
    if !is_iter {
        let msg = format!("'{}' object is not an iterator", vm.type_name(it));
        return Err(vm.type_error(msg));
    }
    // A generator's return value travels in StopIteration.
    if matches!(vm.kind(it), Kind::Generator(_)) {
        return match vm.gen_resume(it, None, None)? {
            super::GenStep::Yielded(v) => Ok(v),
            super::GenStep::Returned(v) => {
                if let Some(d) = args.get(1) {
                    vm.xdecref(v);
                    vm.incref(*d);
                    return Ok(*d);
                }
                let c = vm.t.stop_iteration;
                Err(match v {
                    Some(v) => vm.err_with(c, v),
                    None => vm.err_noarg(c),
                })
            }
        };
    }
    match vm.iter_next(it)? {
        Some(v) => Ok(v),
        None => match args.get(1) {
            Some(d) => {
                vm.incref(*d);
                Ok(*d)
            }
            None => Err(vm.stop_iteration()),
        },
    }
}

fn hash(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("hash", args, 1, 1)?;
    let h = vm.hash(args[0])?;
    vm.new_int(h)
}

fn round(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("round", args, 1, 2)?;
    let nd = args
        .get(1)
        .copied()
        .or_else(|| vm.kwarg(kw, "ndigits"))
        .filter(|n| !vm.is_none(*n));
    match vm.num(args[0]) {
        Some(Num::F(f)) => match nd {
            None => {
                if !f.is_finite() {
                    return Err(if f.is_nan() {
                        vm.value_error("cannot convert float NaN to integer")
                    } else {
                        vm.overflow_error("cannot convert float infinity to integer")
                    });
                }
                let r = f.round_ties_even();
                match crate::ops::number::f64_to_int(r) {
                    Ok(b) => vm.new_bigint(b),
                    Err(_) => vm.new_bigint(BigInt::from(r as i64)),
                }
            }
            Some(n) => {
                let Some(Num::I(n)) = vm.num(n) else {
                    return Err(vm.type_error("'float' object cannot be interpreted as an integer"));
                };
                if !f.is_finite() {
                    return vm.new_float(f);
                }
                // Round via the exact decimal representation (correctly rounded).
                let r = if (0..300).contains(&n) {
                    let s = format!("{:.*}", n as usize, f);
                    s.parse::<f64>().unwrap_or(f)
                } else if n >= 300 {
                    f
                } else {
                    let p = 10f64.powi((-n) as i32);
                    (f / p).round_ties_even() * p
                };
                vm.new_float(r)
            }
        },
        Some(Num::I(_) | Num::B(_)) => {
            let v = match vm.num(args[0]) {
                Some(Num::I(i)) => BigInt::from(i),
                Some(Num::B(b)) => b,
                _ => BigInt::zero(),
            };
            match nd {
                None => vm.new_bigint(v),
                Some(n) => {
                    let Some(Num::I(n)) = vm.num(n) else {
                        return Err(vm.type_error("integer argument expected"));
                    };
                    if n >= 0 {
                        return vm.new_bigint(v);
                    }
                    let p = num_traits::pow(BigInt::from(10), (-n) as usize);
                    let half = &p / 2;
                    let (q, r) = num_integer::Integer::div_mod_floor(&v, &p);
                    let q = if r > half || (r == half && num_integer::Integer::is_odd(&q)) {
                        q + 1
                    } else {
                        q
                    };
                    vm.new_bigint(q * p)
                }
            }
        }
        None => {
            if let Kind::Instance(i) = vm.kind(args[0]) {
                let cls = i.class;
                if let Some(m) = vm.lookup_in_mro(cls, vm.n.round) {
                    vm.incref(m);
                    let mut a = vec![args[0]];
                    a.extend(nd);
                    let r = vm.call(m, &a, &[]);
                    vm.decref(m);
                    return r;
                }
            }
            let msg = format!(
                "type {} doesn't define __round__ method",
                vm.type_name(args[0])
            );
            Err(vm.type_error(msg))
        }
    }
}

fn divmod(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("divmod", args, 2, 2)?;
    let (a, b) = (args[0], args[1]);
    if let (Some(x), Some(y)) = (vm.num(a), vm.num(b)) {
        let is_int = !matches!(x, Num::F(_)) && !matches!(y, Num::F(_));
        if is_int {
            let zero = match &y {
                Num::I(i) => *i == 0,
                Num::B(b) => b.is_zero(),
                Num::F(_) => false,
            };
            if zero {
                return Err(vm.zero_division("integer division or modulo by zero"));
            }
        }
        let q = vm.num_binop(BinaryOperator::FloorDiv, &x, &y)?;
        let r = vm.num_binop(BinaryOperator::Mod, &x, &y)?;
        if let (Some(q), Some(r)) = (q, r) {
            let q = vm.num_obj(q)?;
            let r = vm.num_obj(r)?;
            return vm.new_tuple(vec![q, r]);
        }
    }
    let q = vm.binary_op(BinaryOperator::FloorDiv, a, b, false)?;
    let r = match vm.binary_op(BinaryOperator::Mod, a, b, false) {
        Ok(r) => r,
        Err(e) => {
            vm.decref(q);
            return Err(e);
        }
    };
    vm.new_tuple(vec![q, r])
}

fn pow(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("pow", args, 2, 3)?;
    if let Some(&m) = args.get(2)
        && !vm.is_none(m)
    {
        let (Some(b), Some(e), Some(m)) = (vm.num(args[0]), vm.num(args[1]), vm.num(m)) else {
            return Err(
                vm.type_error("pow() 3rd argument not allowed unless all arguments are integers")
            );
        };
        let big = |n: Num| match n {
            Num::I(i) => Some(BigInt::from(i)),
            Num::B(b) => Some(b),
            Num::F(_) => None,
        };
        let (Some(b), Some(e), Some(m)) = (big(b), big(e), big(m)) else {
            return Err(
                vm.type_error("pow() 3rd argument not allowed unless all arguments are integers")
            );
        };
        if m.is_zero() {
            return Err(vm.value_error("pow() 3rd argument cannot be 0"));
        }
        if e.is_negative() {
            return Err(vm.value_error("base is not invertible for the given modulus"));
        }
        let r = b.modpow(&e, &m);
        let r = if r.is_negative() != m.is_negative() && !r.is_zero() {
            r + &m
        } else {
            r
        };
        return vm.new_bigint(r);
    }
    vm.binary_op(BinaryOperator::Pow, args[0], args[1], false)
}

fn chr(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("chr", args, 1, 1)?;
    match vm.num(args[0]) {
        Some(Num::I(i)) => match u32::try_from(i).ok().and_then(char::from_u32) {
            Some(c) => {
                let mut b = [0u8; 4];
                vm.new_str(c.encode_utf8(&mut b))
            }
            None => Err(vm.value_error("chr() arg not in range(0x110000)")),
        },
        _ => {
            let msg = format!(
                "'{}' object cannot be interpreted as an integer",
                vm.type_name(args[0])
            );
            Err(vm.type_error(msg))
        }
    }
}

fn ord(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("ord", args, 1, 1)?;
    match vm.kind(args[0]) {
        Kind::Str(s) => {
            if s.chars != 1 {
                let n = s.chars;
                return Err(vm.type_error(format!(
                    "ord() expected a character, but string of length {n} found"
                )));
            }
            let c = s.s.chars().next().map_or(0, |c| c as i64);
            vm.new_int(c)
        }
        _ => {
            let msg = format!(
                "ord() expected string of length 1, but {} found",
                vm.type_name(args[0])
            );
            Err(vm.type_error(msg))
        }
    }
}

fn radix(vm: &mut Vm, args: &[ObjRef], name: &str, r: u32, prefix: &str) -> PyResult<ObjRef> {
    vm.check_args(name, args, 1, 1)?;
    let v = match vm.num(args[0]) {
        Some(Num::I(i)) => BigInt::from(i),
        Some(Num::B(b)) => b,
        _ => {
            let msg = format!(
                "'{}' object cannot be interpreted as an integer",
                vm.type_name(args[0])
            );
            return Err(vm.type_error(msg));
        }
    };
    let s = if v.is_negative() {
        format!("-{prefix}{}", (-v).to_str_radix(r))
    } else {
        format!("{prefix}{}", v.to_str_radix(r))
    };
    vm.new_string(s)
}

fn hex(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    radix(vm, args, "hex", 16, "0x")
}

fn bin(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    radix(vm, args, "bin", 2, "0b")
}

fn oct(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    radix(vm, args, "oct", 8, "0o")
}

fn callable(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("callable", args, 1, 1)?;
    let r = match vm.kind(args[0]) {
        Kind::Function(_) | Kind::Builtin(_) | Kind::Method { .. } | Kind::Class(_) => true,
        Kind::Instance(i) => vm.lookup_in_mro(i.class, vm.n.call).is_some(),
        _ => false,
    };
    Ok(vm.bool_obj(r))
}

fn format(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("format", args, 1, 2)?;
    let spec = match args.get(1).map(|s| vm.kind(*s)) {
        Some(Kind::Str(s)) => s.s.to_string(),
        Some(_) => return Err(vm.type_error("format() argument 2 must be str")),
        None => String::new(),
    };
    vm.format(args[0], &spec)
}

fn vars(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("vars", args, 1, 1)?;
    match vm.getattr_opt(args[0], vm.n.dict)? {
        Some(d) => Ok(d),
        None => Err(vm.type_error("vars() argument must have __dict__ attribute")),
    }
}

fn dir(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("dir", args, 1, 1)?;
    let obj = args[0];
    let mut names: Vec<String> = Vec::new();
    if let Kind::Instance(i) = vm.kind(obj) {
        names.extend(
            i.attrs
                .items
                .iter()
                .map(|(n, _)| vm.name_str(*n).to_string()),
        );
    }
    if let Kind::Module(m) = vm.kind(obj) {
        let d = m.dict;
        for (k, _) in vm.dict_items(d) {
            names.push(vm.str_string(k)?);
        }
    }
    let cls = if matches!(vm.kind(obj), Kind::Class(_)) {
        obj
    } else {
        vm.type_of(obj)
    };
    let mro = vm.class(cls).map(|c| c.mro.clone()).unwrap_or_default();
    for c in mro {
        if let Some(cl) = vm.class(c) {
            names.extend(
                cl.attrs
                    .items
                    .iter()
                    .map(|(n, _)| vm.name_str(*n).to_string()),
            );
        }
    }
    names.sort();
    names.dedup();
    let mut items = Vec::new();
    for n in names {
        items.push(vm.new_string(n)?);
    }
    vm.new_list(items)
}

fn globals(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    // Called with the frame's globals as the only argument (see `frame_aware`).
    vm.check_args("globals", args, 1, 1)?;
    vm.incref(args[0]);
    Ok(args[0])
}

fn locals(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("locals", args, 1, 1)?;
    vm.incref(args[0]);
    Ok(args[0])
}

pub(super) fn build_class(
    vm: &mut Vm,
    _r: Option<ObjRef>,
    args: &[ObjRef],
    kw: Kw<'_>,
) -> PyResult<ObjRef> {
    vm.build_class(args, kw)
}

fn iter_obj(vm: &mut Vm, k: IterKind) -> PyResult<ObjRef> {
    vm.alloc(Kind::Iter(Box::new(k)), sizes::ITER)
}

fn enumerate(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("enumerate", args, 1, 2)?;
    let start = match args.get(1).copied().or_else(|| vm.kwarg(kw, "start")) {
        Some(s) => match vm.num(s) {
            Some(Num::I(i)) => i,
            _ => return Err(vm.type_error("'start' must be an integer")),
        },
        None => 0,
    };
    let it = vm.get_iter(args[0])?;
    iter_obj(vm, IterKind::Enumerate { it, count: start })
}

fn zip(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let mut its = Vec::new();
    for a in args {
        match vm.get_iter(*a) {
            Ok(i) => its.push(i),
            Err(e) => {
                for i in its {
                    vm.decref(i);
                }
                return Err(e);
            }
        }
    }
    iter_obj(vm, IterKind::Zip { its })
}

fn map(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    if args.len() < 2 {
        return Err(vm.type_error("map() must have at least two arguments."));
    }
    let mut its = Vec::new();
    for a in &args[1..] {
        match vm.get_iter(*a) {
            Ok(i) => its.push(i),
            Err(e) => {
                for i in its {
                    vm.decref(i);
                }
                return Err(e);
            }
        }
    }
    vm.incref(args[0]);
    iter_obj(vm, IterKind::Map { func: args[0], its })
}

fn filter(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("filter", args, 2, 2)?;
    let it = vm.get_iter(args[1])?;
    vm.incref(args[0]);
    iter_obj(vm, IterKind::Filter { func: args[0], it })
}

fn reversed(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("reversed", args, 1, 1)?;
    let s = args[0];
    if let Kind::Instance(i) = vm.kind(s) {
        let cls = i.class;
        if let Some(m) = vm.lookup_in_mro(cls, vm.n.reversed) {
            vm.incref(m);
            let r = vm.call(m, &[s], &[]);
            vm.decref(m);
            return r;
        }
    }
    let n = match vm.kind(s) {
        Kind::List(_) | Kind::Tuple(_) | Kind::Str(_) | Kind::Range { .. } | Kind::Bytes(_) => {
            vm.len(s)?
        }
        Kind::Dict(_) => {
            let mut keys: Vec<ObjRef> = vm.dict_items(s).into_iter().map(|(k, _)| k).collect();
            keys.reverse();
            for k in &keys {
                vm.incref(*k);
            }
            let l = vm.new_list(keys)?;
            let it = vm.get_iter(l);
            vm.decref(l);
            return it;
        }
        Kind::Instance(_) => vm.len(s)?,
        _ => {
            let msg = format!("'{}' object is not reversible", vm.type_name(s));
            return Err(vm.type_error(msg));
        }
    };
    vm.incref(s);
    iter_obj(
        vm,
        IterKind::Reversed {
            seq: s,
            idx: n.checked_sub(1),
        },
    )
}

fn exit(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let c = vm.t.system_exit;
    let a: Vec<ObjRef> = args.iter().take(1).copied().collect();
    for x in &a {
        vm.incref(*x);
    }
    let e = vm.new_exception_obj(c, a)?;
    Err(crate::vm::PyErr::Exc(e))
}

fn input(vm: &mut Vm, _r: Option<ObjRef>, _args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let c = vm.t.eof_error;
    Err(vm.err(c, "EOF when reading a line"))
}

/// `int.bit_length` helper for methods.
pub(crate) fn bit_length(n: &Num) -> u64 {
    match n {
        Num::I(i) => 64 - i.unsigned_abs().leading_zeros() as u64,
        Num::B(b) => b.bits(),
        Num::F(_) => 0,
    }
}

#[allow(dead_code)]
fn to_i64(b: &BigInt) -> Option<i64> {
    b.to_i64()
}
