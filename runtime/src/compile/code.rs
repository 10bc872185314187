//! The bytecode: [`CodeObject`], [`Instr`], [`Constant`] and the exception
//! table. This is the contract between the compiler (this module's parent)
//! and the virtual machine: the VM is written from these doc comments.
//!
//! The design follows CPython 3.11 (`Include/opcode.h`, `Python/ceval.c`,
//! `Objects/exception_table_notes.txt`) with these deliberate
//! simplifications:
//! - one [`Instr`] per instruction, arguments are `u32` (no `EXTENDED_ARG`,
//!   no inline `CACHE` entries, no `RESUME`/`PRECALL`/`KW_NAMES`);
//! - jump targets are **absolute instruction indices** into
//!   [`CodeObject::instrs`];
//! - exceptions use a flat, sorted, non-overlapping **exception table**
//!   (as 3.11), without the `lasti` push;
//! - cells live in their own array (not in "localsplus"): a frame has
//!   `varnames.len()` fast-local slots and `cellvars.len() + freevars.len()`
//!   cell slots.
//!
//! # Frames
//! A frame executing a code object holds: the value stack (at most
//! [`CodeObject::max_stackdepth`] entries), the fast locals (one optional
//! owned reference per name in `varnames`, initially empty except the
//! arguments), the cells (for `i < cellvars.len()` a fresh empty cell
//! created when the frame starts — or holding the argument named by
//! [`CodeObject::cell2arg`]; for the rest the cells of the function's
//! closure tuple, in `freevars` order), the instruction index, the globals
//! dict, and for module and class bodies a locals mapping (the module dict
//! itself for a module; the class namespace for a class body).
//!
//! Value stack entries are owned references. One instruction,
//! [`Instr::LoadMethod`], may push a *NULL* (an empty entry), consumed by
//! [`Instr::CallMethod`]/[`Instr::CallMethodKw`]; the VM's stack entry type
//! must be able to represent it (e.g. `Option<Handle>`).
//!
//! "TOS" is the top of the stack, "TOS1" the entry below it. Stack effects
//! are written `[before] -> [after]`, bottom to top.
//!
//! # Exceptions
//! When an instruction at index `i` raises exception `exc`, the VM looks up
//! the entry of [`CodeObject::exception_table`] with `start <= i < end`
//! (entries are sorted by `start` and do not overlap: binary search). If
//! there is none, the frame is popped and the exception propagates to the
//! caller (after the traceback entry for this frame and the line of
//! instruction `i` is added). If there is one, the VM pops (and releases)
//! value-stack entries until the stack holds exactly `depth` entries,
//! pushes `exc`, and continues at `target`.
//!
//! The VM also keeps the *currently handled exception* (`sys.exc_info()`,
//! what a bare `raise` re-raises and what a new exception gets as its
//! `__context__`): [`Instr::PushExcInfo`] sets it, [`Instr::PopExcept`]
//! restores the previous one. A generator saves and restores it around each
//! resumption as CPython's `gi_exc_state` does.
//!
//! How the compiler uses them (`d` = stack depth at the `try`):
//! ```text
//! try: BODY / except E as e: H / else: ELSE / finally: FIN
//!   BODY                 ; table: -> L_exc, depth d
//!   ELSE                 ; (not protected by L_exc)
//!   FIN (inlined copy)   ; only if a finally clause exists
//!   Jump L_end
//! L_exc:                 ; stack [.., exc]
//!   PushExcInfo          ; [.., prev, exc]  table from here: -> L_cleanup, depth d+1
//!   LoadGlobal E         ; [.., prev, exc, E]
//!   CheckExcMatch        ; [.., prev, exc, bool]
//!   PopJumpIfFalse L_next
//!   StoreFast e          ; [.., prev]   (PopTop when there is no `as`)
//!   H                    ; table: -> L_h_cleanup, depth d+1
//!   PopExcept            ; [..]
//!   LoadConst None; StoreFast e; DeleteFast e
//!   Jump L_end
//! L_h_cleanup:           ; [.., prev, exc2]
//!   LoadConst None; StoreFast e; DeleteFast e
//!   Reraise              ; -> L_cleanup
//! L_next:                ; [.., prev, exc]  (next clause, or:)
//!   Reraise              ; no clause matched
//! L_cleanup:             ; [.., prev, exc2]
//!   Swap(2); PopExcept; Reraise
//! ```
//! A `finally` clause adds an outer handler around all of the above whose
//! code is `PushExcInfo; FIN; Reraise` (with its own `Swap(2); PopExcept;
//! Reraise` cleanup). `break`, `continue` and `return` inside `try`/`with`/
//! `except` are compiled by inlining the pending `finally` bodies and
//! `__exit__(None, None, None)` calls and emitting the `PopExcept`s needed,
//! as CPython's `compiler_unwind_fblock` does; the VM needs no block stack.
//!
//! `with` (one item; several items nest):
//! ```text
//!   <mgr>; BeforeWith    ; [.., exit, value]
//!   StoreFast x / PopTop ; [.., exit]       table: -> L_exc, depth d+1
//!   BODY
//!   LoadConst None ×3; Call(3); PopTop      ; exit(None, None, None)
//!   Jump L_end
//! L_exc:                 ; [.., exit, exc]
//!   PushExcInfo          ; [.., exit, prev, exc]   table -> L_cleanup, depth d+2
//!   WithExceptStart      ; [.., exit, prev, exc, res]
//!   PopJumpIfTrue L_supp
//!   Reraise              ; [.., exit, prev] -> L_cleanup
//! L_cleanup:  Swap(2); PopExcept; Reraise   ; [.., exit, prev, exc2]
//! L_supp:     PopTop; PopExcept; PopTop     ; [.., exit, prev, exc] -> [..]
//! ```
//!
//! # Constants
//! [`CodeObject::consts`] is CPython's `co_consts`. The VM materializes each
//! constant as a heap object owned by the code object (one reference per
//! `consts` entry), applying the interning policy to `str` constants that
//! look like identifiers (`all_name_chars`). CPython 3.11 also merges equal
//! constants across all code objects of one compilation (its
//! `c_const_cache`): `def f(): return 1000` and `def g(): return 1000`
//! return the same object. To do the same, the VM materializes the code
//! objects of one [`compile_module`](super::compile_module) result with one
//! `HashMap<Constant, Handle>`: [`Constant`]'s `Eq`/`Hash` are CPython's
//! `_PyCode_ConstantKey` (type and value; `1`, `1.0` and `True` differ;
//! floats compare by bits; code objects by identity).

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use num_bigint::BigInt;

/// A compile-time constant (an element of `co_consts`).
#[derive(Clone, Debug)]
pub enum Constant {
    /// `None`.
    None,
    /// `True`.
    True,
    /// `False`.
    False,
    /// `...`.
    Ellipsis,
    /// An `int` literal (arbitrary precision; also the results of constant
    /// folding of negative literals).
    Int(BigInt),
    /// A `float` literal.
    Float(f64),
    /// A `str` literal (after escape processing and concatenation).
    Str(Arc<str>),
    /// A `bytes` literal.
    Bytes(Arc<[u8]>),
    /// A tuple of constants: keyword-name tuples for [`Instr::CallKw`], and
    /// tuple displays whose items are all constants (as CPython folds them).
    Tuple(Arc<[Constant]>),
    /// A nested code object (function, lambda, class body, comprehension).
    Code(Arc<CodeObject>),
}

impl Constant {
    /// True for a `str` constant made only of ASCII letters, digits and `_`
    /// (CPython's `all_name_chars`): the ones 3.11 interns at compile time.
    pub fn is_identifier_like_str(&self) -> bool {
        match self {
            Constant::Str(s) => s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'),
            _ => false,
        }
    }
}

impl PartialEq for Constant {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Constant::None, Constant::None)
            | (Constant::True, Constant::True)
            | (Constant::False, Constant::False)
            | (Constant::Ellipsis, Constant::Ellipsis) => true,
            (Constant::Int(a), Constant::Int(b)) => a == b,
            (Constant::Float(a), Constant::Float(b)) => a.to_bits() == b.to_bits(),
            (Constant::Str(a), Constant::Str(b)) => a == b,
            (Constant::Bytes(a), Constant::Bytes(b)) => a == b,
            (Constant::Tuple(a), Constant::Tuple(b)) => a == b,
            (Constant::Code(a), Constant::Code(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl Eq for Constant {}

impl Hash for Constant {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
        match self {
            Constant::None | Constant::True | Constant::False | Constant::Ellipsis => {}
            Constant::Int(i) => i.hash(state),
            Constant::Float(f) => f.to_bits().hash(state),
            Constant::Str(s) => s.hash(state),
            Constant::Bytes(b) => b.hash(state),
            Constant::Tuple(t) => t.hash(state),
            Constant::Code(c) => std::ptr::hash(Arc::as_ptr(c), state),
        }
    }
}

/// Binary operators of [`Instr::BinaryOp`] and [`Instr::InplaceOp`]
/// (CPython's `NB_*` oparg of `BINARY_OP`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOperator {
    /// `+` (`__add__`/`__radd__`, in place `__iadd__`).
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `@`.
    MatMul,
    /// `/`.
    TrueDiv,
    /// `//`.
    FloorDiv,
    /// `%`.
    Mod,
    /// `**`.
    Pow,
    /// `<<`.
    LShift,
    /// `>>`.
    RShift,
    /// `&`.
    And,
    /// `|`.
    Or,
    /// `^`.
    Xor,
}

impl BinaryOperator {
    /// The operator as Python writes it (`"+"`, `"//"`, ...), for error
    /// messages such as `unsupported operand type(s) for +: 'int' and 'str'`
    /// (the in-place form appends `=`).
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOperator::Add => "+",
            BinaryOperator::Sub => "-",
            BinaryOperator::Mul => "*",
            BinaryOperator::MatMul => "@",
            BinaryOperator::TrueDiv => "/",
            BinaryOperator::FloorDiv => "//",
            BinaryOperator::Mod => "%",
            BinaryOperator::Pow => "**",
            BinaryOperator::LShift => "<<",
            BinaryOperator::RShift => ">>",
            BinaryOperator::And => "&",
            BinaryOperator::Or => "|",
            BinaryOperator::Xor => "^",
        }
    }
}

/// Unary operators of [`Instr::UnaryOp`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOperator {
    /// `-x` (`__neg__`).
    Neg,
    /// `+x` (`__pos__`).
    Pos,
    /// `~x` (`__invert__`).
    Invert,
    /// `not x`: pushes `True`/`False` from the truth value (never fails
    /// except when `__bool__`/`__len__` raise).
    Not,
}

/// Rich comparisons of [`Instr::CompareOp`] (CPython's `Py_LT`...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ComparisonOperator {
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `==`.
    Eq,
    /// `!=`.
    Ne,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
}

impl ComparisonOperator {
    /// The operator as Python writes it, for `'<' not supported between
    /// instances of 'int' and 'str'`.
    pub fn symbol(self) -> &'static str {
        match self {
            ComparisonOperator::Lt => "<",
            ComparisonOperator::Le => "<=",
            ComparisonOperator::Eq => "==",
            ComparisonOperator::Ne => "!=",
            ComparisonOperator::Gt => ">",
            ComparisonOperator::Ge => ">=",
        }
    }
}

/// The `!r`/`!s`/`!a` conversion of an f-string field ([`Instr::FormatValue`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Conversion {
    /// No conversion: `format(value, spec)`.
    None,
    /// `!s`: `format(str(value), spec)`.
    Str,
    /// `!r`: `format(repr(value), spec)`.
    Repr,
    /// `!a`: `format(ascii(value), spec)`.
    Ascii,
}

/// Flags of [`Instr::MakeFunction`]: which optional items are on the stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct MakeFunctionFlags(pub u8);

impl MakeFunctionFlags {
    /// A tuple of positional-parameter defaults is on the stack
    /// (`__defaults__`, for the last `len` positional parameters).
    pub const DEFAULTS: u8 = 0x01;
    /// A dict of keyword-only-parameter defaults is on the stack
    /// (`__kwdefaults__`, name → value).
    pub const KWDEFAULTS: u8 = 0x02;
    /// A tuple of cells is on the stack (`__closure__`, one per
    /// `freevars` entry of the code, in order).
    pub const CLOSURE: u8 = 0x08;

    /// True if `flag` (one of the constants above) is set.
    pub fn has(self, flag: u8) -> bool {
        self.0 & flag != 0
    }
}

/// One bytecode instruction. Indices name a table of the executing
/// [`CodeObject`]: `consts`, `varnames` ("fast"), cells ("deref": index
/// `i < cellvars.len()` is `cellvars[i]`, else `freevars[i -
/// cellvars.len()]`), or `names`.
///
/// Messages in quotes are the exact CPython 3.11 exception texts the VM
/// should raise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Instr {
    /// Does nothing. `[] -> []`.
    Nop,
    /// `[x] -> []`: releases TOS.
    PopTop,
    /// `Copy(n)`, `n >= 1`: `[.., x, (n-1 entries)] -> [.., x, .., x]`:
    /// pushes a new reference to the `n`-th entry from the top (`Copy(1)`
    /// duplicates TOS).
    Copy(u32),
    /// `Swap(n)`, `n >= 2`: exchanges TOS with the `n`-th entry from the top.
    Swap(u32),

    /// `[] -> [consts[i]]` (a new reference to the materialized constant).
    LoadConst(u32),
    /// `[] -> [fast[i]]`. Raises `UnboundLocalError("cannot access local
    /// variable 'x' where it is not associated with a value")` if the slot
    /// is empty.
    LoadFast(u32),
    /// `[v] -> []`: `fast[i] = v` (releasing the old value, if any, *after*
    /// storing, as `Py_XSETREF`).
    StoreFast(u32),
    /// `[] -> []`: empties `fast[i]`; raises the `LoadFast` UnboundLocalError
    /// if it was empty.
    DeleteFast(u32),
    /// `[] -> [cell_contents]` of cell `i`. If empty: for a cellvar
    /// `UnboundLocalError("cannot access local variable 'x' where it is not
    /// associated with a value")`, for a freevar `NameError("cannot access
    /// free variable 'x' where it is not associated with a value in
    /// enclosing scope")`.
    LoadDeref(u32),
    /// `[v] -> []`: sets the contents of cell `i`.
    StoreDeref(u32),
    /// `[] -> []`: empties cell `i` (error as `LoadDeref` if already empty).
    DeleteDeref(u32),
    /// Class bodies only, for a free variable of the class body: `[] ->
    /// [v]` where `v` is `locals[name]` if the class namespace has the key
    /// (the name is `freevars[i - cellvars.len()]`), else the contents of
    /// cell `i` (errors as `LoadDeref`). CPython's `LOAD_CLASSDEREF`.
    LoadClassDeref(u32),
    /// `[] -> [cell i]`: pushes the cell object itself (to build a
    /// closure tuple for [`Instr::MakeFunction`], or `__classcell__`).
    LoadClosure(u32),
    /// `[] -> [v]`: `globals[names[i]]`, else `builtins[names[i]]`, else
    /// `NameError("name 'x' is not defined")`.
    LoadGlobal(u32),
    /// `[v] -> []`: `globals[names[i]] = v`.
    StoreGlobal(u32),
    /// `[] -> []`: `del globals[names[i]]`; `NameError("name 'x' is not
    /// defined")` if missing.
    DeleteGlobal(u32),
    /// Module and class bodies: `[] -> [v]`: `locals[names[i]]`, else
    /// globals, else builtins, else `NameError("name 'x' is not defined")`.
    LoadName(u32),
    /// Module and class bodies: `[v] -> []`: `locals[names[i]] = v`.
    StoreName(u32),
    /// Module and class bodies: `del locals[names[i]]`, `NameError("name 'x'
    /// is not defined")` if missing.
    DeleteName(u32),

    /// `[obj] -> [getattr(obj, names[i])]` (`AttributeError` as CPython:
    /// `'T' object has no attribute 'x'`, `type object 'C' has no attribute
    /// 'x'`, `module 'm' has no attribute 'x'`).
    LoadAttr(u32),
    /// `[v, obj] -> []`: `obj.names[i] = v` (TOS is the object, TOS1 the
    /// value, as `STORE_ATTR`).
    StoreAttr(u32),
    /// `[obj] -> []`: `del obj.names[i]`.
    DeleteAttr(u32),
    /// Method-call optimisation (`LOAD_METHOD`): `[obj] -> [meth, obj]` if
    /// `type(obj)` has a plain function `names[i]` in its MRO that is not
    /// shadowed by an instance attribute or data descriptor (no bound
    /// method is created), else `[obj] -> [NULL, getattr(obj, names[i])]`.
    /// Always followed (after the arguments) by [`Instr::CallMethod`] or
    /// [`Instr::CallMethodKw`]. The VM may always take the second form
    /// (correct, but it creates bound method objects CPython does not).
    LoadMethod(u32),

    /// `[container, key] -> [container[key]]` (`__getitem__`, or the class's
    /// `__class_getitem__` is not needed). A slice key is a slice object
    /// built by [`Instr::BuildSlice`].
    BinarySubscr,
    /// `[v, container, key] -> []`: `container[key] = v`.
    StoreSubscr,
    /// `[container, key] -> []`: `del container[key]`.
    DeleteSubscr,
    /// `BuildSlice(2)`: `[start, stop] -> [slice(start, stop)]`;
    /// `BuildSlice(3)`: `[start, stop, step] -> [slice(start, stop, step)]`.
    /// Omitted bounds are `None` constants.
    BuildSlice(u32),

    /// `[x] -> [op x]`.
    UnaryOp(UnaryOperator),
    /// `[a, b] -> [a op b]` with CPython's binary-operator protocol
    /// (`__op__`, then the reflected `__rop__`; the subclass rule).
    BinaryOp(BinaryOperator),
    /// `[a, b] -> [a op= b]`: tries `__iop__` first, then as
    /// [`Instr::BinaryOp`]; the result is stored back by the compiler.
    InplaceOp(BinaryOperator),
    /// `[a, b] -> [a op b]`: rich comparison (`__lt__` ..., reflected,
    /// `==`/`!=` fall back to identity). Result is any object.
    CompareOp(ComparisonOperator),
    /// `[a, b] -> [a is b]` (a bool); `IsOp(true)` is `is not`.
    IsOp(bool),
    /// `[a, b] -> [a in b]` (`__contains__`, else iteration); `ContainsOp(true)`
    /// is `not in`.
    ContainsOp(bool),

    /// `[x1 .. xn] -> [(x1, .., xn)]`.
    BuildTuple(u32),
    /// `[x1 .. xn] -> [[x1, .., xn]]`.
    BuildList(u32),
    /// `[x1 .. xn] -> [{x1, .., xn}]` (inserted in order).
    BuildSet(u32),
    /// `[k1, v1, .., kn, vn] -> [{k1: v1, ..}]` (inserted in order; a later
    /// duplicate key overwrites the value, keeping the first key's position).
    BuildMap(u32),
    /// `[s1 .. sn] -> [s1 + .. + sn]`: concatenates `n` str objects
    /// (f-strings). `BuildString(0)` pushes `''`.
    BuildString(u32),
    /// Comprehensions: `[.., list, (i-1 entries), v] -> [.., list, ..]`:
    /// pops `v` and appends it to the list that is then the `i`-th entry
    /// from the top (`i` counted after popping `v`).
    ListAppend(u32),
    /// As [`Instr::ListAppend`] for a set (`set.add`).
    SetAdd(u32),
    /// `[.., dict, (i-1 entries), k, v] -> [.., dict, ..]`: `dict[k] = v`
    /// where dict is the `i`-th entry from the top after popping `k`, `v`.
    MapAdd(u32),
    /// `[.., list, .., iterable] -> [.., list, ..]`: `list.extend(iterable)`
    /// (list at position `i` after popping). `[*a]`, `f(*a)`.
    ListExtend(u32),
    /// As [`Instr::ListExtend`] for a set (`{*a}`).
    SetUpdate(u32),
    /// `[.., dict, .., mapping] -> [.., dict, ..]`: `dict.update(mapping)`
    /// (`{**m}`); TypeError `'T' object is not a mapping` otherwise.
    DictUpdate(u32),
    /// As [`Instr::DictUpdate`] but for `f(**m)`: a key already present
    /// raises `TypeError("f() got multiple values for keyword argument
    /// 'k'")` (the callable is at position `i + 2`, for the message), and a
    /// non-str key `TypeError("keywords must be strings")`.
    DictMerge(u32),
    /// `[list] -> [tuple(list)]`.
    ListToTuple,
    /// `[seq] -> [x_{n-1}, .., x_1, x_0]` (the first item on top).
    /// `ValueError("too many values to unpack (expected n)")` /
    /// `ValueError("not enough values to unpack (expected n, got m)")`;
    /// `TypeError("cannot unpack non-iterable T object")`.
    UnpackSequence(u32),
    /// `a, *b, c = seq` with `before` names before the star and `after`
    /// after: pushes the last `after` items, then a list of the middle,
    /// then the first `before` items, so that the first item is on top:
    /// `[seq] -> [x_last, .., [middle..], .., x_0]`.
    /// `ValueError("not enough values to unpack (expected at least n, got
    /// m)")` with `n = before + after`.
    UnpackEx {
        /// Targets before the starred one.
        before: u16,
        /// Targets after the starred one.
        after: u16,
    },
    /// f-string field: `[value] -> [str]` or, with `has_spec`, `[value,
    /// spec] -> [str]`: applies `conversion`, then `format(v, spec)`
    /// (`spec` is `''` when absent; `format` of a str with an empty spec is
    /// the str itself).
    FormatValue {
        /// `!s`, `!r`, `!a` or none.
        conversion: Conversion,
        /// Whether a format-spec str is on the stack above the value.
        has_spec: bool,
    },

    /// Continue at instruction `target`.
    Jump(u32),
    /// `[x] -> []`: jumps to `target` if `x` is false (truth value may call
    /// `__bool__`/`__len__` and raise).
    PopJumpIfFalse(u32),
    /// `[x] -> []`: jumps to `target` if `x` is true.
    PopJumpIfTrue(u32),
    /// `and`: if TOS is false jump to `target` leaving it on the stack,
    /// else pop it and continue. `[x] -> [x]` (jump) or `[x] -> []`.
    JumpIfFalseOrPop(u32),
    /// `or`: if TOS is true jump keeping it, else pop it and continue.
    JumpIfTrueOrPop(u32),

    /// `[obj] -> [iter(obj)]` (`TypeError("'T' object is not iterable")`).
    GetIter,
    /// `[it] -> [it, next(it)]` and continue; when `it` is exhausted
    /// (`StopIteration`, which is swallowed), `[it] -> []` and jump to
    /// `target`.
    ForIter(u32),

    /// `Call(n)`: `[callable, a1 .. an] -> [callable(a1, .., an)]`.
    Call(u32),
    /// `CallKw(n)`: `[callable, a1 .. an, kwnames] -> [result]`: `kwnames` is
    /// a tuple constant of `k` str; the last `k` of the `n` arguments are
    /// passed by those keywords, the first `n - k` positionally.
    CallKw(u32),
    /// `CallMethod(n)`: `[meth_or_NULL, self_or_callable, a1 .. an] ->
    /// [result]`: after [`Instr::LoadMethod`]; if the first entry is NULL
    /// calls `self_or_callable(a1, .., an)`, else `meth(self, a1, .., an)`.
    CallMethod(u32),
    /// `[meth_or_NULL, self_or_callable, a1 .. an, kwnames] -> [result]`:
    /// [`Instr::CallMethod`] with keyword names as [`Instr::CallKw`].
    CallMethodKw(u32),
    /// `f(*args, **kwargs)`: `[callable, args_tuple] -> [result]` or, with
    /// `has_kwargs`, `[callable, args_tuple, kwargs_dict] -> [result]`.
    /// `args_tuple` is always an exact tuple (built with
    /// [`Instr::ListToTuple`]) and `kwargs_dict` an exact dict with str keys.
    CallEx {
        /// Whether a kwargs dict is on the stack.
        has_kwargs: bool,
    },
    /// `[(defaults), (kwdefaults), (closure), code] -> [function]`: the
    /// optional entries are present as the flags say, in this order. The
    /// function's `__name__`/`__qualname__` come from the code object, its
    /// globals are the current frame's, `__module__` is `globals['__name__']`
    /// and `__doc__` is `consts[0]` when the code has
    /// [`CodeFlags::HAS_DOCSTRING`], else `None`.
    MakeFunction(MakeFunctionFlags),
    /// `[] -> [builtins.__build_class__]`. The compiler then calls it like a
    /// function: `__build_class__(body_function, name, *bases, **kw)`. The VM's
    /// `__build_class__` calls the body function with a fresh namespace dict
    /// as its locals mapping (its code has [`CodeKind::Class`]), creates the
    /// class `metaclass(name, bases, ns)`, and if the body returned a cell
    /// (`ns['__classcell__']`, for `super()`/`__class__`) sets the cell's
    /// contents to the class and removes `__classcell__` from the class
    /// dict, as `type.__new__` does.
    LoadBuildClass,

    /// `[v] -> (frame done)`: returns `v` to the caller. In a generator,
    /// finishes it: the `next()`/`send()` that resumed it raises
    /// `StopIteration(v)` (no argument when `v` is `None`).
    ReturnValue,
    /// Generators: `[v] -> (suspended)`: `next()`/`send()` returns `v`. When
    /// resumed by `send(x)`/`next()`, `x`/`None` is pushed and execution
    /// continues with the next instruction; when resumed by `throw(exc)`
    /// the exception is raised at this instruction (so the exception table
    /// entry covering it applies); `close()` throws `GeneratorExit`.
    /// A generator frame starts with an empty stack at instruction 0 (the
    /// first `send` must be `None`: "can't send non-None value to a
    /// just-started generator").
    YieldValue,
    /// `yield from`: `[obj] -> [iter]`: `iter(obj)`, or `obj` itself when it
    /// is a generator.
    GetYieldFromIter,
    /// `yield from` loop: `[receiver, v] -> [receiver, y]` where `y =
    /// receiver.send(v)` (or `next(receiver)` when `v` is `None`), then
    /// continue (the compiler follows with `YieldValue; Jump(send)`); when
    /// the receiver raises `StopIteration(r)`: `[receiver, v] -> [r]` and
    /// jump to `target`. (`throw()`/`close()` of the outer generator are
    /// not delegated to the receiver: a simplification.)
    Send(u32),

    /// `Raise(0)`: re-raise the currently handled exception (bare `raise`;
    /// `RuntimeError("No active exception to reraise")` if none).
    /// `Raise(1)`: `[exc] -> raise exc` (a class is instantiated with no
    /// arguments; `TypeError("exceptions must derive from BaseException")`).
    /// `Raise(2)`: `[exc, cause] -> raise exc from cause` (sets `__cause__`
    /// and `__suppress_context__`; `cause` may be `None`).
    /// The new exception's `__context__` is the currently handled exception
    /// (if it is not the same object).
    Raise(u32),
    /// `[exc] -> raise exc` unchanged (its traceback is kept and not
    /// extended by this frame again: the re-raise of a handler).
    Reraise,
    /// `[exc] -> [prev, exc]`: `prev` is the currently handled exception
    /// (`None` if none); `exc` becomes the currently handled one.
    PushExcInfo,
    /// `[prev] -> []`: makes `prev` the currently handled exception again.
    PopExcept,
    /// `[exc, type] -> [exc, bool]`: `isinstance(exc, type)` where `type`
    /// is an exception class or a tuple of them (`TypeError("catching
    /// classes that do not inherit from BaseException is not allowed")`).
    CheckExcMatch,
    /// `[mgr] -> [exit, value]`: looks up `__enter__` and `__exit__` on
    /// `type(mgr)` (`TypeError("'T' object does not support the context
    /// manager protocol")`), pushes the bound `__exit__` and the result of
    /// calling `__enter__()`.
    BeforeWith,
    /// `[exit, prev, exc] -> [exit, prev, exc, res]`: `res =
    /// exit(type(exc), exc, exc.__traceback__)`.
    WithExceptStart,
    /// `[] -> [AssertionError]` (the built-in class, even if shadowed).
    LoadAssertionError,

    /// `[] -> [module]`: imports the module named `names[i]` (a dotted name
    /// is imported whole and the *named* module pushed: the compiler handles
    /// binding the top-level package), `ModuleNotFoundError("No module named
    /// 'x'")`.
    ImportName(u32),
    /// `[module] -> [module, attr]`: `from module import names[i]`:
    /// `ImportError("cannot import name 'x' from 'm' (path)")`.
    ImportFrom(u32),
    /// `[module] -> []`: `from module import *` into the locals mapping
    /// (module level only): `__all__` if present, else every name not
    /// starting with `_`.
    ImportStar,
}

impl Instr {
    /// The jump target, for instructions that have one.
    pub fn jump_target(self) -> Option<u32> {
        match self {
            Instr::Jump(t)
            | Instr::PopJumpIfFalse(t)
            | Instr::PopJumpIfTrue(t)
            | Instr::JumpIfFalseOrPop(t)
            | Instr::JumpIfTrueOrPop(t)
            | Instr::ForIter(t)
            | Instr::Send(t) => Some(t),
            _ => None,
        }
    }

    /// The same instruction with its jump target replaced (no change for
    /// instructions without one).
    pub fn with_jump_target(self, t: u32) -> Instr {
        match self {
            Instr::Jump(_) => Instr::Jump(t),
            Instr::PopJumpIfFalse(_) => Instr::PopJumpIfFalse(t),
            Instr::PopJumpIfTrue(_) => Instr::PopJumpIfTrue(t),
            Instr::JumpIfFalseOrPop(_) => Instr::JumpIfFalseOrPop(t),
            Instr::JumpIfTrueOrPop(_) => Instr::JumpIfTrueOrPop(t),
            Instr::ForIter(_) => Instr::ForIter(t),
            Instr::Send(_) => Instr::Send(t),
            other => other,
        }
    }

    /// Net change of the stack depth: `jump == false` for falling through
    /// to the next instruction, `jump == true` for taking the jump (only
    /// meaningful when [`Instr::jump_target`] is `Some`). Instructions that
    /// leave the frame (`ReturnValue`, `Raise`, `Reraise`) count their pops.
    /// CPython's `stack_effect`.
    pub fn stack_effect(self, jump: bool) -> i32 {
        fn n(x: u32) -> i32 {
            i32::try_from(x).unwrap_or(i32::MAX / 4)
        }
        match self {
            Instr::Nop | Instr::Swap(_) | Instr::Jump(_) => 0,
            Instr::PopTop => -1,
            Instr::Copy(_) => 1,
            Instr::LoadConst(_)
            | Instr::LoadFast(_)
            | Instr::LoadDeref(_)
            | Instr::LoadClassDeref(_)
            | Instr::LoadClosure(_)
            | Instr::LoadGlobal(_)
            | Instr::LoadName(_)
            | Instr::LoadBuildClass
            | Instr::LoadAssertionError
            | Instr::ImportName(_) => 1,
            Instr::StoreFast(_)
            | Instr::StoreDeref(_)
            | Instr::StoreGlobal(_)
            | Instr::StoreName(_) => -1,
            Instr::DeleteFast(_)
            | Instr::DeleteDeref(_)
            | Instr::DeleteGlobal(_)
            | Instr::DeleteName(_) => 0,
            Instr::LoadAttr(_) => 0,
            Instr::StoreAttr(_) => -2,
            Instr::DeleteAttr(_) => -1,
            Instr::LoadMethod(_) => 1,
            Instr::BinarySubscr => -1,
            Instr::StoreSubscr => -3,
            Instr::DeleteSubscr => -2,
            Instr::BuildSlice(k) => 1 - n(k),
            Instr::UnaryOp(_) => 0,
            Instr::BinaryOp(_)
            | Instr::InplaceOp(_)
            | Instr::CompareOp(_)
            | Instr::IsOp(_)
            | Instr::ContainsOp(_) => -1,
            Instr::BuildTuple(k)
            | Instr::BuildList(k)
            | Instr::BuildSet(k)
            | Instr::BuildString(k) => 1 - n(k),
            Instr::BuildMap(k) => 1 - 2 * n(k),
            Instr::ListAppend(_)
            | Instr::SetAdd(_)
            | Instr::ListExtend(_)
            | Instr::SetUpdate(_)
            | Instr::DictUpdate(_)
            | Instr::DictMerge(_) => -1,
            Instr::MapAdd(_) => -2,
            Instr::ListToTuple => 0,
            Instr::UnpackSequence(k) => n(k) - 1,
            Instr::UnpackEx { before, after } => i32::from(before) + i32::from(after),
            Instr::FormatValue { has_spec, .. } => {
                if has_spec {
                    -1
                } else {
                    0
                }
            }
            Instr::PopJumpIfFalse(_) | Instr::PopJumpIfTrue(_) => -1,
            Instr::JumpIfFalseOrPop(_) | Instr::JumpIfTrueOrPop(_) => {
                if jump {
                    0
                } else {
                    -1
                }
            }
            Instr::GetIter => 0,
            Instr::ForIter(_) => {
                if jump {
                    -1
                } else {
                    1
                }
            }
            Instr::Call(k) => -n(k),
            Instr::CallKw(k) => -n(k) - 1,
            Instr::CallMethod(k) => -n(k) - 1,
            Instr::CallMethodKw(k) => -n(k) - 2,
            Instr::CallEx { has_kwargs } => {
                if has_kwargs {
                    -2
                } else {
                    -1
                }
            }
            Instr::MakeFunction(f) => {
                -i32::from(f.has(MakeFunctionFlags::DEFAULTS))
                    - i32::from(f.has(MakeFunctionFlags::KWDEFAULTS))
                    - i32::from(f.has(MakeFunctionFlags::CLOSURE))
            }
            Instr::ReturnValue => -1,
            Instr::YieldValue => 0,
            Instr::GetYieldFromIter => 0,
            Instr::Send(_) => {
                if jump {
                    -1
                } else {
                    0
                }
            }
            Instr::Raise(k) => -n(k),
            Instr::Reraise => -1,
            Instr::PushExcInfo => 1,
            Instr::PopExcept => -1,
            Instr::CheckExcMatch => 0,
            Instr::BeforeWith => 1,
            Instr::WithExceptStart => 1,
            Instr::ImportFrom(_) => 1,
            Instr::ImportStar => -1,
        }
    }

    /// True if control never falls through to the next instruction.
    pub fn is_terminator(self) -> bool {
        matches!(
            self,
            Instr::Jump(_) | Instr::ReturnValue | Instr::Raise(_) | Instr::Reraise
        )
    }
}

/// Source position of one instruction: 1-based lines, 0-based UTF-8 byte
/// columns, as CPython's `co_positions()` (for tracebacks, with the `^^^`
/// markers of 3.11, and tracemalloc's line numbers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Location {
    /// First line (1-based).
    pub line: u32,
    /// Last line (1-based).
    pub end_line: u32,
    /// Start column (0-based byte offset in the line).
    pub col: u32,
    /// End column (0-based byte offset in `end_line`, exclusive).
    pub end_col: u32,
}

/// One row of the exception table: instructions `start..end` jump to
/// `target` on an exception, after popping the value stack to `depth`
/// entries and pushing the exception.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExceptionTableEntry {
    /// First protected instruction.
    pub start: u32,
    /// One past the last protected instruction.
    pub end: u32,
    /// Handler's first instruction.
    pub target: u32,
    /// Value-stack depth the handler expects below the exception.
    pub depth: u32,
}

/// What a code object is the body of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CodeKind {
    /// A module: names use `LoadName`/`StoreName` on the module dict
    /// (locals is globals).
    Module,
    /// A `def` (or `lambda`): fast locals, cells, free variables.
    Function,
    /// A class body: `LoadName`/`StoreName` on the class namespace, run by
    /// `__build_class__`; free variables through `LoadClassDeref`.
    Class,
    /// A list/set/dict comprehension or generator expression: a function of
    /// one argument named `.0` (the iterator of the outermost iterable),
    /// called immediately.
    Comprehension,
}

/// `co_flags`, with CPython's bit values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct CodeFlags(pub u32);

impl CodeFlags {
    /// Uses fast locals (functions, lambdas, comprehensions).
    pub const OPTIMIZED: u32 = 0x0001;
    /// A new locals dict is made for each call (CPython sets it for
    /// functions; informational).
    pub const NEWLOCALS: u32 = 0x0002;
    /// Has a `*args` parameter (its slot follows the keyword-only ones).
    pub const VARARGS: u32 = 0x0004;
    /// Has a `**kwargs` parameter (its slot is last among the parameters).
    pub const VARKEYWORDS: u32 = 0x0008;
    /// Nested in another function (has or may have a closure).
    pub const NESTED: u32 = 0x0010;
    /// A generator function: calling it returns a generator object without
    /// running the body.
    pub const GENERATOR: u32 = 0x0020;
    /// No free and no cell variables.
    pub const NOFREE: u32 = 0x0040;
    /// `consts[0]` is the docstring (pymm's own bit, CPython 3.11 keeps the
    /// docstring in `co_consts[0]` too).
    pub const HAS_DOCSTRING: u32 = 0x0400_0000;

    /// True if `flag` is set.
    pub fn has(self, flag: u32) -> bool {
        self.0 & flag != 0
    }
}

/// A compiled body: CPython's `PyCodeObject`.
///
/// Arguments occupy the first fast-local slots in this order: the
/// `argcount` positional parameters (the first `posonlyargcount` of them
/// positional-only), then `kwonlyargcount` keyword-only parameters, then
/// `*args` if [`CodeFlags::VARARGS`], then `**kwargs` if
/// [`CodeFlags::VARKEYWORDS`]. Binding follows CPython's rules and messages
/// (`f() missing 1 required positional argument: 'x'`, `f() takes 1
/// positional argument but 2 were given`, `f() got an unexpected keyword
/// argument 'z'`, `f() got multiple values for argument 'x'`...).
#[derive(Clone, Debug, PartialEq)]
pub struct CodeObject {
    /// `co_name`: the function/class name, `<module>`, `<lambda>`,
    /// `<listcomp>`, `<setcomp>`, `<dictcomp>`, `<genexpr>`.
    pub name: Arc<str>,
    /// `co_qualname` (`C.f.<locals>.g`).
    pub qualname: Arc<str>,
    /// `co_filename`.
    pub filename: Arc<str>,
    /// `co_firstlineno` (the `def` line, or of the first decorator).
    pub first_line: u32,
    /// What this is the body of.
    pub kind: CodeKind,
    /// `co_flags`.
    pub flags: CodeFlags,
    /// `co_argcount`: positional parameters, including positional-only.
    pub argcount: u32,
    /// `co_posonlyargcount`.
    pub posonlyargcount: u32,
    /// `co_kwonlyargcount`.
    pub kwonlyargcount: u32,
    /// `co_varnames`: fast locals; parameters first.
    pub varnames: Vec<Arc<str>>,
    /// `co_cellvars`: this body's variables captured by inner scopes.
    pub cellvars: Vec<Arc<str>>,
    /// `co_freevars`: variables of enclosing scopes this body uses.
    pub freevars: Vec<Arc<str>>,
    /// For each `cellvars` entry, the parameter slot (index into
    /// `varnames`) whose argument must be moved into the new cell when the
    /// frame starts (the fast slot is left empty); `None` for cells that
    /// start empty. CPython ≤ 3.10's `co_cell2arg`.
    pub cell2arg: Vec<Option<u32>>,
    /// `co_names`: global, builtin, attribute and imported names.
    pub names: Vec<Arc<str>>,
    /// `co_consts`.
    pub consts: Vec<Constant>,
    /// The instructions.
    pub instrs: Vec<Instr>,
    /// Source position of each instruction (`locations.len() ==
    /// instrs.len()`).
    pub locations: Vec<Location>,
    /// Handlers, sorted by `start`, non-overlapping.
    pub exception_table: Vec<ExceptionTableEntry>,
    /// The maximum value-stack depth any path reaches (`co_stacksize`).
    pub max_stackdepth: u32,
}

impl CodeObject {
    /// The handler for an exception raised by instruction `index`, if any
    /// (binary search of the exception table).
    pub fn handler_for(&self, index: u32) -> Option<&ExceptionTableEntry> {
        let pos = self.exception_table.partition_point(|e| e.end <= index);
        self.exception_table
            .get(pos)
            .filter(|e| e.start <= index && index < e.end)
    }

    /// The name of cell slot `i` (a cellvar, then a freevar).
    pub fn cell_name(&self, i: u32) -> Option<&Arc<str>> {
        let i = i as usize;
        if i < self.cellvars.len() {
            self.cellvars.get(i)
        } else {
            self.freevars.get(i - self.cellvars.len())
        }
    }

    /// Source line of instruction `index` (0 if out of range).
    pub fn line_of(&self, index: u32) -> u32 {
        self.locations.get(index as usize).map_or(0, |l| l.line)
    }

    /// True if this is a generator function's code.
    pub fn is_generator(&self) -> bool {
        self.flags.has(CodeFlags::GENERATOR)
    }
}

impl fmt::Display for CodeObject {
    /// A `dis`-like listing of this code object and every nested one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Disassembly of <code object {} ({:?}), file \"{}\", line {}>:",
            self.qualname, self.kind, self.filename, self.first_line
        )?;
        let mut last_line = 0;
        for (i, ins) in self.instrs.iter().enumerate() {
            let line = self.locations.get(i).map_or(0, |l| l.line);
            let target = self
                .instrs
                .iter()
                .any(|j| j.jump_target() == Some(i as u32))
                || self.exception_table.iter().any(|e| e.target == i as u32);
            if line != last_line {
                write!(f, "{line:>4} ")?;
                last_line = line;
            } else {
                write!(f, "     ")?;
            }
            write!(f, "{} {i:>4} ", if target { ">>" } else { "  " })?;
            let arg =
                |v: Option<&dyn fmt::Debug>| v.map(|v| format!(" ({v:?})")).unwrap_or_default();
            let extra = match *ins {
                Instr::LoadConst(k) => match self.consts.get(k as usize) {
                    Some(Constant::Code(c)) => format!(" (<code object {}>)", c.qualname),
                    c => arg(c.map(|c| c as &dyn fmt::Debug)),
                },
                Instr::LoadFast(k) | Instr::StoreFast(k) | Instr::DeleteFast(k) => {
                    arg(self.varnames.get(k as usize).map(|c| c as &dyn fmt::Debug))
                }
                Instr::LoadDeref(k)
                | Instr::StoreDeref(k)
                | Instr::DeleteDeref(k)
                | Instr::LoadClassDeref(k)
                | Instr::LoadClosure(k) => arg(self.cell_name(k).map(|c| c as &dyn fmt::Debug)),
                Instr::LoadGlobal(k)
                | Instr::StoreGlobal(k)
                | Instr::DeleteGlobal(k)
                | Instr::LoadName(k)
                | Instr::StoreName(k)
                | Instr::DeleteName(k)
                | Instr::LoadAttr(k)
                | Instr::StoreAttr(k)
                | Instr::DeleteAttr(k)
                | Instr::LoadMethod(k)
                | Instr::ImportName(k)
                | Instr::ImportFrom(k) => {
                    arg(self.names.get(k as usize).map(|c| c as &dyn fmt::Debug))
                }
                _ => String::new(),
            };
            writeln!(f, "{ins:?}{extra}")?;
        }
        if !self.exception_table.is_empty() {
            writeln!(f, "ExceptionTable:")?;
            for e in &self.exception_table {
                writeln!(
                    f,
                    "  {} to {} -> {} [{}]",
                    e.start, e.end, e.target, e.depth
                )?;
            }
        }
        for c in &self.consts {
            if let Constant::Code(code) = c {
                writeln!(f)?;
                write!(f, "{code}")?;
            }
        }
        Ok(())
    }
}
