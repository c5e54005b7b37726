//! The error type of the string core.
use std::fmt;

/// Why a string-core function refused its input.
///
/// Two variants mean "outside what the core decides on its own":
/// [`StringError::InvalidHexLiteral`] (Python's `int(x, 16)` owns the exact message, which quotes
/// `repr(x)`) and [`StringError::PrecisionOutOfRange`] (Python's own formatter limits apply).
/// Bindings hand those inputs to Python so the caller sees exactly what the reference raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StringError {
    /// `int(x, 16)` would reject the input (`ValueError: invalid literal for int() with base 16: ...`).
    InvalidHexLiteral,
    /// `base36_encode` of a negative value (the reference loops forever on it).
    NegativeValue,
    /// A negative precision for a non-whole float: Python's `ValueError`.
    MissingPrecision,
    /// A precision above [`crate::MAX_PRECISION`]: left to Python, whose formatter has its own limits.
    PrecisionOutOfRange,
}

impl fmt::Display for StringError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::InvalidHexLiteral => "invalid literal for int() with base 16",
            Self::NegativeValue => "base36_encode() requires a non-negative value",
            Self::MissingPrecision => "Format specifier missing precision",
            Self::PrecisionOutOfRange => "precision out of the range this core formats",
        })
    }
}

impl std::error::Error for StringError {}
