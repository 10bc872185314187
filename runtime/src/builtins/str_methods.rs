//! Methods of `str` (and a few of `bytes`).

use crate::object::{Kind, NameId, ObjRef};
use crate::vm::number::Num;
use crate::vm::{PyResult, Vm};

use super::this;

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
        ("isnumeric", isdigit),
        ("isdecimal", isdigit),
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

fn split(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], kw: Kw<'_>) -> PyResult<ObjRef> {
    let (s, a) = text(vm, r, args, "split")?;
    let (sep, maxsplit) = split_args(vm, &a, kw)?;
    let parts: Vec<String> = match sep {
        Some(sep) => {
            if maxsplit < 0 {
                s.split(sep.as_str()).map(String::from).collect()
            } else {
                s.splitn(maxsplit as usize + 1, sep.as_str())
                    .map(String::from)
                    .collect()
            }
        }
        None => {
            let mut out = Vec::new();
            let mut rest = s.trim_start();
            while !rest.is_empty() {
                if maxsplit >= 0 && out.len() as i64 == maxsplit {
                    out.push(rest.to_string());
                    break;
                }
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                out.push(rest[..end].to_string());
                rest = rest[end..].trim_start();
            }
            out
        }
    };
    list_of(vm, parts)
}

fn rsplit(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], kw: Kw<'_>) -> PyResult<ObjRef> {
    let (s, a) = text(vm, r, args, "rsplit")?;
    let (sep, maxsplit) = split_args(vm, &a, kw)?;
    let mut parts: Vec<String> = match sep {
        Some(sep) => {
            if maxsplit < 0 {
                s.rsplit(sep.as_str()).map(String::from).collect()
            } else {
                s.rsplitn(maxsplit as usize + 1, sep.as_str())
                    .map(String::from)
                    .collect()
            }
        }
        None => {
            let mut out = Vec::new();
            let mut rest = s.trim_end();
            while !rest.is_empty() {
                if maxsplit >= 0 && out.len() as i64 == maxsplit {
                    out.push(rest.to_string());
                    break;
                }
                let start = rest.rfind(char::is_whitespace).map_or(0, |i| {
                    i + rest[i..].chars().next().map_or(1, char::len_utf8)
                });
                out.push(rest[start..].to_string());
                rest = rest[..start].trim_end();
            }
            out
        }
    };
    parts.reverse();
    list_of(vm, parts)
}

fn splitlines(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], kw: Kw<'_>) -> PyResult<ObjRef> {
    let (s, a) = text(vm, r, args, "splitlines")?;
    let keep_obj = a.first().copied().or_else(|| vm.kwarg(kw, "keepends"));
    let keep = match keep_obj {
        Some(k) => vm.truthy(k)?,
        None => false,
    };
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let is_break = matches!(
            c,
            '\n' | '\r'
                | '\x0b'
                | '\x0c'
                | '\x1c'
                | '\x1d'
                | '\x1e'
                | '\u{85}'
                | '\u{2028}'
                | '\u{2029}'
        );
        if is_break {
            let mut end = c.to_string();
            if c == '\r' && chars.peek() == Some(&'\n') {
                chars.next();
                end.push('\n');
            }
            if keep {
                cur.push_str(&end);
            }
            parts.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        parts.push(cur);
    }
    list_of(vm, parts)
}

fn prefix_check(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], start: bool) -> PyResult<ObjRef> {
    let name = if start { "startswith" } else { "endswith" };
    let (s, a) = text(vm, r, args, name)?;
    vm.check_args(name, &a, 1, 3)?;
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len() as i64;
    let lo = int_arg(vm, a.get(1), 0);
    let hi = int_arg(vm, a.get(2), n);
    let fix = |v: i64| -> usize { (if v < 0 { (v + n).max(0) } else { v.min(n) }) as usize };
    let (lo, hi) = (fix(lo), fix(hi));
    let sub: String = if lo <= hi {
        chars[lo..hi].iter().collect()
    } else {
        String::new()
    };
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
    let ok = if lo > hi && (lo as i64 != n) {
        false
    } else {
        cands.iter().any(|c| {
            if start {
                sub.starts_with(c.as_str())
            } else {
                sub.ends_with(c.as_str())
            }
        })
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
    let out = if count < 0 {
        if old.is_empty() {
            let mut o = new.clone();
            for c in s.chars() {
                o.push(c);
                o.push_str(&new);
            }
            o
        } else {
            s.replace(&old, &new)
        }
    } else {
        s.replacen(&old, &new, count as usize)
    };
    vm.new_string(out)
}

fn strip_impl(
    vm: &mut Vm,
    r: Option<ObjRef>,
    args: &[ObjRef],
    name: &str,
    left: bool,
    right: bool,
) -> PyResult<ObjRef> {
    let (s, a) = text(vm, r, args, name)?;
    vm.check_args(name, &a, 0, 1)?;
    let chars = str_arg(vm, a.first(), name)?;
    let pred = |c: char| match &chars {
        Some(cs) => cs.contains(c),
        None => c.is_whitespace(),
    };
    let mut t: &str = &s;
    if left {
        t = t.trim_start_matches(pred);
    }
    if right {
        t = t.trim_end_matches(pred);
    }
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
    strip_impl(vm, r, args, "strip", true, true)
}

fn lstrip(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    strip_impl(vm, r, args, "lstrip", true, false)
}

fn rstrip(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    strip_impl(vm, r, args, "rstrip", false, true)
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
    map_str(vm, r, args, "upper", |s| s.to_uppercase())
}

fn lower(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    map_str(vm, r, args, "lower", |s| s.to_lowercase())
}

fn title(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    map_str(vm, r, args, "title", |s| {
        let mut out = String::new();
        let mut prev_cased = false;
        for c in s.chars() {
            if prev_cased {
                out.extend(c.to_lowercase());
            } else {
                out.extend(c.to_uppercase());
            }
            prev_cased = c.is_alphabetic();
        }
        out
    })
}

fn capitalize(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    map_str(vm, r, args, "capitalize", |s| {
        let mut c = s.chars();
        match c.next() {
            Some(f) => f
                .to_uppercase()
                .chain(c.flat_map(char::to_lowercase))
                .collect(),
            None => String::new(),
        }
    })
}

fn swapcase(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    map_str(vm, r, args, "swapcase", |s| {
        s.chars()
            .flat_map(|c| {
                if c.is_uppercase() {
                    c.to_lowercase().collect::<Vec<_>>()
                } else {
                    c.to_uppercase().collect::<Vec<_>>()
                }
            })
            .collect()
    })
}

/// Character-index search within [start, end).
fn search(
    vm: &mut Vm,
    r: Option<ObjRef>,
    args: &[ObjRef],
    name: &str,
    rev: bool,
) -> PyResult<Option<i64>> {
    let (s, a) = text(vm, r, args, name)?;
    vm.check_args(name, &a, 1, 3)?;
    let sub = must_str(vm, a.first(), name)?;
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len() as i64;
    let fix = |v: i64| -> usize { (if v < 0 { (v + n).max(0) } else { v.min(n) }) as usize };
    let lo = fix(int_arg(vm, a.get(1), 0));
    let hi = fix(int_arg(vm, a.get(2), n));
    if lo > hi {
        return Ok(None);
    }
    let hay: String = chars[lo..hi].iter().collect();
    let found = if rev {
        hay.rfind(sub.as_str())
    } else {
        hay.find(sub.as_str())
    };
    Ok(found.map(|b| (lo + hay[..b].chars().count()) as i64))
}

fn find(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let i = search(vm, r, args, "find", false)?;
    vm.new_int(i.unwrap_or(-1))
}

fn rfind(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let i = search(vm, r, args, "rfind", true)?;
    vm.new_int(i.unwrap_or(-1))
}

fn index(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    match search(vm, r, args, "index", false)? {
        Some(i) => vm.new_int(i),
        None => Err(vm.value_error("substring not found")),
    }
}

fn rindex(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    match search(vm, r, args, "rindex", true)? {
        Some(i) => vm.new_int(i),
        None => Err(vm.value_error("substring not found")),
    }
}

fn count(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let (s, a) = text(vm, r, args, "count")?;
    vm.check_args("count", &a, 1, 3)?;
    let sub = must_str(vm, a.first(), "count")?;
    let n = if sub.is_empty() {
        s.chars().count() + 1
    } else {
        s.matches(sub.as_str()).count()
    };
    vm.new_int(n as i64)
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

fn isdigit(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    pred(vm, r, args, "isdigit", |s| {
        !s.is_empty() && s.chars().all(|c| c.is_numeric())
    })
}

fn isalpha(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    pred(vm, r, args, "isalpha", |s| {
        !s.is_empty() && s.chars().all(char::is_alphabetic)
    })
}

fn isalnum(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    pred(vm, r, args, "isalnum", |s| {
        !s.is_empty() && s.chars().all(char::is_alphanumeric)
    })
}

fn isspace(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    pred(vm, r, args, "isspace", |s| {
        !s.is_empty() && s.chars().all(char::is_whitespace)
    })
}

fn isupper(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    pred(vm, r, args, "isupper", |s| {
        s.chars().any(char::is_uppercase) && !s.chars().any(char::is_lowercase)
    })
}

fn islower(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    pred(vm, r, args, "islower", |s| {
        s.chars().any(char::is_lowercase) && !s.chars().any(char::is_uppercase)
    })
}

fn isidentifier(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    pred(vm, r, args, "isidentifier", |s| {
        let mut c = s.chars();
        match c.next() {
            Some(f) if f == '_' || f.is_alphabetic() => c.all(|x| x == '_' || x.is_alphanumeric()),
            _ => false,
        }
    })
}

fn isascii(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    pred(vm, r, args, "isascii", |s| s.is_ascii())
}

fn justify(
    vm: &mut Vm,
    r: Option<ObjRef>,
    args: &[ObjRef],
    name: &str,
    mode: u8,
) -> PyResult<ObjRef> {
    let (s, a) = text(vm, r, args, name)?;
    vm.check_args(name, &a, 1, 2)?;
    let width = int_arg(vm, a.first(), 0).max(0) as usize;
    let fill = match a.get(1).map(|x| vm.kind(*x)) {
        Some(Kind::Str(f)) if f.chars == 1 => f.s.chars().next().unwrap_or(' '),
        Some(_) => {
            return Err(vm.type_error("The fill character must be exactly one character long"));
        }
        None => ' ',
    };
    let n = s.chars().count();
    if n >= width
        && let Some((o, _)) = this(r, args)
    {
        vm.incref(o);
        return Ok(o);
    }
    let pad = width.saturating_sub(n);
    let rep = |k: usize| -> String { std::iter::repeat_n(fill, k).collect() };
    let out = match mode {
        0 => format!("{s}{}", rep(pad)),
        1 => format!("{}{s}", rep(pad)),
        _ => {
            let left = pad / 2 + (pad & width & 1);
            format!("{}{s}{}", rep(left), rep(pad - left))
        }
    };
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
    let width = int_arg(vm, a.first(), 0).max(0) as usize;
    let n = s.chars().count();
    if n >= width {
        return vm.new_string(s);
    }
    let zeros = "0".repeat(width - n);
    let out = match s.chars().next() {
        Some(c @ ('+' | '-')) => format!("{c}{zeros}{}", &s[1..]),
        _ => format!("{zeros}{s}"),
    };
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
    if sep.is_empty() {
        return Err(vm.value_error("empty separator"));
    }
    let found = if rev {
        s.rfind(sep.as_str())
    } else {
        s.find(sep.as_str())
    };
    let (x, y, z) = match found {
        Some(i) => (
            s[..i].to_string(),
            sep.clone(),
            s[i + sep.len()..].to_string(),
        ),
        None => {
            if rev {
                (String::new(), String::new(), s.clone())
            } else {
                (s.clone(), String::new(), String::new())
            }
        }
    };
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

/// `str.format`: `{}`, `{0}`, `{name}`, `{x.attr}`, `{x[0]}`, `!r/!s/!a`, `:spec`.
fn format(vm: &mut Vm, r: Option<ObjRef>, args: &[ObjRef], kw: Kw<'_>) -> PyResult<ObjRef> {
    let (s, a) = text(vm, r, args, "format")?;
    let out = format_impl(vm, &s, &a, kw, 0)?;
    vm.new_string(out)
}

fn format_impl(vm: &mut Vm, s: &str, a: &[ObjRef], kw: Kw<'_>, depth: u32) -> PyResult<String> {
    if depth > 2 {
        return Err(vm.value_error("Max string recursion exceeded"));
    }
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    let mut auto = 0usize;
    while let Some(c) = chars.next() {
        if c == '{' {
            if chars.peek() == Some(&'{') {
                chars.next();
                out.push('{');
                continue;
            }
            let mut field = String::new();
            let mut level = 1;
            for d in chars.by_ref() {
                if d == '{' {
                    level += 1;
                } else if d == '}' {
                    level -= 1;
                    if level == 0 {
                        break;
                    }
                }
                field.push(d);
            }
            if level != 0 {
                return Err(vm.value_error("expected '}' before end of string"));
            }
            let (head, spec) = match field.find(':') {
                Some(i) => (field[..i].to_string(), field[i + 1..].to_string()),
                None => (field.clone(), String::new()),
            };
            let (name, conv) = match head.find('!') {
                Some(i) => (head[..i].to_string(), head[i + 1..].chars().next()),
                None => (head, None),
            };
            let first_end = name.find(['.', '[']).unwrap_or(name.len());
            let first = &name[..first_end];
            let mut obj = if first.is_empty() {
                let v = a.get(auto).copied();
                auto += 1;
                match v {
                    Some(v) => v,
                    None => {
                        return Err(vm.index_error(format!(
                            "Replacement index {} out of range for positional args tuple",
                            auto - 1
                        )));
                    }
                }
            } else if let Ok(i) = first.parse::<usize>() {
                match a.get(i) {
                    Some(v) => *v,
                    None => {
                        return Err(vm.index_error(format!(
                            "Replacement index {i} out of range for positional args tuple"
                        )));
                    }
                }
            } else {
                let id = vm.intern_name(first);
                match kw.iter().find(|(k, _)| *k == id) {
                    Some((_, v)) => *v,
                    None => {
                        let k = vm.new_str(first)?;
                        let e = vm.key_error(k);
                        vm.decref(k);
                        return Err(e);
                    }
                }
            };
            vm.incref(obj);
            let mut rest = &name[first_end..];
            while !rest.is_empty() {
                if let Some(r2) = rest.strip_prefix('.') {
                    let end = r2.find(['.', '[']).unwrap_or(r2.len());
                    let id = vm.intern_name(&r2[..end]);
                    let v = vm.getattr(obj, id);
                    vm.decref(obj);
                    obj = v?;
                    rest = &r2[end..];
                } else if let Some(r2) = rest.strip_prefix('[') {
                    let end = r2.find(']').unwrap_or(r2.len());
                    let key_s = &r2[..end];
                    let key = match key_s.parse::<i64>() {
                        Ok(i) => vm.new_int(i)?,
                        Err(_) => vm.new_str(key_s)?,
                    };
                    let v = vm.getitem(obj, key);
                    vm.decref(key);
                    vm.decref(obj);
                    obj = v?;
                    rest = r2.get(end + 1..).unwrap_or("");
                } else {
                    break;
                }
            }
            let spec = if spec.contains('{') {
                format_impl(vm, &spec, a, kw, depth + 1)?
            } else {
                spec
            };
            let conv_obj = match conv {
                Some('r') => vm.to_repr(obj),
                Some('s') => vm.to_str(obj),
                Some('a') => vm
                    .repr_string(obj)
                    .and_then(|s| vm.new_string(super::ascii_escape(&s))),
                _ => {
                    vm.incref(obj);
                    Ok(obj)
                }
            };
            vm.decref(obj);
            let cv = conv_obj?;
            let f = vm.format(cv, &spec);
            vm.decref(cv);
            let f = f?;
            out.push_str(&vm.str_string(f)?);
            vm.decref(f);
        } else if c == '}' {
            if chars.peek() == Some(&'}') {
                chars.next();
            } else {
                return Err(vm.value_error("Single '}' encountered in format string"));
            }
            out.push('}');
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

/// `str % args` (printf-style formatting).
pub(crate) fn percent_format(vm: &mut Vm, fmt: &str, args: ObjRef) -> PyResult<String> {
    let items: Vec<ObjRef> = match vm.kind(args) {
        Kind::Tuple(t) => t.to_vec(),
        _ => vec![args],
    };
    let is_map = matches!(vm.kind(args), Kind::Dict(_));
    let mut out = String::new();
    let mut idx = 0usize;
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = String::new();
        let mut key: Option<String> = None;
        if chars.peek() == Some(&'(') {
            chars.next();
            let mut k = String::new();
            for d in chars.by_ref() {
                if d == ')' {
                    break;
                }
                k.push(d);
            }
            key = Some(k);
        }
        let mut ty = None;
        for d in chars.by_ref() {
            if d.is_ascii_alphabetic() || d == '%' {
                ty = Some(d);
                break;
            }
            spec.push(d);
        }
        let Some(ty) = ty else {
            return Err(vm.value_error("incomplete format"));
        };
        if ty == '%' {
            out.push('%');
            continue;
        }
        let v = if let Some(k) = key {
            let ks = vm.new_string(k)?;
            let v = vm.getitem(args, ks);
            vm.decref(ks);
            v?
        } else {
            let v = if is_map {
                Some(args)
            } else {
                items.get(idx).copied()
            };
            idx += 1;
            match v {
                Some(v) => {
                    vm.incref(v);
                    v
                }
                None => return Err(vm.type_error("not enough arguments for format string")),
            }
        };
        let (flags, rest): (String, String) = {
            let f: String = spec
                .chars()
                .take_while(|c| matches!(c, '-' | '+' | ' ' | '#' | '0'))
                .collect();
            let r = spec[f.len()..].to_string();
            (f, r)
        };
        let mut py_spec = String::new();
        if flags.contains('-') {
            py_spec.push('<');
        }
        if flags.contains('+') {
            py_spec.push('+');
        } else if flags.contains(' ') {
            py_spec.push(' ');
        }
        if flags.contains('#') {
            py_spec.push('#');
        }
        if flags.contains('0') && !flags.contains('-') {
            py_spec.push('0');
        }
        py_spec.push_str(&rest);
        let piece = match ty {
            's' | 'r' | 'a' => {
                let s = match ty {
                    's' => vm.str_string(v),
                    'r' => vm.repr_string(v),
                    _ => vm.repr_string(v).map(|s| super::ascii_escape(&s)),
                };
                let s = match s {
                    Ok(s) => s,
                    Err(e) => {
                        vm.decref(v);
                        return Err(e);
                    }
                };
                let so = vm.new_string(s)?;
                let r = vm.format_string(so, &py_spec);
                vm.decref(so);
                r
            }
            'd' | 'i' | 'u' | 'x' | 'X' | 'o' | 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'c' => {
                if vm.num(v).is_none() {
                    let msg = format!(
                        "%{ty} format: a real number is required, not {}",
                        vm.type_name(v)
                    );
                    vm.decref(v);
                    return Err(vm.type_error(msg));
                }
                let t = match ty {
                    'i' | 'u' => 'd',
                    t => t,
                };
                let conv =
                    if matches!(t, 'd' | 'x' | 'X' | 'o') && matches!(vm.num(v), Some(Num::F(_))) {
                        let f = match vm.num(v) {
                            Some(Num::F(f)) => f.trunc() as i64,
                            _ => 0,
                        };
                        vm.new_int(f)?
                    } else {
                        vm.incref(v);
                        v
                    };
                let r = vm.format_string(conv, &format!("{py_spec}{t}"));
                vm.decref(conv);
                r
            }
            _ => {
                vm.decref(v);
                return Err(vm.value_error(format!(
                    "unsupported format character '{ty}' (0x{:x})",
                    ty as u32
                )));
            }
        };
        vm.decref(v);
        out.push_str(&piece?);
    }
    if !is_map && idx < items.len() && matches!(vm.kind(args), Kind::Tuple(_)) {
        return Err(vm.type_error("not all arguments converted during string formatting"));
    }
    if !is_map && !matches!(vm.kind(args), Kind::Tuple(_)) && idx == 0 {
        return Err(vm.type_error("not all arguments converted during string formatting"));
    }
    Ok(out)
}

impl Vm {
    /// `str % args`.
    pub fn str_percent(&mut self, s: ObjRef, args: ObjRef) -> PyResult<ObjRef> {
        let fmt = match self.kind(s) {
            Kind::Str(so) => so.s.to_string(),
            _ => String::new(),
        };
        let out = percent_format(self, &fmt, args)?;
        self.new_string(out)
    }
}
