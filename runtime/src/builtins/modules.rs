//! Importable modules: `sys` (`getrefcount`, `getsizeof`, `intern`, `argv`,
//! `maxsize`, `stdout.write`, recursion limit), and the import machinery.

use num_bigint::BigInt;

use crate::object::{Kind, Module, NameId, ObjRef, sizes};
use crate::vm::number::Num;
use crate::vm::{PyResult, Vm};

type Kw<'a> = &'a [(NameId, ObjRef)];

/// What `sys.getrefcount` reports for an immortal object.
pub const IMMORTAL_REFCOUNT: i64 = 1_000_000_000;

impl Vm {
    /// A new module object with a fresh namespace (`__name__` set).
    pub fn new_module(&mut self, name: &str) -> PyResult<ObjRef> {
        let d = self.new_dict()?;
        let n = self.new_str(name)?;
        let key = self.name_obj(self.n.name);
        let r = self.dict_set(d, key, n);
        self.decref(n);
        if let Err(e) = r {
            self.decref(d);
            return Err(e);
        }
        self.alloc(
            Kind::Module(Box::new(Module {
                name: name.to_string(),
                dict: d,
            })),
            sizes::MODULE,
        )
    }

    /// The namespace dict of a module.
    pub fn module_dict(&self, m: ObjRef) -> Option<ObjRef> {
        match self.kind(m) {
            Kind::Module(md) => Some(md.dict),
            _ => None,
        }
    }

    /// Set `module.name = value` (borrowed).
    pub fn module_set(&mut self, m: ObjRef, name: &str, value: ObjRef) -> PyResult<()> {
        let Some(d) = self.module_dict(m) else {
            return Ok(());
        };
        let id = self.intern_name(name);
        let key = self.name_obj(id);
        self.dict_set(d, key, value)
    }

    /// `sys.getsizeof(obj)`: the object's block plus its container buffer,
    /// as CPython 3.11 reports.
    pub fn sizeof(&self, r: ObjRef) -> usize {
        let o = self.obj(r);
        let base = o.block.as_ref().map_or(0, |b| b.size());
        let extra = match &o.kind {
            // _PyLong_New requests 4 bytes more than getsizeof reports.
            Kind::Int(_) | Kind::BigInt(_) => return base.saturating_sub(4),
            Kind::List(l) => 8 * l.allocated,
            Kind::Dict(d) => d.table.keys_bytes(),
            Kind::Set(s) | Kind::FrozenSet(s) => s.table.table_bytes(),
            _ => 0,
        };
        base + extra
    }

    /// `import name`: a new reference to the module.
    pub fn import_module(&mut self, name: NameId) -> PyResult<ObjRef> {
        let n = self.name_str(name).to_string();
        if let Some((_, m)) = self.modules.iter().find(|(k, _)| *k == n) {
            let m = *m;
            self.incref(m);
            return Ok(m);
        }
        let m = match n.as_str() {
            "sys" => self.make_sys()?,
            "gc" => self.make_gc_module()?,
            "__future__" => self.make_future()?,
            "weakref" => self.make_weakref_module()?,
            "tracemalloc" => self.make_tracemalloc_module()?,
            _ => {
                let c = self.t.module_not_found_error;
                return Err(self.err(c, format!("No module named '{n}'")));
            }
        };
        self.incref(m);
        self.modules.push((n, m));
        Ok(m)
    }

    /// `from m import *`.
    pub fn import_star(&mut self, m: ObjRef, target: ObjRef) -> PyResult<()> {
        let Some(d) = self.module_dict(m) else {
            return Ok(());
        };
        for (k, v) in self.dict_items(d) {
            let skip = matches!(self.kind(k), Kind::Str(s) if s.s.starts_with('_'));
            if !skip {
                self.dict_set(target, k, v)?;
            }
        }
        Ok(())
    }

    /// `__future__`: every feature name is present (they change nothing here).
    fn make_future(&mut self) -> PyResult<ObjRef> {
        let m = self.new_module("__future__")?;
        let t = self.bool_obj(true);
        for name in [
            "annotations",
            "division",
            "print_function",
            "generator_stop",
            "absolute_import",
            "unicode_literals",
            "with_statement",
            "nested_scopes",
            "generators",
        ] {
            self.module_set(m, name, t)?;
        }
        Ok(m)
    }

    fn make_sys(&mut self) -> PyResult<ObjRef> {
        let m = self.new_module("sys")?;
        let Some(d) = self.module_dict(m) else {
            return Ok(m);
        };
        let fns: &[(&'static str, crate::object::NativeFn)] = &[
            ("getrefcount", sys_getrefcount),
            ("getsizeof", sys_getsizeof),
            ("intern", sys_intern),
            ("getrecursionlimit", sys_getrecursionlimit),
            ("setrecursionlimit", sys_setrecursionlimit),
            ("exit", sys_exit),
            ("getallocatedblocks", sys_getallocatedblocks),
            ("_debugmallocstats", sys_debugmallocstats),
        ];
        for (name, f) in fns {
            self.add_function(d, name, *f)?;
        }
        let argv0 = self.new_str(&self.filename.clone())?;
        let argv = self.new_list(vec![argv0])?;
        self.module_set(m, "argv", argv)?;
        self.decref(argv);
        let maxsize = self.new_int(i64::MAX)?;
        self.module_set(m, "maxsize", maxsize)?;
        self.decref(maxsize);
        let platform = self.new_str("linux")?;
        self.module_set(m, "platform", platform)?;
        self.decref(platform);
        let bo = self.new_str("little")?;
        self.module_set(m, "byteorder", bo)?;
        self.decref(bo);
        let major = self.new_int(3)?;
        let minor = self.new_int(11)?;
        let vi = self.new_tuple(vec![major, minor])?;
        self.module_set(m, "version_info", vi)?;
        self.decref(vi);
        for (name, f) in [
            ("stdout", stdout_write as crate::object::NativeFn),
            ("stderr", stderr_write),
        ] {
            let s = self.new_module(&format!("sys.{name}"))?;
            if let Some(sd) = self.module_dict(s) {
                self.add_function(sd, "write", f)?;
                self.add_function(sd, "flush", stream_flush)?;
            }
            self.module_set(m, name, s)?;
            self.decref(s);
        }
        Ok(m)
    }
}

fn sys_getrefcount(
    vm: &mut Vm,
    _r: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    vm.check_args("getrefcount", args, 1, 1)?;
    let n = match vm.heap.refcount(args[0]) {
        Some(n) => n as i64,
        None => IMMORTAL_REFCOUNT,
    };
    vm.new_int(n)
}

fn sys_getsizeof(
    vm: &mut Vm,
    _r: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    vm.check_args("getsizeof", args, 1, 2)?;
    let x = args[0];
    if let Kind::Instance(i) = vm.kind(x) {
        let cls = i.class;
        let sizeof_name = vm.intern_name("__sizeof__");
        if let Some(m) = vm.user_method(cls, sizeof_name) {
            vm.incref(m);
            let r = vm.call(m, &[x], &[]);
            vm.decref(m);
            let r = r?;
            let n = vm.num(r);
            vm.decref(r);
            return match n {
                Some(Num::I(n)) if n >= 0 => vm.new_int(n + 16),
                _ => Err(vm.value_error("__sizeof__() should return >= 0")),
            };
        }
    }
    let n = vm.sizeof(x);
    vm.new_bigint(BigInt::from(n))
}

fn sys_intern(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("intern", args, 1, 1)?;
    let s = args[0];
    let text = match vm.kind(s) {
        Kind::Str(so) => so.s.to_string(),
        _ => {
            let msg = format!("intern() argument must be str, not {}", vm.type_name(s));
            return Err(vm.type_error(msg));
        }
    };
    if !vm.policy.shares(interning::Candidate::Explicit(&text)) {
        vm.incref(s);
        return Ok(s);
    }
    if let Some(r) = vm.lookup_interned(&text) {
        vm.incref(r);
        return Ok(r);
    }
    vm.register_interned(&text, s);
    vm.incref(s);
    Ok(s)
}

fn sys_getrecursionlimit(
    vm: &mut Vm,
    _r: Option<ObjRef>,
    _args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    let n = vm.limits.recursion_limit;
    vm.new_int(i64::from(n))
}

fn sys_setrecursionlimit(
    vm: &mut Vm,
    _r: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    vm.check_args("setrecursionlimit", args, 1, 1)?;
    match vm.num(args[0]) {
        Some(Num::I(n)) if n >= 1 => {
            if (n as u64) <= u64::from(vm.depth) {
                let c = vm.t.recursion_error;
                let msg = format!(
                    "cannot set the recursion limit to {n} at the recursion depth {}: the limit is too low",
                    vm.depth
                );
                return Err(vm.err(c, msg));
            }
            vm.limits.recursion_limit = u32::try_from(n).unwrap_or(u32::MAX).min(100_000);
            Ok(vm.none())
        }
        Some(_) => Err(vm.value_error("recursion limit must be greater or equal than 1")),
        None => Err(vm.type_error("'str' object cannot be interpreted as an integer")),
    }
}

/// `sys.getallocatedblocks()`: blocks currently allocated through the object
/// allocator (CPython's `_Py_GetAllocatedBlocks`: pool blocks plus the large
/// requests it passed to the raw allocator).
fn sys_getallocatedblocks(
    vm: &mut Vm,
    _r: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    vm.check_args("sys.getallocatedblocks", args, 0, 0)?;
    let n = vm.heap.allocator().stats().blocks_in_use;
    vm.new_bigint(BigInt::from(n))
}

/// `sys._debugmallocstats()`: the allocator's report, on stderr.
fn sys_debugmallocstats(
    vm: &mut Vm,
    _r: Option<ObjRef>,
    args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    vm.check_args("sys._debugmallocstats", args, 0, 0)?;
    let report = vm.heap.debug_stats();
    vm.write_err(&report);
    Ok(vm.none())
}

fn sys_exit(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    let c = vm.t.system_exit;
    let a: Vec<ObjRef> = args.iter().take(1).copied().collect();
    for x in &a {
        vm.incref(*x);
    }
    let e = vm.new_exception_obj(c, a)?;
    Err(crate::vm::PyErr::Exc(e))
}

fn stdout_write(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("write", args, 1, 1)?;
    let s = match vm.kind(args[0]) {
        Kind::Str(s) => s.s.to_string(),
        _ => {
            let msg = format!(
                "write() argument must be str, not {}",
                vm.type_name(args[0])
            );
            return Err(vm.type_error(msg));
        }
    };
    vm.write_out(&s);
    vm.new_int(s.chars().count() as i64)
}

fn stderr_write(vm: &mut Vm, _r: Option<ObjRef>, args: &[ObjRef], _kw: Kw<'_>) -> PyResult<ObjRef> {
    vm.check_args("write", args, 1, 1)?;
    let s = vm.str_string(args[0])?;
    vm.write_err(&s);
    vm.new_int(s.chars().count() as i64)
}

fn stream_flush(
    vm: &mut Vm,
    _r: Option<ObjRef>,
    _args: &[ObjRef],
    _kw: Kw<'_>,
) -> PyResult<ObjRef> {
    Ok(vm.none())
}
