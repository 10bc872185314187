//! The built-in namespace: functions (`print`, `len`, ...), constructors of
//! the built-in types, their methods, and the modules a script can import.
//!
//! Registration API (for anyone adding natives): a native is a
//! [`NativeFn`] `fn(&mut Vm, Option<ObjRef>, &[ObjRef], &[(NameId, ObjRef)])
//! -> PyResult<ObjRef>`; [`Vm::add_function`] puts one in a namespace dict,
//! [`Vm::add_method`] on a class (the receiver arrives as `recv` when bound,
//! else as `args[0]`: use [`this`]). Arguments are borrowed; the result is a
//! new reference.

mod functions;
mod gc_mod;
pub use functions::frame_aware;
pub use methods::close_generator;
mod methods;
pub mod modules;
mod str_methods;
mod tracemalloc_mod;
mod types;
mod weakref_mod;

use crate::object::{Builtin, Kind, NameId, NativeFn, ObjRef, heap::OutOfMemory, sizes};
use crate::vm::{PyResult, Vm};

/// One step of a generator.
#[derive(Debug)]
pub enum GenStep {
    /// It yielded a value (owned).
    Yielded(ObjRef),
    /// It finished, with its return value (owned) if not `None`.
    Returned(Option<ObjRef>),
}

/// `ascii(repr)`: escape every non-ASCII character.
pub fn ascii_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let u = c as u32;
        if u < 0x80 {
            out.push(c);
        } else if u < 0x100 {
            out.push_str(&format!("\\x{u:02x}"));
        } else if u < 0x10000 {
            out.push_str(&format!("\\u{u:04x}"));
        } else {
            out.push_str(&format!("\\U{u:08x}"));
        }
    }
    out
}

/// The receiver and remaining arguments of a native method.
pub fn this(recv: Option<ObjRef>, args: &[ObjRef]) -> Option<(ObjRef, &[ObjRef])> {
    match recv {
        Some(r) => Some((r, args)),
        None => args.split_first().map(|(a, rest)| (*a, rest)),
    }
}

impl Vm {
    /// A native function object.
    pub fn new_builtin(
        &mut self,
        name: &'static str,
        func: NativeFn,
        receiver: Option<ObjRef>,
    ) -> PyResult<ObjRef> {
        if let Some(r) = receiver {
            self.incref(r);
        }
        self.alloc(
            Kind::Builtin(Builtin {
                name,
                func,
                receiver,
            }),
            sizes::BUILTIN,
        )
    }

    /// Put a native function in a namespace dict.
    pub fn add_function(
        &mut self,
        dict: ObjRef,
        name: &'static str,
        func: NativeFn,
    ) -> PyResult<()> {
        let f = self.new_builtin(name, func, None)?;
        let id = self.intern_name(name);
        let key = self.name_obj(id);
        let r = self.dict_set(dict, key, f);
        self.decref(f);
        r
    }

    /// Add a native method to a class.
    pub fn add_method(
        &mut self,
        class: ObjRef,
        name: &'static str,
        func: NativeFn,
    ) -> PyResult<()> {
        let f = self.new_builtin(name, func, None)?;
        let id = self.intern_name(name);
        let old = match self.heap.get_mut(class).map(|o| &mut o.kind) {
            Some(Kind::Class(c)) => c.attrs.set(id, f),
            _ => Some(f),
        };
        self.xdecref(old);
        Ok(())
    }

    /// Set a class's constructor.
    pub fn set_ctor(&mut self, class: ObjRef, func: NativeFn) {
        if let Some(Kind::Class(c)) = self.heap.get_mut(class).map(|o| &mut o.kind) {
            c.ctor = Some(func);
        }
    }

    /// Check a native's positional argument count (`name() takes ...`).
    pub fn check_args(
        &mut self,
        name: &str,
        args: &[ObjRef],
        min: usize,
        max: usize,
    ) -> PyResult<()> {
        let n = args.len();
        if n >= min && n <= max {
            return Ok(());
        }
        let msg = if min == max {
            match min {
                0 => format!("{name}() takes no arguments ({n} given)"),
                1 => format!("{name}() takes exactly one argument ({n} given)"),
                _ => format!("{name} expected {min} arguments, got {n}"),
            }
        } else if n < min {
            format!(
                "{name} expected at least {min} argument{}, got {n}",
                if min == 1 { "" } else { "s" }
            )
        } else {
            format!(
                "{name} expected at most {max} argument{}, got {n}",
                if max == 1 { "" } else { "s" }
            )
        };
        Err(self.type_error(msg))
    }

    /// Reject keyword arguments.
    pub fn no_kwargs(&mut self, name: &str, kwargs: &[(NameId, ObjRef)]) -> PyResult<()> {
        if kwargs.is_empty() {
            return Ok(());
        }
        Err(self.type_error(format!("{name}() takes no keyword arguments")))
    }

    /// A keyword argument's value.
    pub fn kwarg(&mut self, kwargs: &[(NameId, ObjRef)], name: &str) -> Option<ObjRef> {
        let id = self.intern_name(name);
        kwargs.iter().find(|(k, _)| *k == id).map(|(_, v)| *v)
    }

    /// The `__build_class__` function object.
    pub fn build_class_fn(&mut self) -> PyResult<ObjRef> {
        self.new_builtin("__build_class__", functions::build_class, None)
    }
}

/// Create the builtins namespace and every built-in method.
pub(crate) fn install(vm: &mut Vm) -> Result<(), OutOfMemory> {
    let r = (|| -> PyResult<()> {
        let b = vm.new_dict()?;
        vm.builtins = b;
        functions::install(vm, b)?;
        types::install(vm, b)?;
        methods::install(vm)?;
        str_methods::install(vm)?;
        let all = vm.t.all();
        for c in all {
            let name = vm.class_name(c).to_string();
            let id = vm.intern_name(&name);
            let key = vm.name_obj(id);
            vm.dict_set(b, key, c)?;
        }
        for alias in [
            ("EnvironmentError", vm.t.os_error),
            ("IOError", vm.t.os_error),
        ] {
            let id = vm.intern_name(alias.0);
            let key = vm.name_obj(id);
            vm.dict_set(b, key, alias.1)?;
        }
        let none = vm.none_ref();
        for (n, v) in [
            ("None", none),
            ("Ellipsis", vm.new_ellipsis()),
            ("NotImplemented", vm.not_implemented()),
        ] {
            let id = vm.intern_name(n);
            let key = vm.name_obj(id);
            vm.dict_set(b, key, v)?;
        }
        let t = vm.bool_obj(true);
        let f = vm.bool_obj(false);
        for (n, v) in [("True", t), ("False", f)] {
            let id = vm.intern_name(n);
            let key = vm.name_obj(id);
            vm.dict_set(b, key, v)?;
        }
        Ok(())
    })();
    r.map_err(|_| OutOfMemory)
}
