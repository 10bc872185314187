//! Runtime code objects: a compiled [`CodeObject`] with its constants
//! materialized as heap objects it owns (`co_consts`) and its names interned.

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use crate::compile::{CodeObject, Constant, Instr};
use crate::object::{Kind, NameId, ObjRef, sizes};

use super::{PyResult, Vm};

/// A code object the VM executes.
#[derive(Debug)]
pub struct Code {
    /// The compiler's code object.
    pub co: Arc<CodeObject>,
    /// `co_consts`, materialized; owned references.
    pub consts: Vec<ObjRef>,
    /// `co_names`, interned.
    pub names: Vec<NameId>,
    /// `co_varnames`, interned.
    pub varnames: Vec<NameId>,
    /// The instructions (shared with `co`).
    pub instrs: Rc<[Instr]>,
}

impl Code {
    /// A code object with no instructions (placeholder frames).
    pub fn empty() -> Self {
        let co = CodeObject {
            name: Arc::from(""),
            qualname: Arc::from(""),
            filename: Arc::from(""),
            first_line: 0,
            kind: crate::compile::code::CodeKind::Module,
            flags: crate::compile::code::CodeFlags::default(),
            argcount: 0,
            posonlyargcount: 0,
            kwonlyargcount: 0,
            varnames: Vec::new(),
            cellvars: Vec::new(),
            freevars: Vec::new(),
            cell2arg: Vec::new(),
            names: Vec::new(),
            consts: Vec::new(),
            instrs: Vec::new(),
            locations: Vec::new(),
            exception_table: Vec::new(),
            max_stackdepth: 0,
        };
        Code {
            co: Arc::new(co),
            consts: Vec::new(),
            names: Vec::new(),
            varnames: Vec::new(),
            instrs: Rc::from(Vec::new()),
        }
    }

    /// `co_name`.
    pub fn name(&self) -> &Arc<str> {
        &self.co.name
    }
}

impl Vm {
    /// Materialize a compiled module: every constant of every nested code
    /// object becomes a heap object; equal constants of one compilation are
    /// shared (CPython's `c_const_cache`). Returns the `Code` heap object.
    pub fn materialize(&mut self, co: &Arc<CodeObject>) -> PyResult<ObjRef> {
        let mut cache: HashMap<Constant, ObjRef> = HashMap::new();
        let r = self.materialize_code(co, &mut cache);
        // CPython 3.11 shows two references per constant (co_consts and the
        // compiler's constant cache, which lives as long as the code): keep
        // the cache's references until teardown.
        self.const_cache.extend(cache.into_values());
        r
    }

    fn materialize_code(
        &mut self,
        co: &Arc<CodeObject>,
        cache: &mut HashMap<Constant, ObjRef>,
    ) -> PyResult<ObjRef> {
        let mut consts = Vec::with_capacity(co.consts.len());
        for c in &co.consts {
            match self.materialize_const(c, cache) {
                Ok(r) => consts.push(r),
                Err(e) => {
                    for r in consts {
                        self.decref(r);
                    }
                    return Err(e);
                }
            }
        }
        let names = co.names.iter().map(|n| self.intern_name(n)).collect();
        let varnames = co.varnames.iter().map(|n| self.intern_name(n)).collect();
        let code = Code {
            co: co.clone(),
            consts,
            names,
            varnames,
            instrs: co.instrs.clone().into(),
        };
        self.alloc(Kind::Code(Rc::new(code)), sizes::CODE)
    }

    fn materialize_const(
        &mut self,
        c: &Constant,
        cache: &mut HashMap<Constant, ObjRef>,
    ) -> PyResult<ObjRef> {
        if let Some(&r) = cache.get(c) {
            self.incref(r);
            return Ok(r);
        }
        let r = match c {
            Constant::None => self.none(),
            Constant::True => self.bool_obj(true),
            Constant::False => self.bool_obj(false),
            Constant::Ellipsis => self.new_ellipsis(),
            Constant::Int(i) => self.new_bigint(i.clone())?,
            Constant::Float(f) => self.new_float(*f)?,
            Constant::Str(s) => {
                if self.policy.shares(interning::Candidate::StrConstant(s)) {
                    self.intern_str(s)?
                } else {
                    self.new_str(s)?
                }
            }
            Constant::Bytes(b) => self.new_bytes(b)?,
            Constant::Tuple(items) => {
                let mut v = Vec::with_capacity(items.len());
                for it in items.iter() {
                    match self.materialize_const(it, cache) {
                        Ok(r) => v.push(r),
                        Err(e) => {
                            for r in v {
                                self.decref(r);
                            }
                            return Err(e);
                        }
                    }
                }
                self.new_tuple(v)?
            }
            Constant::Code(co) => self.materialize_code(co, cache)?,
        };
        self.incref(r);
        cache.insert(c.clone(), r);
        Ok(r)
    }

    /// The runtime code behind a `Code` object.
    pub fn code_of(&self, r: ObjRef) -> Option<Rc<Code>> {
        match self.heap.kind(r) {
            Kind::Code(c) => Some(c.clone()),
            _ => None,
        }
    }
}
