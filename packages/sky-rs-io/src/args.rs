//! Argument conversion: optional arguments and counts (paths: `sky_rs_py_support`).
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt};

/// An optional argument: [`Given::Missing`] when the caller left it out, so that an explicit
/// `None` is passed on (and fails) exactly as in the reference.
pub(crate) enum Given<'py> {
    Missing,
    Value(Bound<'py, PyAny>),
}

impl<'py> FromPyObject<'_, 'py> for Given<'py> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        Ok(Self::Value(obj.to_owned()))
    }
}

impl<'py> Given<'py> {
    pub(crate) fn or(self, default: impl FnOnce() -> Bound<'py, PyAny>) -> Bound<'py, PyAny> {
        match self {
            Self::Missing => default(),
            Self::Value(value) => value,
        }
    }
}

/// An exact `int` or `bool`, as a count: `None` for any other type (Python decides those).
pub(crate) enum Count {
    Negative,
    NonNegative(usize),
}

pub(crate) fn exact_count(obj: &Bound<'_, PyAny>) -> Option<Count> {
    if !(obj.is_exact_instance_of::<PyInt>() || obj.is_exact_instance_of::<PyBool>()) {
        return None;
    }
    match obj.extract::<i64>() {
        Ok(value) if value < 0 => Some(Count::Negative),
        // Beyond usize::MAX every count means "the whole file".
        Ok(value) => Some(Count::NonNegative(
            usize::try_from(value).unwrap_or(usize::MAX),
        )),
        Err(_) => match obj.lt(0) {
            Ok(true) => Some(Count::Negative),
            Ok(false) => Some(Count::NonNegative(usize::MAX)),
            Err(_) => None,
        },
    }
}
