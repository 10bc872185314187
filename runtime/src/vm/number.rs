//! Numeric operators and the binary-operator protocol (`binary_op1` in
//! `Objects/abstract.c`): built-in fast paths for int/float/str/list/tuple,
//! then `__op__` / `__rop__` of user classes, with CPython's messages.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Pow, Signed, ToPrimitive, Zero};

use crate::compile::code::{BinaryOperator as B, ComparisonOperator as C, UnaryOperator as U};
use crate::object::{Kind, NameId, ObjRef};

use super::{PyResult, Vm};

/// A number pulled out of an object.
#[derive(Clone, Debug)]
pub enum Num {
    /// A machine-size int (or bool).
    I(i64),
    /// A big int.
    B(BigInt),
    /// A float.
    F(f64),
}

impl Num {
    fn big(&self) -> BigInt {
        match self {
            Num::I(i) => BigInt::from(*i),
            Num::B(b) => b.clone(),
            Num::F(f) => BigInt::from(*f as i64),
        }
    }
}

/// Convert a big int to float, or OverflowError's message.
pub fn big_to_f64(b: &BigInt) -> Result<f64, &'static str> {
    match b.to_f64() {
        Some(f) if f.is_finite() => Ok(f),
        _ => Err("int too large to convert to float"),
    }
}

impl Vm {
    /// The number in `r`, if it is an int, bool or float.
    #[inline]
    pub fn num(&self, r: ObjRef) -> Option<Num> {
        match self.kind(r) {
            Kind::Int(i) => Some(Num::I(*i)),
            Kind::Bool(b) => Some(Num::I(i64::from(*b))),
            Kind::BigInt(b) => Some(Num::B((**b).clone())),
            Kind::Float(f) => Some(Num::F(*f)),
            _ => None,
        }
    }

    /// A new object for a number.
    pub fn num_obj(&mut self, n: Num) -> PyResult<ObjRef> {
        match n {
            Num::I(i) => self.new_int(i),
            Num::B(b) => self.new_bigint(b),
            Num::F(f) => self.new_float(f),
        }
    }

    fn num_as_f64(&mut self, n: &Num) -> PyResult<f64> {
        match n {
            Num::I(i) => Ok(*i as f64),
            Num::F(f) => Ok(*f),
            Num::B(b) => big_to_f64(b).map_err(|m| self.overflow_error(m)),
        }
    }

    /// Arithmetic on two numbers; `None` when the operator does not apply.
    pub fn num_binop(&mut self, op: B, a: &Num, b: &Num) -> PyResult<Option<Num>> {
        if matches!(a, Num::F(_)) || matches!(b, Num::F(_)) {
            if matches!(
                op,
                B::LShift | B::RShift | B::And | B::Or | B::Xor | B::MatMul
            ) {
                return Ok(None);
            }
            let x = self.num_as_f64(a)?;
            let y = self.num_as_f64(b)?;
            return self.float_binop(op, x, y).map(|f| Some(Num::F(f)));
        }
        if let (Num::I(x), Num::I(y)) = (a, b) {
            let (x, y) = (*x, *y);
            let fast = match op {
                B::Add => x.checked_add(y),
                B::Sub => x.checked_sub(y),
                B::Mul => x.checked_mul(y),
                B::And => Some(x & y),
                B::Or => Some(x | y),
                B::Xor => Some(x ^ y),
                B::FloorDiv if y != 0 => {
                    x.checked_div_euclid(y).map(|_| Integer::div_floor(&x, &y))
                }
                B::Mod if y != 0 => x.checked_rem(y).map(|_| Integer::mod_floor(&x, &y)),
                B::RShift if y >= 0 => Some(if y >= 64 {
                    if x < 0 { -1 } else { 0 }
                } else {
                    x >> y
                }),
                B::LShift if (0..63).contains(&y) => {
                    let r = x.checked_shl(y as u32);
                    r.filter(|r| (r >> y) == x)
                }
                _ => None,
            };
            if let Some(v) = fast {
                return Ok(Some(Num::I(v)));
            }
        }
        let x = a.big();
        let y = b.big();
        let r = match op {
            B::Add => x + y,
            B::Sub => x - y,
            B::Mul => x * y,
            B::And => x & y,
            B::Or => x | y,
            B::Xor => x ^ y,
            B::FloorDiv => {
                if y.is_zero() {
                    return Err(self.zero_division("integer division or modulo by zero"));
                }
                x.div_floor(&y)
            }
            B::Mod => {
                if y.is_zero() {
                    return Err(self.zero_division("integer modulo by zero"));
                }
                x.mod_floor(&y)
            }
            B::TrueDiv => {
                if y.is_zero() {
                    return Err(self.zero_division("division by zero"));
                }
                let q = match (x.to_f64(), y.to_f64()) {
                    (Some(p), Some(q)) if p.abs() < 9.0e15 && q.abs() < 9.0e15 => p / q,
                    _ => {
                        // Exact-ish for big operands: scale through the quotient.
                        let (qi, r) = x.div_mod_floor(&y);
                        let qf = big_to_f64(&qi).map_err(|m| self.overflow_error(m))?;
                        qf + r.to_f64().unwrap_or(0.0) / y.to_f64().unwrap_or(f64::INFINITY)
                    }
                };
                return Ok(Some(Num::F(q)));
            }
            B::Pow => {
                if y.is_negative() {
                    let xf = self.num_as_f64(a)?;
                    let yf = self.num_as_f64(b)?;
                    if xf == 0.0 {
                        return Err(self.zero_division("0.0 cannot be raised to a negative power"));
                    }
                    return Ok(Some(Num::F(xf.powf(yf))));
                }
                let Some(e) = y.to_u32() else {
                    if x.is_zero() || x == BigInt::from(1) {
                        return Ok(Some(Num::B(x)));
                    }
                    if x == BigInt::from(-1) {
                        return Ok(Some(Num::I(if y.is_even() { 1 } else { -1 })));
                    }
                    return Err(self.memory_error());
                };
                if x.bits().saturating_mul(u64::from(e)) > 64 * 1024 * 1024 {
                    return Err(self.memory_error());
                }
                Pow::pow(x, e)
            }
            B::LShift => {
                if y.is_negative() {
                    return Err(self.value_error("negative shift count"));
                }
                let Some(s) = y.to_usize() else {
                    return Err(self.overflow_error("too many digits in integer"));
                };
                if s > 1 << 28 {
                    return Err(self.memory_error());
                }
                x << s
            }
            B::RShift => {
                if y.is_negative() {
                    return Err(self.value_error("negative shift count"));
                }
                let s = y.to_usize().unwrap_or(usize::MAX);
                if s > x.bits() as usize {
                    BigInt::from(if x.is_negative() { -1 } else { 0 })
                } else {
                    x >> s
                }
            }
            B::MatMul => return Ok(None),
        };
        Ok(Some(Num::B(r)))
    }

    fn float_binop(&mut self, op: B, x: f64, y: f64) -> PyResult<f64> {
        Ok(match op {
            B::Add => x + y,
            B::Sub => x - y,
            B::Mul => x * y,
            B::TrueDiv => {
                if y == 0.0 {
                    return Err(self.zero_division("float division by zero"));
                }
                x / y
            }
            B::FloorDiv => {
                if y == 0.0 {
                    return Err(self.zero_division("float floor division by zero"));
                }
                float_divmod(x, y).0
            }
            B::Mod => {
                if y == 0.0 {
                    return Err(self.zero_division("float modulo"));
                }
                float_divmod(x, y).1
            }
            B::Pow => {
                if x == 0.0 && y < 0.0 {
                    return Err(self.zero_division("0.0 cannot be raised to a negative power"));
                }
                if x < 0.0 && y.fract() != 0.0 {
                    return Err(self.value_error("complex results are not supported by pymm"));
                }
                let r = x.powf(y);
                if r.is_infinite() && x.is_finite() && y.is_finite() {
                    return Err(self.overflow_error("(34, 'Numerical result out of range')"));
                }
                r
            }
            _ => f64::NAN,
        })
    }

    /// `a op b` (or `a op= b` when `inplace`), returning a new reference.
    pub fn binary_op(&mut self, op: B, a: ObjRef, b: ObjRef, inplace: bool) -> PyResult<ObjRef> {
        // Fast numeric path.
        if let (Some(x), Some(y)) = (self.num(a), self.num(b))
            && let Some(r) = self.num_binop(op, &x, &y)?
        {
            return self.num_obj(r);
        }
        if inplace {
            if let Some(r) = self.try_inplace_builtin(op, a, b)? {
                return Ok(r);
            }
            let iname = inplace_name(self, op);
            if let Some(r) = self.call_user_binop(a, iname, b)? {
                return Ok(r);
            }
        }
        if let Some(r) = self.builtin_binop(op, a, b)? {
            return Ok(r);
        }
        let (fwd, rev) = op_names(self, op);
        let ta = self.type_of(a);
        let tb = self.type_of(b);
        // The subclass rule: a right operand of a subclass type goes first.
        let rev_first = ta != tb && self.is_subclass(tb, ta) && self.user_defines(tb, rev);
        if rev_first && let Some(r) = self.call_user_binop(b, rev, a)? {
            return Ok(r);
        }
        if let Some(r) = self.call_user_binop(a, fwd, b)? {
            return Ok(r);
        }
        if ta != tb
            && !rev_first
            && let Some(r) = self.call_user_binop(b, rev, a)?
        {
            return Ok(r);
        }
        let sym = if inplace {
            format!("{}=", op.symbol())
        } else {
            op.symbol().to_string()
        };
        let (na, nb) = (self.type_name(a).to_string(), self.type_name(b).to_string());
        let msg = match (op, self.kind(a)) {
            (B::Add, Kind::Str(_)) => format!("can only concatenate str (not \"{nb}\") to str"),
            (B::Add, Kind::List(_)) => format!("can only concatenate list (not \"{nb}\") to list"),
            (B::Add, Kind::Tuple(_)) => {
                format!("can only concatenate tuple (not \"{nb}\") to tuple")
            }
            (B::Mul, Kind::Str(_) | Kind::List(_) | Kind::Tuple(_)) => {
                format!("can't multiply sequence by non-int of type '{nb}'")
            }
            _ => match (op, self.kind(b)) {
                (B::Mul, Kind::Str(_) | Kind::List(_) | Kind::Tuple(_)) => {
                    format!("can't multiply sequence by non-int of type '{na}'")
                }
                _ => {
                    if op == B::Pow {
                        format!("unsupported operand type(s) for ** or pow(): '{na}' and '{nb}'")
                    } else {
                        format!("unsupported operand type(s) for {sym}: '{na}' and '{nb}'")
                    }
                }
            },
        };
        Err(self.type_error(msg))
    }

    fn user_defines(&self, cls: ObjRef, name: NameId) -> bool {
        match self.class(cls) {
            Some(c) if !matches!(c.layout, crate::object::Layout::Builtin(_)) => {
                self.lookup_in_mro(cls, name).is_some()
            }
            _ => false,
        }
    }

    /// Call `type(x).name(x, y)` if a Python class defines it; `None` for
    /// absent or `NotImplemented`.
    pub fn call_user_binop(
        &mut self,
        x: ObjRef,
        name: NameId,
        y: ObjRef,
    ) -> PyResult<Option<ObjRef>> {
        let cls = self.type_of(x);
        if !matches!(self.kind(x), Kind::Instance(_)) {
            return Ok(None);
        }
        let Some(m) = self.lookup_in_mro(cls, name) else {
            return Ok(None);
        };
        self.incref(m);
        let r = self.call(m, &[x, y], &[]);
        self.decref(m);
        let r = r?;
        if r == self.not_implemented() {
            return Ok(None);
        }
        Ok(Some(r))
    }

    fn try_inplace_builtin(&mut self, op: B, a: ObjRef, b: ObjRef) -> PyResult<Option<ObjRef>> {
        match (op, self.kind(a)) {
            (B::Add, Kind::List(_)) => {
                self.list_extend(a, b)?;
                self.incref(a);
                Ok(Some(a))
            }
            (B::Or, Kind::Set(_)) if matches!(self.kind(b), Kind::Set(_) | Kind::FrozenSet(_)) => {
                self.set_update(a, b)?;
                self.incref(a);
                Ok(Some(a))
            }
            (B::Or, Kind::Dict(_)) if matches!(self.kind(b), Kind::Dict(_)) => {
                self.dict_update(a, b)?;
                self.incref(a);
                Ok(Some(a))
            }
            _ => Ok(None),
        }
    }

    fn builtin_binop(&mut self, op: B, a: ObjRef, b: ObjRef) -> PyResult<Option<ObjRef>> {
        match (op, self.kind(a), self.kind(b)) {
            (B::Add, Kind::Str(x), Kind::Str(y)) => {
                if x.s.is_empty() {
                    self.incref(b);
                    return Ok(Some(b));
                }
                if y.s.is_empty() {
                    self.incref(a);
                    return Ok(Some(a));
                }
                let mut s = String::with_capacity(x.s.len() + y.s.len());
                s.push_str(&x.s);
                s.push_str(&y.s);
                self.new_string(s).map(Some)
            }
            (B::Add, Kind::List(x), Kind::List(y)) => {
                let items: Vec<ObjRef> = x.items.iter().chain(y.items.iter()).copied().collect();
                for i in &items {
                    self.incref(*i);
                }
                self.new_list(items).map(Some)
            }
            (B::Add, Kind::Tuple(x), Kind::Tuple(y)) => {
                let items: Vec<ObjRef> = x.iter().chain(y.iter()).copied().collect();
                for i in &items {
                    self.incref(*i);
                }
                self.new_tuple(items).map(Some)
            }
            (
                B::Mul,
                Kind::Str(_) | Kind::List(_) | Kind::Tuple(_),
                Kind::Int(_) | Kind::Bool(_) | Kind::BigInt(_),
            ) => self.seq_repeat(a, b).map(Some),
            (
                B::Mul,
                Kind::Int(_) | Kind::Bool(_) | Kind::BigInt(_),
                Kind::Str(_) | Kind::List(_) | Kind::Tuple(_),
            ) => self.seq_repeat(b, a).map(Some),
            (B::Mod, Kind::Str(_), _) => self.str_percent(a, b).map(Some),
            (
                B::Or | B::And | B::Sub | B::Xor,
                Kind::Set(_) | Kind::FrozenSet(_),
                Kind::Set(_) | Kind::FrozenSet(_),
            ) => self.set_binop(op, a, b).map(Some),
            (B::Or, Kind::Dict(_), Kind::Dict(_)) => {
                let d = self.dict_copy(a)?;
                if let Err(e) = self.dict_update(d, b) {
                    self.decref(d);
                    return Err(e);
                }
                Ok(Some(d))
            }
            _ => Ok(None),
        }
    }

    fn seq_repeat(&mut self, seq: ObjRef, n: ObjRef) -> PyResult<ObjRef> {
        let count = match self.num(n) {
            Some(Num::I(i)) => i,
            Some(Num::B(b)) => {
                if b.is_negative() {
                    0
                } else {
                    return Err(self.overflow_error("cannot fit 'int' into an index-sized integer"));
                }
            }
            _ => 0,
        };
        let count = count.max(0) as u64;
        let len = self.seq_len(seq) as u64;
        let width = if matches!(self.kind(seq), Kind::Str(_)) {
            1
        } else {
            8
        };
        if len.saturating_mul(count).saturating_mul(width) > self.heap_remaining() {
            return Err(self.memory_error());
        }
        let count = count as usize;
        match self.kind(seq) {
            Kind::Str(s) => {
                let mut r = String::new();
                if r.try_reserve_exact(s.s.len() * count).is_err() {
                    return Err(self.memory_error());
                }
                for _ in 0..count {
                    r.push_str(&s.s);
                }
                self.new_string(r)
            }
            Kind::List(l) => {
                let mut items = Vec::new();
                if items.try_reserve_exact(l.items.len() * count).is_err() {
                    return Err(self.memory_error());
                }
                for _ in 0..count {
                    items.extend_from_slice(&l.items);
                }
                for i in &items {
                    self.incref(*i);
                }
                self.new_list(items)
            }
            Kind::Tuple(t) => {
                if count == 1 {
                    self.incref(seq);
                    return Ok(seq);
                }
                let mut items = Vec::new();
                if items.try_reserve_exact(t.len() * count).is_err() {
                    return Err(self.memory_error());
                }
                for _ in 0..count {
                    items.extend_from_slice(t);
                }
                for i in &items {
                    self.incref(*i);
                }
                self.new_tuple(items)
            }
            _ => Err(self.type_error("can't multiply sequence")),
        }
    }

    /// `-x`, `+x`, `~x`.
    pub fn unary_op(&mut self, op: U, v: ObjRef) -> PyResult<ObjRef> {
        match (op, self.num(v)) {
            (U::Neg, Some(Num::I(i))) => match i.checked_neg() {
                Some(n) => return self.new_int(n),
                None => return self.new_bigint(-BigInt::from(i)),
            },
            (U::Neg, Some(Num::B(b))) => return self.new_bigint(-b),
            (U::Neg, Some(Num::F(f))) => return self.new_float(-f),
            (U::Pos, Some(n)) => {
                if matches!(self.kind(v), Kind::Bool(_)) {
                    return self.num_obj(n);
                }
                self.incref(v);
                return Ok(v);
            }
            (U::Invert, Some(Num::I(i))) => return self.new_int(!i),
            (U::Invert, Some(Num::B(b))) => return self.new_bigint(-b - 1),
            _ => {}
        }
        let name = match op {
            U::Neg => self.n.neg,
            U::Pos => self.n.pos,
            U::Invert => self.n.invert,
            U::Not => return self.truthy(v).map(|b| self.bool_obj(!b)),
        };
        if matches!(self.kind(v), Kind::Instance(_)) {
            let cls = self.type_of(v);
            if let Some(m) = self.lookup_in_mro(cls, name) {
                self.incref(m);
                let r = self.call(m, &[v], &[]);
                self.decref(m);
                return r;
            }
        }
        let sym = match op {
            U::Neg => "-",
            U::Pos => "+",
            _ => "~",
        };
        let msg = format!("bad operand type for unary {sym}: '{}'", self.type_name(v));
        Err(self.type_error(msg))
    }

    /// Rich comparison returning an object (`bool` for built-ins).
    pub fn compare(&mut self, op: C, a: ObjRef, b: ObjRef) -> PyResult<ObjRef> {
        if let Some(r) = self.builtin_compare(op, a, b)? {
            return Ok(self.bool_obj(r));
        }
        let (fwd, rev) = cmp_names(self, op);
        let ta = self.type_of(a);
        let tb = self.type_of(b);
        let rev_first = ta != tb && self.is_subclass(tb, ta) && self.user_defines(tb, rev);
        if rev_first && let Some(r) = self.call_user_binop(b, rev, a)? {
            return Ok(r);
        }
        if let Some(r) = self.call_user_binop(a, fwd, b)? {
            return Ok(r);
        }
        if !rev_first && let Some(r) = self.call_user_binop(b, rev, a)? {
            return Ok(r);
        }
        match op {
            C::Eq => Ok(self.bool_obj(a == b)),
            C::Ne => Ok(self.bool_obj(a != b)),
            _ => {
                let msg = format!(
                    "'{}' not supported between instances of '{}' and '{}'",
                    op.symbol(),
                    self.type_name(a),
                    self.type_name(b)
                );
                Err(self.type_error(msg))
            }
        }
    }

    /// Comparison as a Rust bool.
    pub fn compare_bool(&mut self, op: C, a: ObjRef, b: ObjRef) -> PyResult<bool> {
        if let Some(r) = self.builtin_compare(op, a, b)? {
            return Ok(r);
        }
        let r = self.compare(op, a, b)?;
        let t = self.truthy(r);
        self.decref(r);
        t
    }

    /// `a == b` as a bool (identity first, as containers do).
    pub fn eq(&mut self, a: ObjRef, b: ObjRef) -> PyResult<bool> {
        if a == b {
            return Ok(true);
        }
        self.compare_bool(C::Eq, a, b)
    }

    fn builtin_compare(&mut self, op: C, a: ObjRef, b: ObjRef) -> PyResult<Option<bool>> {
        use std::cmp::Ordering;
        let ord: Option<Ordering> = match (self.kind(a), self.kind(b)) {
            (Kind::Int(x), Kind::Int(y)) => Some(x.cmp(y)),
            (Kind::Str(x), Kind::Str(y)) => {
                if matches!(op, C::Eq | C::Ne) {
                    let e = a == b || x.s == y.s;
                    return Ok(Some(e == (op == C::Eq)));
                }
                Some(x.s.cmp(&y.s))
            }
            (Kind::Instance(_), _) | (_, Kind::Instance(_)) => return Ok(None),
            (Kind::Tuple(_), Kind::Tuple(_)) | (Kind::List(_), Kind::List(_)) => {
                return self.seq_compare(op, a, b).map(Some);
            }
            (Kind::None, Kind::None) => Some(Ordering::Equal),
            _ => {
                if let (Some(x), Some(y)) = (self.num(a), self.num(b)) {
                    match num_cmp(&x, &y) {
                        Some(o) => Some(o),
                        None => return Ok(Some(op == C::Ne)),
                    }
                } else {
                    match op {
                        C::Eq | C::Ne => {
                            let e = self.builtin_eq_other(a, b)?;
                            match e {
                                Some(e) => return Ok(Some(e == (op == C::Eq))),
                                None => None,
                            }
                        }
                        _ => {
                            if let (
                                Kind::Set(_) | Kind::FrozenSet(_),
                                Kind::Set(_) | Kind::FrozenSet(_),
                            ) = (self.kind(a), self.kind(b))
                            {
                                return self.set_compare(op, a, b).map(Some);
                            }
                            None
                        }
                    }
                }
            }
        };
        Ok(ord.map(|o| match op {
            C::Lt => o == Ordering::Less,
            C::Le => o != Ordering::Greater,
            C::Eq => o == Ordering::Equal,
            C::Ne => o != Ordering::Equal,
            C::Gt => o == Ordering::Greater,
            C::Ge => o != Ordering::Less,
        }))
    }

    fn builtin_eq_other(&mut self, a: ObjRef, b: ObjRef) -> PyResult<Option<bool>> {
        match (self.kind(a), self.kind(b)) {
            (Kind::Dict(_), Kind::Dict(_)) => self.dict_eq(a, b).map(Some),
            (Kind::Set(_) | Kind::FrozenSet(_), Kind::Set(_) | Kind::FrozenSet(_)) => {
                self.set_compare(C::Eq, a, b).map(Some)
            }
            (Kind::Bytes(x), Kind::Bytes(y)) => Ok(Some(x == y)),
            (Kind::Range { .. }, Kind::Range { .. }) => Ok(Some(a == b)),
            (Kind::Class(_), _) | (_, Kind::Class(_)) => Ok(Some(a == b)),
            _ => Ok(Some(a == b)),
        }
    }

    fn seq_compare(&mut self, op: C, a: ObjRef, b: ObjRef) -> PyResult<bool> {
        let x = self.seq_items(a);
        let y = self.seq_items(b);
        if matches!(op, C::Eq | C::Ne) && x.len() != y.len() {
            return Ok(op == C::Ne);
        }
        for (p, q) in x.iter().zip(y.iter()) {
            if !self.eq(*p, *q)? {
                return match op {
                    C::Eq => Ok(false),
                    C::Ne => Ok(true),
                    _ => self.compare_bool(op, *p, *q),
                };
            }
        }
        let (lx, ly) = (x.len(), y.len());
        Ok(match op {
            C::Lt => lx < ly,
            C::Le => lx <= ly,
            C::Eq => lx == ly,
            C::Ne => lx != ly,
            C::Gt => lx > ly,
            C::Ge => lx >= ly,
        })
    }
}

/// Python's float `divmod` (sign of the divisor).
pub fn float_divmod(x: f64, y: f64) -> (f64, f64) {
    let mut m = x % y;
    let mut div = (x - m) / y;
    if m != 0.0 {
        if (y < 0.0) != (m < 0.0) {
            m += y;
            div -= 1.0;
        }
    } else {
        m = 0.0f64.copysign(y);
    }
    let floordiv = if div != 0.0 {
        let mut f = div.floor();
        if div - f > 0.5 {
            f += 1.0;
        }
        f
    } else {
        0.0f64.copysign(x / y)
    };
    (floordiv, m)
}

fn num_cmp(a: &Num, b: &Num) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Num::I(x), Num::I(y)) => Some(x.cmp(y)),
        (Num::F(x), Num::F(y)) => x.partial_cmp(y),
        (Num::F(x), other) | (other, Num::F(x)) => {
            let flipped = !matches!(a, Num::F(_));
            if x.is_nan() {
                return None;
            }
            let o = if x.is_infinite() {
                if *x > 0.0 {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Less
                }
            } else {
                let xb = BigInt::from(x.floor() as i128);
                let ob = other.big();
                match xb.cmp(&ob) {
                    std::cmp::Ordering::Equal => {
                        if x.fract() > 0.0 {
                            std::cmp::Ordering::Greater
                        } else {
                            std::cmp::Ordering::Equal
                        }
                    }
                    o => o,
                }
            };
            Some(if flipped { o.reverse() } else { o })
        }
        _ => Some(a.big().cmp(&b.big())),
    }
}

fn op_names(vm: &Vm, op: B) -> (NameId, NameId) {
    let n = &vm.n;
    match op {
        B::Add => (n.add, n.radd),
        B::Sub => (n.sub, n.rsub),
        B::Mul => (n.mul, n.rmul),
        B::MatMul => (n.matmul, n.rmatmul),
        B::TrueDiv => (n.truediv, n.rtruediv),
        B::FloorDiv => (n.floordiv, n.rfloordiv),
        B::Mod => (n.mod_, n.rmod),
        B::Pow => (n.pow, n.rpow),
        B::LShift => (n.lshift, n.rlshift),
        B::RShift => (n.rshift, n.rrshift),
        B::And => (n.and_, n.rand),
        B::Or => (n.or_, n.ror),
        B::Xor => (n.xor, n.rxor),
    }
}

fn inplace_name(vm: &Vm, op: B) -> NameId {
    let n = &vm.n;
    match op {
        B::Add => n.iadd,
        B::Sub => n.isub,
        B::Mul => n.imul,
        B::MatMul => n.imatmul,
        B::TrueDiv => n.itruediv,
        B::FloorDiv => n.ifloordiv,
        B::Mod => n.imod,
        B::Pow => n.ipow,
        B::LShift => n.ilshift,
        B::RShift => n.irshift,
        B::And => n.iand,
        B::Or => n.ior,
        B::Xor => n.ixor,
    }
}

fn cmp_names(vm: &Vm, op: C) -> (NameId, NameId) {
    let n = &vm.n;
    match op {
        C::Lt => (n.lt, n.gt),
        C::Le => (n.le, n.ge),
        C::Eq => (n.eq, n.eq),
        C::Ne => (n.ne, n.ne),
        C::Gt => (n.gt, n.lt),
        C::Ge => (n.ge, n.le),
    }
}
