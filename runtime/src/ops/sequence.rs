//! Index and slice arithmetic shared by every sequence (`PySlice_Unpack`,
//! `PySlice_AdjustIndices`, `PyNumber_AsSsize_t`), and the size checks of
//! sequence repetition (`list_repeat`, `unicode_repeat`).

use num_bigint::BigInt;
use num_traits::ToPrimitive;

use super::error::{OpError, OpResult};

/// `PY_SSIZE_T_MAX` on 64-bit builds.
pub const SSIZE_T_MAX: i64 = i64::MAX;

/// Converts an int used as an index (`obj[i]`) to a machine int.
///
/// Error: `IndexError: cannot fit 'int' into an index-sized integer`.
pub fn index_from_int(i: &BigInt) -> OpResult<i64> {
    i.to_i64()
        .ok_or_else(|| OpError::Index("cannot fit 'int' into an index-sized integer".into()))
}

/// Converts an int used as a count (`seq * n`, `str.ljust(n)`) to a
/// machine int.
///
/// Error: `OverflowError: cannot fit 'int' into an index-sized integer`.
pub fn count_from_int(i: &BigInt) -> OpResult<i64> {
    i.to_i64().ok_or(OpError::Overflow(
        "cannot fit 'int' into an index-sized integer",
    ))
}

/// Clamps an int to a machine int, as slice bounds and `str.find`'s
/// `start`/`end` are clamped (`_PyEval_SliceIndex`).
pub fn clamp_index(i: &BigInt) -> i64 {
    i.to_i64()
        .unwrap_or(if i.sign() == num_bigint::Sign::Minus {
            i64::MIN
        } else {
            i64::MAX
        })
}

/// Normalizes `seq[i]` for a sequence of `len` items: negative indices
/// count from the end. `kind` names the sequence in the message
/// (`"list"`, `"tuple"`, `"string"`, `"range object"`...).
///
/// Error: `IndexError: list index out of range`.
pub fn normalize_index(i: i64, len: usize, kind: &str) -> OpResult<usize> {
    let len_i = i64::try_from(len).unwrap_or(i64::MAX);
    let j = if i < 0 { i.saturating_add(len_i) } else { i };
    if (0..len_i).contains(&j) {
        Ok(j as usize)
    } else {
        Err(OpError::Index(format!("{kind} index out of range")))
    }
}

/// The resolved bounds of a slice over a sequence (`start`, `stop`,
/// `step`, and how many items it selects).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SliceIndices {
    /// First index.
    pub start: i64,
    /// Stop index (exclusive; -1 possible for negative steps).
    pub stop: i64,
    /// Step, never 0.
    pub step: i64,
    /// Number of selected items (`slicelength`).
    pub len: usize,
}

impl SliceIndices {
    /// The selected indices, in order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + use<> {
        let (start, step) = (self.start, self.step);
        (0..self.len as i64).map(move |k| (start + k * step) as usize)
    }
}

/// `PySlice_Unpack` then `PySlice_AdjustIndices`: resolves
/// `seq[start:stop:step]` for a sequence of `len` items. Bounds are
/// already clamped machine ints ([`clamp_index`]); `None` means omitted.
///
/// Error: `ValueError: slice step cannot be zero`.
pub fn slice_indices(
    start: Option<i64>,
    stop: Option<i64>,
    step: Option<i64>,
    len: usize,
) -> OpResult<SliceIndices> {
    let step = step.unwrap_or(1);
    if step == 0 {
        return Err(OpError::value("slice step cannot be zero"));
    }
    // PySlice_Unpack keeps -step from overflowing.
    let step = step.max(-SSIZE_T_MAX);
    let length = i64::try_from(len).unwrap_or(i64::MAX);
    let back = step < 0;
    let mut start = start.unwrap_or(if back { SSIZE_T_MAX } else { 0 });
    let mut stop = stop.unwrap_or(if back { i64::MIN } else { SSIZE_T_MAX });
    let adjust = |v: &mut i64| {
        if *v < 0 {
            *v = v.saturating_add(length);
            if *v < 0 {
                *v = if back { -1 } else { 0 };
            }
        } else if *v >= length {
            *v = if back { length - 1 } else { length };
        }
    };
    adjust(&mut start);
    adjust(&mut stop);
    let count = if back {
        if stop < start {
            (start - stop - 1) / (-step) + 1
        } else {
            0
        }
    } else if start < stop {
        (stop - start - 1) / step + 1
    } else {
        0
    };
    Ok(SliceIndices {
        start,
        stop,
        step,
        len: count as usize,
    })
}

/// The item count of `seq * n` for a sequence of `len` items (a count
/// `<= 0` gives an empty sequence).
///
/// Errors: `OverflowError: cannot fit 'int' into an index-sized integer`
/// for an `n` past a machine int; `MemoryError` when the result would
/// exceed `max_items` (the VM's memory bound; CPython fails in `malloc`).
pub fn repeat_count(len: usize, n: &BigInt, max_items: usize) -> OpResult<usize> {
    let n = count_from_int(n)?;
    if n <= 0 || len == 0 {
        return Ok(0);
    }
    let total = (len as u128) * (n as u128);
    if total > max_items as u128 {
        return Err(OpError::Memory);
    }
    Ok(total as usize)
}

/// The byte length of `s * n` for a str of `byte_len` bytes and
/// `char_len` code points.
///
/// Errors: `OverflowError: cannot fit 'int' into an index-sized integer`;
/// `OverflowError: repeated string is too long` when the code point count
/// passes `PY_SSIZE_T_MAX` (as CPython); `MemoryError` past
/// [`MAX_STR_BYTES`](super::MAX_STR_BYTES).
pub fn str_repeat_len(byte_len: usize, char_len: usize, n: &BigInt) -> OpResult<usize> {
    let n = count_from_int(n)?;
    if n <= 0 || byte_len == 0 {
        return Ok(0);
    }
    if (char_len as u128) * (n as u128) > SSIZE_T_MAX as u128 {
        return Err(OpError::Overflow("repeated string is too long"));
    }
    let total = (byte_len as u128) * (n as u128);
    if total > super::MAX_STR_BYTES as u128 {
        return Err(OpError::Memory);
    }
    Ok(total as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    // (start, stop, step, len) -> slice(start, stop, step).indices(len) and
    // list(range(len)[s]), as CPython 3.11 answers.
    #[rstest]
    #[case(None, None, None, 5, (0, 5, 1), &[0, 1, 2, 3, 4])]
    #[case(None, None, Some(-1), 5, (4, -1, -1), &[4, 3, 2, 1, 0])]
    #[case(Some(1), None, None, 5, (1, 5, 1), &[1, 2, 3, 4])]
    #[case(Some(-2), None, None, 5, (3, 5, 1), &[3, 4])]
    #[case(None, Some(-1), None, 5, (0, 4, 1), &[0, 1, 2, 3])]
    #[case(Some(10), None, Some(-1), 5, (4, -1, -1), &[4, 3, 2, 1, 0])]
    #[case(Some(-10), None, None, 5, (0, 5, 1), &[0, 1, 2, 3, 4])]
    #[case(Some(3), Some(1), None, 5, (3, 1, 1), &[])]
    #[case(Some(3), Some(1), Some(-1), 5, (3, 1, -1), &[3, 2])]
    #[case(None, None, Some(2), 5, (0, 5, 2), &[0, 2, 4])]
    #[case(None, None, Some(-2), 5, (4, -1, -2), &[4, 2, 0])]
    #[case(Some(-100), Some(100), Some(3), 5, (0, 5, 3), &[0, 3])]
    #[case(Some(100), Some(-100), Some(-3), 5, (4, -1, -3), &[4, 1])]
    #[case(Some(0), Some(0), None, 0, (0, 0, 1), &[])]
    #[case(None, None, Some(-1), 0, (-1, -1, -1), &[])]
    #[case(Some(2), Some(i64::MAX), None, 5, (2, 5, 1), &[2, 3, 4])]
    #[case(Some(i64::MIN), None, Some(-1), 5, (-1, -1, -1), &[])]
    #[case(None, None, Some(i64::MAX), 5, (0, 5, i64::MAX), &[0])]
    #[case(None, None, Some(i64::MIN), 5, (4, -1, -i64::MAX), &[4])]
    fn slices_match_python(
        #[case] start: Option<i64>,
        #[case] stop: Option<i64>,
        #[case] step: Option<i64>,
        #[case] len: usize,
        #[case] want: (i64, i64, i64),
        #[case] items: &[usize],
    ) {
        let s = slice_indices(start, stop, step, len).unwrap();
        assert_eq!((s.start, s.stop, s.step), want);
        assert_eq!(s.len, items.len());
        assert_eq!(s.iter().collect::<Vec<_>>(), items);
    }

    #[test]
    fn errors_match_python() {
        assert_eq!(
            slice_indices(None, None, Some(0), 5),
            Err(OpError::value("slice step cannot be zero"))
        );
        assert_eq!(
            normalize_index(5, 2, "list"),
            Err(OpError::Index("list index out of range".into()))
        );
        assert_eq!(
            normalize_index(-3, 2, "list"),
            Err(OpError::Index("list index out of range".into()))
        );
        assert_eq!(
            normalize_index(2, 2, "string"),
            Err(OpError::Index("string index out of range".into()))
        );
        assert_eq!(
            normalize_index(i64::MIN, 2, "tuple"),
            Err(OpError::Index("tuple index out of range".into()))
        );
        assert_eq!(normalize_index(-1, 2, "list"), Ok(1));
        let huge: BigInt = "100000000000000000000".parse().unwrap();
        assert_eq!(
            index_from_int(&huge),
            Err(OpError::Index(
                "cannot fit 'int' into an index-sized integer".into()
            ))
        );
        assert_eq!(
            repeat_count(1, &huge, 1 << 30),
            Err(OpError::Overflow(
                "cannot fit 'int' into an index-sized integer"
            ))
        );
        assert_eq!(clamp_index(&huge), i64::MAX);
        assert_eq!(clamp_index(&-huge), i64::MIN);
        let big = BigInt::from(1u64 << 62);
        assert_eq!(repeat_count(2, &big, 1 << 30), Err(OpError::Memory));
        assert_eq!(
            str_repeat_len(2, 2, &big),
            Err(OpError::Overflow("repeated string is too long"))
        );
        assert_eq!(str_repeat_len(1, 1, &big), Err(OpError::Memory));
        assert_eq!(str_repeat_len(3, 2, &BigInt::from(4)), Ok(12));
        assert_eq!(repeat_count(3, &BigInt::from(-4), 100), Ok(0));
        assert_eq!(repeat_count(3, &BigInt::from(4), 100), Ok(12));
    }
}
