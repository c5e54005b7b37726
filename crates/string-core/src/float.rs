//! `format_float` for a plain `f64`.
use std::fmt::Write as _;

use crate::StringError;
use crate::radix::{Base10, write_digits};
use crate::small_str::SmallStr;

/// The largest precision [`format_float`] formats itself. Anything above is left to Python, whose
/// formatter has its own limits (`precision too big` beyond `i32::MAX`).
pub(crate) const MAX_PRECISION: i64 = 10_000;

/// Precisions up to this take the exact integer fast path (10^17 < 2^57, and 2^53 * 2^57 < 2^128).
const FAST_PRECISION: usize = 17;

/// `format_float` of a float: whole values without decimals (`'{:.0f}'`), others with `precision`
/// decimals (`f'{num:.{precision}f}'`), rounded half to even on the exact binary value as Python does.
///
/// The whole-value check comes first, so a whole value ignores `precision` entirely.
/// Errors: [`StringError::MissingPrecision`] for a negative precision (non-whole values only),
/// [`StringError::PrecisionOutOfRange`] above [`MAX_PRECISION`].
pub fn format_float(num: f64, precision: i64) -> Result<SmallStr, StringError> {
    let mut out = SmallStr::new();
    if is_integer(num) {
        write_whole(num, &mut out);
        return Ok(out);
    }
    let precision = usize::try_from(precision).map_err(|_| StringError::MissingPrecision)?;
    if precision > MAX_PRECISION as usize {
        return Err(StringError::PrecisionOutOfRange);
    }
    if num.is_nan() {
        // Python spells it `nan` whatever the sign bit or payload; Rust would write `NaN`.
        out.push_str("nan");
    } else if !(num.is_finite()
        && precision <= FAST_PRECISION
        && write_fraction_fast(num, precision, &mut out))
    {
        // Rust writes `inf`/`-inf` as Python does, and rounds the exact value half to even.
        let _ = write!(out, "{num:.precision$}");
    }
    Ok(out)
}

/// Python's `float.is_integer()`, from the bits (`f64::trunc` is a libm call on baseline x86-64).
fn is_integer(num: f64) -> bool {
    if !num.is_finite() {
        return false;
    }
    let (mantissa, exponent) = decompose(num);
    // Whole when no set bit of the mantissa lies below the binary point (zero has none).
    mantissa == 0 || exponent >= 0 || mantissa.trailing_zeros() >= exponent.unsigned_abs()
}

/// The mantissa and binary exponent of a finite `num`: `|num| == mantissa * 2^exponent`.
fn decompose(num: f64) -> (u64, i32) {
    let bits = num.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    }
}

/// Every digit of a whole finite `num` (`'{:.0f}'`), with `-` for a negative one, `-0.0` included.
fn write_whole(num: f64, out: &mut SmallStr) {
    if num.is_sign_negative() {
        out.push_str("-");
    }
    let (mantissa, exponent) = decompose(num);
    // The value is `mantissa << exponent` (whole, so a negative exponent only drops zero bits).
    let mut limbs = [0u32; 34];
    if exponent < 0 {
        // Only zero has a shift of 64 or more (every other whole value is at least 1).
        let value = mantissa.checked_shr(exponent.unsigned_abs()).unwrap_or(0);
        limbs[0] = value as u32;
        limbs[1] = (value >> 32) as u32;
    } else {
        let shift = exponent as usize;
        let wide = u128::from(mantissa) << (shift % 32);
        for (i, limb) in limbs[shift / 32..].iter_mut().take(3).enumerate() {
            *limb = (wide >> (32 * i)) as u32;
        }
    }
    // digits_capacity(34) == 363, above the 309 digits of f64::MAX.
    let mut buf = [0u8; 363];
    let start = write_digits::<Base10>(&mut limbs, &mut buf);
    out.push_ascii(&buf[start..]);
}

/// `f'{num:.{precision}f}'` for finite non-whole `num` and `precision <= 17`, by exact integer
/// arithmetic: round `|num| * 10^precision` half to even, then place the decimal point.
/// Returns false (writing nothing) when the rounded value does not fit a `u64`.
fn write_fraction_fast(num: f64, precision: usize, out: &mut SmallStr) -> bool {
    let (mantissa, exponent) = decompose(num);
    // Not whole, so the exponent is negative: |num| = mantissa / 2^shift.
    let shift = exponent.unsigned_abs();
    let scale = 10u64.pow(precision as u32);
    let scaled = u128::from(mantissa) * u128::from(scale); // < 2^110
    let rounded = if shift > 110 {
        // scaled / 2^shift < 1/2: rounds to zero.
        0
    } else {
        let quotient = scaled >> shift;
        let remainder = scaled & ((1u128 << shift) - 1);
        let half = 1u128 << (shift - 1);
        let up = remainder > half || (remainder == half && quotient & 1 == 1);
        quotient + u128::from(up)
    };
    let Ok(mut rounded) = u64::try_from(rounded) else {
        return false;
    };
    // Right to left: `precision` fraction digits, the point, then at least one integer digit.
    // 20 digits of a u64, or up to 18 when zero-padded to `precision`, plus point and sign.
    let mut buf = [0u8; 24];
    let mut pos = buf.len();
    for _ in 0..precision {
        pos -= 1;
        buf[pos] = b'0' + (rounded % 10) as u8;
        rounded /= 10;
    }
    if precision > 0 {
        pos -= 1;
        buf[pos] = b'.';
    }
    loop {
        pos -= 1;
        buf[pos] = b'0' + (rounded % 10) as u8;
        rounded /= 10;
        if rounded == 0 {
            break;
        }
    }
    if num.is_sign_negative() {
        pos -= 1;
        buf[pos] = b'-';
    }
    out.push_ascii(&buf[pos..]);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(num: f64, precision: i64) -> String {
        format_float(num, precision).map_or_else(|e| format!("error: {e}"), |s| s.to_string())
    }

    #[test]
    fn is_integer_matches_trunc() {
        let values = [
            0.0,
            -0.0,
            5e-324,
            1.0,
            1.5,
            -1.5,
            0.5,
            4_503_599_627_370_495.5,
            9_007_199_254_740_992.0,
            1e300,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::INFINITY,
            f64::NAN,
        ];
        for num in values {
            let expected = num.is_finite() && num.trunc().to_bits() == num.to_bits();
            assert_eq!(is_integer(num), expected, "{num}");
        }
    }

    #[test]
    fn whole_values_drop_the_point() {
        assert_eq!(fmt(2.0, 1), "2");
        assert_eq!(fmt(2.0, -1), "2", "precision is never looked at");
        assert_eq!(fmt(-0.0, 1), "-0");
        assert_eq!(fmt(0.0, 1), "0");
        assert_eq!(fmt(-1234.0, 1), "-1234");
        assert_eq!(fmt(1e22, 1), "10000000000000000000000");
        assert_eq!(fmt(2f64.powi(64), 1), "18446744073709551616");
        assert_eq!(fmt(2f64.powi(53) + 2.0, 1), "9007199254740994");
        assert_eq!(
            fmt(1e300, 1),
            "1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160"
        );
        assert_eq!(fmt(f64::MAX, 1), format!("{:.0}", f64::MAX));
        assert_eq!(fmt(-f64::MAX, 1).len(), 310);
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
        assert_eq!(fmt(-2.5, 0), "-2");
        assert_eq!(fmt(-0.04, 1), "-0.0");
        assert_eq!(fmt(1.23456, 2), "1.23");
        assert_eq!(fmt(0.1, 17), "0.10000000000000001");
        assert_eq!(fmt(0.1, 20), "0.10000000000000000555");
        assert_eq!(fmt(5e-324, 3), "0.000");
        assert_eq!(fmt(-5e-324, 17), "-0.00000000000000000");
        assert_eq!(
            fmt(4_503_599_627_370_495.5, 17),
            "4503599627370495.50000000000000000"
        );
        assert_eq!(fmt(4_503_599_627_370_495.5, 0), "4503599627370496");
        assert_eq!(fmt(4_503_599_627_370_494.5, 0), "4503599627370494");
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
        assert_eq!(fmt(2.5, -1), "error: Format specifier missing precision");
        assert_eq!(
            format_float(f64::NAN, -1),
            Err(StringError::MissingPrecision)
        );
        assert_eq!(
            format_float(2.5, MAX_PRECISION + 1),
            Err(StringError::PrecisionOutOfRange)
        );
        assert_eq!(fmt(2.5, MAX_PRECISION).len(), MAX_PRECISION as usize + 2);
    }

    #[test]
    fn fast_path_agrees_with_std() {
        // Decimal ties, binary fractions and the edges of the fast path.
        let values = [
            0.5,
            0.25,
            0.125,
            0.0625,
            1.005,
            2.675,
            1e-5,
            123_456.789,
            9_007_199_254_740.992,
            1.844_674_407_370_955e2,
            0.1,
            0.3,
            2.0 / 3.0,
            1e-20,
            4.9e-324,
            4_503_599_627_370_495.5,
            1.844_674_407_370_955e3,
        ];
        for value in values.into_iter().filter(|v| !is_integer(*v)) {
            for precision in 0..=FAST_PRECISION {
                for num in [value, -value] {
                    assert_eq!(
                        fmt(num, precision as i64),
                        format!("{num:.precision$}"),
                        "{num} {precision}"
                    );
                }
            }
        }
    }
}
