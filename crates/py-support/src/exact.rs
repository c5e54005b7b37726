//! The fast-path checks of number arguments: an exact `int` or `bool`, never a subclass.
//!
//! A subclass can override its comparisons, `__index__` or `__bool__`, and what Python then
//! calls (and when) is the reference's business: the bindings send those to Python.
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt};

/// The value of an exact `int` (or `bool`, where asked for), with the cases beyond `i64` kept
/// apart: most callers only need to know on which side of the range such a number lies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExactInt {
    /// A value in `i64`.
    Fits(i64),
    /// A value above `i64::MAX`.
    Above,
    /// A value below `i64::MIN`.
    Below,
}

/// Whether `obj` is exactly an `int` (a `bool` or another subclass is not).
#[inline]
pub fn is_exact_int(obj: &Bound<'_, PyAny>) -> bool {
    obj.is_exact_instance_of::<PyInt>()
}

/// Whether `obj` is exactly an `int` or a `bool` (no other subclass).
#[inline]
pub fn is_exact_int_or_bool(obj: &Bound<'_, PyAny>) -> bool {
    obj.is_exact_instance_of::<PyInt>() || obj.is_exact_instance_of::<PyBool>()
}

/// The value of an exact `int` that fits an `i64`; `None` for anything else.
#[inline]
pub fn exact_i64(obj: &Bound<'_, PyAny>) -> Option<i64> {
    if is_exact_int(obj) {
        obj.extract::<i64>().ok()
    } else {
        None
    }
}

/// The value of an exact `int`; `None` for anything else (`bool` included).
#[inline]
pub fn exact_int(obj: &Bound<'_, PyAny>) -> Option<ExactInt> {
    if is_exact_int(obj) {
        int_value(obj)
    } else {
        None
    }
}

/// The value of an exact `int` or `bool`; `None` for anything else.
#[inline]
pub fn exact_int_or_bool(obj: &Bound<'_, PyAny>) -> Option<ExactInt> {
    if is_exact_int_or_bool(obj) {
        int_value(obj)
    } else {
        None
    }
}

/// The value of an exact `bool`; `None` for anything else, whose truth value is Python's to
/// decide (possibly never).
#[inline]
pub fn exact_bool(obj: &Bound<'_, PyAny>) -> Option<bool> {
    obj.cast_exact::<PyBool>().ok().map(PyBoolMethods::is_true)
}

/// The value of `obj`, known to be an exact `int` or `bool`. Beyond `i64`, the side is asked of
/// Python (`obj < 0`); `None` should even that fail.
#[inline]
fn int_value(obj: &Bound<'_, PyAny>) -> Option<ExactInt> {
    match obj.extract::<i64>() {
        Ok(value) => Some(ExactInt::Fits(value)),
        Err(_) => match obj.lt(0) {
            Ok(true) => Some(ExactInt::Below),
            Ok(false) => Some(ExactInt::Above),
            Err(_) => None,
        },
    }
}
