//! The built-in types and the exception hierarchy, created at start-up as
//! class objects; `type(obj)` for every object kind; `issubclass`.

use crate::object::{
    Attrs, Class, Kind, Layout, NameId, ObjRef, SlotFlags, TypeTag, heap::OutOfMemory, sizes,
};

use super::Vm;

macro_rules! names {
    ($($field:ident = $text:expr),* $(,)?) => {
        /// Well-known names, interned once.
        #[allow(missing_docs)]
        #[derive(Clone, Copy, Debug)]
        pub struct Names { $(pub $field: NameId,)* }
        impl Names {
            pub(crate) fn placeholder() -> Self { Names { $($field: NameId(u32::MAX),)* } }
            pub(crate) fn new(vm: &mut Vm) -> Self { Names { $($field: vm.intern_name($text),)* } }
        }
    };
}

names! {
    init = "__init__", new = "__new__", del = "__del__", repr = "__repr__", str = "__str__",
    eq = "__eq__", ne = "__ne__", lt = "__lt__", le = "__le__", gt = "__gt__", ge = "__ge__",
    hash = "__hash__", len = "__len__", bool_ = "__bool__", getitem = "__getitem__",
    setitem = "__setitem__", delitem = "__delitem__", contains = "__contains__",
    iter = "__iter__", next = "__next__", enter = "__enter__", exit = "__exit__",
    call = "__call__", getattr = "__getattr__", getattribute = "__getattribute__",
    setattr = "__setattr__", delattr = "__delattr__", name = "__name__", qualname = "__qualname__",
    module = "__module__", doc = "__doc__", class = "__class__", dict = "__dict__",
    classcell = "__classcell__", args = "args", main = "__main__", builtins = "__builtins__",
    format = "__format__", index = "__index__", int_ = "__int__", float_ = "__float__",
    neg = "__neg__", pos = "__pos__", invert = "__invert__", abs = "__abs__",
    add = "__add__", sub = "__sub__", mul = "__mul__", truediv = "__truediv__",
    floordiv = "__floordiv__", mod_ = "__mod__", pow = "__pow__", lshift = "__lshift__",
    rshift = "__rshift__", and_ = "__and__", or_ = "__or__", xor = "__xor__", matmul = "__matmul__",
    radd = "__radd__", rsub = "__rsub__", rmul = "__rmul__", rtruediv = "__rtruediv__",
    rfloordiv = "__rfloordiv__", rmod = "__rmod__", rpow = "__rpow__", rlshift = "__rlshift__",
    rrshift = "__rrshift__", rand = "__rand__", ror = "__ror__", rxor = "__rxor__", rmatmul = "__rmatmul__",
    iadd = "__iadd__", isub = "__isub__", imul = "__imul__", itruediv = "__itruediv__",
    ifloordiv = "__ifloordiv__", imod = "__imod__", ipow = "__ipow__", ilshift = "__ilshift__",
    irshift = "__irshift__", iand = "__iand__", ior = "__ior__", ixor = "__ixor__", imatmul = "__imatmul__",
    round = "__round__", reversed = "__reversed__", missing = "__missing__", file = "__file__",
    get = "__get__", set = "__set__", slots = "__slots__", cause = "__cause__", context = "__context__",
    traceback = "__traceback__", suppress_context = "__suppress_context__", mro = "__mro__",
    bases = "__bases__", base = "__base__", self_ = "__self__", func = "__func__",
    closure = "__closure__", code = "__code__", defaults = "__defaults__", value = "value",
    send = "send", throw = "throw", close = "close", init_subclass = "__init_subclass__",
}

macro_rules! types {
    ($($field:ident),* $(,)?) => {
        /// Handles of the built-in classes.
        #[allow(missing_docs)]
        #[derive(Clone, Copy, Debug)]
        pub struct Types { $(pub $field: ObjRef,)* }
        impl Types {
            pub(crate) fn placeholder(p: ObjRef) -> Self { Types { $($field: p,)* } }
            /// Every built-in class handle.
            pub fn all(&self) -> Vec<ObjRef> { vec![$(self.$field,)*] }
        }
    };
}

types! {
    object, type_, none_type, not_implemented_type, ellipsis_type, bool_, int, float, str, bytes, tuple, list, dict,
    set, frozenset, range, slice, function, builtin_function, method, cell, code, module,
    generator, iterator, staticmethod, classmethod, property, super_, dict_keys, dict_values,
    dict_items,
    base_exception, system_exit, keyboard_interrupt, generator_exit, exception, stop_iteration,
    arithmetic_error, floating_point_error, overflow_error, zero_division_error, assertion_error,
    attribute_error, buffer_error, eof_error, import_error, module_not_found_error, lookup_error,
    index_error, key_error, memory_error, name_error, unbound_local_error, os_error,
    file_not_found_error, reference_error, runtime_error, not_implemented_error, recursion_error,
    syntax_error, indentation_error, tab_error, system_error, type_error, value_error, unicode_error,
    unicode_decode_error, unicode_encode_error, stop_async_iteration, warning, user_warning,
    deprecation_warning, runtime_warning, resource_warning, future_warning, pending_deprecation_warning,
    syntax_warning, import_warning, unicode_warning, bytes_warning,
}

impl Vm {
    /// Create a class object.
    pub fn make_class(
        &mut self,
        name: &str,
        base: Option<ObjRef>,
        layout: Layout,
        attrs: Attrs,
    ) -> Result<ObjRef, OutOfMemory> {
        let mut mro = Vec::new();
        let mut slots = SlotFlags::default();
        if let Some(b) = base {
            self.incref(b);
            if let Kind::Class(bc) = self.kind(b) {
                mro.extend(bc.mro.iter().copied());
                slots = bc.slots;
            }
        }
        let class = Class {
            name: name.to_string(),
            qualname: name.to_string(),
            base,
            attrs,
            mro,
            layout,
            slots,
            module: "builtins".to_string(),
            ctor: None,
            shared_names: 0,
        };
        let r = self
            .heap
            .alloc(Kind::Class(Box::new(class)), sizes::CLASS)?;
        if let Some(o) = self.heap.get_mut(r)
            && let Kind::Class(c) = &mut o.kind
        {
            c.mro.insert(0, r);
        }
        self.gc_track_new(r);
        self.refresh_slots(r);
        Ok(r)
    }

    /// Recompute a class's [`SlotFlags`] from its MRO.
    pub fn refresh_slots(&mut self, class: ObjRef) {
        let n = self.n;
        let mro = match self.kind(class) {
            Kind::Class(c) => c.mro.clone(),
            _ => return,
        };
        let mut f = SlotFlags::default();
        let mut eq_seen = false;
        let mut hash_seen = false;
        for c in &mro {
            if let Kind::Class(cl) = self.kind(*c) {
                if cl.layout != Layout::Object
                    && cl.layout != Layout::Exception
                    && cl.base.is_none()
                {
                    continue;
                }
                if matches!(cl.layout, Layout::Builtin(_)) {
                    continue;
                }
                if cl.attrs.get(n.del).is_some() {
                    f.has_del = true;
                }
                if cl.attrs.get(n.getattr).is_some() {
                    f.has_getattr = true;
                }
                if cl.attrs.get(n.setattr).is_some() {
                    f.has_setattr = true;
                }
                let has_eq = cl.attrs.get(n.eq).is_some();
                let hash = cl.attrs.get(n.hash);
                if !hash_seen {
                    if let Some(h) = hash {
                        hash_seen = true;
                        if h == self.none_ref() {
                            f.unhashable = true;
                        } else {
                            f.has_hash = true;
                        }
                    } else if has_eq && !eq_seen {
                        // __eq__ without __hash__ in the same class: __hash__ = None.
                        hash_seen = true;
                        f.unhashable = true;
                    }
                }
                if has_eq {
                    eq_seen = true;
                    f.has_eq = true;
                }
            }
        }
        if let Some(o) = self.heap.get_mut(class)
            && let Kind::Class(c) = &mut o.kind
        {
            c.slots = f;
        }
    }

    /// `type(obj)` (no new reference).
    #[inline]
    pub fn type_of(&self, r: ObjRef) -> ObjRef {
        let t = &self.t;
        match self.kind(r) {
            Kind::Instance(i) => i.class,
            Kind::None => t.none_type,
            Kind::NotImplemented => t.not_implemented_type,
            Kind::Ellipsis => t.ellipsis_type,
            Kind::Bool(_) => t.bool_,
            Kind::Int(_) | Kind::BigInt(_) => t.int,
            Kind::Float(_) => t.float,
            Kind::Str(_) => t.str,
            Kind::Bytes(_) => t.bytes,
            Kind::Tuple(_) => t.tuple,
            Kind::List(_) => t.list,
            Kind::Dict(_) => t.dict,
            Kind::Set(_) => t.set,
            Kind::FrozenSet(_) => t.frozenset,
            Kind::Range { .. } => t.range,
            Kind::Slice { .. } => t.slice,
            Kind::Function(_) => t.function,
            Kind::Builtin(_) => t.builtin_function,
            Kind::Method { .. } => t.method,
            Kind::Class(_) => t.type_,
            Kind::Cell(_) => t.cell,
            Kind::Code(_) => t.code,
            Kind::Module(_) => t.module,
            Kind::Generator(_) => t.generator,
            Kind::Iter(_) => t.iterator,
            Kind::DictViewObj { what, .. } => match what {
                crate::object::DictView::Keys => t.dict_keys,
                crate::object::DictView::Values => t.dict_values,
                crate::object::DictView::Items => t.dict_items,
            },
            Kind::StaticMethod(_) => t.staticmethod,
            Kind::ClassMethod(_) => t.classmethod,
            Kind::Property { .. } => t.property,
            Kind::Super { .. } => t.super_,
            Kind::Dead => t.none_type,
        }
    }

    /// `issubclass(a, b)` for class objects.
    pub fn is_subclass(&self, a: ObjRef, b: ObjRef) -> bool {
        if a == b {
            return true;
        }
        match self.kind(a) {
            Kind::Class(c) => c.mro.contains(&b),
            _ => false,
        }
    }

    /// `isinstance(obj, cls)` for a class object.
    #[inline]
    pub fn is_instance(&self, obj: ObjRef, cls: ObjRef) -> bool {
        let t = self.type_of(obj);
        t == cls || self.is_subclass(t, cls)
    }

    /// A class's name.
    pub fn class_name(&self, c: ObjRef) -> &str {
        match self.kind(c) {
            Kind::Class(c) => &c.name,
            _ => "?",
        }
    }

    /// `type(obj).__name__`.
    pub fn type_name(&self, r: ObjRef) -> &str {
        self.class_name(self.type_of(r))
    }

    /// The class struct.
    pub fn class(&self, c: ObjRef) -> Option<&Class> {
        match self.kind(c) {
            Kind::Class(c) => Some(c),
            _ => None,
        }
    }

    /// Find `name` along `class`'s MRO (`_PyType_Lookup`; no new reference).
    #[inline]
    pub fn lookup_in_mro(&self, class: ObjRef, name: NameId) -> Option<ObjRef> {
        let Kind::Class(c) = self.kind(class) else {
            return None;
        };
        if let Some(v) = c.attrs.get(name) {
            return Some(v);
        }
        for k in c.mro.iter().skip(1) {
            if let Kind::Class(kc) = self.kind(*k)
                && let Some(v) = kc.attrs.get(name)
            {
                return Some(v);
            }
        }
        None
    }
}

/// Create every built-in class and exception class.
pub(crate) fn bootstrap_types(vm: &mut Vm) -> Result<(), OutOfMemory> {
    let object = vm.make_class("object", None, Layout::Object, Attrs::default())?;
    vm.t.object = object;
    let b = |vm: &mut Vm, name: &str, tag: TypeTag| {
        vm.make_class(name, Some(object), Layout::Builtin(tag), Attrs::default())
    };
    vm.t.type_ = b(vm, "type", TypeTag::Type)?;
    vm.t.none_type = b(vm, "NoneType", TypeTag::NoneType)?;
    vm.t.not_implemented_type = b(vm, "NotImplementedType", TypeTag::NotImplementedType)?;
    vm.t.ellipsis_type = b(vm, "ellipsis", TypeTag::Ellipsis)?;
    vm.t.int = b(vm, "int", TypeTag::Int)?;
    let int = vm.t.int;
    vm.t.bool_ = vm.make_class(
        "bool",
        Some(int),
        Layout::Builtin(TypeTag::Bool),
        Attrs::default(),
    )?;
    vm.t.float = b(vm, "float", TypeTag::Float)?;
    vm.t.str = b(vm, "str", TypeTag::Str)?;
    vm.t.bytes = b(vm, "bytes", TypeTag::Bytes)?;
    vm.t.tuple = b(vm, "tuple", TypeTag::Tuple)?;
    vm.t.list = b(vm, "list", TypeTag::List)?;
    vm.t.dict = b(vm, "dict", TypeTag::Dict)?;
    vm.t.set = b(vm, "set", TypeTag::Set)?;
    vm.t.frozenset = b(vm, "frozenset", TypeTag::FrozenSet)?;
    vm.t.range = b(vm, "range", TypeTag::Range)?;
    vm.t.slice = b(vm, "slice", TypeTag::Slice)?;
    vm.t.function = b(vm, "function", TypeTag::Function)?;
    vm.t.builtin_function = b(vm, "builtin_function_or_method", TypeTag::BuiltinFunction)?;
    vm.t.method = b(vm, "method", TypeTag::Method)?;
    vm.t.cell = b(vm, "cell", TypeTag::Cell)?;
    vm.t.code = b(vm, "code", TypeTag::Code)?;
    vm.t.module = b(vm, "module", TypeTag::Module)?;
    vm.t.generator = b(vm, "generator", TypeTag::Generator)?;
    vm.t.iterator = b(vm, "iterator", TypeTag::Iterator)?;
    vm.t.staticmethod = b(vm, "staticmethod", TypeTag::StaticMethod)?;
    vm.t.classmethod = b(vm, "classmethod", TypeTag::ClassMethod)?;
    vm.t.property = b(vm, "property", TypeTag::Property)?;
    vm.t.super_ = b(vm, "super", TypeTag::Super)?;
    vm.t.dict_keys = b(vm, "dict_keys", TypeTag::DictKeys)?;
    vm.t.dict_values = b(vm, "dict_values", TypeTag::DictValues)?;
    vm.t.dict_items = b(vm, "dict_items", TypeTag::DictItems)?;

    let e = |vm: &mut Vm, name: &str, base: ObjRef| {
        vm.make_class(name, Some(base), Layout::Exception, Attrs::default())
    };
    let be = e(vm, "BaseException", object)?;
    vm.t.base_exception = be;
    vm.t.system_exit = e(vm, "SystemExit", be)?;
    vm.t.keyboard_interrupt = e(vm, "KeyboardInterrupt", be)?;
    vm.t.generator_exit = e(vm, "GeneratorExit", be)?;
    let ex = e(vm, "Exception", be)?;
    vm.t.exception = ex;
    vm.t.stop_iteration = e(vm, "StopIteration", ex)?;
    vm.t.stop_async_iteration = e(vm, "StopAsyncIteration", ex)?;
    let ar = e(vm, "ArithmeticError", ex)?;
    vm.t.arithmetic_error = ar;
    vm.t.floating_point_error = e(vm, "FloatingPointError", ar)?;
    vm.t.overflow_error = e(vm, "OverflowError", ar)?;
    vm.t.zero_division_error = e(vm, "ZeroDivisionError", ar)?;
    vm.t.assertion_error = e(vm, "AssertionError", ex)?;
    vm.t.attribute_error = e(vm, "AttributeError", ex)?;
    vm.t.buffer_error = e(vm, "BufferError", ex)?;
    vm.t.eof_error = e(vm, "EOFError", ex)?;
    let ie = e(vm, "ImportError", ex)?;
    vm.t.import_error = ie;
    vm.t.module_not_found_error = e(vm, "ModuleNotFoundError", ie)?;
    let le = e(vm, "LookupError", ex)?;
    vm.t.lookup_error = le;
    vm.t.index_error = e(vm, "IndexError", le)?;
    vm.t.key_error = e(vm, "KeyError", le)?;
    vm.t.memory_error = e(vm, "MemoryError", ex)?;
    let ne = e(vm, "NameError", ex)?;
    vm.t.name_error = ne;
    vm.t.unbound_local_error = e(vm, "UnboundLocalError", ne)?;
    let os = e(vm, "OSError", ex)?;
    vm.t.os_error = os;
    vm.t.file_not_found_error = e(vm, "FileNotFoundError", os)?;
    vm.t.reference_error = e(vm, "ReferenceError", ex)?;
    let re = e(vm, "RuntimeError", ex)?;
    vm.t.runtime_error = re;
    vm.t.not_implemented_error = e(vm, "NotImplementedError", re)?;
    vm.t.recursion_error = e(vm, "RecursionError", re)?;
    let se = e(vm, "SyntaxError", ex)?;
    vm.t.syntax_error = se;
    let ind = e(vm, "IndentationError", se)?;
    vm.t.indentation_error = ind;
    vm.t.tab_error = e(vm, "TabError", ind)?;
    vm.t.system_error = e(vm, "SystemError", ex)?;
    vm.t.type_error = e(vm, "TypeError", ex)?;
    let ve = e(vm, "ValueError", ex)?;
    vm.t.value_error = ve;
    let ue = e(vm, "UnicodeError", ve)?;
    vm.t.unicode_error = ue;
    vm.t.unicode_decode_error = e(vm, "UnicodeDecodeError", ue)?;
    vm.t.unicode_encode_error = e(vm, "UnicodeEncodeError", ue)?;
    let w = e(vm, "Warning", ex)?;
    vm.t.warning = w;
    vm.t.user_warning = e(vm, "UserWarning", w)?;
    vm.t.deprecation_warning = e(vm, "DeprecationWarning", w)?;
    vm.t.pending_deprecation_warning = e(vm, "PendingDeprecationWarning", w)?;
    vm.t.runtime_warning = e(vm, "RuntimeWarning", w)?;
    vm.t.resource_warning = e(vm, "ResourceWarning", w)?;
    vm.t.future_warning = e(vm, "FutureWarning", w)?;
    vm.t.syntax_warning = e(vm, "SyntaxWarning", w)?;
    vm.t.import_warning = e(vm, "ImportWarning", w)?;
    vm.t.unicode_warning = e(vm, "UnicodeWarning", w)?;
    vm.t.bytes_warning = e(vm, "BytesWarning", w)?;
    // Built-in classes live as long as the interpreter.
    for c in vm.t.all() {
        vm.heap.make_immortal(c);
    }
    Ok(())
}
