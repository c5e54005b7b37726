//! `format_float` for a plain `f64`.
use std::fmt::Write as _;

use crate::StringError;

/// The largest precision [`format_float`] formats itself. Anything above is left to Python, whose
/// formatter has its own limits (`precision too big` beyond `i32::MAX`).
pub const MAX_PRECISION: i64 = 10_000;

/// `format_float` of a float: whole values without decimals (`'{:.0f}'`), others with `precision`
/// decimals (`f'{num:.{precision}f}'`), rounded half to even on the exact binary value as Python does.
///
/// The whole-value check comes first, so a whole value ignores `precision` entirely.
/// Errors: [`StringError::MissingPrecision`] for a negative precision (non-whole values only),
/// [`StringError::PrecisionOutOfRange`] above [`MAX_PRECISION`].
pub fn format_float(num: f64, precision: i64) -> Result<String, StringError> {
    let mut out = String::new();
    format_float_into(num, precision, &mut out)?;
    Ok(out)
}

/// [`format_float`], appending to `out` (which is left untouched on error).
pub fn format_float_into(num: f64, precision: i64, out: &mut String) -> Result<(), StringError> {
    if is_integer(num) {
        let _ = write!(out, "{num:.0}");
        return Ok(());
    }
    let precision = usize::try_from(precision).map_err(|_| StringError::MissingPrecision)?;
    if precision > MAX_PRECISION as usize {
        return Err(StringError::PrecisionOutOfRange);
    }
    if num.is_nan() {
        // Python spells it `nan` whatever the sign bit or payload; Rust would write `NaN`.
        out.push_str("nan");
    } else {
        // Rust writes `inf`/`-inf` as Python does, and rounds the exact value half to even.
        let _ = write!(out, "{num:.precision$}");
    }
    Ok(())
}

/// Python's `float.is_integer()`.
#[expect(
    clippy::float_cmp,
    reason = "a whole number is exactly equal to its truncation"
)]
fn is_integer(num: f64) -> bool {
    num.is_finite() && num.trunc() == num
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(num: f64, precision: i64) -> String {
        format_float(num, precision).unwrap_or_else(|e| format!("error: {e}"))
    }

    #[test]
    fn whole_values_drop_the_point() {
        assert_eq!(fmt(2.0, 1), "2");
        assert_eq!(fmt(2.0, -1), "2", "precision is never looked at");
        assert_eq!(fmt(-0.0, 1), "-0");
        assert_eq!(fmt(0.0, 1), "0");
        assert_eq!(fmt(1e22, 1), "10000000000000000000000");
        assert_eq!(
            fmt(1e300, 1),
            "1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160"
        );
        assert_eq!(fmt(f64::MAX, 1).len(), 309);
    }

    #[test]
    fn other_values_round_half_to_even() {
        assert_eq!(fmt(2.25, 1), "2.2");
        assert_eq!(fmt(2.35, 1), "2.4");
        assert_eq!(fmt(0.125, 2), "0.12");
        assert_eq!(fmt(0.375, 2), "0.38");
        assert_eq!(fmt(0.5, 0), "0");
        assert_eq!(fmt(1.5, 0), "2");
        assert_eq!(fmt(2.5, 0), "2");
        assert_eq!(fmt(-0.04, 1), "-0.0");
        assert_eq!(fmt(1.23456, 2), "1.23");
        assert_eq!(fmt(5e-324, 3), "0.000");
    }

    #[test]
    fn non_finite_values() {
        assert_eq!(fmt(f64::INFINITY, 1), "inf");
        assert_eq!(fmt(f64::NEG_INFINITY, 3), "-inf");
        assert_eq!(fmt(f64::NAN, 2), "nan");
        assert_eq!(fmt(-f64::NAN, 0), "nan");
    }

    #[test]
    fn precision_errors() {
        assert_eq!(format_float(2.5, -1), Err(StringError::MissingPrecision));
        assert_eq!(
            format_float(f64::NAN, -1),
            Err(StringError::MissingPrecision)
        );
        assert_eq!(
            format_float(2.5, MAX_PRECISION + 1),
            Err(StringError::PrecisionOutOfRange)
        );
        assert_eq!(
            format_float(2.5, MAX_PRECISION).map(|s| s.len()),
            Ok(MAX_PRECISION as usize + 2)
        );
    }
}
