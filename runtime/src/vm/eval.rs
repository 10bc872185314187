//! The evaluation loop (CPython's `_PyEval_EvalFrameDefault`): one `match`
//! per instruction over an explicit frame stack, so Python calls do not
//! recurse on the Rust stack.

use std::rc::Rc;

use crate::compile::code::{CodeFlags, Conversion, Instr, MakeFunctionFlags, UnaryOperator};
use crate::object::{Function, Generator, Kind, NameId, ObjRef, TraceEntry, sizes};

use super::frame::Frame;
use super::{Abort, PyErr, PyResult, Vm};

/// How a frame left the loop.
#[derive(Debug)]
pub enum FrameExit {
    /// `return v`.
    Return(ObjRef),
    /// `yield v`: the suspended frame.
    Yield(ObjRef, Box<Frame>),
}

/// How an instruction continues.
enum Flow {
    Next,
    /// Push a new frame (a Python call).
    Call(Box<Frame>),
    Return(ObjRef),
    Yield(ObjRef),
}

macro_rules! pop {
    ($f:expr) => {
        match $f.stack.pop() {
            Some(Some(v)) => v,
            _ => {
                return Err(PyErr::Abort(Abort::Internal(
                    "value stack underflow".into(),
                )))
            }
        }
    };
}

impl Vm {
    /// Call any callable with borrowed arguments; returns a new reference.
    pub fn call(
        &mut self,
        f: ObjRef,
        args: &[ObjRef],
        kwargs: &[(NameId, ObjRef)],
    ) -> PyResult<ObjRef> {
        match self.kind(f) {
            Kind::Function(_) => {
                let frame = self.make_frame(f, args, kwargs)?;
                if frame.is_generator {
                    return self.new_generator(f, frame);
                }
                self.run_frame(frame)
            }
            Kind::Builtin(b) => {
                let (func, recv) = (b.func, b.receiver);
                func(self, recv, args, kwargs)
            }
            Kind::Method { func, receiver } => {
                let (func, receiver) = (*func, *receiver);
                let mut v = Vec::with_capacity(args.len() + 1);
                v.push(receiver);
                v.extend_from_slice(args);
                self.call(func, &v, kwargs)
            }
            Kind::Class(_) => self.call_class(f, args, kwargs),
            _ => {
                let cls = self.type_of(f);
                match self.lookup_in_mro(cls, self.n.call) {
                    Some(m) if !matches!(self.kind(cls), Kind::Class(c) if matches!(c.layout, crate::object::Layout::Builtin(_))) =>
                    {
                        self.incref(m);
                        let mut v = Vec::with_capacity(args.len() + 1);
                        v.push(f);
                        v.extend_from_slice(args);
                        let r = self.call(m, &v, kwargs);
                        self.decref(m);
                        r
                    }
                    _ => {
                        let msg = format!("'{}' object is not callable", self.type_name(f));
                        Err(self.type_error(msg))
                    }
                }
            }
        }
    }

    fn new_generator(&mut self, func: ObjRef, frame: Box<Frame>) -> PyResult<ObjRef> {
        let (name, qualname) = match self.kind(func) {
            Kind::Function(f) => (Rc::from(f.name.as_str()), Rc::from(f.qualname.as_str())),
            _ => (Rc::from("<generator>"), Rc::from("<generator>")),
        };
        self.alloc(
            Kind::Generator(Box::new(Generator {
                frame: Some(frame),
                running: false,
                name,
                qualname,
            })),
            sizes::GENERATOR,
        )
    }

    /// Run a frame to completion (a nested entry into the loop).
    pub fn run_frame(&mut self, frame: Box<Frame>) -> PyResult<ObjRef> {
        match self.eval(frame)? {
            FrameExit::Return(v) => Ok(v),
            FrameExit::Yield(v, f) => {
                self.release_frame(f);
                self.decref(v);
                Err(PyErr::Abort(Abort::Internal(
                    "yield outside a generator".into(),
                )))
            }
        }
    }

    fn enter(&mut self) -> PyResult<()> {
        if self.depth >= self.limits.recursion_limit {
            let c = self.t.recursion_error;
            return Err(self.err(c, "maximum recursion depth exceeded"));
        }
        self.depth += 1;
        Ok(())
    }

    /// Execute `frame` until it returns or yields (its own frame, not a callee's).
    pub fn eval(&mut self, frame: Box<Frame>) -> PyResult<FrameExit> {
        self.enter()?;
        self.tm_push(&frame);
        let base = self.frames.len();
        let mut frame = frame;
        loop {
            let res = self.step_many(&mut frame);
            match res {
                Ok(Flow::Next) => {}
                Ok(Flow::Call(new)) => {
                    if let Err(e) = self.enter() {
                        self.release_frame(new);
                        match self.unwind(&mut frame, e, base, false) {
                            Ok(()) => continue,
                            Err(e) => return Err(e),
                        }
                    }
                    self.tm_push(&new);
                    let caller = std::mem::replace(&mut frame, new);
                    self.frames.push(caller);
                }
                Ok(Flow::Return(v)) => {
                    self.depth -= 1;
                    self.tm_pop();
                    if self.frames.len() == base {
                        self.release_frame(frame);
                        return Ok(FrameExit::Return(v));
                    }
                    let Some(caller) = self.frames.pop() else {
                        return Err(PyErr::Abort(Abort::Internal(
                            "frame stack underflow".into(),
                        )));
                    };
                    let done = std::mem::replace(&mut frame, caller);
                    self.release_frame(done);
                    frame.stack.push(Some(v));
                }
                Ok(Flow::Yield(v)) => {
                    self.depth -= 1;
                    self.tm_pop();
                    return Ok(FrameExit::Yield(v, frame));
                }
                Err(e) => {
                    let reraise =
                        matches!(frame.code.instrs.get(frame.lasti), Some(Instr::Reraise));
                    match self.unwind(&mut frame, e, base, reraise) {
                        Ok(()) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
        }
    }

    /// Find a handler for `e` in `frame` or its callers (down to `base`).
    /// `Ok` continues execution at the handler; `Err` leaves the loop (the
    /// base frame has been released and the depth restored).
    fn unwind(
        &mut self,
        frame: &mut Box<Frame>,
        e: PyErr,
        base: usize,
        mut reraise: bool,
    ) -> Result<(), PyErr> {
        let exc = match e {
            PyErr::Exc(x) => x,
            abort => {
                // Aborts unwind every frame without running handlers.
                loop {
                    self.depth -= 1;
                    self.tm_pop();
                    if self.frames.len() == base {
                        let f = std::mem::replace(frame, self.dummy_frame());
                        self.release_frame(f);
                        return Err(abort);
                    }
                    let Some(caller) = self.frames.pop() else {
                        return Err(abort);
                    };
                    let done = std::mem::replace(frame, caller);
                    self.release_frame(done);
                }
            }
        };
        loop {
            if !reraise {
                let entry = TraceEntry {
                    filename: frame.code.co.filename.clone(),
                    line: frame.line(),
                    name: frame.code.co.name.clone(),
                };
                if let Some(st) = self.exc_state_mut(exc) {
                    st.traceback.push(entry);
                }
            }
            reraise = false;
            if let Some(h) = frame.code.co.handler_for(frame.lasti as u32).copied() {
                let depth = h.depth as usize;
                while frame.stack.len() > depth {
                    if let Some(Some(v)) = frame.stack.pop() {
                        self.decref(v);
                    }
                }
                frame.stack.push(Some(exc));
                frame.ip = h.target as usize;
                return Ok(());
            }
            self.depth -= 1;
            self.tm_pop();
            if self.frames.len() == base {
                let f = std::mem::replace(frame, self.dummy_frame());
                self.keep_frame_in_traceback(exc, f);
                return Err(PyErr::Exc(exc));
            }
            let Some(caller) = self.frames.pop() else {
                return Err(PyErr::Exc(exc));
            };
            let done = std::mem::replace(frame, caller);
            self.keep_frame_in_traceback(exc, done);
        }
    }

    /// A frame an exception propagated out of: its value stack is cleared,
    /// its locals stay alive as long as the exception (CPython's traceback
    /// holds the frame object).
    fn keep_frame_in_traceback(&mut self, exc: ObjRef, mut f: Box<Frame>) {
        let stack = std::mem::take(&mut f.stack);
        for v in stack.into_iter().flatten() {
            self.decref(v);
        }
        if f.code.co.kind == crate::compile::code::CodeKind::Module || f.is_generator {
            self.release_frame(f);
            return;
        }
        match self.exc_state_mut(exc) {
            Some(st) => st.frames.push(f),
            None => self.release_frame(f),
        }
    }

    /// Mirror a frame activation on tracemalloc's frame stack.
    #[inline]
    fn tm_push(&self, f: &Frame) {
        if self.trace_frames {
            let line = f.code.co.line_of(f.ip as u32);
            tracemalloc::frame_stack::push_frame(tracemalloc::Frame::new(
                std::sync::Arc::clone(&f.code.co.filename),
                line,
            ));
        }
    }

    /// Mirror a frame leaving the stack.
    #[inline]
    fn tm_pop(&self) {
        if self.trace_frames {
            tracemalloc::frame_stack::pop_frame();
        }
    }

    fn dummy_frame(&mut self) -> Box<Frame> {
        // A frame that owns nothing, put in place of one being released.
        Box::new(Frame {
            code: self.empty_code.clone(),
            code_obj: self.none_ref(),
            ip: 0,
            lasti: 0,
            stack: Vec::new(),
            fast: Vec::new(),
            cells: Vec::new(),
            globals: self.none_ref(),
            locals: None,
            gen_exc: None,
            is_generator: false,
        })
    }

    /// Execute instructions until one needs the frame stack.
    fn step_many(&mut self, f: &mut Box<Frame>) -> PyResult<Flow> {
        let code = f.code.clone();
        let instrs: &[Instr] = &code.instrs;
        loop {
            let ip = f.ip;
            let Some(&instr) = instrs.get(ip) else {
                return Err(PyErr::Abort(Abort::Internal(
                    "instruction index out of range".into(),
                )));
            };
            f.lasti = ip;
            f.ip = ip + 1;
            self.steps += 1;
            if self.trace_frames {
                tracemalloc::frame_stack::set_lineno(code.co.line_of(ip as u32));
            }
            if let Some(max) = self.limits.max_steps
                && self.steps > max
            {
                return Err(PyErr::Abort(Abort::StepLimit(max)));
            }
            if let Some(a) = self.abort.take() {
                return Err(PyErr::Abort(a));
            }
            if self.gc_pending.is_some() {
                self.run_pending_gc();
            }
            match instr {
                Instr::Nop => {}
                Instr::PopTop => {
                    if let Some(Some(v)) = f.stack.pop() {
                        self.decref(v);
                    }
                }
                Instr::Copy(n) => {
                    let i = f.stack.len().checked_sub(n as usize);
                    let v = i.and_then(|i| f.stack.get(i).copied()).flatten();
                    if let Some(v) = v {
                        self.incref(v);
                    }
                    f.stack.push(v);
                }
                Instr::Swap(n) => {
                    let len = f.stack.len();
                    if let Some(i) = len.checked_sub(n as usize) {
                        f.stack.swap(i, len - 1);
                    }
                }
                Instr::LoadConst(i) => {
                    let v = code
                        .consts
                        .get(i as usize)
                        .copied()
                        .unwrap_or(self.none_ref());
                    self.incref(v);
                    f.stack.push(Some(v));
                }
                Instr::LoadFast(i) => match f.fast.get(i as usize).copied().flatten() {
                    Some(v) => {
                        self.heap.incref(v);
                        f.stack.push(Some(v));
                    }
                    None => return Err(self.unbound_local(&code, i)),
                },
                Instr::StoreFast(i) => {
                    let v = pop!(f);
                    let old = f.fast.get_mut(i as usize).and_then(|s| s.replace(v));
                    self.xdecref(old);
                }
                Instr::DeleteFast(i) => match f.fast.get_mut(i as usize).and_then(|s| s.take()) {
                    Some(v) => self.decref(v),
                    None => return Err(self.unbound_local(&code, i)),
                },
                Instr::LoadDeref(i) => {
                    let cell = f.cells.get(i as usize).copied();
                    let v = cell.and_then(|c| match self.kind(c) {
                        Kind::Cell(v) => *v,
                        _ => None,
                    });
                    match v {
                        Some(v) => {
                            self.incref(v);
                            f.stack.push(Some(v));
                        }
                        None => return Err(self.unbound_deref(&code, i)),
                    }
                }
                Instr::StoreDeref(i) => {
                    let v = pop!(f);
                    let cell = f.cells.get(i as usize).copied();
                    let old = match cell.and_then(|c| self.heap.get_mut(c)) {
                        Some(o) => match &mut o.kind {
                            Kind::Cell(slot) => slot.replace(v),
                            _ => Some(v),
                        },
                        None => Some(v),
                    };
                    self.xdecref(old);
                }
                Instr::DeleteDeref(i) => {
                    let cell = f.cells.get(i as usize).copied();
                    let old = match cell.and_then(|c| self.heap.get_mut(c)) {
                        Some(o) => match &mut o.kind {
                            Kind::Cell(slot) => slot.take(),
                            _ => None,
                        },
                        None => None,
                    };
                    match old {
                        Some(v) => self.decref(v),
                        None => return Err(self.unbound_deref(&code, i)),
                    }
                }
                Instr::LoadClassDeref(i) => {
                    let name = code
                        .co
                        .cell_name(i)
                        .cloned()
                        .unwrap_or_else(|| std::sync::Arc::from(""));
                    let id = self.intern_name(&name);
                    let mut found = None;
                    if let Some(l) = f.locals {
                        let key = self.name_obj(id);
                        found = self.dict_get(l, key)?;
                    }
                    match found {
                        Some(v) => f.stack.push(Some(v)),
                        None => {
                            let cell = f.cells.get(i as usize).copied();
                            let v = cell.and_then(|c| match self.kind(c) {
                                Kind::Cell(v) => *v,
                                _ => None,
                            });
                            match v {
                                Some(v) => {
                                    self.incref(v);
                                    f.stack.push(Some(v));
                                }
                                None => return Err(self.unbound_deref(&code, i)),
                            }
                        }
                    }
                }
                Instr::LoadClosure(i) => {
                    let c = f.cells.get(i as usize).copied().unwrap_or(self.none_ref());
                    self.incref(c);
                    f.stack.push(Some(c));
                }
                Instr::LoadGlobal(i) => {
                    let name = code.names.get(i as usize).copied().unwrap_or(NameId(0));
                    let v = self.load_global(f.globals, name)?;
                    f.stack.push(Some(v));
                }
                Instr::StoreGlobal(i) => {
                    let v = pop!(f);
                    let key =
                        self.name_obj(code.names.get(i as usize).copied().unwrap_or(NameId(0)));
                    let r = self.dict_set(f.globals, key, v);
                    self.decref(v);
                    r?;
                }
                Instr::DeleteGlobal(i) => {
                    let name = code.names.get(i as usize).copied().unwrap_or(NameId(0));
                    let key = self.name_obj(name);
                    if !self.dict_del(f.globals, key)? {
                        let msg = format!("name '{}' is not defined", self.name_str(name));
                        return Err(self.name_error(msg));
                    }
                }
                Instr::LoadName(i) => {
                    let name = code.names.get(i as usize).copied().unwrap_or(NameId(0));
                    let key = self.name_obj(name);
                    let mut v = None;
                    if let Some(l) = f.locals {
                        v = self.dict_get(l, key)?;
                    }
                    let v = match v {
                        Some(v) => v,
                        None => self.load_global(f.globals, name)?,
                    };
                    f.stack.push(Some(v));
                }
                Instr::StoreName(i) => {
                    let v = pop!(f);
                    let key =
                        self.name_obj(code.names.get(i as usize).copied().unwrap_or(NameId(0)));
                    let target = f.locals.unwrap_or(f.globals);
                    let r = self.dict_set(target, key, v);
                    self.decref(v);
                    r?;
                }
                Instr::DeleteName(i) => {
                    let name = code.names.get(i as usize).copied().unwrap_or(NameId(0));
                    let key = self.name_obj(name);
                    let target = f.locals.unwrap_or(f.globals);
                    if !self.dict_del(target, key)? {
                        let msg = format!("name '{}' is not defined", self.name_str(name));
                        return Err(self.name_error(msg));
                    }
                }
                Instr::LoadAttr(i) => {
                    let obj = pop!(f);
                    let name = code.names.get(i as usize).copied().unwrap_or(NameId(0));
                    let r = self.getattr(obj, name);
                    self.decref(obj);
                    f.stack.push(Some(r?));
                }
                Instr::StoreAttr(i) => {
                    let obj = pop!(f);
                    let v = pop!(f);
                    let name = code.names.get(i as usize).copied().unwrap_or(NameId(0));
                    let r = self.setattr(obj, name, v);
                    self.decref(v);
                    self.decref(obj);
                    r?;
                }
                Instr::DeleteAttr(i) => {
                    let obj = pop!(f);
                    let name = code.names.get(i as usize).copied().unwrap_or(NameId(0));
                    let r = self.delattr(obj, name);
                    self.decref(obj);
                    r?;
                }
                Instr::LoadMethod(i) => {
                    let obj = pop!(f);
                    let name = code.names.get(i as usize).copied().unwrap_or(NameId(0));
                    match self.load_method(obj, name) {
                        Ok(Some(m)) => {
                            f.stack.push(Some(m));
                            f.stack.push(Some(obj));
                        }
                        Ok(None) => {
                            let r = self.getattr(obj, name);
                            self.decref(obj);
                            f.stack.push(None);
                            f.stack.push(Some(r?));
                        }
                        Err(e) => {
                            self.decref(obj);
                            return Err(e);
                        }
                    }
                }
                Instr::BinarySubscr => {
                    let key = pop!(f);
                    let c = pop!(f);
                    let r = self.getitem(c, key);
                    self.decref(key);
                    self.decref(c);
                    f.stack.push(Some(r?));
                }
                Instr::StoreSubscr => {
                    let key = pop!(f);
                    let c = pop!(f);
                    let v = pop!(f);
                    let r = self.setitem(c, key, v);
                    self.decref(key);
                    self.decref(c);
                    self.decref(v);
                    r?;
                }
                Instr::DeleteSubscr => {
                    let key = pop!(f);
                    let c = pop!(f);
                    let r = self.delitem(c, key);
                    self.decref(key);
                    self.decref(c);
                    r?;
                }
                Instr::BuildSlice(n) => {
                    let step = if n == 3 { Some(pop!(f)) } else { None };
                    let stop = pop!(f);
                    let start = pop!(f);
                    let step = step.unwrap_or(self.none_ref());
                    let s = self.alloc(Kind::Slice { start, stop, step }, sizes::SLICE)?;
                    f.stack.push(Some(s));
                }
                Instr::UnaryOp(op) => {
                    let v = pop!(f);
                    let r = match op {
                        UnaryOperator::Not => self.truthy(v).map(|b| self.bool_obj(!b)),
                        _ => self.unary_op(op, v),
                    };
                    self.decref(v);
                    f.stack.push(Some(r?));
                }
                Instr::BinaryOp(op) => {
                    let b = pop!(f);
                    let a = pop!(f);
                    let r = self.binary_op(op, a, b, false);
                    self.decref(a);
                    self.decref(b);
                    f.stack.push(Some(r?));
                }
                Instr::InplaceOp(op) => {
                    let b = pop!(f);
                    let a = pop!(f);
                    let r = self.binary_op(op, a, b, true);
                    self.decref(a);
                    self.decref(b);
                    f.stack.push(Some(r?));
                }
                Instr::CompareOp(op) => {
                    let b = pop!(f);
                    let a = pop!(f);
                    let r = self.compare(op, a, b);
                    self.decref(a);
                    self.decref(b);
                    f.stack.push(Some(r?));
                }
                Instr::IsOp(not) => {
                    let b = pop!(f);
                    let a = pop!(f);
                    let r = (a == b) != not;
                    self.decref(a);
                    self.decref(b);
                    let v = self.bool_obj(r);
                    f.stack.push(Some(v));
                }
                Instr::ContainsOp(not) => {
                    let b = pop!(f);
                    let a = pop!(f);
                    let r = self.contains(b, a);
                    self.decref(a);
                    self.decref(b);
                    let v = self.bool_obj(r? != not);
                    f.stack.push(Some(v));
                }
                Instr::BuildTuple(n) => {
                    let items = self.pop_n(f, n as usize)?;
                    let t = self.new_tuple(items)?;
                    f.stack.push(Some(t));
                }
                Instr::BuildList(n) => {
                    let items = self.pop_n(f, n as usize)?;
                    let l = self.new_list(items)?;
                    f.stack.push(Some(l));
                }
                Instr::BuildSet(n) => {
                    let items = self.pop_n(f, n as usize)?;
                    let s = self.new_set(false)?;
                    f.stack.push(Some(s));
                    let mut res = Ok(());
                    for it in items {
                        if res.is_ok() {
                            res = self.set_add(s, it);
                        }
                        self.decref(it);
                    }
                    res?;
                }
                Instr::BuildMap(n) => {
                    let items = self.pop_n(f, 2 * n as usize)?;
                    let d = self.new_dict_presized(n as usize)?;
                    f.stack.push(Some(d));
                    let mut res = Ok(());
                    for kv in items.chunks(2) {
                        if let [k, v] = kv
                            && res.is_ok()
                        {
                            res = self.dict_set(d, *k, *v);
                        }
                    }
                    for it in items {
                        self.decref(it);
                    }
                    res?;
                }
                Instr::BuildString(n) => {
                    let items = self.pop_n(f, n as usize)?;
                    let mut s = String::new();
                    for it in &items {
                        if let Kind::Str(so) = self.kind(*it) {
                            s.push_str(&so.s);
                        }
                    }
                    for it in items {
                        self.decref(it);
                    }
                    let r = self.new_string(s)?;
                    f.stack.push(Some(r));
                }
                Instr::ListAppend(i) => {
                    let v = pop!(f);
                    let l = self.peek(f, i as usize)?;
                    let r = self.list_append(l, v);
                    self.decref(v);
                    r?;
                }
                Instr::SetAdd(i) => {
                    let v = pop!(f);
                    let s = self.peek(f, i as usize)?;
                    let r = self.set_add(s, v);
                    self.decref(v);
                    r?;
                }
                Instr::MapAdd(i) => {
                    let v = pop!(f);
                    let k = pop!(f);
                    let d = self.peek(f, i as usize)?;
                    let r = self.dict_set(d, k, v);
                    self.decref(k);
                    self.decref(v);
                    r?;
                }
                Instr::ListExtend(i) => {
                    let it = pop!(f);
                    let l = self.peek(f, i as usize)?;
                    let r = self.list_extend(l, it);
                    self.decref(it);
                    r?;
                }
                Instr::SetUpdate(i) => {
                    let it = pop!(f);
                    let s = self.peek(f, i as usize)?;
                    let r = self.set_update(s, it);
                    self.decref(it);
                    r?;
                }
                Instr::DictUpdate(i) | Instr::DictMerge(i) => {
                    let m = pop!(f);
                    let d = self.peek(f, i as usize)?;
                    let r = self.dict_update(d, m);
                    self.decref(m);
                    r?;
                }
                Instr::ListToTuple => {
                    let l = pop!(f);
                    let items = self.list_items(l);
                    for it in &items {
                        self.incref(*it);
                    }
                    self.decref(l);
                    let t = self.new_tuple(items)?;
                    f.stack.push(Some(t));
                }
                Instr::UnpackSequence(n) => {
                    let seq = pop!(f);
                    let r = self.unpack(seq, n as usize, None);
                    self.decref(seq);
                    let items = r?;
                    for it in items.into_iter().rev() {
                        f.stack.push(Some(it));
                    }
                }
                Instr::UnpackEx { before, after } => {
                    let seq = pop!(f);
                    let r = self.unpack(seq, before as usize, Some(after as usize));
                    self.decref(seq);
                    let items = r?;
                    for it in items.into_iter().rev() {
                        f.stack.push(Some(it));
                    }
                }
                Instr::FormatValue {
                    conversion,
                    has_spec,
                } => {
                    let spec = if has_spec { Some(pop!(f)) } else { None };
                    let v = pop!(f);
                    let r = self.format_value(v, conversion, spec);
                    self.decref(v);
                    self.xdecref(spec);
                    f.stack.push(Some(r?));
                }
                Instr::Jump(t) => f.ip = t as usize,
                Instr::PopJumpIfFalse(t) => {
                    let v = pop!(f);
                    let b = self.truthy(v);
                    self.decref(v);
                    if !b? {
                        f.ip = t as usize;
                    }
                }
                Instr::PopJumpIfTrue(t) => {
                    let v = pop!(f);
                    let b = self.truthy(v);
                    self.decref(v);
                    if b? {
                        f.ip = t as usize;
                    }
                }
                Instr::JumpIfFalseOrPop(t) => {
                    let v = self.peek(f, 1)?;
                    if !self.truthy(v)? {
                        f.ip = t as usize;
                    } else {
                        let v = pop!(f);
                        self.decref(v);
                    }
                }
                Instr::JumpIfTrueOrPop(t) => {
                    let v = self.peek(f, 1)?;
                    if self.truthy(v)? {
                        f.ip = t as usize;
                    } else {
                        let v = pop!(f);
                        self.decref(v);
                    }
                }
                Instr::GetIter => {
                    let v = pop!(f);
                    let r = self.get_iter(v);
                    self.decref(v);
                    f.stack.push(Some(r?));
                }
                Instr::ForIter(t) => {
                    let it = self.peek(f, 1)?;
                    match self.iter_next(it)? {
                        Some(v) => f.stack.push(Some(v)),
                        None => {
                            let it = pop!(f);
                            self.decref(it);
                            f.ip = t as usize;
                        }
                    }
                }
                Instr::Call(n) => {
                    let args = self.pop_n(f, n as usize)?;
                    let callable = pop!(f);
                    return self.do_call(f, callable, None, args, None);
                }
                Instr::CallKw(n) => {
                    let kwnames = pop!(f);
                    let args = self.pop_n(f, n as usize)?;
                    let callable = pop!(f);
                    return self.do_call(f, callable, None, args, Some(kwnames));
                }
                Instr::CallMethod(n) | Instr::CallMethodKw(n) => {
                    let kwnames = if matches!(instr, Instr::CallMethodKw(_)) {
                        Some(pop!(f))
                    } else {
                        None
                    };
                    let args = self.pop_n(f, n as usize)?;
                    let self_or_callable = pop!(f);
                    let meth = f.stack.pop().flatten();
                    return match meth {
                        Some(m) => self.do_call(f, m, Some(self_or_callable), args, kwnames),
                        None => self.do_call(f, self_or_callable, None, args, kwnames),
                    };
                }
                Instr::CallEx { has_kwargs } => {
                    let kw = if has_kwargs { Some(pop!(f)) } else { None };
                    let args_t = pop!(f);
                    let callable = pop!(f);
                    let args: Vec<ObjRef> = match self.kind(args_t) {
                        Kind::Tuple(t) => t.to_vec(),
                        _ => Vec::new(),
                    };
                    let mut kwargs = Vec::new();
                    if let Some(kw) = kw {
                        for (k, v) in self.dict_items(kw) {
                            let Some(name) = self.name_of_str(k) else {
                                self.decref(kw);
                                self.decref(args_t);
                                self.decref(callable);
                                return Err(self.type_error("keywords must be strings"));
                            };
                            kwargs.push((name, v));
                        }
                    }
                    let r = self.call(callable, &args, &kwargs);
                    self.xdecref(kw);
                    self.decref(args_t);
                    self.decref(callable);
                    f.stack.push(Some(r?));
                    return Ok(Flow::Next);
                }
                Instr::MakeFunction(flags) => {
                    let code_obj = pop!(f);
                    let closure = if flags.has(MakeFunctionFlags::CLOSURE) {
                        Some(pop!(f))
                    } else {
                        None
                    };
                    let kwdefaults = if flags.has(MakeFunctionFlags::KWDEFAULTS) {
                        Some(pop!(f))
                    } else {
                        None
                    };
                    let defaults = if flags.has(MakeFunctionFlags::DEFAULTS) {
                        Some(pop!(f))
                    } else {
                        None
                    };
                    let r = self.make_function(code_obj, f.globals, defaults, kwdefaults, closure);
                    self.decref(code_obj);
                    self.xdecref(closure);
                    self.xdecref(kwdefaults);
                    self.xdecref(defaults);
                    f.stack.push(Some(r?));
                }
                Instr::LoadBuildClass => {
                    let b = self.build_class_fn()?;
                    f.stack.push(Some(b));
                }
                Instr::ReturnValue => {
                    let v = pop!(f);
                    return Ok(Flow::Return(v));
                }
                Instr::YieldValue => {
                    let v = pop!(f);
                    return Ok(Flow::Yield(v));
                }
                Instr::GetYieldFromIter => {
                    let v = pop!(f);
                    if matches!(self.kind(v), Kind::Generator(_)) {
                        f.stack.push(Some(v));
                    } else {
                        let r = self.get_iter(v);
                        self.decref(v);
                        f.stack.push(Some(r?));
                    }
                }
                Instr::Send(t) => {
                    let v = pop!(f);
                    let recv = self.peek(f, 1)?;
                    let r = if self.is_none(v) || !matches!(self.kind(recv), Kind::Generator(_)) {
                        self.iter_next(recv).map(|o| {
                            o.map(super::super::builtins::GenStep::Yielded)
                                .unwrap_or(super::super::builtins::GenStep::Returned(None))
                        })
                    } else {
                        self.gen_send(recv, v)
                    };
                    self.decref(v);
                    match r? {
                        super::super::builtins::GenStep::Yielded(y) => f.stack.push(Some(y)),
                        super::super::builtins::GenStep::Returned(rv) => {
                            let recv = pop!(f);
                            self.decref(recv);
                            let rv = rv.unwrap_or(self.none_ref());
                            f.stack.push(Some(rv));
                            f.ip = t as usize;
                        }
                    }
                }
                Instr::Raise(n) => {
                    return Err(self.do_raise(f, n));
                }
                Instr::Reraise => {
                    let e = pop!(f);
                    return Err(PyErr::Exc(e));
                }
                Instr::PushExcInfo => {
                    let exc = pop!(f);
                    let prev = self.exc_info.take().unwrap_or(self.none_ref());
                    self.incref(exc);
                    self.exc_info = Some(exc);
                    f.stack.push(Some(prev));
                    f.stack.push(Some(exc));
                }
                Instr::PopExcept => {
                    let prev = pop!(f);
                    let old = if self.is_none(prev) {
                        self.exc_info.take()
                    } else {
                        self.exc_info.replace(prev)
                    };
                    self.xdecref(old);
                }
                Instr::CheckExcMatch => {
                    let ty = pop!(f);
                    let exc = self.peek(f, 1)?;
                    let r = self.exception_matches(exc, ty);
                    self.decref(ty);
                    let b = self.bool_obj(r?);
                    f.stack.push(Some(b));
                }
                Instr::BeforeWith => {
                    let mgr = pop!(f);
                    let r = self.before_with(mgr);
                    self.decref(mgr);
                    let (exit, value) = r?;
                    f.stack.push(Some(exit));
                    f.stack.push(Some(value));
                }
                Instr::WithExceptStart => {
                    let exc = self.peek(f, 1)?;
                    let exit = self.peek(f, 3)?;
                    let ty = self.type_of(exc);
                    let none = self.none_ref();
                    let r = self.call(exit, &[ty, exc, none], &[])?;
                    f.stack.push(Some(r));
                }
                Instr::LoadAssertionError => {
                    let c = self.t.assertion_error;
                    self.incref(c);
                    f.stack.push(Some(c));
                }
                Instr::ImportName(i) => {
                    let name = code.names.get(i as usize).copied().unwrap_or(NameId(0));
                    let m = self.import_module(name)?;
                    f.stack.push(Some(m));
                }
                Instr::ImportFrom(i) => {
                    let m = self.peek(f, 1)?;
                    let name = code.names.get(i as usize).copied().unwrap_or(NameId(0));
                    match self.getattr(m, name) {
                        Ok(v) => f.stack.push(Some(v)),
                        Err(e) => {
                            self.drop_err(e);
                            let mname = match self.kind(m) {
                                Kind::Module(md) => md.name.clone(),
                                _ => "?".into(),
                            };
                            let c = self.t.import_error;
                            let msg = format!(
                                "cannot import name '{}' from '{}' (unknown location)",
                                self.name_str(name),
                                mname
                            );
                            return Err(self.err(c, msg));
                        }
                    }
                }
                Instr::ImportStar => {
                    let m = pop!(f);
                    let r = self.import_star(m, f.locals.unwrap_or(f.globals));
                    self.decref(m);
                    r?;
                }
            }
        }
    }

    fn peek(&self, f: &Frame, n: usize) -> PyResult<ObjRef> {
        f.stack
            .len()
            .checked_sub(n)
            .and_then(|i| f.stack.get(i).copied().flatten())
            .ok_or(PyErr::Abort(Abort::Internal(
                "value stack underflow".into(),
            )))
    }

    fn pop_n(&self, f: &mut Frame, n: usize) -> PyResult<Vec<ObjRef>> {
        let Some(start) = f.stack.len().checked_sub(n) else {
            return Err(PyErr::Abort(Abort::Internal(
                "value stack underflow".into(),
            )));
        };
        Ok(f.stack.drain(start..).flatten().collect())
    }

    fn unbound_local(&mut self, code: &super::code::Code, i: u32) -> PyErr {
        let name = code
            .co
            .varnames
            .get(i as usize)
            .cloned()
            .unwrap_or_else(|| std::sync::Arc::from("?"));
        let c = self.t.unbound_local_error;
        self.err(
            c,
            format!(
                "cannot access local variable '{name}' where it is not associated with a value"
            ),
        )
    }

    fn unbound_deref(&mut self, code: &super::code::Code, i: u32) -> PyErr {
        let name = code
            .co
            .cell_name(i)
            .cloned()
            .unwrap_or_else(|| std::sync::Arc::from("?"));
        if (i as usize) < code.co.cellvars.len() {
            let c = self.t.unbound_local_error;
            self.err(
                c,
                format!(
                    "cannot access local variable '{name}' where it is not associated with a value"
                ),
            )
        } else {
            self.name_error(format!(
                "cannot access free variable '{name}' where it is not associated with a value in enclosing scope"
            ))
        }
    }

    /// `globals[name]`, else `builtins[name]`, else NameError (new reference).
    pub fn load_global(&mut self, globals: ObjRef, name: NameId) -> PyResult<ObjRef> {
        let key = self.name_obj(name);
        if let Some(v) = self.dict_get(globals, key)? {
            return Ok(v);
        }
        if let Some(v) = self.dict_get(self.builtins, key)? {
            return Ok(v);
        }
        let msg = format!("name '{}' is not defined", self.name_str(name));
        Err(self.name_error(msg))
    }

    /// A call from the loop: Python functions become a new frame (no Rust
    /// recursion); everything else is called directly. Owns all inputs.
    fn do_call(
        &mut self,
        f: &mut Frame,
        callable: ObjRef,
        self_arg: Option<ObjRef>,
        args: Vec<ObjRef>,
        kwnames: Option<ObjRef>,
    ) -> PyResult<Flow> {
        let mut all = args;
        if let Some(s) = self_arg {
            all.insert(0, s);
        }
        let mut kwargs: Vec<(NameId, ObjRef)> = Vec::new();
        if let Some(kn) = kwnames {
            let names: Vec<ObjRef> = match self.kind(kn) {
                Kind::Tuple(t) => t.to_vec(),
                _ => Vec::new(),
            };
            let split = all.len().saturating_sub(names.len());
            let vals: Vec<ObjRef> = all.drain(split..).collect();
            for (n, v) in names.into_iter().zip(vals) {
                let id = self.name_of_str(n).unwrap_or(NameId(0));
                kwargs.push((id, v));
            }
            self.decref(kn);
        }
        // Resolve bound methods so the frame path covers them too.
        let (target, bound) = match self.kind(callable) {
            Kind::Method { func, receiver } => (*func, Some(*receiver)),
            _ => (callable, None),
        };
        if let Some(r) = bound {
            self.incref(r);
            all.insert(0, r);
        }
        if all.is_empty() && kwargs.is_empty() {
            if let Some(extra) = self.frame_args(f, target)? {
                all.push(extra);
            }
            if target == self.t.super_ {
                if let Some((cls, first)) = self.zero_arg_super(f) {
                    self.incref(cls);
                    self.incref(first);
                    all.push(cls);
                    all.push(first);
                } else {
                    self.decref(callable);
                    let c = self.t.runtime_error;
                    return Err(self.err(c, "super(): no arguments"));
                }
            }
        }
        let result = if matches!(self.kind(target), Kind::Function(_)) {
            match self.make_frame(target, &all, &kwargs) {
                Ok(frame) => {
                    if frame.is_generator {
                        self.new_generator(target, frame).map(|g| {
                            f.stack.push(Some(g));
                            Flow::Next
                        })
                    } else {
                        Ok(Flow::Call(frame))
                    }
                }
                Err(e) => Err(e),
            }
        } else {
            self.call(target, &all, &kwargs).map(|v| {
                f.stack.push(Some(v));
                Flow::Next
            })
        };
        for a in all {
            self.decref(a);
        }
        for (_, v) in kwargs {
            self.decref(v);
        }
        self.decref(callable);
        result
    }

    /// The implicit argument of `globals()`, `locals()`, `vars()`, `dir()`
    /// called without arguments: the calling frame's namespace (new reference).
    fn frame_args(&mut self, f: &Frame, target: ObjRef) -> PyResult<Option<ObjRef>> {
        let Kind::Builtin(b) = self.kind(target) else {
            return Ok(None);
        };
        if b.receiver.is_some() {
            return Ok(None);
        }
        let Some(which) = crate::builtins::frame_aware(b.func) else {
            return Ok(None);
        };
        if which == "globals" {
            self.incref(f.globals);
            return Ok(Some(f.globals));
        }
        if let Some(l) = f.locals {
            self.incref(l);
            return Ok(Some(l));
        }
        if f.code.co.kind == crate::compile::code::CodeKind::Module {
            self.incref(f.globals);
            return Ok(Some(f.globals));
        }
        let d = self.new_dict()?;
        for (i, v) in f.fast.iter().enumerate() {
            if let (Some(v), Some(name)) = (v, f.code.varnames.get(i)) {
                let key = self.name_obj(*name);
                self.dict_set(d, key, *v)?;
            }
        }
        for (i, c) in f.cells.iter().enumerate() {
            let v = match self.kind(*c) {
                Kind::Cell(v) => *v,
                _ => None,
            };
            if let (Some(v), Some(name)) = (v, f.code.co.cell_name(i as u32)) {
                let id = self.intern_name(name);
                let key = self.name_obj(id);
                self.dict_set(d, key, v)?;
            }
        }
        Ok(Some(d))
    }

    /// `super()` without arguments: `__class__` from the frame's cells and
    /// its first argument.
    fn zero_arg_super(&self, f: &Frame) -> Option<(ObjRef, ObjRef)> {
        let co = &f.code.co;
        let pos = co.freevars.iter().position(|n| &**n == "__class__")?;
        let cell = *f.cells.get(co.cellvars.len() + pos)?;
        let cls = match self.kind(cell) {
            Kind::Cell(v) => (*v)?,
            _ => return None,
        };
        if co.argcount == 0 {
            return None;
        }
        let first = match f.fast.first().copied().flatten() {
            Some(v) => v,
            None => {
                // The first argument was moved into a cell.
                let ci = co.cell2arg.iter().position(|a| *a == Some(0))?;
                match self.kind(*f.cells.get(ci)?) {
                    Kind::Cell(v) => (*v)?,
                    _ => return None,
                }
            }
        };
        Some((cls, first))
    }

    fn make_function(
        &mut self,
        code_obj: ObjRef,
        globals: ObjRef,
        defaults: Option<ObjRef>,
        kwdefaults: Option<ObjRef>,
        closure: Option<ObjRef>,
    ) -> PyResult<ObjRef> {
        let Some(code) = self.code_of(code_obj) else {
            return Err(self.type_error("internal: MakeFunction without a code object"));
        };
        let tuple_items = |vm: &mut Vm, t: Option<ObjRef>| -> Vec<ObjRef> {
            let v: Vec<ObjRef> = match t.map(|t| vm.kind(t)) {
                Some(Kind::Tuple(items)) => items.to_vec(),
                _ => Vec::new(),
            };
            for r in &v {
                vm.incref(*r);
            }
            v
        };
        let defaults = tuple_items(self, defaults);
        let closure = tuple_items(self, closure);
        let mut kwd = Vec::new();
        if let Some(d) = kwdefaults {
            for (k, v) in self.dict_items(d) {
                if let Some(n) = self.name_of_str(k) {
                    self.incref(v);
                    kwd.push((n, v));
                }
            }
        }
        self.incref(code_obj);
        self.incref(globals);
        let mut attrs = crate::object::Attrs::default();
        if let Some(modname) = self.dict_get(globals, self.name_obj(self.n.name))? {
            attrs.set(self.n.module, modname);
        }
        let doc = if code.co.flags.has(CodeFlags::HAS_DOCSTRING) {
            code.consts.first().copied()
        } else {
            None
        };
        let doc = doc.unwrap_or(self.none_ref());
        self.incref(doc);
        attrs.set(self.n.doc, doc);
        let func = Function {
            name: code.co.name.to_string(),
            qualname: code.co.qualname.to_string(),
            code,
            code_obj,
            globals,
            defaults,
            kwdefaults: kwd,
            closure,
            attrs,
        };
        self.alloc(Kind::Function(Box::new(func)), sizes::FUNCTION)
    }

    /// Run a module's code with `globals` as its namespace.
    pub fn run_module_code(&mut self, code_obj: ObjRef, globals: ObjRef) -> PyResult<ObjRef> {
        let frame = self.body_frame(code_obj, globals, globals, &[])?;
        // Module frames use the dict as both globals and locals: drop the
        // duplicate locals reference so LoadName/StoreName hit globals.
        let mut frame = frame;
        if let Some(l) = frame.locals.take() {
            self.decref(l);
        }
        self.run_frame(frame)
    }

    /// `__build_class__(func, name, *bases)`.
    pub fn build_class(
        &mut self,
        args: &[ObjRef],
        kwargs: &[(NameId, ObjRef)],
    ) -> PyResult<ObjRef> {
        let (Some(&func), Some(&name)) = (args.first(), args.get(1)) else {
            return Err(self.type_error("__build_class__: not enough arguments"));
        };
        let bases = args.get(2..).unwrap_or(&[]);
        if bases.len() > 1 {
            return Err(self.type_error("multiple inheritance is not supported by pymm"));
        }
        let _ = kwargs;
        let name_s = self.str_string(name)?;
        let (code_obj, globals, closure) = match self.kind(func) {
            Kind::Function(fun) => (fun.code_obj, fun.globals, fun.closure.clone()),
            _ => return Err(self.type_error("__build_class__: func must be a function")),
        };
        let ns = self.new_dict()?;
        let modname = self.dict_get(globals, self.name_obj(self.n.name))?;
        if let Some(m) = modname {
            let r = self.dict_set(ns, self.name_obj(self.n.module), m);
            self.decref(m);
            if let Err(e) = r {
                self.decref(ns);
                return Err(e);
            }
        }
        let qn_code = self.code_of(code_obj).map(|c| c.co.qualname.clone());
        if let Some(qn) = qn_code {
            let q = self.new_str(&qn)?;
            let r = self.dict_set(ns, self.name_obj(self.n.qualname), q);
            self.decref(q);
            r?;
        }
        let frame = match self.body_frame(code_obj, globals, ns, &closure) {
            Ok(fr) => fr,
            Err(e) => {
                self.decref(ns);
                return Err(e);
            }
        };
        let cell = match self.run_frame(frame) {
            Ok(c) => c,
            Err(e) => {
                self.decref(ns);
                return Err(e);
            }
        };
        let base = bases.first().copied();
        let r = self.new_class_from_ns(&name_s, base, ns);
        self.decref(ns);
        let cls = match r {
            Ok(c) => c,
            Err(e) => {
                self.decref(cell);
                return Err(e);
            }
        };
        if matches!(self.kind(cell), Kind::Cell(_)) {
            self.incref(cls);
            let old = match self.heap.get_mut(cell).map(|o| &mut o.kind) {
                Some(Kind::Cell(slot)) => slot.replace(cls),
                _ => None,
            };
            self.xdecref(old);
        }
        self.decref(cell);
        Ok(cls)
    }

    fn do_raise(&mut self, f: &mut Frame, n: u32) -> PyErr {
        if n == 0 {
            return match self.exc_info {
                Some(e) => {
                    self.incref(e);
                    PyErr::Exc(e)
                }
                None => self.runtime_error("No active exception to reraise"),
            };
        }
        let cause = if n == 2 {
            f.stack.pop().flatten()
        } else {
            None
        };
        let Some(exc) = f.stack.pop().flatten() else {
            return PyErr::Abort(Abort::Internal("value stack underflow".into()));
        };
        let exc = match self.make_exception(exc) {
            Ok(e) => e,
            Err(e) => {
                self.xdecref(cause);
                return e;
            }
        };
        if let Some(c) = cause {
            let c = if self.is_none(c) {
                None
            } else {
                match self.make_exception(c) {
                    Ok(c) => Some(c),
                    Err(e) => {
                        self.decref(exc);
                        return e;
                    }
                }
            };
            let old = self.exc_state_mut(exc).map(|st| {
                st.suppress_context = true;
                std::mem::replace(&mut st.cause, c)
            });
            self.xdecref(old.flatten());
        }
        PyErr::Exc(exc)
    }

    /// An exception instance from a raise operand (a class is instantiated).
    fn make_exception(&mut self, v: ObjRef) -> PyResult<ObjRef> {
        if matches!(self.kind(v), Kind::Class(_)) && self.is_subclass(v, self.t.base_exception) {
            let r = self.call(v, &[], &[]);
            self.decref(v);
            return r;
        }
        if self.is_instance(v, self.t.base_exception) {
            return Ok(v);
        }
        self.decref(v);
        Err(self.type_error("exceptions must derive from BaseException"))
    }

    /// Attach `__context__` (the exception being handled) to a new exception.
    pub fn set_context(&mut self, exc: ObjRef) {
        let Some(ctx) = self.exc_info else { return };
        if ctx == exc {
            return;
        }
        let has = self.exc_state(exc).is_some_and(|s| s.context.is_some());
        if has {
            return;
        }
        self.incref(ctx);
        if let Some(st) = self.exc_state_mut(exc) {
            st.context = Some(ctx);
        } else {
            self.decref(ctx);
        }
    }

    fn exception_matches(&mut self, exc: ObjRef, ty: ObjRef) -> PyResult<bool> {
        let check = |vm: &mut Vm, t: ObjRef| -> PyResult<bool> {
            if !(matches!(vm.kind(t), Kind::Class(_)) && vm.is_subclass(t, vm.t.base_exception)) {
                return Err(vm.type_error(
                    "catching classes that do not inherit from BaseException is not allowed",
                ));
            }
            Ok(vm.is_instance(exc, t))
        };
        if let Kind::Tuple(items) = self.kind(ty) {
            let items = items.to_vec();
            for t in items {
                if check(self, t)? {
                    return Ok(true);
                }
            }
            return Ok(false);
        }
        check(self, ty)
    }

    fn before_with(&mut self, mgr: ObjRef) -> PyResult<(ObjRef, ObjRef)> {
        let cls = self.type_of(mgr);
        let enter = self.lookup_in_mro(cls, self.n.enter);
        let exit = self.lookup_in_mro(cls, self.n.exit);
        let (Some(enter), Some(_)) = (enter, exit) else {
            let msg = format!(
                "'{}' object does not support the context manager protocol",
                self.type_name(mgr)
            );
            return Err(self.type_error(msg));
        };
        let exit_bound = self.getattr(mgr, self.n.exit)?;
        self.incref(enter);
        let r = self.call(enter, &[mgr], &[]);
        self.decref(enter);
        match r {
            Ok(v) => Ok((exit_bound, v)),
            Err(e) => {
                self.decref(exit_bound);
                Err(e)
            }
        }
    }

    fn format_value(
        &mut self,
        v: ObjRef,
        conv: Conversion,
        spec: Option<ObjRef>,
    ) -> PyResult<ObjRef> {
        let converted = match conv {
            Conversion::None => {
                self.incref(v);
                v
            }
            Conversion::Str => self.to_str(v)?,
            Conversion::Repr => self.to_repr(v)?,
            Conversion::Ascii => {
                let s = self.repr_string(v)?;
                let a = crate::builtins::ascii_escape(&s);
                self.new_string(a)?
            }
        };
        let spec_s = match spec {
            Some(s) => match self.kind(s) {
                Kind::Str(so) => so.s.to_string(),
                _ => String::new(),
            },
            None => String::new(),
        };
        if spec_s.is_empty() && matches!(self.kind(converted), Kind::Str(_)) {
            return Ok(converted);
        }
        let r = self.format(converted, &spec_s);
        self.decref(converted);
        r
    }

    /// Resume a generator: `GenStep::Yielded` or `Returned`.
    pub fn gen_send(&mut self, genr: ObjRef, v: ObjRef) -> PyResult<crate::builtins::GenStep> {
        self.gen_resume(genr, Some(v), None)
    }

    /// Resume a generator with a sent value or a thrown exception.
    pub fn gen_resume(
        &mut self,
        genr: ObjRef,
        sent: Option<ObjRef>,
        throw: Option<ObjRef>,
    ) -> PyResult<crate::builtins::GenStep> {
        use crate::builtins::GenStep;
        let frame = match self.heap.get_mut(genr).map(|o| &mut o.kind) {
            Some(Kind::Generator(g)) => {
                if g.running {
                    return Err(self.value_error("generator already executing"));
                }
                match g.frame.take() {
                    Some(fr) => {
                        g.running = true;
                        fr
                    }
                    None => {
                        if let Some(t) = throw {
                            return Err(PyErr::Exc(t));
                        }
                        return Ok(GenStep::Returned(None));
                    }
                }
            }
            _ => return Err(self.type_error("not a generator")),
        };
        let mut frame = frame;
        if frame.ip == 0 {
            if let Some(s) = sent
                && !self.is_none(s)
            {
                self.set_gen_frame(genr, Some(frame));
                return Err(
                    self.type_error("can't send non-None value to a just-started generator")
                );
            }
        } else if throw.is_none() {
            let s = sent.unwrap_or(self.none_ref());
            self.incref(s);
            frame.stack.push(Some(s));
        }
        // The generator's exception state replaces the caller's while it runs.
        let saved = std::mem::replace(&mut self.exc_info, frame.gen_exc.take());
        let result = match throw {
            Some(t) => {
                // Raise at the suspended instruction: unwind through eval.
                frame.ip = frame.lasti;
                self.eval_throw(frame, t)
            }
            None => self.eval(frame),
        };
        let gen_exc = std::mem::replace(&mut self.exc_info, saved);
        match result {
            Ok(FrameExit::Yield(v, mut fr)) => {
                fr.gen_exc = gen_exc;
                self.set_gen_frame(genr, Some(fr));
                Ok(GenStep::Yielded(v))
            }
            Ok(FrameExit::Return(v)) => {
                self.xdecref(gen_exc);
                self.set_gen_frame(genr, None);
                if self.is_none(v) {
                    Ok(GenStep::Returned(None))
                } else {
                    Ok(GenStep::Returned(Some(v)))
                }
            }
            Err(e) => {
                self.xdecref(gen_exc);
                self.set_gen_frame(genr, None);
                // A StopIteration escaping a generator becomes RuntimeError (PEP 479).
                if self.err_matches(&e, self.t.stop_iteration) {
                    self.drop_err(e);
                    return Err(self.runtime_error("generator raised StopIteration"));
                }
                Err(e)
            }
        }
    }

    fn eval_throw(&mut self, mut frame: Box<Frame>, exc: ObjRef) -> PyResult<FrameExit> {
        // Mimic an exception raised by the yield instruction: find its handler.
        if let Err(e) = self.enter() {
            self.release_frame(frame);
            self.decref(exc);
            return Err(e);
        }
        let base = self.frames.len();
        self.tm_push(&frame);
        match self.unwind(&mut frame, PyErr::Exc(exc), base, false) {
            Ok(()) => {
                self.depth -= 1;
                self.tm_pop();
                self.eval(frame)
            }
            Err(e) => {
                self.depth += 1;
                self.depth -= 1;
                Err(e)
            }
        }
    }

    fn set_gen_frame(&mut self, genr: ObjRef, frame: Option<Box<Frame>>) {
        if let Some(Kind::Generator(g)) = self.heap.get_mut(genr).map(|o| &mut o.kind) {
            g.running = false;
            g.frame = frame;
        } else if let Some(fr) = frame {
            self.release_frame(fr);
        }
    }

    /// The current frame stack's traceback (outermost first): for
    /// tracemalloc and error reports.
    pub fn frame_lines(&self) -> Vec<(std::sync::Arc<str>, u32)> {
        self.frames
            .iter()
            .map(|f| (f.code.co.filename.clone(), f.line()))
            .collect()
    }
}
