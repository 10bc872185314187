//! Methods of list, dict, set, tuple, int, float, generators, exceptions
//! and `object`.

use crate::object::{DictView, Kind, NameId, ObjRef, sizes};
use crate::vm::number::Num;
use crate::vm::{PyErr, PyResult, Vm};

use super::{GenStep, this};

type Kw<'a> = &'a [(NameId, ObjRef)];

macro_rules! recv {
    ($vm:expr, $r:expr, $args:expr, $name:expr) => {
        match this($r, $args) {
            Some(x) => x,
            None => return Err($vm.type_error(format!("descriptor '{}' needs an argument", $name))),
        }
    };
}

pub(super) fn install(vm: &mut Vm) -> PyResult<()> {
    let t = vm.t;
    let table: &[(ObjRef, &'static str, crate::object::NativeFn)] = &[
        (t.list, "append", list_append),
        (t.list, "extend", list_extend),
        (t.list, "insert", list_insert),
        (t.list, "pop", list_pop),
        (t.list, "remove", list_remove),
        (t.list, "clear", list_clear),
        (t.list, "index", seq_index),
        (t.list, "count", seq_count),
        (t.list, "sort", list_sort),
        (t.list, "reverse", list_reverse),
        (t.list, "copy", list_copy),
        (t.list, "__len__", dunder_len),
        (t.list, "__getitem__", dunder_getitem),
        (t.list, "__contains__", dunder_contains),
        (t.tuple, "index", seq_index),
        (t.tuple, "count", seq_count),
        (t.tuple, "__len__", dunder_len),
        (t.tuple, "__getitem__", dunder_getitem),
        (t.dict, "keys", dict_keys),
        (t.dict, "values", dict_values),
        (t.dict, "items", dict_items),
        (t.dict, "get", dict_get),
        (t.dict, "setdefault", dict_setdefault),
        (t.dict, "update", dict_update),
        (t.dict, "pop", dict_pop),
        (t.dict, "popitem", dict_popitem),
        (t.dict, "clear", dict_clear),
        (t.dict, "copy", dict_copy),
        (t.dict, "fromkeys", dict_fromkeys),
        (t.dict, "__len__", dunder_len),
        (t.dict, "__getitem__", dunder_getitem),
        (t.dict, "__setitem__", dunder_setitem),
        (t.dict, "__contains__", dunder_contains),
        (t.set, "add", set_add),
        (t.set, "discard", set_discard),
        (t.set, "remove", set_remove),
        (t.set, "pop", set_pop),
        (t.set, "clear", set_clear),
        (t.set, "update", set_update),
        (t.set, "copy", set_copy),
        (t.set, "union", set_union),
        (t.set, "intersection", set_intersection),
        (t.set, "difference", set_difference),
        (t.set, "symmetric_difference", set_symdiff),
        (t.set, "issubset", set_issubset),
        (t.set, "issuperset", set_issuperset),
        (t.set, "isdisjoint", set_isdisjoint),
        (t.set, "__len__", dunder_len),
        (t.set, "__contains__", dunder_contains),
        (t.frozenset, "union", set_union),
        (t.frozenset, "intersection", set_intersection),
        (t.frozenset, "difference", set_difference),
        (t.frozenset, "issubset", set_issubset),
        (t.frozenset, "issuperset", set_issuperset),
        (t.frozenset, "copy", set_copy),
        (t.int, "bit_length", int_bit_length),
        (t.int, "to_bytes", int_to_bytes),
        (t.int, "__index__", int_index),
        (t.float, "is_integer", float_is_integer),
        (t.generator, "send", gen_send),
        (t.generator, "close", gen_close),
        (t.generator, "throw", gen_throw),
        (t.generator, "__next__", gen_next),
        (t.generator, "__iter__", self_iter),
        (t.iterator, "__next__", iter_next),
        (t.iterator, "__iter__", self_iter),
        (t.base_exception, "__init__", exc_init),
        (t.base_exception, "with_traceback", exc_with_traceback),
        (t.object, "__init__", object_init),
        (t.object, "__repr__", object_repr),
        (t.object, "__str__", object_str),
        (t.object, "__eq__", object_eq),
        (t.object, "__ne__", object_ne),
        (t.object, "__hash__", object_hash),
        (t.object, "__setattr__", object_setattr),
        (t.object, "__getattribute__", object_getattribute),
        (t.object, "__delattr__", object_delattr),
        (t.object, "__new__", object_new_method),
        (t.object, "__format__", object_format),
        (t.object, "__sizeof__", object_sizeof),
        (t.object, "__init_subclass__", object_init_subclass),
        (t.type_, "mro", type_mro),
        (t.property, "getter", property_getter),
        (t.property, "setter", property_setter),
        (t.property, "deleter", property_deleter),
    ];
    for (c, name, f) in table {
        vm.add_method(*c, name, *f)?;
    }
    Ok(())
}

fn list_append(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (l, a) = recv!(vm, r, args, "append");
    if a.len() != 1 {
        return Err(vm.type_error(format!(
            "list.append() takes exactly one argument ({} given)",
            a.len()
        )));
    }
    vm.list_append(l, a[0])?;
    Ok(vm.none())
}

fn list_extend(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (l, a) = recv!(vm, r, args, "extend");
    vm.check_args("extend", a, 1, 1)?;
    if a[0] == l {
        let items = vm.collect(l)?;
        let t = vm.new_tuple(items)?;
        let r = vm.list_extend(l, t);
        vm.decref(t);
        r?;
    } else {
        vm.list_extend(l, a[0])?;
    }
    Ok(vm.none())
}

fn list_insert(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (l, a) = recv!(vm, r, args, "insert");
    if a.len() != 2 {
        return Err(vm.type_error(format!("insert expected 2 arguments, got {}", a.len())));
    }
    let Some(i) = vm.index_of(a[0], "insert")? else {
        let msg = format!(
            "'{}' object cannot be interpreted as an integer",
            vm.type_name(a[0])
        );
        return Err(vm.type_error(msg));
    };
    let n = vm.seq_len(l) as i64;
    let pos = if i < 0 { (i + n).max(0) } else { i.min(n) } as usize;
    vm.list_resize(l, n as usize + 1)?;
    vm.incref(a[1]);
    if let Some(Kind::List(li)) = vm.heap.get_mut(l).map(|o| &mut o.kind) {
        li.items.insert(pos, a[1]);
    }
    Ok(vm.none())
}

fn list_pop(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (l, a) = recv!(vm, r, args, "pop");
    vm.check_args("pop", a, 0, 1)?;
    let n = vm.seq_len(l);
    if n == 0 {
        return Err(vm.index_error("pop from empty list"));
    }
    let i = match a.first() {
        Some(x) => match vm.index_of(*x, "pop")? {
            Some(i) => i,
            None => {
                let msg = format!(
                    "'{}' object cannot be interpreted as an integer",
                    vm.type_name(*x)
                );
                return Err(vm.type_error(msg));
            }
        },
        None => -1,
    };
    let j = if i < 0 { i + n as i64 } else { i };
    if j < 0 || j >= n as i64 {
        return Err(vm.index_error("pop index out of range"));
    }
    vm.list_pop_at(l, j as usize)
}

fn find_index(vm: &mut Vm, seq: ObjRef, x: ObjRef) -> PyResult<Option<usize>> {
    let items = vm.seq_items(seq);
    for (i, it) in items.iter().enumerate() {
        if *it == x {
            return Ok(Some(i));
        }
        vm.incref(*it);
        let e = vm.eq(*it, x);
        vm.decref(*it);
        if e? {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

fn list_remove(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (l, a) = recv!(vm, r, args, "remove");
    vm.check_args("remove", a, 1, 1)?;
    match find_index(vm, l, a[0])? {
        Some(i) => {
            vm.list_remove_at(l, i)?;
            Ok(vm.none())
        }
        None => Err(vm.value_error("list.remove(x): x not in list")),
    }
}

fn list_clear(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (l, _) = recv!(vm, r, args, "clear");
    let old = match vm.heap.get_mut(l).map(|o| &mut o.kind) {
        Some(Kind::List(li)) => {
            li.allocated = 0;
            std::mem::take(&mut li.items)
        }
        _ => Vec::new(),
    };
    let buf = match vm.heap.get_mut(l).map(|o| &mut o.kind) {
        Some(Kind::List(li)) => li.buf.take(),
        _ => None,
    };
    if let Some(b) = buf {
        vm.heap.free_block(b);
    }
    // list_clear releases items last to first.
    for o in old.into_iter().rev() {
        vm.decref(o);
    }
    Ok(vm.none())
}

fn seq_index(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (l, a) = recv!(vm, r, args, "index");
    vm.check_args("index", a, 1, 3)?;
    match find_index(vm, l, a[0])? {
        Some(i) => vm.new_int(i as i64),
        None => {
            if matches!(vm.kind(l), Kind::Tuple(_)) {
                return Err(vm.value_error("tuple.index(x): x not in tuple"));
            }
            let s = vm.repr_string(a[0])?;
            Err(vm.value_error(format!("{s} is not in list")))
        }
    }
}

fn seq_count(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (l, a) = recv!(vm, r, args, "count");
    vm.check_args("count", a, 1, 1)?;
    let mut n = 0;
    for it in vm.seq_items(l) {
        vm.incref(it);
        let e = vm.eq(it, a[0]);
        vm.decref(it);
        if e? {
            n += 1;
        }
    }
    vm.new_int(n)
}

fn list_sort(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], kw: Kw<'_>) -> PyResult<ObjRef> {
    let (l, a) = recv!(vm, r, args, "sort");
    if !a.is_empty() {
        return Err(vm.type_error("sort() takes no positional arguments"));
    }
    let key = vm.kwarg(kw, "key");
    let reverse = match vm.kwarg(kw, "reverse") {
        Some(x) => vm.truthy(x)?,
        None => false,
    };
    let mut items = vm.list_items(l);
    super::functions::sort_items(vm, &mut items, key, reverse)?;
    if let Some(Kind::List(li)) = vm.heap.get_mut(l).map(|o| &mut o.kind)
        && li.items.len() == items.len()
    {
        li.items = items;
    }
    Ok(vm.none())
}

fn list_reverse(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (l, _) = recv!(vm, r, args, "reverse");
    if let Some(Kind::List(li)) = vm.heap.get_mut(l).map(|o| &mut o.kind) {
        li.items.reverse();
    }
    Ok(vm.none())
}

fn list_copy(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (l, _) = recv!(vm, r, args, "copy");
    let items = vm.collect(l)?;
    vm.new_list(items)
}

fn dunder_len(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (s, _) = recv!(vm, r, args, "__len__");
    let n = vm.len(s)?;
    vm.new_int(n as i64)
}

fn dunder_getitem(
    vm: &mut Vm,
    r: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    let (s, a) = recv!(vm, r, args, "__getitem__");
    vm.check_args("__getitem__", a, 1, 1)?;
    vm.getitem(s, a[0])
}

fn dunder_setitem(
    vm: &mut Vm,
    r: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    let (s, a) = recv!(vm, r, args, "__setitem__");
    vm.check_args("__setitem__", a, 2, 2)?;
    vm.setitem(s, a[0], a[1])?;
    Ok(vm.none())
}

fn dunder_contains(
    vm: &mut Vm,
    r: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    let (s, a) = recv!(vm, r, args, "__contains__");
    vm.check_args("__contains__", a, 1, 1)?;
    let b = vm.contains(s, a[0])?;
    Ok(vm.bool_obj(b))
}

fn dict_view(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], what: DictView) -> PyResult<ObjRef> {
    let (d, _) = recv!(vm, r, args, "keys");
    vm.incref(d);
    vm.alloc(Kind::DictViewObj { dict: d, what }, sizes::ITER)
}

fn dict_keys(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    dict_view(vm, r, args, DictView::Keys)
}

fn dict_values(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    dict_view(vm, r, args, DictView::Values)
}

fn dict_items(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    dict_view(vm, r, args, DictView::Items)
}

fn dict_get(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (d, a) = recv!(vm, r, args, "get");
    vm.check_args("get", a, 1, 2)?;
    match vm.dict_get(d, a[0])? {
        Some(v) => Ok(v),
        None => {
            let v = a.get(1).copied().unwrap_or(vm.none_ref());
            vm.incref(v);
            Ok(v)
        }
    }
}

fn dict_setdefault(
    vm: &mut Vm,
    r: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    let (d, a) = recv!(vm, r, args, "setdefault");
    vm.check_args("setdefault", a, 1, 2)?;
    match vm.dict_get(d, a[0])? {
        Some(v) => Ok(v),
        None => {
            let v = a.get(1).copied().unwrap_or(vm.none_ref());
            vm.dict_set(d, a[0], v)?;
            vm.incref(v);
            Ok(v)
        }
    }
}

fn dict_update(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], kw: Kw<'_>) -> PyResult<ObjRef> {
    let (d, a) = recv!(vm, r, args, "update");
    vm.check_args("update", a, 0, 1)?;
    if let Some(&m) = a.first() {
        vm.dict_update(d, m)?;
    }
    for (k, v) in kw {
        let key = vm.name_obj(*k);
        vm.dict_set(d, key, *v)?;
    }
    Ok(vm.none())
}

fn dict_pop(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (d, a) = recv!(vm, r, args, "pop");
    vm.check_args("pop", a, 1, 2)?;
    match vm.dict_pop(d, a[0])? {
        Some(v) => Ok(v),
        None => match a.get(1) {
            Some(x) => {
                vm.incref(*x);
                Ok(*x)
            }
            None => Err(vm.key_error(a[0])),
        },
    }
}

fn dict_popitem(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (d, _) = recv!(vm, r, args, "popitem");
    let removed = match vm.heap.get_mut(d).map(|o| &mut o.kind) {
        Some(Kind::Dict(dd)) => dd.table.last_live().and_then(|ix| dd.table.remove_at(ix)),
        _ => None,
    };
    match removed {
        Some((k, v)) => vm.new_tuple(vec![k, v]),
        None => {
            let c = vm.t.key_error;
            Err(vm.err(c, "popitem(): dictionary is empty"))
        }
    }
}

fn dict_clear(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (d, _) = recv!(vm, r, args, "clear");
    vm.dict_clear(d)?;
    Ok(vm.none())
}

fn dict_copy(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (d, _) = recv!(vm, r, args, "copy");
    vm.dict_copy(d)
}

fn dict_fromkeys(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    // Called on the class (dict.fromkeys) or an instance.
    let a = if r.is_some() {
        args
    } else {
        args.get(1..).unwrap_or(&[])
    };
    let a = if matches!(args.first().map(|x| vm.kind(*x)), Some(Kind::Class(_))) {
        args.get(1..).unwrap_or(&[])
    } else {
        a
    };
    vm.check_args("fromkeys", a, 1, 2)?;
    let v = a.get(1).copied().unwrap_or(vm.none_ref());
    let keys = vm.collect(a[0])?;
    let d = vm.new_dict()?;
    let mut res = Ok(());
    for k in &keys {
        if res.is_ok() {
            res = vm.dict_set(d, *k, v);
        }
    }
    for k in keys {
        vm.decref(k);
    }
    match res {
        Ok(()) => Ok(d),
        Err(e) => {
            vm.decref(d);
            Err(e)
        }
    }
}

fn set_add(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (s, a) = recv!(vm, r, args, "add");
    vm.check_args("add", a, 1, 1)?;
    vm.set_add(s, a[0])?;
    Ok(vm.none())
}

fn set_discard(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (s, a) = recv!(vm, r, args, "discard");
    vm.check_args("discard", a, 1, 1)?;
    vm.set_discard(s, a[0])?;
    Ok(vm.none())
}

fn set_remove(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (s, a) = recv!(vm, r, args, "remove");
    vm.check_args("remove", a, 1, 1)?;
    if !vm.set_discard(s, a[0])? {
        return Err(vm.key_error(a[0]));
    }
    Ok(vm.none())
}

fn set_pop(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (s, _) = recv!(vm, r, args, "pop");
    let first = vm.set_keys(s).first().copied();
    match first {
        Some(k) => {
            vm.incref(k);
            vm.set_discard(s, k)?;
            Ok(k)
        }
        None => {
            let c = vm.t.key_error;
            Err(vm.err(c, "pop from an empty set"))
        }
    }
}

fn set_clear(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (s, _) = recv!(vm, r, args, "clear");
    vm.set_clear(s)?;
    Ok(vm.none())
}

fn set_update(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (s, a) = recv!(vm, r, args, "update");
    for x in a {
        vm.set_update(s, *x)?;
    }
    Ok(vm.none())
}

fn set_copy(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (s, _) = recv!(vm, r, args, "copy");
    let frozen = matches!(vm.kind(s), Kind::FrozenSet(_));
    vm.set_from(Some(s), frozen)
}

fn set_op(
    vm: &mut Vm,
    r: Option<ObjRef>,
    args: &[ObjRef],
    op: crate::compile::code::BinaryOperator,
) -> PyResult<ObjRef> {
    let (s, a) = recv!(vm, r, args, "union");
    vm.incref(s);
    let mut acc = s;
    for x in a {
        let other = if matches!(vm.kind(*x), Kind::Set(_) | Kind::FrozenSet(_)) {
            vm.incref(*x);
            *x
        } else {
            match vm.set_from(Some(*x), false) {
                Ok(o) => o,
                Err(e) => {
                    vm.decref(acc);
                    return Err(e);
                }
            }
        };
        let res = vm.set_binop(op, acc, other);
        vm.decref(other);
        vm.decref(acc);
        acc = res?;
    }
    if acc == s {
        let frozen = matches!(vm.kind(s), Kind::FrozenSet(_));
        let c = vm.set_from(Some(s), frozen);
        vm.decref(s);
        return c;
    }
    Ok(acc)
}

fn set_union(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    set_op(vm, r, args, crate::compile::code::BinaryOperator::Or)
}

fn set_intersection(
    vm: &mut Vm,
    r: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    set_op(vm, r, args, crate::compile::code::BinaryOperator::And)
}

fn set_difference(
    vm: &mut Vm,
    r: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    set_op(vm, r, args, crate::compile::code::BinaryOperator::Sub)
}

fn set_symdiff(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    set_op(vm, r, args, crate::compile::code::BinaryOperator::Xor)
}

fn set_rel(
    vm: &mut Vm,
    r: Option<ObjRef>,
    args: &[ObjRef],
    op: crate::compile::code::ComparisonOperator,
) -> PyResult<ObjRef> {
    let (s, a) = recv!(vm, r, args, "issubset");
    vm.check_args("issubset", a, 1, 1)?;
    let other = vm.set_from(Some(a[0]), true)?;
    let res = vm.set_compare(op, s, other);
    vm.decref(other);
    let b = res?;
    Ok(vm.bool_obj(b))
}

fn set_issubset(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    set_rel(vm, r, args, crate::compile::code::ComparisonOperator::Le)
}

fn set_issuperset(
    vm: &mut Vm,
    r: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    set_rel(vm, r, args, crate::compile::code::ComparisonOperator::Ge)
}

fn set_isdisjoint(
    vm: &mut Vm,
    r: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    let (s, a) = recv!(vm, r, args, "isdisjoint");
    vm.check_args("isdisjoint", a, 1, 1)?;
    let items = vm.collect(a[0])?;
    let mut res = Ok(true);
    for it in &items {
        match vm.set_contains(s, *it) {
            Ok(true) => {
                res = Ok(false);
                break;
            }
            Ok(false) => {}
            Err(e) => {
                res = Err(e);
                break;
            }
        }
    }
    for it in items {
        vm.decref(it);
    }
    let b = res?;
    Ok(vm.bool_obj(b))
}

fn int_bit_length(
    vm: &mut Vm,
    r: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    let (i, _) = recv!(vm, r, args, "bit_length");
    let n = vm
        .num(i)
        .map(|n| super::functions::bit_length(&n))
        .unwrap_or(0);
    vm.new_int(n as i64)
}

fn int_to_bytes(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (i, a) = recv!(vm, r, args, "to_bytes");
    let len = match a.first().and_then(|x| vm.num(*x)) {
        Some(Num::I(n)) if n >= 0 => n as usize,
        _ => 1,
    };
    let big = a
        .get(1)
        .is_none_or(|x| vm.str_string(*x).map(|s| s == "big").unwrap_or(true));
    let v = match vm.num(i) {
        Some(Num::I(v)) => num_bigint::BigInt::from(v),
        Some(Num::B(b)) => b,
        _ => num_bigint::BigInt::from(0),
    };
    let (_, mut bytes) = v.to_bytes_be();
    if bytes.len() > len {
        return Err(vm.overflow_error("int too big to convert"));
    }
    while bytes.len() < len {
        bytes.insert(0, 0);
    }
    if !big {
        bytes.reverse();
    }
    vm.new_bytes(&bytes)
}

fn int_index(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (i, _) = recv!(vm, r, args, "__index__");
    vm.incref(i);
    Ok(i)
}

fn float_is_integer(
    vm: &mut Vm,
    r: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    let (f, _) = recv!(vm, r, args, "is_integer");
    let b = matches!(vm.num(f), Some(Num::F(x)) if x.is_finite() && x.fract() == 0.0);
    Ok(vm.bool_obj(b))
}

fn gen_step_result(vm: &mut Vm, s: GenStep) -> PyResult<ObjRef> {
    match s {
        GenStep::Yielded(v) => Ok(v),
        GenStep::Returned(v) => {
            let c = vm.t.stop_iteration;
            Err(match v {
                Some(v) => vm.err_with(c, v),
                None => vm.err_noarg(c),
            })
        }
    }
}

fn gen_send(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (g, a) = recv!(vm, r, args, "send");
    vm.check_args("send", a, 1, 1)?;
    let s = vm.gen_send(g, a[0])?;
    gen_step_result(vm, s)
}

fn gen_next(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (g, _) = recv!(vm, r, args, "__next__");
    let s = vm.gen_resume(g, None, None)?;
    gen_step_result(vm, s)
}

fn gen_throw(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (g, a) = recv!(vm, r, args, "throw");
    vm.check_args("throw", a, 1, 3)?;
    let e = a[0];
    let exc = if matches!(vm.kind(e), Kind::Class(_)) {
        let v: Vec<ObjRef> = a
            .get(1)
            .copied()
            .into_iter()
            .filter(|x| !vm.is_none(*x))
            .collect();
        vm.call(e, &v, &[])?
    } else {
        vm.incref(e);
        e
    };
    let s = vm.gen_resume(g, None, Some(exc))?;
    gen_step_result(vm, s)
}

fn gen_close(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (g, _) = recv!(vm, r, args, "close");
    close_generator(vm, g)
}

/// `generator.close()`: throw `GeneratorExit` into a suspended generator.
pub fn close_generator(vm: &mut Vm, g: ObjRef) -> PyResult<ObjRef> {
    let started = matches!(vm.kind(g), Kind::Generator(genr) if genr.frame.as_ref().is_some_and(|f| f.ip > 0));
    if !started {
        // An unstarted generator just drops its frame.
        let frame = match vm.heap.get_mut(g).map(|o| &mut o.kind) {
            Some(Kind::Generator(genr)) => genr.frame.take(),
            _ => None,
        };
        if let Some(f) = frame {
            vm.release_frame(f);
        }
        return Ok(vm.none());
    }
    let c = vm.t.generator_exit;
    let exc = vm.new_exception_obj(c, Vec::new())?;
    match vm.gen_resume(g, None, Some(exc)) {
        Ok(GenStep::Yielded(v)) => {
            vm.decref(v);
            Err(vm.runtime_error("generator ignored GeneratorExit"))
        }
        Ok(GenStep::Returned(v)) => {
            vm.xdecref(v);
            Ok(vm.none())
        }
        Err(e)
            if vm.err_matches(&e, vm.t.generator_exit)
                || vm.err_matches(&e, vm.t.stop_iteration) =>
        {
            vm.drop_err(e);
            Ok(vm.none())
        }
        Err(e) => Err(e),
    }
}

fn self_iter(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (s, _) = recv!(vm, r, args, "__iter__");
    vm.incref(s);
    Ok(s)
}

fn iter_next(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (s, _) = recv!(vm, r, args, "__next__");
    match vm.iter_next(s)? {
        Some(v) => Ok(v),
        None => Err(vm.stop_iteration()),
    }
}

fn exc_init(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (e, a) = recv!(vm, r, args, "__init__");
    let v: Vec<ObjRef> = a.to_vec();
    for x in &v {
        vm.incref(*x);
    }
    let t = vm.new_tuple(v)?;
    let old = match vm.exc_state_mut(e) {
        Some(st) => st.args.replace(t),
        None => Some(t),
    };
    vm.xdecref(old);
    Ok(vm.none())
}

fn exc_with_traceback(
    vm: &mut Vm,
    r: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    let (e, _) = recv!(vm, r, args, "with_traceback");
    vm.incref(e);
    Ok(e)
}

fn object_init(vm: &mut Vm, _r: Option<ObjRef>, _args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    Ok(vm.none())
}

fn object_repr(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (o, _) = recv!(vm, r, args, "__repr__");
    let cls = vm.type_of(o);
    let (module, qn) = match vm.class(cls) {
        Some(c) => (c.module.clone(), c.qualname.clone()),
        None => ("?".into(), "?".into()),
    };
    let addr = vm.heap.addr(o);
    if matches!(vm.kind(o), Kind::Instance(_)) {
        return vm.new_string(format!("<{module}.{qn} object at {addr:#x}>"));
    }
    vm.to_repr(o)
}

fn object_str(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (o, _) = recv!(vm, r, args, "__str__");
    if let Kind::Instance(i) = vm.kind(o) {
        if i.exc.is_some() {
            let s = vm.exc_str(o)?;
            return vm.new_string(s);
        }
        let cls = i.class;
        if let Some(m) = vm.user_method(cls, vm.n.repr) {
            vm.incref(m);
            let res = vm.call(m, &[o], &[]);
            vm.decref(m);
            return res;
        }
        return object_repr(vm, Some(o), &[], &[]);
    }
    vm.to_str(o)
}

fn object_eq(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (o, a) = recv!(vm, r, args, "__eq__");
    vm.check_args("__eq__", a, 1, 1)?;
    if o == a[0] {
        return Ok(vm.bool_obj(true));
    }
    if matches!(vm.kind(o), Kind::Instance(_)) {
        return Ok(vm.not_implemented());
    }
    let b = vm.eq(o, a[0])?;
    Ok(vm.bool_obj(b))
}

fn object_ne(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (o, a) = recv!(vm, r, args, "__ne__");
    vm.check_args("__ne__", a, 1, 1)?;
    let b = vm.eq(o, a[0])?;
    Ok(vm.bool_obj(!b))
}

fn object_hash(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (o, _) = recv!(vm, r, args, "__hash__");
    let h = if matches!(vm.kind(o), Kind::Instance(_)) {
        crate::ops::number::hash_pointer(vm.heap.addr(o))
    } else {
        vm.hash(o)?
    };
    vm.new_int(h)
}

fn object_setattr(
    vm: &mut Vm,
    r: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    let (o, a) = recv!(vm, r, args, "__setattr__");
    vm.check_args("__setattr__", a, 2, 2)?;
    let Some(n) = vm.name_of_str(a[0]) else {
        return Err(vm.type_error("attribute name must be string"));
    };
    vm.generic_setattr(o, n, a[1])?;
    Ok(vm.none())
}

fn object_getattribute(
    vm: &mut Vm,
    r: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    let (o, a) = recv!(vm, r, args, "__getattribute__");
    vm.check_args("__getattribute__", a, 1, 1)?;
    let Some(n) = vm.name_of_str(a[0]) else {
        return Err(vm.type_error("attribute name must be string"));
    };
    match vm.getattr_opt(o, n)? {
        Some(v) => Ok(v),
        None => Err(vm.no_attribute(o, n)),
    }
}

fn object_delattr(
    vm: &mut Vm,
    r: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    let (o, a) = recv!(vm, r, args, "__delattr__");
    vm.check_args("__delattr__", a, 1, 1)?;
    let Some(n) = vm.name_of_str(a[0]) else {
        return Err(vm.type_error("attribute name must be string"));
    };
    vm.delattr(o, n)?;
    Ok(vm.none())
}

fn object_new_method(
    vm: &mut Vm,
    _r: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    let Some(&cls) = args.first() else {
        return Err(vm.type_error("object.__new__(): not enough arguments"));
    };
    if !matches!(vm.kind(cls), Kind::Class(_)) {
        return Err(vm.type_error("object.__new__(X): X is not a type object"));
    }
    let is_exc = vm.is_subclass(cls, vm.t.base_exception);
    if is_exc {
        let a: Vec<ObjRef> = args[1..].to_vec();
        for x in &a {
            vm.incref(*x);
        }
        return vm.new_exception_obj(cls, a);
    }
    vm.new_instance(cls)
}

fn object_format(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (o, a) = recv!(vm, r, args, "__format__");
    let spec = match a.first().map(|s| vm.kind(*s)) {
        Some(Kind::Str(s)) => s.s.to_string(),
        _ => String::new(),
    };
    if matches!(vm.kind(o), Kind::Instance(_)) {
        if !spec.is_empty() {
            let msg = format!(
                "unsupported format string passed to {}.__format__",
                vm.type_name(o)
            );
            return Err(vm.type_error(msg));
        }
        return vm.to_str(o);
    }
    let s = vm.format_string(o, &spec)?;
    vm.new_string(s)
}

fn object_sizeof(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (o, _) = recv!(vm, r, args, "__sizeof__");
    let n = vm.sizeof(o) as i64;
    vm.new_int(n - if vm.obj(o).kind.is_gc() { 16 } else { 0 })
}

fn object_init_subclass(
    vm: &mut Vm,
    _r: Option<ObjRef>,
    _args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    Ok(vm.none())
}

fn type_mro(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (c, _) = recv!(vm, r, args, "mro");
    let m = vm.class(c).map(|k| k.mro.clone()).unwrap_or_default();
    for x in &m {
        vm.incref(*x);
    }
    vm.new_list(m)
}

#[allow(dead_code)]
fn unused(_: PyErr) {}

/// `property.getter/setter/deleter`: a copy of the property with one function replaced.
fn property_with(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], which: u8) -> PyResult<ObjRef> {
    let (p, a) = recv!(vm, r, args, "setter");
    vm.check_args("setter", a, 1, 1)?;
    let (mut fget, mut fset, mut fdel) = match vm.kind(p) {
        Kind::Property { fget, fset, fdel } => (*fget, *fset, *fdel),
        _ => return Err(vm.type_error("descriptor requires a 'property' object")),
    };
    let f = Some(a[0]).filter(|f| !vm.is_none(*f));
    match which {
        0 => fget = f,
        1 => fset = f,
        _ => fdel = f,
    }
    for x in [fget, fset, fdel].into_iter().flatten() {
        vm.incref(x);
    }
    vm.alloc(Kind::Property { fget, fset, fdel }, sizes::PROPERTY)
}

fn property_getter(
    vm: &mut Vm,
    r: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    property_with(vm, r, args, 0)
}

fn property_setter(
    vm: &mut Vm,
    r: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    property_with(vm, r, args, 1)
}

fn property_deleter(
    vm: &mut Vm,
    r: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    property_with(vm, r, args, 2)
}
