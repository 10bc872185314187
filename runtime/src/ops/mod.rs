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
//! | [`text`] | `unicodeobject.c`, `stringlib/` (str methods, `sys.getsizeof(str)`) |
//! | [`sequence`] | `sliceobject.c` (slice indices), index checks, repetition limits |
//! | [`list_growth`] | `listobject.c`, `dictobject.c`, `setobject.c` (capacities, `sys.getsizeof`) |
//! | [`unicode`] | `unicodectype.c` (character predicates, case mappings; Unicode 14.0.0) |
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
pub mod sequence;
pub mod str_format;
pub mod str_repr;
pub mod text;
pub mod unicode;
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
