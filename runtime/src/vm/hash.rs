//! `hash()`: CPython 3.11's numeric hash (modulo the Mersenne prime
//! 2**61 - 1, so `hash(1) == hash(1.0) == hash(True)`), the xxHash-based
//! tuple hash, pointer hashes for identity-hashed objects. `str` hashes are
//! FNV-1a (CPython's SipHash is randomized per process, so no script can
//! depend on its values).

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive};

use crate::object::{Kind, ObjRef};

use super::{PyResult, Vm};

const MODULUS: u64 = (1 << 61) - 1;

/// `hash(int)` for a machine int.
pub fn hash_i64(i: i64) -> i64 {
    let a = i.unsigned_abs() % MODULUS;
    let h = if i < 0 { -(a as i64) } else { a as i64 };
    if h == -1 { -2 } else { h }
}

/// `hash(int)` for a big int.
pub fn hash_big(b: &BigInt) -> i64 {
    let m = BigInt::from(MODULUS);
    let a = (b.abs() % m).to_i64().unwrap_or(0);
    let h = if b.is_negative() { -a } else { a };
    if h == -1 { -2 } else { h }
}

/// `_Py_HashDouble` (NaN hashes by identity in 3.10+; the caller handles it).
pub fn hash_f64(v: f64) -> i64 {
    if v.is_infinite() {
        return if v > 0.0 { 314_159 } else { -314_159 };
    }
    if v.is_nan() {
        return 0;
    }
    let (mut m, mut e) = frexp(v);
    let sign: i64 = if m < 0.0 {
        m = -m;
        -1
    } else {
        1
    };
    let mut x: u64 = 0;
    while m != 0.0 {
        x = ((x << 28) & MODULUS) | (x >> (61 - 28));
        m *= 268_435_456.0;
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        x += y;
        if x >= MODULUS {
            x -= MODULUS;
        }
    }
    let e = if e >= 0 {
        e % 61
    } else {
        61 - 1 - ((-1 - e) % 61)
    };
    let e = e as u32;
    x = ((x << e) & MODULUS) | (x >> (61 - e));
    let h = (x as i64) * sign;
    if h == -1 { -2 } else { h }
}

fn frexp(v: f64) -> (f64, i32) {
    if v == 0.0 || !v.is_finite() {
        return (v, 0);
    }
    let bits = v.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        let (m, e) = frexp(v * 2f64.powi(54));
        return (m, e - 54);
    }
    let e = exp - 1022;
    let m = f64::from_bits((bits & !(0x7ffu64 << 52)) | (1022u64 << 52));
    (m, e)
}

/// FNV-1a over the UTF-8 text.
pub fn hash_str(s: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let h = h as i64;
    if h == -1 { -2 } else { h }
}

/// `_Py_HashPointer`: the address rotated right by 4 bits.
pub fn hash_pointer(addr: usize) -> i64 {
    let y = addr as u64;
    let h = y.rotate_right(4) as i64;
    if h == -1 { -2 } else { h }
}

const XXPRIME_1: u64 = 11_400_714_785_074_694_791;
const XXPRIME_2: u64 = 14_029_467_366_897_019_727;
const XXPRIME_5: u64 = 2_870_177_450_012_600_261;

impl Vm {
    /// `hash(obj)`.
    pub fn hash(&mut self, r: ObjRef) -> PyResult<i64> {
        match self.kind(r) {
            Kind::Str(s) => {
                let c = s.hash.get();
                if c != -1 {
                    return Ok(c);
                }
                let h = hash_str(&s.s);
                s.hash.set(h);
                Ok(h)
            }
            Kind::Int(i) => Ok(hash_i64(*i)),
            Kind::Bool(b) => Ok(i64::from(*b)),
            Kind::BigInt(b) => Ok(hash_big(b)),
            Kind::Float(f) => {
                if f.is_nan() {
                    return Ok(hash_pointer(self.heap.addr(r)));
                }
                if f.fract() == 0.0 && f.abs() < 9.2e18 {
                    return Ok(hash_i64(*f as i64));
                }
                Ok(hash_f64(*f))
            }
            Kind::Tuple(items) => {
                let items = items.to_vec();
                let mut acc: u64 = XXPRIME_5;
                for it in &items {
                    let lane = self.hash(*it)? as u64;
                    acc = acc.wrapping_add(lane.wrapping_mul(XXPRIME_2));
                    acc = acc.rotate_left(31);
                    acc = acc.wrapping_mul(XXPRIME_1);
                }
                acc = acc.wrapping_add((items.len() as u64) ^ (XXPRIME_5 ^ 3_527_539));
                if acc == u64::MAX {
                    return Ok(1_546_275_796);
                }
                Ok(acc as i64)
            }
            Kind::FrozenSet(s) => {
                let hs: Vec<i64> = s.table.iter().map(|(_, h)| h).collect();
                let mut h: u64 = 0;
                for x in &hs {
                    let x = *x as u64;
                    h ^= ((x ^ 89_869_747) ^ (x << 16)).wrapping_mul(3_644_798_167);
                }
                h ^= ((hs.len() as u64) + 1).wrapping_mul(1_927_868_237);
                h ^= (h >> 11) ^ (h >> 25);
                h = h.wrapping_mul(69_069).wrapping_add(907_133_923);
                let h = h as i64;
                Ok(if h == -1 { 590_923_713 } else { h })
            }
            Kind::List(_)
            | Kind::Dict(_)
            | Kind::Set(_)
            | Kind::DictViewObj { .. }
            | Kind::Slice { .. } => {
                let msg = format!("unhashable type: '{}'", self.type_name(r));
                Err(self.type_error(msg))
            }
            Kind::Instance(i) => {
                let cls = i.class;
                let slots = self.class(cls).map(|c| c.slots).unwrap_or_default();
                if slots.unhashable {
                    let msg = format!("unhashable type: '{}'", self.type_name(r));
                    return Err(self.type_error(msg));
                }
                if slots.has_hash
                    && let Some(m) = self.lookup_in_mro(cls, self.n.hash)
                {
                    self.incref(m);
                    let v = self.call(m, &[r], &[]);
                    self.decref(m);
                    let v = v?;
                    let h = match self.num(v) {
                        Some(super::number::Num::I(i)) => Ok(hash_i64(i)),
                        Some(super::number::Num::B(b)) => Ok(hash_big(&b)),
                        _ => Err(self.type_error("__hash__ method should return an integer")),
                    };
                    self.decref(v);
                    return h;
                }
                Ok(hash_pointer(self.heap.addr(r)))
            }
            _ => Ok(hash_pointer(self.heap.addr(r))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_hashes_match_cpython() {
        assert_eq!(hash_i64(-1), -2);
        assert_eq!(hash_f64(1.5), 1_152_921_504_606_846_977);
        assert_eq!(hash_big(&(BigInt::from(1) << 61)), 1);
        assert_eq!(hash_f64(f64::INFINITY), 314_159);
    }
}
