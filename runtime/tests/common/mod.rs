//! Shared by the front-end tests: a bytecode verifier.

use std::collections::VecDeque;

use runtime::compile::code::{CodeObject, Constant, Instr};

/// Check the invariants the VM relies on, for `code` and every nested code
/// object: every index is in range, every path has one stack depth at each
/// instruction (never negative, never above `max_stackdepth`), no path
/// falls off the end, jump and handler targets are instructions, the
/// exception table is sorted and non-overlapping and a handler's depth is
/// at most the depth of the instructions it protects. CPython's
/// `stackdepth()` flow analysis, used as an oracle.
pub(crate) fn verify(code: &CodeObject) -> Result<(), String> {
    let n = code.instrs.len();
    let ctx = |i: usize, msg: String| {
        format!(
            "{}: instr {i} {:?}: {msg}",
            code.qualname,
            code.instrs.get(i)
        )
    };
    if code.locations.len() != n {
        return Err(format!(
            "{}: {} locations for {n} instructions",
            code.qualname,
            code.locations.len()
        ));
    }
    let ncells = code.cellvars.len() + code.freevars.len();
    if code.cell2arg.len() != code.cellvars.len() {
        return Err(format!("{}: cell2arg length", code.qualname));
    }
    for a in code.cell2arg.iter().flatten() {
        if *a as usize >= code.varnames.len() {
            return Err(format!("{}: cell2arg out of range", code.qualname));
        }
    }
    let mut prev_end = 0;
    for e in &code.exception_table {
        if e.start >= e.end || e.start < prev_end || e.end as usize > n || e.target as usize >= n {
            return Err(format!(
                "{}: bad exception table entry {e:?}",
                code.qualname
            ));
        }
        prev_end = e.end;
    }
    for (i, ins) in code.instrs.iter().enumerate() {
        let bad = match *ins {
            Instr::LoadConst(k) => k as usize >= code.consts.len(),
            Instr::LoadFast(k) | Instr::StoreFast(k) | Instr::DeleteFast(k) => {
                k as usize >= code.varnames.len()
            }
            Instr::LoadDeref(k)
            | Instr::StoreDeref(k)
            | Instr::DeleteDeref(k)
            | Instr::LoadClosure(k)
            | Instr::LoadClassDeref(k) => k as usize >= ncells,
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
            | Instr::ImportFrom(k) => k as usize >= code.names.len(),
            Instr::BuildSlice(k) => !(k == 2 || k == 3),
            Instr::Raise(k) => k > 2,
            Instr::Copy(k) => k < 1,
            Instr::Swap(k) => k < 2,
            _ => false,
        };
        if bad {
            return Err(ctx(i, "index out of range".into()));
        }
        if let Some(t) = ins.jump_target()
            && t as usize >= n
        {
            return Err(ctx(i, "jump target out of range".into()));
        }
        if matches!(ins, Instr::CallKw(_) | Instr::CallMethodKw(_)) {
            let ok = i > 0
                && matches!(code.instrs[i - 1], Instr::LoadConst(k)
                    if matches!(code.consts.get(k as usize), Some(Constant::Tuple(_))));
            if !ok {
                return Err(ctx(i, "keyword call without a kwnames tuple".into()));
            }
        }
    }
    let mut depth: Vec<Option<i32>> = vec![None; n];
    let mut queue = VecDeque::new();
    let reach = |depth: &mut Vec<Option<i32>>,
                 queue: &mut VecDeque<usize>,
                 at: usize,
                 d: i32,
                 from: usize|
     -> Result<(), String> {
        if at >= n {
            return Err(ctx(from, "falls off the end of the code".into()));
        }
        if d < 0 {
            return Err(ctx(from, format!("stack underflow ({d})")));
        }
        if d > code.max_stackdepth as i32 {
            return Err(ctx(
                from,
                format!("depth {d} above max_stackdepth {}", code.max_stackdepth),
            ));
        }
        match depth[at] {
            Some(old) if old != d => Err(ctx(at, format!("reached with depths {old} and {d}"))),
            Some(_) => Ok(()),
            None => {
                depth[at] = Some(d);
                queue.push_back(at);
                Ok(())
            }
        }
    };
    if n == 0 {
        return Err(format!("{}: no instructions", code.qualname));
    }
    reach(&mut depth, &mut queue, 0, 0, 0)?;
    while let Some(i) = queue.pop_front() {
        let d = depth[i].unwrap_or(0);
        let ins = code.instrs[i];
        // the stack effect needs enough entries to pop
        let needs = match ins {
            Instr::Copy(k) | Instr::Swap(k) => k as i32,
            _ => 0,
        };
        if d < needs {
            return Err(ctx(i, format!("needs {needs} entries, has {d}")));
        }
        if let Some(h) = code.handler_for(i as u32) {
            if h.depth as i32 > d {
                return Err(ctx(
                    i,
                    format!("handler depth {} above stack depth {d}", h.depth),
                ));
            }
            reach(
                &mut depth,
                &mut queue,
                h.target as usize,
                h.depth as i32 + 1,
                i,
            )?;
        }
        if let Some(t) = ins.jump_target() {
            reach(
                &mut depth,
                &mut queue,
                t as usize,
                d + ins.stack_effect(true),
                i,
            )?;
        }
        if !ins.is_terminator() {
            reach(
                &mut depth,
                &mut queue,
                i + 1,
                d + ins.stack_effect(false),
                i,
            )?;
        }
        if matches!(ins, Instr::ReturnValue) && d != 1 {
            return Err(ctx(i, format!("returns with {d} entries on the stack")));
        }
    }
    for c in &code.consts {
        if let Constant::Code(inner) = c {
            verify(inner)?;
        }
    }
    Ok(())
}
