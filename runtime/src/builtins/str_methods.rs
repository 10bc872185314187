//! Methods of `str` (and a few of `bytes`).

use crate::object::{Kind, NameId, ObjRef};
use crate::vm::number::Num;
use crate::vm::{PyResult, Vm};

use super::this;
use crate::ops::text as text_ops;

type Kw<'a> = &'a [(NameId, ObjRef)];

pub(super) fn install(vm: &mut Vm) -> PyResult<()> {
    let s = vm.t.str;
    let table: &[(&'static str, crate::object::NativeFn)] = &[
        ("join", join),
        ("split", split),
        ("rsplit", rsplit),
        ("splitlines", splitlines),
        ("startswith", startswith),
        ("endswith", endswith),
        ("replace", replace),
        ("strip", strip),
        ("lstrip", lstrip),
        ("rstrip", rstrip),
        ("upper", upper),
        ("lower", lower),
        ("title", title),
        ("capitalize", capitalize),
        ("swapcase", swapcase),
        ("find", find),
        ("rfind", rfind),
        ("index", index),
        ("rindex", rindex),
        ("count", count),
        ("isdigit", isdigit),
        ("isnumeric", isnumeric),
        ("isdecimal", isdecimal),
        ("istitle", istitle),
        ("isprintable", isprintable),
        ("casefold", casefold),
        ("expandtabs", expandtabs),
        ("isalpha", isalpha),
        ("isalnum", isalnum),
        ("isspace", isspace),
        ("isupper", isupper),
        ("islower", islower),
        ("isidentifier", isidentifier),
        ("isascii", isascii),
        ("ljust", ljust),
        ("rjust", rjust),
        ("center", center),
        ("zfill", zfill),
        ("encode", encode),
        ("partition", partition),
        ("rpartition", rpartition),
        ("format", format),
        ("removeprefix", removeprefix),
        ("removesuffix", removesuffix),
        ("__len__", len),
    ];
    for (name, f) in table {
        vm.add_method(s, name, *f)?;
    }
    vm.add_method(vm.t.bytes, "decode", decode)?;
    Ok(())
}

fn text(
    vm: &mut Vm,
    r: Option<ObjRef>,
    args: &[ObjRef],
    name: &str,
) -> PyResult<(String, Vec<ObjRef>)> {
    let Some((s, rest)) = this(r, args) else {
        return Err(vm.type_error(format!(
            "descriptor '{name}' of 'str' object needs an argument"
        )));
    };
    match vm.kind(s) {
        Kind::Str(so) => Ok((so.s.to_string(), rest.to_vec())),
        _ => {
            let msg = format!(
                "descriptor '{name}' for 'str' objects doesn't apply to a '{}' object",
                vm.type_name(s)
            );
            Err(vm.type_error(msg))
        }
    }
}

fn str_arg(vm: &mut Vm, a: Option<&ObjRef>, what: &str) -> PyResult<Option<String>> {
    match a {
        None => Ok(None),
        Some(x) => match vm.kind(*x) {
            Kind::Str(s) => Ok(Some(s.s.to_string())),
            Kind::None => Ok(None),
            _ => {
                let msg = format!("{what} arg must be None or str");
                Err(vm.type_error(msg))
            }
        },
    }
}

fn must_str(vm: &mut Vm, a: Option<&ObjRef>, fname: &str) -> PyResult<String> {
    match a.map(|x| (x, vm.kind(*x))) {
        Some((_, Kind::Str(s))) => Ok(s.s.to_string()),
        Some((x, _)) => {
            let msg = format!("must be str, not {}", vm.type_name(*x));
            Err(vm.type_error(msg))
        }
        None => Err(vm.type_error(format!("{fname}() takes at least 1 argument (0 given)"))),
    }
}

fn int_arg(vm: &Vm, a: Option<&ObjRef>, default: i64) -> i64 {
    match a.and_then(|x| vm.num(*x)) {
        Some(Num::I(i)) => i,
        _ => default,
    }
}

fn join(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (sep, a) = text(vm, r, args, "join")?;
    vm.check_args("join", &a, 1, 1)?;
    let items = vm.collect(a[0])?;
    let mut out = String::new();
    let mut err = None;
    for (i, it) in items.iter().enumerate() {
        match vm.kind(*it) {
            Kind::Str(s) => {
                if i > 0 {
                    out.push_str(&sep);
                }
                out.push_str(&s.s);
            }
            _ => {
                let msg = format!(
                    "sequence item {i}: expected str instance, {} found",
                    vm.type_name(*it)
                );
                err = Some(msg);
                break;
            }
        }
    }
    if items.len() == 1 && err.is_none() {
        let only = items[0];
        return Ok(only);
    }
    for it in items {
        vm.decref(it);
    }
    if let Some(m) = err {
        return Err(vm.type_error(m));
    }
    vm.new_string(out)
}

fn list_of(vm: &mut Vm, parts: Vec<String>) -> PyResult<ObjRef> {
    let mut items = Vec::with_capacity(parts.len());
    for p in parts {
        match vm.new_string(p) {
            Ok(o) => items.push(o),
            Err(e) => {
                for i in items {
                    vm.decref(i);
                }
                return Err(e);
            }
        }
    }
    vm.new_list(items)
}

fn split_args(vm: &mut Vm, a: &[ObjRef], kw: Kw<'_>) -> PyResult<(Option<String>, i64)> {
    let sep_obj = a.first().copied().or_else(|| vm.kwarg(kw, "sep"));
    let sep = str_arg(vm, sep_obj.as_ref(), "sep")?;
    let max_obj = a.get(1).copied().or_else(|| vm.kwarg(kw, "maxsplit"));
    let maxsplit = int_arg(vm, max_obj.as_ref(), -1);
    if sep.as_deref() == Some("") {
        return Err(vm.value_error("empty separator"));
    }
    Ok((sep, maxsplit))
}

fn op<T>(vm: &mut Vm, r: crate::ops::OpResult<T>) -> PyResult<T> {
    r.map_err(|e| vm.op_err(e))
}

fn strs(vm: &mut Vm, parts: Vec<&str>) -> PyResult<ObjRef> {
    let owned: Vec<String> = parts.into_iter().map(String::from).collect();
    list_of(vm, owned)
}

/// `str.split`'s result list keeps its initial `split_prealloc(maxsplit)` slots.
fn split_list(vm: &mut Vm, parts: Vec<&str>, maxsplit: i64) -> PyResult<ObjRef> {
    let n = parts.len();
    let l = strs(vm, parts)?;
    // Starts with split_prealloc slots, then grows by appends.
    let start = crate::ops::list_growth::split_prealloc(maxsplit);
    let alloc = (start..n).fold(start, |alloc, size| {
        crate::ops::list_growth::list_resize(size, alloc, size + 1)
    });
    vm.list_set_allocated(l, alloc)?;
    Ok(l)
}

fn split(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], kw: Kw<'_>) -> PyResult<ObjRef> {
    let (s, a) = text(vm, r, args, "split")?;
    let (sep, maxsplit) = split_args(vm, &a, kw)?;
    let parts = match &sep {
        Some(sep) => op(vm, text_ops::split(&s, sep, maxsplit))?,
        None => text_ops::split_whitespace(&s, maxsplit),
    };
    split_list(vm, parts, maxsplit)
}

fn rsplit(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], kw: Kw<'_>) -> PyResult<ObjRef> {
    let (s, a) = text(vm, r, args, "rsplit")?;
    let (sep, maxsplit) = split_args(vm, &a, kw)?;
    let parts = match &sep {
        Some(sep) => op(vm, text_ops::rsplit(&s, sep, maxsplit))?,
        None => text_ops::rsplit_whitespace(&s, maxsplit),
    };
    split_list(vm, parts, maxsplit)
}

fn splitlines(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], kw: Kw<'_>) -> PyResult<ObjRef> {
    let (s, a) = text(vm, r, args, "splitlines")?;
    let keep_obj = a.first().copied().or_else(|| vm.kwarg(kw, "keepends"));
    let keep = match keep_obj {
        Some(k) => vm.truthy(k)?,
        None => false,
    };
    let parts = text_ops::splitlines(&s, keep);
    strs(vm, parts)
}

fn opt_int(vm: &mut Vm, a: Option<&ObjRef>) -> PyResult<Option<i64>> {
    match a {
        None => Ok(None),
        Some(x) if vm.is_none(*x) => Ok(None),
        Some(x) => match vm.num(*x) {
            Some(Num::I(i)) => Ok(Some(i)),
            Some(Num::B(b)) => Ok(Some(crate::ops::sequence::clamp_index(&b))),
            _ => Err(
                vm.type_error("slice indices must be integers or None or have an __index__ method")
            ),
        },
    }
}

fn prefix_check(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], start: bool) -> PyResult<ObjRef> {
    let name = if start { "startswith" } else { "endswith" };
    let (s, a) = text(vm, r, args, name)?;
    vm.check_args(name, &a, 1, 3)?;
    let lo = opt_int(vm, a.get(1))?;
    let hi = opt_int(vm, a.get(2))?;
    let cands: Vec<String> = match vm.kind(a[0]) {
        Kind::Str(p) => vec![p.s.to_string()],
        Kind::Tuple(t) => {
            let t = t.to_vec();
            let mut v = Vec::new();
            for x in t {
                match vm.kind(x) {
                    Kind::Str(p) => v.push(p.s.to_string()),
                    _ => {
                        let msg = format!(
                            "tuple for {name} must only contain str, not {}",
                            vm.type_name(x)
                        );
                        return Err(vm.type_error(msg));
                    }
                }
            }
            v
        }
        _ => {
            let msg = format!(
                "{name} first arg must be str or a tuple of str, not {}",
                vm.type_name(a[0])
            );
            return Err(vm.type_error(msg));
        }
    };
    let refs: Vec<&str> = cands.iter().map(String::as_str).collect();
    let ok = if start {
        text_ops::startswith(&s, &refs, lo, hi)
    } else {
        text_ops::endswith(&s, &refs, lo, hi)
    };
    Ok(vm.bool_obj(ok))
}

fn startswith(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    prefix_check(vm, r, args, true)
}

fn endswith(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    prefix_check(vm, r, args, false)
}

fn replace(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (s, a) = text(vm, r, args, "replace")?;
    vm.check_args("replace", &a, 2, 3)?;
    let old = must_str(vm, a.first(), "replace")?;
    let new = must_str(vm, a.get(1), "replace")?;
    let count = int_arg(vm, a.get(2), -1);
    let out = op(vm, text_ops::replace(&s, &old, &new, count))?;
    vm.new_string(out)
}

fn strip_impl(
    vm: &mut Vm,
    r: Option<ObjRef>,
    args: &[ObjRef],
    name: &str,
    which: u8,
) -> PyResult<ObjRef> {
    let (s, a) = text(vm, r, args, name)?;
    vm.check_args(name, &a, 0, 1)?;
    let chars = str_arg(vm, a.first(), name)?;
    let t = match which {
        0 => text_ops::strip(&s, chars.as_deref()),
        1 => text_ops::lstrip(&s, chars.as_deref()),
        _ => text_ops::rstrip(&s, chars.as_deref()),
    };
    if t.len() == s.len()
        && let Some((o, _)) = this(r, args)
    {
        vm.incref(o);
        return Ok(o);
    }
    let t = t.to_string();
    vm.new_string(t)
}

fn strip(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    strip_impl(vm, r, args, "strip", 0)
}

fn lstrip(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    strip_impl(vm, r, args, "lstrip", 1)
}

fn rstrip(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    strip_impl(vm, r, args, "rstrip", 2)
}

fn map_str(
    vm: &mut Vm,
    r: Option<ObjRef>,
    args: &[ObjRef],
    name: &str,
    f: fn(&str) -> String,
) -> PyResult<ObjRef> {
    let (s, _) = text(vm, r, args, name)?;
    let o = f(&s);
    vm.new_string(o)
}

fn upper(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    map_str(vm, r, args, "upper", text_ops::upper)
}

fn lower(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    map_str(vm, r, args, "lower", text_ops::lower)
}

fn casefold(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    map_str(vm, r, args, "casefold", text_ops::casefold)
}

fn title(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    map_str(vm, r, args, "title", text_ops::title)
}

fn capitalize(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    map_str(vm, r, args, "capitalize", text_ops::capitalize)
}

fn swapcase(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    map_str(vm, r, args, "swapcase", text_ops::swapcase)
}

fn search_args(
    vm: &mut Vm,
    r: Option<ObjRef>,
    args: &[ObjRef],
    name: &str,
) -> PyResult<(String, String, Option<i64>, Option<i64>)> {
    let (s, a) = text(vm, r, args, name)?;
    vm.check_args(name, &a, 1, 3)?;
    let sub = must_str(vm, a.first(), name)?;
    let lo = opt_int(vm, a.get(1))?;
    let hi = opt_int(vm, a.get(2))?;
    Ok((s, sub, lo, hi))
}

fn find(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (s, sub, lo, hi) = search_args(vm, r, args, "find")?;
    vm.new_int(text_ops::find(&s, &sub, lo, hi))
}

fn rfind(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (s, sub, lo, hi) = search_args(vm, r, args, "rfind")?;
    vm.new_int(text_ops::rfind(&s, &sub, lo, hi))
}

fn index(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (s, sub, lo, hi) = search_args(vm, r, args, "index")?;
    let i = op(vm, text_ops::index(&s, &sub, lo, hi))?;
    vm.new_int(i)
}

fn rindex(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (s, sub, lo, hi) = search_args(vm, r, args, "rindex")?;
    let i = op(vm, text_ops::rindex(&s, &sub, lo, hi))?;
    vm.new_int(i)
}

fn count(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (s, sub, lo, hi) = search_args(vm, r, args, "count")?;
    vm.new_int(text_ops::count(&s, &sub, lo, hi))
}

fn pred(
    vm: &mut Vm,
    r: Option<ObjRef>,
    args: &[ObjRef],
    name: &str,
    f: fn(&str) -> bool,
) -> PyResult<ObjRef> {
    let (s, _) = text(vm, r, args, name)?;
    let b = f(&s);
    Ok(vm.bool_obj(b))
}

macro_rules! preds {
    ($($name:ident),*) => {$(
        fn $name(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
            pred(vm, r, args, stringify!($name), text_ops::$name)
        }
    )*};
}

preds!(
    isdigit,
    isdecimal,
    isnumeric,
    isalpha,
    isalnum,
    isspace,
    isupper,
    islower,
    istitle,
    isidentifier,
    isascii,
    isprintable
);

fn justify(
    vm: &mut Vm,
    r: Option<ObjRef>,
    args: &[ObjRef],
    name: &str,
    mode: u8,
) -> PyResult<ObjRef> {
    let (s, a) = text(vm, r, args, name)?;
    vm.check_args(name, &a, 1, 2)?;
    let width = int_arg(vm, a.first(), 0);
    let fill = match a.get(1).map(|x| vm.kind(*x)) {
        Some(Kind::Str(f)) => {
            let f = f.s.to_string();
            op(vm, text_ops::fill_char(&f))?
        }
        Some(_) => {
            let msg = format!(
                "The fill character must be a unicode character, not {}",
                vm.type_name(a[1])
            );
            return Err(vm.type_error(msg));
        }
        None => ' ',
    };
    if width <= s.chars().count() as i64
        && let Some((o, _)) = this(r, args)
    {
        vm.incref(o);
        return Ok(o);
    }
    let out = match mode {
        0 => text_ops::ljust(&s, width, fill),
        1 => text_ops::rjust(&s, width, fill),
        _ => text_ops::center(&s, width, fill),
    };
    let out = op(vm, out)?;
    vm.new_string(out)
}

fn ljust(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    justify(vm, r, args, "ljust", 0)
}

fn rjust(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    justify(vm, r, args, "rjust", 1)
}

fn center(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    justify(vm, r, args, "center", 2)
}

fn zfill(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (s, a) = text(vm, r, args, "zfill")?;
    vm.check_args("zfill", &a, 1, 1)?;
    let width = int_arg(vm, a.first(), 0);
    let out = op(vm, text_ops::zfill(&s, width))?;
    vm.new_string(out)
}

fn expandtabs(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], kw: Kw<'_>) -> PyResult<ObjRef> {
    let (s, a) = text(vm, r, args, "expandtabs")?;
    let ts = a.first().copied().or_else(|| vm.kwarg(kw, "tabsize"));
    let n = int_arg(vm, ts.as_ref(), 8);
    let out = op(vm, text_ops::expandtabs(&s, n))?;
    vm.new_string(out)
}

fn encode(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (s, _) = text(vm, r, args, "encode")?;
    vm.new_bytes(s.as_bytes())
}

fn decode(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let Some((b, _)) = this(r, args) else {
        return Err(vm.type_error("decode needs a bytes object"));
    };
    let s = match vm.kind(b) {
        Kind::Bytes(b) => String::from_utf8(b.to_vec()),
        _ => return Err(vm.type_error("decode needs a bytes object")),
    };
    match s {
        Ok(s) => vm.new_string(s),
        Err(_) => {
            let c = vm.t.unicode_decode_error;
            Err(vm.err(c, "'utf-8' codec can't decode bytes"))
        }
    }
}

fn part(
    vm: &mut Vm,
    r: Option<ObjRef>,
    args: &[ObjRef],
    name: &str,
    rev: bool,
) -> PyResult<ObjRef> {
    let (s, a) = text(vm, r, args, name)?;
    vm.check_args(name, &a, 1, 1)?;
    let sep = must_str(vm, a.first(), name)?;
    let parts = if rev {
        text_ops::rpartition(&s, &sep)
    } else {
        text_ops::partition(&s, &sep)
    };
    let (x, y, z) = op(vm, parts)?;
    let (x, y, z) = (x.to_string(), y.to_string(), z.to_string());
    let x = vm.new_string(x)?;
    let y = vm.new_string(y)?;
    let z = vm.new_string(z)?;
    vm.new_tuple(vec![x, y, z])
}

fn partition(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    part(vm, r, args, "partition", false)
}

fn rpartition(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    part(vm, r, args, "rpartition", true)
}

fn removeprefix(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (s, a) = text(vm, r, args, "removeprefix")?;
    let p = must_str(vm, a.first(), "removeprefix")?;
    let out = s.strip_prefix(p.as_str()).unwrap_or(&s).to_string();
    vm.new_string(out)
}

fn removesuffix(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (s, a) = text(vm, r, args, "removesuffix")?;
    let p = must_str(vm, a.first(), "removesuffix")?;
    let out = s.strip_suffix(p.as_str()).unwrap_or(&s).to_string();
    vm.new_string(out)
}

fn len(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (s, _) = text(vm, r, args, "__len__")?;
    vm.new_int(s.chars().count() as i64)
}

/// `str.format` (`ops::str_format`).
fn format(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], kw: Kw<'_>) -> PyResult<ObjRef> {
    let (s, a) = text(vm, r, args, "format")?;
    let out = vm.str_format(&s, &a, kw)?;
    vm.new_string(out)
}

impl Vm {
    /// `str % args`.
    pub fn str_percent(&mut self, s: ObjRef, args: ObjRef) -> PyResult<ObjRef> {
        let fmt = match self.kind(s) {
            Kind::Str(so) => so.s.to_string(),
            _ => String::new(),
        };
        let out = self.percent_format(&fmt, args)?;
        self.new_string(out)
    }
}
