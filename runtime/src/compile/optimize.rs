//! Constant folding: CPython 3.11's AST optimizer (`Python/ast_opt.c`),
//! which decides which expressions become constants of the code object
//! (and so are shared, never allocated at run time, and invisible to
//! tracemalloc and the gc counts).
//!
//! Folded, as in CPython: literals; tuples of constants; unary `-`, `+`, `~`
//! on numbers and `not` on any constant; binary operators on constant
//! numbers, `str`/`bytes`/`tuple` concatenation and repetition, within
//! CPython's size limits (`MAX_INT_SIZE` 128 bits, `MAX_COLLECTION_SIZE`
//! 256, `MAX_STR_SIZE` 4096, `MAX_TOTAL_ITEMS` 1024). An operation that
//! would raise (`1/0`) is left for run time. The arithmetic is Python's
//! (`crate::ops::number`).
//!
//! Not folded (CPython folds them): `constant[constant]` subscripts, and
//! set displays in `for`/`in` (they need frozenset constants).

use num_bigint::{BigInt, Sign};
use num_traits::{Signed, ToPrimitive, Zero};

use super::code::{BinaryOperator, Constant, UnaryOperator};
use crate::ops::number::float::{float_floordiv, float_mod, float_pow, float_truediv, int_to_f64};
use crate::ops::number::int::{
    IntPow, int_and, int_floordiv, int_lshift, int_mod, int_or, int_pow, int_rshift, int_truediv,
    int_xor,
};
use crate::syntax::ast::{Expr, ExprKind, Literal};

const MAX_INT_SIZE: u64 = 128;
const MAX_COLLECTION_SIZE: usize = 256;
const MAX_STR_SIZE: usize = 4096;
const MAX_TOTAL_ITEMS: usize = 1024;

/// The constant an expression folds to, if it does.
pub(crate) fn fold(e: &Expr) -> Option<Constant> {
    match &e.kind {
        ExprKind::Constant(l) => Some(literal_constant(l)),
        ExprKind::Tuple(items) => fold_items(items),
        ExprKind::UnaryOp { op, operand } => fold_unary(*op, &fold(operand)?),
        ExprKind::BinOp { left, op, right } => {
            let l = fold(left)?;
            let r = fold(right)?;
            fold_binop(*op, &l, &r)
        }
        _ => None,
    }
}

/// A tuple constant from items that all fold (CPython's `make_const_tuple`).
pub(crate) fn fold_items(items: &[Expr]) -> Option<Constant> {
    let mut out = Vec::with_capacity(items.len());
    for i in items {
        if matches!(i.kind, ExprKind::Starred(_)) {
            return None;
        }
        out.push(fold(i)?);
    }
    Some(Constant::Tuple(out.into()))
}

/// The constant of a literal.
pub(crate) fn literal_constant(l: &Literal) -> Constant {
    match l {
        Literal::None => Constant::None,
        Literal::True => Constant::True,
        Literal::False => Constant::False,
        Literal::Ellipsis => Constant::Ellipsis,
        Literal::Int(i) => Constant::Int(i.clone()),
        Literal::Float(f) => Constant::Float(*f),
        Literal::Str(s) => Constant::Str(s.as_str().into()),
        Literal::Bytes(b) => Constant::Bytes(b.as_slice().into()),
    }
}

/// An int (bools are ints in arithmetic).
fn as_int(c: &Constant) -> Option<BigInt> {
    match c {
        Constant::Int(i) => Some(i.clone()),
        Constant::True => Some(BigInt::from(1)),
        Constant::False => Some(BigInt::zero()),
        _ => None,
    }
}

fn is_bool(c: &Constant) -> bool {
    matches!(c, Constant::True | Constant::False)
}

fn bool_const(b: bool) -> Constant {
    if b { Constant::True } else { Constant::False }
}

/// The truth value of a constant.
fn truth(c: &Constant) -> bool {
    match c {
        Constant::None | Constant::False => false,
        Constant::True | Constant::Ellipsis | Constant::Code(_) => true,
        Constant::Int(i) => !i.is_zero(),
        Constant::Float(f) => *f != 0.0,
        Constant::Str(s) => !s.is_empty(),
        Constant::Bytes(b) => !b.is_empty(),
        Constant::Tuple(t) => !t.is_empty(),
    }
}

/// CPython's `fold_unaryop` on a constant operand.
fn fold_unary(op: UnaryOperator, v: &Constant) -> Option<Constant> {
    if op == UnaryOperator::Not {
        return Some(bool_const(!truth(v)));
    }
    if let Constant::Float(f) = v {
        return match op {
            UnaryOperator::Neg => Some(Constant::Float(-f)),
            UnaryOperator::Pos => Some(Constant::Float(*f)),
            _ => None,
        };
    }
    let i = as_int(v)?;
    Some(Constant::Int(match op {
        UnaryOperator::Neg => -i,
        UnaryOperator::Pos => i,
        _ => -i - BigInt::from(1),
    }))
}

fn bits(i: &BigInt) -> u64 {
    i.bits()
}

/// Total number of items in a constant, nested tuples included
/// (CPython's `check_complexity`).
fn complexity(c: &Constant) -> usize {
    match c {
        Constant::Tuple(t) => t.iter().map(|i| 1 + complexity(i)).sum(),
        _ => 0,
    }
}

/// `seq * n` when CPython's `safe_multiply` allows it.
fn repeat(seq: &Constant, n: &BigInt) -> Option<Constant> {
    let (len, limit) = match seq {
        Constant::Str(s) => (s.chars().count(), MAX_STR_SIZE),
        Constant::Bytes(b) => (b.len(), MAX_STR_SIZE),
        Constant::Tuple(t) => (t.len(), MAX_COLLECTION_SIZE),
        _ => return None,
    };
    let k = n.to_i64()?;
    let count = match limit.checked_div(len) {
        // `'' * n`: any n that fits a C long
        None => k.max(0) as usize,
        Some(max) => {
            if k < 0 || k as u64 > max as u64 {
                return None;
            }
            k as usize
        }
    };
    if let Constant::Tuple(t) = seq
        && count > 0
        && !t.is_empty()
        && complexity(seq) > MAX_TOTAL_ITEMS / count
    {
        return None;
    }
    Some(match seq {
        Constant::Str(s) => Constant::Str(s.repeat(count).into()),
        Constant::Bytes(b) => Constant::Bytes(b.repeat(count).into()),
        Constant::Tuple(t) => {
            let mut out = Vec::with_capacity(t.len() * count);
            for _ in 0..count {
                out.extend(t.iter().cloned());
            }
            Constant::Tuple(out.into())
        }
        _ => return None,
    })
}

/// CPython's `fold_binop` (with `safe_multiply`, `safe_power`,
/// `safe_lshift`, `safe_mod`) on constant operands.
fn fold_binop(op: BinaryOperator, l: &Constant, r: &Constant) -> Option<Constant> {
    use BinaryOperator as B;
    // sequences
    match (op, l, r) {
        (B::Add, Constant::Str(a), Constant::Str(b)) => {
            return Some(Constant::Str(format!("{a}{b}").into()));
        }
        (B::Add, Constant::Bytes(a), Constant::Bytes(b)) => {
            let mut v = a.to_vec();
            v.extend_from_slice(b);
            return Some(Constant::Bytes(v.into()));
        }
        (B::Add, Constant::Tuple(a), Constant::Tuple(b)) => {
            let v: Vec<Constant> = a.iter().chain(b.iter()).cloned().collect();
            return Some(Constant::Tuple(v.into()));
        }
        (B::Mul, Constant::Str(_) | Constant::Bytes(_) | Constant::Tuple(_), n) => {
            return repeat(l, &as_int(n)?);
        }
        (B::Mul, n, Constant::Str(_) | Constant::Bytes(_) | Constant::Tuple(_)) => {
            return repeat(r, &as_int(n)?);
        }
        _ => {}
    }
    if let (Some(a), Some(b)) = (as_int(l), as_int(r)) {
        let both_bool = is_bool(l) && is_bool(r);
        return Some(match op {
            B::Add => Constant::Int(a + b),
            B::Sub => Constant::Int(a - b),
            B::Mul => {
                if !a.is_zero() && !b.is_zero() && bits(&a) + bits(&b) > MAX_INT_SIZE {
                    return None;
                }
                Constant::Int(a * b)
            }
            B::TrueDiv => Constant::Float(int_truediv(&a, &b).ok()?),
            B::FloorDiv => Constant::Int(int_floordiv(&a, &b).ok()?),
            B::Mod => Constant::Int(int_mod(&a, &b).ok()?),
            B::Pow => {
                if !a.is_zero() && b.sign() == Sign::Plus {
                    let w = b.to_u64()?;
                    if bits(&a) > MAX_INT_SIZE / w {
                        return None;
                    }
                }
                match int_pow(&a, &b).ok()? {
                    IntPow::Int(i) => Constant::Int(i),
                    IntPow::Float(f) => Constant::Float(f),
                }
            }
            B::LShift => {
                if !a.is_zero() && !b.is_zero() {
                    if b.is_negative() {
                        return None;
                    }
                    let w = b.to_u64()?;
                    if w > MAX_INT_SIZE || bits(&a) > MAX_INT_SIZE - w {
                        return None;
                    }
                }
                Constant::Int(int_lshift(&a, &b).ok()?)
            }
            B::RShift => Constant::Int(int_rshift(&a, &b).ok()?),
            B::And if both_bool => bool_const(!int_and(&a, &b).is_zero()),
            B::Or if both_bool => bool_const(!int_or(&a, &b).is_zero()),
            B::Xor if both_bool => bool_const(!int_xor(&a, &b).is_zero()),
            B::And => Constant::Int(int_and(&a, &b)),
            B::Or => Constant::Int(int_or(&a, &b)),
            B::Xor => Constant::Int(int_xor(&a, &b)),
            B::MatMul => return None,
        });
    }
    // float arithmetic (an int operand converts, as float.__radd__ etc.)
    let f = |c: &Constant| -> Option<f64> {
        match c {
            Constant::Float(x) => Some(*x),
            other => int_to_f64(&as_int(other)?).ok(),
        }
    };
    if !matches!(l, Constant::Float(_)) && !matches!(r, Constant::Float(_)) {
        return None;
    }
    let (a, b) = (f(l)?, f(r)?);
    Some(Constant::Float(match op {
        B::Add => a + b,
        B::Sub => a - b,
        B::Mul => a * b,
        B::TrueDiv => float_truediv(a, b).ok()?,
        B::FloorDiv => float_floordiv(a, b).ok()?,
        B::Mod => float_mod(a, b).ok()?,
        B::Pow => float_pow(a, b).ok()?,
        _ => return None,
    }))
}
