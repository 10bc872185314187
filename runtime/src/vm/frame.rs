//! Frames: the state of one executing code object (CPython's
//! `_PyInterpreterFrame`), and binding call arguments to parameters.

use std::rc::Rc;

use crate::compile::code::CodeFlags;
use crate::object::{Kind, NameId, ObjRef};

use super::code::Code;
use super::{PyResult, Vm};

/// One activation of a code object.
#[derive(Debug)]
pub struct Frame {
    /// What runs.
    pub code: Rc<Code>,
    /// The `Code` heap object (owned: keeps the constants alive).
    pub code_obj: ObjRef,
    /// Next instruction.
    pub ip: usize,
    /// Instruction being executed (for tracebacks).
    pub lasti: usize,
    /// Value stack; `None` is the NULL of `LoadMethod`.
    pub stack: Vec<Option<ObjRef>>,
    /// Fast locals.
    pub fast: Vec<Option<ObjRef>>,
    /// Cell objects: cellvars then freevars.
    pub cells: Vec<ObjRef>,
    /// Globals dict (owned).
    pub globals: ObjRef,
    /// Locals mapping for module and class bodies (owned).
    pub locals: Option<ObjRef>,
    /// A generator's saved "currently handled exception".
    pub gen_exc: Option<ObjRef>,
    /// Whether this frame belongs to a generator.
    pub is_generator: bool,
}

impl Frame {
    /// Every reference the frame owns, in the order `_PyFrame_Clear`
    /// releases them.
    pub fn referents(&self, out: &mut Vec<ObjRef>) {
        out.extend(self.fast.iter().flatten());
        out.extend(self.cells.iter());
        out.extend(self.stack.iter().flatten());
        out.push(self.globals);
        out.extend(self.locals);
        out.extend(self.gen_exc);
        out.push(self.code_obj);
    }

    /// Current source line.
    pub fn line(&self) -> u32 {
        self.code.co.line_of(self.lasti as u32)
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn name_list(names: &[String]) -> String {
    match names.len() {
        0 => String::new(),
        1 => format!("'{}'", names[0]),
        2 => format!("'{}' and '{}'", names[0], names[1]),
        _ => {
            let (last, first) = names
                .split_last()
                .map_or((&names[0], &names[..0]), |(l, f)| (l, f));
            let mut s: Vec<String> = first.iter().map(|n| format!("'{n}'")).collect();
            s.push(format!("and '{last}'"));
            s.join(", ")
        }
    }
}

impl Vm {
    /// Release everything a finished frame owns (locals first, in order).
    pub fn release_frame(&mut self, f: Box<Frame>) {
        let mut refs = Vec::with_capacity(f.fast.len() + f.stack.len() + 4);
        f.referents(&mut refs);
        drop(f);
        for r in refs {
            self.decref(r);
        }
    }

    /// A frame for calling `func` (a Python function) with `args` and
    /// `kwargs` (borrowed), binding them to parameters as CPython's
    /// `_PyEval_MakeFrameVector` does, with its error messages.
    pub fn make_frame(
        &mut self,
        func: ObjRef,
        args: &[ObjRef],
        kwargs: &[(NameId, ObjRef)],
    ) -> PyResult<Box<Frame>> {
        // Only cheap copies on the call path; defaults, keyword defaults
        // and the name are read from the function where they are needed.
        let (code, code_obj, globals, ndefaults) = match self.kind(func) {
            Kind::Function(f) => (f.code.clone(), f.code_obj, f.globals, f.defaults.len()),
            _ => return Err(self.type_error("internal: not a function")),
        };
        let co = &code.co;
        let argcount = co.argcount as usize;
        let kwonly = co.kwonlyargcount as usize;
        let posonly = co.posonlyargcount as usize;
        let has_varargs = co.flags.has(CodeFlags::VARARGS);
        let has_varkw = co.flags.has(CodeFlags::VARKEYWORDS);
        let nlocals = co.varnames.len();
        let mut fast: Vec<Option<ObjRef>> = vec![None; nlocals];

        // Positional arguments.
        let npos = args.len().min(argcount);
        for (slot, a) in fast.iter_mut().zip(args.iter().take(npos)) {
            self.heap.incref(*a);
            *slot = Some(*a);
        }
        let mut err: Option<String> = None;
        let varargs_slot = argcount + kwonly;
        if has_varargs {
            let rest: Vec<ObjRef> = args.get(npos..).unwrap_or(&[]).to_vec();
            for a in &rest {
                self.incref(*a);
            }
            let t = self.new_tuple(rest);
            match t {
                Ok(t) => {
                    if let Some(s) = fast.get_mut(varargs_slot) {
                        *s = Some(t);
                    }
                }
                Err(e) => {
                    self.release_slots(fast);
                    return Err(e);
                }
            }
        } else if args.len() > argcount {
            let ndef = ndefaults;
            let given_kw = kwargs
                .iter()
                .filter(|(k, _)| {
                    code.varnames
                        .iter()
                        .take(argcount + kwonly)
                        .skip(argcount)
                        .any(|v| v == k)
                })
                .count();
            let takes = if ndef > 0 {
                format!(
                    "from {} to {} positional arguments",
                    argcount - ndef,
                    argcount
                )
            } else {
                plural(argcount, "positional argument").to_string()
            };
            let was = if args.len() == 1 { "was" } else { "were" };
            let extra = if given_kw > 0 {
                format!(
                    " positional argument{} (and {} keyword-only argument{})",
                    if args.len() == 1 { "" } else { "s" },
                    given_kw,
                    if given_kw == 1 { "" } else { "s" }
                )
            } else {
                String::new()
            };
            err = Some(if extra.is_empty() {
                format!(
                    "{}() takes {takes} but {} {was} given",
                    self.func_qualname(func),
                    args.len()
                )
            } else {
                format!(
                    "{}() takes {takes} but {}{extra} were given",
                    self.func_qualname(func),
                    args.len()
                )
            });
        }
        let varkw_slot = argcount + kwonly + usize::from(has_varargs);
        let mut kwdict: Option<ObjRef> = None;
        if err.is_none() && has_varkw {
            match self.new_dict() {
                Ok(d) => kwdict = Some(d),
                Err(e) => {
                    self.release_slots(fast);
                    return Err(e);
                }
            }
        }
        // Keyword arguments.
        if err.is_none() {
            for (k, v) in kwargs {
                let pos = code
                    .varnames
                    .iter()
                    .take(argcount + kwonly)
                    .position(|n| n == k);
                match pos {
                    Some(i) if i >= posonly => {
                        if let Some(slot) = fast.get_mut(i) {
                            if slot.is_some() {
                                err = Some(format!(
                                    "{}() got multiple values for argument '{}'",
                                    self.func_qualname(func),
                                    self.name_str(*k)
                                ));
                                break;
                            }
                            self.heap.incref(*v);
                            *slot = Some(*v);
                        }
                    }
                    _ => {
                        if let Some(d) = kwdict {
                            let key = self.name_obj(*k);
                            if let Err(e) = self.dict_set(d, key, *v) {
                                self.release_slots(fast);
                                self.decref(d);
                                return Err(e);
                            }
                        } else {
                            err = Some(format!(
                                "{}() got an unexpected keyword argument '{}'",
                                self.func_qualname(func),
                                self.name_str(*k)
                            ));
                            break;
                        }
                    }
                }
            }
        }
        if let (Some(d), Some(slot)) = (kwdict, fast.get_mut(varkw_slot)) {
            *slot = Some(d);
        }
        // Defaults and missing arguments.
        if err.is_none() {
            let ndef = ndefaults;
            let first_default = argcount.saturating_sub(ndef);
            let mut missing = Vec::new();
            for i in 0..argcount {
                if fast.get(i).is_some_and(|s| s.is_none()) {
                    if i >= first_default {
                        let d = self.func_default(func, i - first_default);
                        self.heap.incref(d);
                        fast[i] = Some(d);
                    } else {
                        missing.push(self.name_str(code.varnames[i]).to_string());
                    }
                }
            }
            if !missing.is_empty() {
                err = Some(format!(
                    "{}() missing {} required positional argument{}: {}",
                    self.func_qualname(func),
                    missing.len(),
                    if missing.len() == 1 { "" } else { "s" },
                    name_list(&missing)
                ));
            } else {
                let mut missing = Vec::new();
                for i in argcount..argcount + kwonly {
                    if fast.get(i).is_some_and(|s| s.is_none()) {
                        let name = code.varnames[i];
                        if let Some(d) = self.func_kwdefault(func, name) {
                            self.heap.incref(d);
                            fast[i] = Some(d);
                        } else {
                            missing.push(self.name_str(name).to_string());
                        }
                    }
                }
                if !missing.is_empty() {
                    err = Some(format!(
                        "{}() missing {} required keyword-only argument{}: {}",
                        self.func_qualname(func),
                        missing.len(),
                        if missing.len() == 1 { "" } else { "s" },
                        name_list(&missing)
                    ));
                }
            }
        }
        if let Some(msg) = err {
            self.release_slots(fast);
            return Err(self.type_error(msg));
        }
        // Cells.
        let mut cells = Vec::with_capacity(co.cellvars.len() + co.freevars.len());
        for i in 0..co.cellvars.len() {
            let init = match co.cell2arg.get(i).copied().flatten() {
                Some(a) => fast.get_mut(a as usize).and_then(|s| s.take()),
                None => None,
            };
            match self.new_cell(init) {
                Ok(c) => cells.push(c),
                Err(e) => {
                    self.release_slots(fast);
                    for c in cells {
                        self.decref(c);
                    }
                    return Err(e);
                }
            }
        }
        let closure: Vec<ObjRef> = match self.kind(func) {
            Kind::Function(f) if !f.closure.is_empty() => f.closure.clone(),
            _ => Vec::new(),
        };
        for c in closure {
            self.incref(c);
            cells.push(c);
        }
        self.incref(globals);
        self.incref(code_obj);
        Ok(Box::new(Frame {
            code: code.clone(),
            code_obj,
            ip: 0,
            lasti: 0,
            stack: Vec::with_capacity(co.max_stackdepth as usize),
            fast,
            cells,
            globals,
            locals: None,
            gen_exc: None,
            is_generator: co.is_generator(),
        }))
    }

    fn func_qualname(&self, func: ObjRef) -> String {
        match self.kind(func) {
            Kind::Function(f) => f.qualname.clone(),
            _ => String::new(),
        }
    }

    fn func_default(&self, func: ObjRef, i: usize) -> ObjRef {
        match self.kind(func) {
            Kind::Function(f) => f.defaults.get(i).copied().unwrap_or(self.none_ref()),
            _ => self.none_ref(),
        }
    }

    fn func_kwdefault(&self, func: ObjRef, name: NameId) -> Option<ObjRef> {
        match self.kind(func) {
            Kind::Function(f) => f
                .kwdefaults
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| *v),
            _ => None,
        }
    }

    fn release_slots(&mut self, slots: Vec<Option<ObjRef>>) {
        for r in slots.into_iter().flatten() {
            self.decref(r);
        }
    }

    /// A frame running a module or class body with `locals` as its namespace
    /// (both owned by the caller; the frame takes new references).
    pub fn body_frame(
        &mut self,
        code_obj: ObjRef,
        globals: ObjRef,
        locals: ObjRef,
        closure: &[ObjRef],
    ) -> PyResult<Box<Frame>> {
        let Some(code) = self.code_of(code_obj) else {
            return Err(self.type_error("internal: not a code object"));
        };
        let mut cells = Vec::new();
        for _ in 0..code.co.cellvars.len() {
            cells.push(self.new_cell(None)?);
        }
        for c in closure {
            self.incref(*c);
            cells.push(*c);
        }
        self.incref(code_obj);
        self.incref(globals);
        self.incref(locals);
        Ok(Box::new(Frame {
            fast: vec![None; code.co.varnames.len()],
            stack: Vec::with_capacity(code.co.max_stackdepth as usize),
            code,
            code_obj,
            ip: 0,
            lasti: 0,
            cells,
            globals,
            locals: Some(locals),
            gen_exc: None,
            is_generator: false,
        }))
    }
}
