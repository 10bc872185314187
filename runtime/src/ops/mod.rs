//! Python's pure value semantics over plain Rust values, for the VM to call.
//!
//! Nothing here knows the object model: functions take
//! [`num_bigint::BigInt`], `f64`, `&str`, `&[u8]` and small enums, and
//! return plain values or an [`OpError`] whose variant names the Python
//! exception class and carries CPython 3.11's exact message, so the VM
//! raises it one to one.
//!
//! | module | CPython source it mirrors |
//! |---|---|
//! | [`number`] | `longobject.c`, `floatobject.c`, `pyhash.c`, `bltinmodule.c` (`round`, `pow`) |
//! | [`float_repr`] | `pystrtod.c` (`PyOS_double_to_string`) |
//! | [`str_repr`] | `unicodeobject.c` (`unicode_repr`), `bytesobject.c` (`PyBytes_Repr`) |
//! | [`format_spec`] | `formatter_unicode.c` (`format(v, spec)`) |
//! | [`str_format`] | `stringlib/unicode_format.h` (`str.format`) |
//! | [`percent_format`] | `unicodeobject.c` (`PyUnicode_Format`: `str % args`) |
//! | [`text`] | `unicodeobject.c`, `stringlib/` (str methods, `sys.getsizeof(str)`) |
//! | [`sequence`] | `sliceobject.c` (slice indices), index checks, repetition limits |
//! | [`list_growth`] | `listobject.c`, `dictobject.c`, `setobject.c` (capacities, `sys.getsizeof`) |
//! | [`unicode`] | `unicodectype.c` (character predicates, case mappings; Unicode 14.0.0) |
//!
//! Where a result depends on the object model (looking up `str.format`
//! arguments, `str()` of an arbitrary object), the module defines a small
//! host trait the VM implements ([`str_format::FormatHost`],
//! [`percent_format::PercentHost`]) and drives it in CPython's order.
//!
//! Deliberate differences from CPython, each documented where it occurs:
//! results past [`MAX_STR_BYTES`] or [`number::MAX_INT_BITS`] raise
//! `MemoryError` up front instead of trying; a negative float raised to a
//! fractional power raises `ValueError` (no complex type); `%c`/`'c'` of a
//! lone surrogate gives U+FFFD (Rust strings cannot hold surrogates).
//!
//! Tests: table tests (`rstest`) with answers observed from `python3`
//! 3.11, property tests, and `differential.rs`, which replays thousands of
//! cases stored in `testdata/` by `gen_testdata.py`.
//!
//! ```
//! use runtime::ops::{float_repr::float_repr, number, OpError};
//! use num_bigint::BigInt;
//!
//! assert_eq!(float_repr(1e16), "1e+16");
//! let q = number::int_floordiv(&BigInt::from(-7), &BigInt::from(2)).unwrap();
//! assert_eq!(q, BigInt::from(-4));
//! let err = number::int_mod(&BigInt::from(1), &BigInt::from(0)).unwrap_err();
//! assert_eq!(err, OpError::ZeroDivision("integer modulo by zero"));
//! assert_eq!(err.class_name(), "ZeroDivisionError");
//! ```

mod error;
pub mod float_repr;
pub mod format_spec;
pub mod list_growth;
pub mod number;
pub mod percent_format;
pub mod sequence;
pub mod str_format;
pub mod str_repr;
pub mod text;
pub mod unicode;
#[rustfmt::skip]
mod unicode_db;

pub use error::{OpError, OpResult};

/// The longest str or bytes result an operation builds, in bytes (1 GiB).
///
/// Past it the operation raises `MemoryError` instead of asking the
/// allocator (CPython would try, and usually fail the same way); so
/// `format('x', '99999999999')` or `'ab' * 10**12` never abort the process.
pub const MAX_STR_BYTES: usize = 1 << 30;

/// `MemoryError` when a result of `bytes` bytes would exceed [`MAX_STR_BYTES`].
pub(crate) fn check_str_len(bytes: usize) -> OpResult<()> {
    if bytes > MAX_STR_BYTES {
        Err(OpError::Memory)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod differential;

/// Random inputs in the grammar's alphabet: every entry point answers
/// with a value or an `OpError`, never a panic.
#[cfg(test)]
mod robustness {
    use num_bigint::BigInt;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn format_specs_never_panic(spec in "[<>=^0-9,_.#+ zxXbodncseEfFgG%é*-]{0,12}", i in any::<i64>(), f in any::<f64>()) {
            let _ = super::format_spec::format_int(&BigInt::from(i), &spec, "int");
            let _ = super::format_spec::format_float(f, &spec, "float");
            let _ = super::format_spec::format_str("héllo", &spec, "str");
        }

        #[test]
        fn number_parsers_never_panic(s in "[ +_0-9a-fA-FxXoObBeEinfty.\u{660}-\u{669}\u{a0}-]{0,16}", base in 0u32..40) {
            let _ = super::number::int_from_str(&s, base, super::number::INT_MAX_STR_DIGITS);
            let _ = super::number::float_from_str(&s);
        }

        #[test]
        fn format_string_parsing_never_panics(s in "[{}!:.\\[\\]0-9a-z]{0,16}") {
            let mut numbering = super::str_format::AutoNumber::default();
            for piece in super::str_format::pieces(&s) {
                if let Ok(super::str_format::Piece::Field(field)) = piece
                    && let Ok((_, accessors)) = super::str_format::split_field_name(field.name, &mut numbering)
                {
                    for a in accessors {
                        let _ = a;
                    }
                }
            }
        }

        #[test]
        fn text_ops_never_panic(s in "[a-cé日 \t\n\r\u{2028}Σ]{0,12}", sub in "[a-cé]{0,2}", start in proptest::option::of(-20i64..20), end in proptest::option::of(-20i64..20)) {
            let _ = super::text::find(&s, &sub, start, end);
            let _ = super::text::rfind(&s, &sub, start, end);
            let _ = super::text::count(&s, &sub, start, end);
            let _ = super::text::startswith(&s, &[&sub], start, end);
            let _ = super::text::endswith(&s, &[&sub], start, end);
            let _ = super::text::replace(&s, &sub, "xy", start.unwrap_or(-1));
            let _ = super::text::splitlines(&s, true);
            let _ = super::text::title(&s);
            let _ = super::text::swapcase(&s);
            let _ = super::sequence::slice_indices(start, end, Some(start.unwrap_or(1) | 1), s.len());
        }

        #[test]
        fn find_agrees_with_a_char_model(s in "[abé]{0,8}", sub in "[abé]{0,2}", start in proptest::option::of(-10i64..10)) {
            let chars: Vec<char> = s.chars().collect();
            let subc: Vec<char> = sub.chars().collect();
            let n = chars.len() as i64;
            let st = match start { Some(v) if v < 0 => (v + n).max(0), Some(v) => v, None => 0 };
            let want = (st..=n - subc.len() as i64)
                .find(|&i| i >= 0 && chars[i as usize..].starts_with(&subc))
                .unwrap_or(-1);
            prop_assert_eq!(super::text::find(&s, &sub, start, None), want);
        }
    }
}
