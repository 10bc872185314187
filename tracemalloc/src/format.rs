//! `_format_size` of `Lib/tracemalloc.py`: byte counts as `10.0 KiB`.

/// `_format_size(size, sign)` for an integer byte count.
///
/// Units B, KiB, MiB, GiB, TiB: below 100 in a unit other than B, one
/// decimal (`"%.1f"`); below 10 KiB-of-the-unit (or in TiB), no decimal
/// (`"%.0f"`); otherwise divide by 1024 and try the next unit. `sign` adds
/// `+` to non-negative values (`"%+.0f"`).
///
/// ```
/// use tracemalloc::format_size;
/// assert_eq!(format_size(10239, false), "10239 B");
/// assert_eq!(format_size(10240, false), "10.0 KiB");
/// assert_eq!(format_size(123456789, false), "118 MiB");
/// assert_eq!(format_size(-168, true), "-168 B");
/// ```
pub fn format_size(size: i64, sign: bool) -> String {
    // While the unit is B, Python keeps the int (exact `%.0f` of an int).
    if size.unsigned_abs() < 10 * 1024 {
        return if sign {
            format!("{size:+} B")
        } else {
            format!("{size} B")
        };
    }
    format_size_f64(size as f64, sign)
}

/// `_format_size(size, sign)` for a float (Statistic's `average`).
pub fn format_size_f64(size: f64, sign: bool) -> String {
    let mut size = size;
    for unit in ["B", "KiB", "MiB", "GiB", "TiB"] {
        if size.abs() < 100.0 && unit != "B" {
            return fixed(size, 1, sign, unit);
        }
        if size.abs() < 10.0 * 1024.0 || unit == "TiB" {
            return fixed(size, 0, sign, unit);
        }
        size /= 1024.0;
    }
    // The loop always returns at "TiB".
    fixed(size, 0, sign, "TiB")
}

/// C's `"%.Nf"`/`"%+.Nf"`: Rust's float formatting rounds the exact binary
/// value half-to-even, as glibc's printf does.
fn fixed(value: f64, decimals: usize, sign: bool, unit: &str) -> String {
    if sign {
        format!("{value:+.decimals$} {unit}")
    } else {
        format!("{value:.decimals$} {unit}")
    }
}
