//! Constructors of the built-in types (`int(...)`, `list(...)`, `type(x)`,
//! `super()`, `property(...)`...).

use num_bigint::BigInt;
use num_traits::Num as _;

use crate::object::{Kind, NameId, ObjRef, sizes};
use crate::vm::number::Num;
use crate::vm::{PyResult, Vm};

type Kw<'a> = &'a [(NameId, ObjRef)];

pub(super) fn install(vm: &mut Vm, _b: ObjRef) -> PyResult<()> {
    let t = vm.t;
    let ctors: &[(ObjRef, crate::object::NativeFn)] = &[
        (t.object, object_new),
        (t.type_, type_new),
        (t.int, int_new),
        (t.bool_, bool_new),
        (t.float, float_new),
        (t.str, str_new),
        (t.bytes, bytes_new),
        (t.list, list_new),
        (t.tuple, tuple_new),
        (t.dict, dict_new),
        (t.set, set_new),
        (t.frozenset, frozenset_new),
        (t.range, range_new),
        (t.slice, slice_new),
        (t.staticmethod, staticmethod_new),
        (t.classmethod, classmethod_new),
        (t.property, property_new),
        (t.super_, super_new),
    ];
    for (c, f) in ctors {
        vm.set_ctor(*c, *f);
    }
    Ok(())
}

fn object_new(vm: &mut Vm, _c: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    if !args.is_empty() {
        return Err(vm.type_error("object() takes no arguments"));
    }
    let o = vm.t.object;
    vm.new_instance(o)
}

fn type_new(vm: &mut Vm, _c: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    match args.len() {
        1 => {
            let t = vm.type_of(args[0]);
            vm.incref(t);
            Ok(t)
        }
        3 => {
            let name = vm.str_string(args[0])?;
            let base = match vm.kind(args[1]) {
                Kind::Tuple(t) => t.first().copied(),
                _ => None,
            };
            vm.new_class_from_ns(&name, base, args[2])
        }
        _ => Err(vm.type_error("type() takes 1 or 3 arguments")),
    }
}

/// Parse an int literal as `int(str, base)` does.
pub(crate) fn parse_int(s: &str, base: u32) -> Option<BigInt> {
    let t = s.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (base, t) = if base == 0 || base == 16 || base == 8 || base == 2 {
        let lower = t.to_ascii_lowercase();
        if (base == 0 || base == 16) && lower.starts_with("0x") {
            (16, &t[2..])
        } else if (base == 0 || base == 8) && lower.starts_with("0o") {
            (8, &t[2..])
        } else if (base == 0 || base == 2) && lower.starts_with("0b") {
            (2, &t[2..])
        } else if base == 0 {
            if t.len() > 1 && t.starts_with('0') && t.chars().any(|c| c != '0' && c != '_') {
                return None;
            }
            (10, t)
        } else {
            (base, t)
        }
    } else {
        (base, t)
    };
    if t.is_empty() || t.starts_with('_') || t.ends_with('_') || t.contains("__") {
        return None;
    }
    let digits: String = t.chars().filter(|c| *c != '_').collect();
    if !digits.chars().all(|c| c.is_digit(base)) {
        return None;
    }
    let v = BigInt::from_str_radix(&digits, base).ok()?;
    Some(if neg { -v } else { v })
}

fn int_new(vm: &mut Vm, _c: Option<ObjRef>, args: &[ObjRef], kw: Kw<'_>) -> PyResult<ObjRef> {
    if args.len() > 2 {
        return Err(vm.type_error(format!(
            "int() takes at most 2 arguments ({} given)",
            args.len()
        )));
    }
    let Some(&x) = args.first() else {
        return vm.new_int(0);
    };
    let base_arg = args.get(1).copied().or_else(|| vm.kwarg(kw, "base"));
    if let Some(b) = base_arg {
        let Some(Num::I(base)) = vm.num(b) else {
            return Err(vm.type_error("'str' object cannot be interpreted as an integer"));
        };
        let Kind::Str(s) = vm.kind(x) else {
            return Err(vm.type_error("int() can't convert non-string with explicit base"));
        };
        let text = s.s.to_string();
        if !(base == 0 || (2..=36).contains(&base)) {
            return Err(vm.value_error("int() base must be >= 2 and <= 36, or 0"));
        }
        return match parse_int(&text, base as u32) {
            Some(v) => vm.new_bigint(v),
            None => {
                let r = crate::vm::text::str_repr(&text);
                Err(vm.value_error(format!("invalid literal for int() with base {base}: {r}")))
            }
        };
    }
    match vm.kind(x) {
        Kind::Int(_) | Kind::BigInt(_) => {
            vm.incref(x);
            Ok(x)
        }
        Kind::Bool(b) => {
            let b = *b;
            vm.new_int(i64::from(b))
        }
        Kind::Float(f) => {
            let f = *f;
            if f.is_nan() {
                return Err(vm.value_error("cannot convert float NaN to integer"));
            }
            if f.is_infinite() {
                return Err(vm.overflow_error("cannot convert float infinity to integer"));
            }
            let t = f.trunc();
            if t.abs() < 9.0e18 {
                vm.new_int(t as i64)
            } else {
                let b = BigInt::from(t as i128);
                let b = if t.abs() < 1.7e38 { b } else { big_from_f64(t) };
                vm.new_bigint(b)
            }
        }
        Kind::Str(s) => {
            let text = s.s.to_string();
            match parse_int(&text, 10) {
                Some(v) => {
                    if text.len() > 4300 {
                        return Err(vm.value_error("Exceeds the limit (4300 digits) for integer string conversion: value has more digits; use sys.set_int_max_str_digits() to increase the limit"));
                    }
                    vm.new_bigint(v)
                }
                None => {
                    let r = crate::vm::text::str_repr(&text);
                    Err(vm.value_error(format!("invalid literal for int() with base 10: {r}")))
                }
            }
        }
        Kind::Instance(i) => {
            let cls = i.class;
            for name in [vm.n.int_, vm.n.index] {
                if let Some(m) = vm.lookup_in_mro(cls, name) {
                    vm.incref(m);
                    let r = vm.call(m, &[x], &[]);
                    vm.decref(m);
                    return r;
                }
            }
            let msg = format!(
                "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                vm.type_name(x)
            );
            Err(vm.type_error(msg))
        }
        _ => {
            let msg = format!(
                "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                vm.type_name(x)
            );
            Err(vm.type_error(msg))
        }
    }
}

fn big_from_f64(f: f64) -> BigInt {
    let bits = f.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64 - 1075;
    let mant = (bits & ((1 << 52) - 1)) | (1 << 52);
    let m = BigInt::from(mant);
    let v = if exp >= 0 {
        m << exp as usize
    } else {
        m >> (-exp) as usize
    };
    if f < 0.0 { -v } else { v }
}

fn bool_new(vm: &mut Vm, _c: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    if args.len() > 1 {
        return Err(vm.type_error(format!(
            "bool expected at most 1 argument, got {}",
            args.len()
        )));
    }
    let b = match args.first() {
        Some(x) => vm.truthy(*x)?,
        None => false,
    };
    Ok(vm.bool_obj(b))
}

/// Parse a float literal as `float(str)` does.
pub(crate) fn parse_float(s: &str) -> Option<f64> {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    let body = lower.trim_start_matches(['+', '-']);
    let neg = lower.starts_with('-');
    match body {
        "inf" | "infinity" => {
            return Some(if neg {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            });
        }
        "nan" => return Some(f64::NAN),
        _ => {}
    }
    if t.is_empty() || t.contains("__") || t.starts_with('_') || t.ends_with('_') {
        return None;
    }
    let cleaned: String = t.chars().filter(|c| *c != '_').collect();
    if !cleaned
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
    {
        return None;
    }
    cleaned.parse::<f64>().ok()
}

fn float_new(vm: &mut Vm, _c: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("float", args, 0, 1)?;
    let Some(&x) = args.first() else {
        return vm.new_float(0.0);
    };
    match (vm.kind(x), vm.num(x)) {
        (Kind::Float(_), _) => {
            vm.incref(x);
            Ok(x)
        }
        (_, Some(Num::I(i))) => vm.new_float(i as f64),
        (_, Some(Num::B(b))) => match crate::vm::number::big_to_f64(&b) {
            Ok(f) => vm.new_float(f),
            Err(m) => Err(vm.overflow_error(m)),
        },
        (Kind::Str(s), _) => {
            let text = s.s.to_string();
            match parse_float(&text) {
                Some(f) => vm.new_float(f),
                None => {
                    let r = crate::vm::text::str_repr(&text);
                    Err(vm.value_error(format!("could not convert string to float: {r}")))
                }
            }
        }
        (Kind::Instance(i), _) => {
            let cls = i.class;
            if let Some(m) = vm.lookup_in_mro(cls, vm.n.float_) {
                vm.incref(m);
                let r = vm.call(m, &[x], &[]);
                vm.decref(m);
                return r;
            }
            let msg = format!(
                "float() argument must be a string or a real number, not '{}'",
                vm.type_name(x)
            );
            Err(vm.type_error(msg))
        }
        _ => {
            let msg = format!(
                "float() argument must be a string or a real number, not '{}'",
                vm.type_name(x)
            );
            Err(vm.type_error(msg))
        }
    }
}

fn str_new(vm: &mut Vm, _c: Option<ObjRef>, args: &[ObjRef], kw: Kw<'_>) -> PyResult<ObjRef> {
    let _ = kw;
    vm.check_args("str", args, 0, 3)?;
    let Some(&x) = args.first() else {
        return vm.new_str("");
    };
    if let (Kind::Bytes(b), Some(_)) = (vm.kind(x), args.get(1)) {
        let s = String::from_utf8_lossy(b).into_owned();
        return vm.new_string(s);
    }
    vm.to_str(x)
}

fn bytes_new(vm: &mut Vm, _c: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("bytes", args, 0, 3)?;
    let Some(&x) = args.first() else {
        return vm.new_bytes(&[]);
    };
    match vm.kind(x) {
        Kind::Str(s) => {
            let b = s.s.as_bytes().to_vec();
            vm.new_bytes(&b)
        }
        Kind::Int(n) => {
            let n = *n;
            if n < 0 {
                return Err(vm.value_error("negative count"));
            }
            if n as u64 > vm.heap_remaining() {
                return Err(vm.memory_error());
            }
            vm.new_bytes(&vec![0u8; n as usize])
        }
        _ => {
            let items = vm.collect(x)?;
            let mut out = Vec::new();
            for it in &items {
                match vm.num(*it) {
                    Some(Num::I(i)) if (0..256).contains(&i) => out.push(i as u8),
                    _ => {
                        for it in items {
                            vm.decref(it);
                        }
                        return Err(vm.value_error("bytes must be in range(0, 256)"));
                    }
                }
            }
            for it in items {
                vm.decref(it);
            }
            vm.new_bytes(&out)
        }
    }
}

fn list_new(vm: &mut Vm, _c: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("list", args, 0, 1)?;
    match args.first() {
        None => vm.new_list(Vec::new()),
        Some(&x) => {
            // list___init__ -> list_extend: preallocated from the length hint.
            let l = vm.new_list(Vec::new())?;
            if let Err(e) = vm.list_extend(l, x) {
                vm.decref(l);
                return Err(e);
            }
            Ok(l)
        }
    }
}

fn tuple_new(vm: &mut Vm, _c: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("tuple", args, 0, 1)?;
    match args.first() {
        None => vm.new_tuple(Vec::new()),
        Some(&x) => {
            if matches!(vm.kind(x), Kind::Tuple(_)) {
                vm.incref(x);
                return Ok(x);
            }
            let items = vm.collect(x)?;
            vm.new_tuple(items)
        }
    }
}

fn dict_new(vm: &mut Vm, _c: Option<ObjRef>, args: &[ObjRef], kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("dict", args, 0, 1)?;
    let d = vm.new_dict()?;
    let r = (|| -> PyResult<()> {
        if let Some(&x) = args.first() {
            vm.dict_update(d, x)?;
        }
        for (k, v) in kw {
            let key = vm.name_obj(*k);
            vm.dict_set(d, key, *v)?;
        }
        Ok(())
    })();
    match r {
        Ok(()) => Ok(d),
        Err(e) => {
            vm.decref(d);
            Err(e)
        }
    }
}

fn set_new(vm: &mut Vm, _c: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("set", args, 0, 1)?;
    vm.set_from(args.first().copied(), false)
}

fn frozenset_new(
    vm: &mut Vm,
    _c: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    vm.check_args("frozenset", args, 0, 1)?;
    if let Some(&x) = args.first()
        && matches!(vm.kind(x), Kind::FrozenSet(_))
    {
        vm.incref(x);
        return Ok(x);
    }
    vm.set_from(args.first().copied(), true)
}

fn int_arg(vm: &mut Vm, x: ObjRef) -> PyResult<ObjRef> {
    match vm.kind(x) {
        Kind::Int(_) | Kind::BigInt(_) => {
            vm.incref(x);
            Ok(x)
        }
        Kind::Bool(b) => {
            let b = *b;
            vm.new_int(i64::from(b))
        }
        _ => {
            if let Some(i) = vm.index_of(x, "range")? {
                return vm.new_int(i);
            }
            let msg = format!(
                "'{}' object cannot be interpreted as an integer",
                vm.type_name(x)
            );
            Err(vm.type_error(msg))
        }
    }
}

fn range_new(vm: &mut Vm, _c: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    if args.is_empty() {
        return Err(vm.type_error("range expected at least 1 argument, got 0"));
    }
    if args.len() > 3 {
        return Err(vm.type_error(format!(
            "range expected at most 3 arguments, got {}",
            args.len()
        )));
    }
    let mut v = Vec::new();
    for a in args {
        match int_arg(vm, *a) {
            Ok(x) => v.push(x),
            Err(e) => {
                for x in v {
                    vm.decref(x);
                }
                return Err(e);
            }
        }
    }
    let (start, stop, step) = match v.len() {
        1 => (vm.new_int(0)?, v[0], vm.new_int(1)?),
        2 => (v[0], v[1], vm.new_int(1)?),
        _ => (v[0], v[1], v[2]),
    };
    if matches!(vm.num(step), Some(Num::I(0))) {
        vm.decref(start);
        vm.decref(stop);
        vm.decref(step);
        return Err(vm.value_error("range() arg 3 must not be zero"));
    }
    vm.alloc(Kind::Range { start, stop, step }, sizes::ITER)
}

fn slice_new(vm: &mut Vm, _c: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("slice", args, 1, 3)?;
    let none = vm.none_ref();
    let (a, b, c) = match args.len() {
        1 => (none, args[0], none),
        2 => (args[0], args[1], none),
        _ => (args[0], args[1], args[2]),
    };
    vm.incref(a);
    vm.incref(b);
    vm.incref(c);
    vm.alloc(
        Kind::Slice {
            start: a,
            stop: b,
            step: c,
        },
        sizes::SLICE,
    )
}

fn staticmethod_new(
    vm: &mut Vm,
    _c: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    vm.check_args("staticmethod", args, 1, 1)?;
    vm.incref(args[0]);
    vm.alloc(Kind::StaticMethod(args[0]), sizes::DESCR)
}

fn classmethod_new(
    vm: &mut Vm,
    _c: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    vm.check_args("classmethod", args, 1, 1)?;
    vm.incref(args[0]);
    vm.alloc(Kind::ClassMethod(args[0]), sizes::DESCR)
}

fn property_new(vm: &mut Vm, _c: Option<ObjRef>, args: &[ObjRef], kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("property", args, 0, 4)?;
    let mut get = |i: usize, name: &str| -> Option<ObjRef> {
        let v = args.get(i).copied().or_else(|| vm.kwarg(kw, name));
        v.filter(|v| !vm.is_none(*v))
    };
    let fget = get(0, "fget");
    let fset = get(1, "fset");
    let fdel = get(2, "fdel");
    for f in [fget, fset, fdel].into_iter().flatten() {
        vm.incref(f);
    }
    vm.alloc(Kind::Property { fget, fset, fdel }, sizes::PROPERTY)
}

fn super_new(vm: &mut Vm, _c: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    // Zero-argument super() is rewritten by the call site to pass
    // (__class__, first argument).
    if args.len() != 2 {
        let c = vm.t.runtime_error;
        return Err(vm.err(c, "super(): no arguments"));
    }
    let (class, obj) = (args[0], args[1]);
    if !matches!(vm.kind(class), Kind::Class(_)) {
        return Err(vm.type_error("super() argument 1 must be a type"));
    }
    vm.incref(class);
    vm.incref(obj);
    vm.alloc(Kind::Super { class, obj }, sizes::ITER)
}
