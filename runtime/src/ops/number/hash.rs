//! CPython's numeric hash (`Python/pyhash.c`, `Objects/longobject.c`,
//! `Objects/tupleobject.c`): `hash(n)` is `n` reduced modulo the Mersenne
//! prime `2**61 - 1`, floats hash like the equal rational, so
//! `hash(1) == hash(1.0) == hash(True)`; `-1` is never a hash (it becomes -2).

use num_bigint::{BigInt, Sign};

use super::float::decompose;

/// `_PyHASH_BITS` on 64-bit builds.
pub const HASH_BITS: u32 = 61;
/// `_PyHASH_MODULUS`: the Mersenne prime `2**61 - 1`.
pub const HASH_MODULUS: u64 = (1 << HASH_BITS) - 1;
/// `_PyHASH_INF`: `hash(float('inf'))`.
pub const HASH_INF: i64 = 314_159;

/// Maps CPython's reserved `-1` to `-2`.
fn fix(h: i64) -> i64 {
    if h == -1 { -2 } else { h }
}

/// `hash(n)` for an int or bool (`long_hash`).
pub fn hash_int(a: &BigInt) -> i64 {
    let mut acc: u64 = 0;
    for digit in a.iter_u64_digits().rev() {
        let wide = (u128::from(acc) << 64) | u128::from(digit);
        acc = (wide % u128::from(HASH_MODULUS)) as u64;
    }
    // acc < 2**61, so it fits an i64.
    let h = acc as i64;
    fix(if a.sign() == Sign::Minus { -h } else { h })
}

/// `hash(n)` for a machine int (same answer as [`hash_int`], no allocation).
pub fn hash_i64(v: i64) -> i64 {
    let m = v.unsigned_abs() % HASH_MODULUS;
    let h = m as i64;
    fix(if v < 0 { -h } else { h })
}

/// `hash(x)` for a float (`_Py_HashDouble`).
///
/// `None` for a NaN: since 3.10 CPython hashes a NaN by the object's
/// identity, so the VM answers [`hash_pointer`] of the float object.
pub fn hash_float(x: f64) -> Option<i64> {
    if x.is_nan() {
        return None;
    }
    if x.is_infinite() {
        return Some(if x > 0.0 { HASH_INF } else { -HASH_INF });
    }
    // |x| = m * 2**e; 2**61 == 1 (mod P), so multiplying by 2**e is a
    // rotation of the 61-bit residue by e mod 61.
    let (m, e) = decompose(x);
    let residue = m % HASH_MODULUS;
    let rot = e.rem_euclid(i64::from(HASH_BITS)) as u32;
    let h = if rot == 0 {
        residue
    } else {
        ((residue << rot) & HASH_MODULUS) | (residue >> (HASH_BITS - rot))
    };
    let h = h as i64;
    Some(fix(if x < 0.0 { -h } else { h }))
}

/// `_Py_HashPointer`: the identity hash of an object at address `addr`
/// (`object.__hash__`): the address rotated right by 4 bits.
pub fn hash_pointer(addr: usize) -> i64 {
    let y = (addr as u64).rotate_right(4);
    fix(y as i64)
}

/// `hash(t)` for a tuple from its items' hashes (`tuplehash`, the xxHash
/// based scheme of 3.8+).
pub fn hash_tuple<I>(item_hashes: I) -> i64
where
    I: IntoIterator<Item = i64>,
    I::IntoIter: ExactSizeIterator,
{
    const XXPRIME_1: u64 = 11_400_714_785_074_694_791;
    const XXPRIME_2: u64 = 14_029_467_366_897_019_727;
    const XXPRIME_5: u64 = 2_870_177_450_012_600_261;
    let items = item_hashes.into_iter();
    let len = items.len() as u64;
    let mut acc = XXPRIME_5;
    for lane in items {
        acc = acc.wrapping_add((lane as u64).wrapping_mul(XXPRIME_2));
        acc = acc.rotate_left(31);
        acc = acc.wrapping_mul(XXPRIME_1);
    }
    acc = acc.wrapping_add(len ^ (XXPRIME_5 ^ 3_527_539));
    if acc == u64::MAX {
        return 1_546_275_796;
    }
    acc as i64
}

/// `hash(frozenset)` from its items' hashes (`frozenset_hash`), independent
/// of order.
pub fn hash_frozenset<I: IntoIterator<Item = i64>>(item_hashes: I) -> i64 {
    fn shuffle(h: u64) -> u64 {
        ((h ^ 89_869_747) ^ (h << 16)).wrapping_mul(3_644_798_167)
    }
    let mut hash: u64 = 0;
    let mut n: u64 = 0;
    for h in item_hashes {
        hash ^= shuffle(h as u64);
        n += 1;
    }
    // Remove the effect of an odd number of NULL entries (none here) and
    // mix in the length, as frozenset_hash does.
    hash ^= (n + 1).wrapping_mul(1_927_868_237);
    hash ^= (hash >> 11) ^ (hash >> 25);
    hash = hash.wrapping_mul(69_069).wrapping_add(907_133_923);
    if hash == u64::MAX {
        hash = 590_923_713;
    }
    hash as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rstest::rstest;

    #[rstest]
    #[case("-1", -2)]
    #[case("1", 1)]
    #[case("0", 0)]
    #[case("2305843009213693951", 0)]
    #[case("2305843009213693952", 1)]
    #[case("-2305843009213693952", -2)]
    #[case("-2305843009213693953", -2)]
    #[case("1267650600228229401496703205376", 549755813888)]
    #[case("-1267650600228229401496703205376", -549755813888)]
    fn ints(#[case] a: &str, #[case] want: i64) {
        let a: BigInt = a.parse().unwrap();
        assert_eq!(hash_int(&a), want);
        if let Ok(v) = i64::try_from(&a) {
            assert_eq!(hash_i64(v), want);
        }
    }

    #[rstest]
    #[case(0.5, 1152921504606846976)]
    #[case(-0.5, -1152921504606846976)]
    #[case(1e300, 1224995262755759164)]
    #[case(1.5e-300, 1876877353711978326)]
    #[case(f64::INFINITY, 314159)]
    #[case(f64::NEG_INFINITY, -314159)]
    #[case(1.0, 1)]
    #[case(-1.0, -2)]
    #[case(0.0, 0)]
    #[case(-0.0, 0)]
    #[case(0.1, 230584300921369408)]
    fn floats(#[case] x: f64, #[case] want: i64) {
        assert_eq!(hash_float(x), Some(want));
    }

    #[test]
    fn nan_hash_is_by_identity() {
        assert_eq!(hash_float(f64::NAN), None);
        assert_eq!(hash_pointer(0x7f00_0000_1000), 0x7f0_0000_0100);
        assert_eq!(hash_pointer(0xF), i64::MIN + 0x7000_0000_0000_0000);
    }

    #[rstest]
    #[case(&[], 5740354900026072187)]
    #[case(&[1, 2], -3550055125485641917)]
    #[case(&[-2], 8078679518589016365)]
    fn tuples(#[case] items: &[i64], #[case] want: i64) {
        assert_eq!(hash_tuple(items.iter().copied()), want);
    }

    #[rstest]
    #[case(&[], 133146708735736)]
    #[case(&[1, 2, 3], -272375401224217160)]
    fn frozensets(#[case] items: &[i64], #[case] want: i64) {
        assert_eq!(hash_frozenset(items.iter().copied()), want);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn integral_floats_hash_like_ints(v in any::<i64>()) {
            let x = v as f64;
            let exact = crate::ops::number::float::f64_to_int(x).unwrap();
            prop_assert_eq!(hash_float(x), Some(hash_int(&exact)));
            prop_assert_eq!(hash_i64(v), hash_int(&BigInt::from(v)));
        }
    }
}
