//! The one mapping from [`SystemError`] to the exception the reference raises.
use std::path::PathBuf;

use pyo3::exceptions::{PyKeyError, PyOverflowError, PyValueError, PyZeroDivisionError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyFloat, PyString};
use sky_rs_py_support::{os_error, raised_from};
use sky_rs_system_core::{OverrideFailure, SystemError};

/// Linux's `EINVAL`.
const EINVAL: i32 = 22;

/// The one mapping from [`SystemError`] to the exception the reference raises.
pub(crate) fn to_py_err(py: Python<'_>, err: SystemError) -> PyErr {
    let message = err.to_string();
    match err {
        SystemError::CpuOverride { value, cause } => {
            let cause = match cause {
                OverrideFailure::NotAFloat => not_a_float(py, &value),
                OverrideFailure::NanToInt => {
                    PyValueError::new_err(SystemError::NanToInt.to_string())
                }
            };
            raised_from(py, PyValueError::new_err(message), cause)
        }
        SystemError::MemoryOverride { value, .. } => {
            raised_from(py, PyValueError::new_err(message), not_a_float(py, &value))
        }
        SystemError::InfinityToInt => PyOverflowError::new_err(message),
        SystemError::NanToInt | SystemError::EmbeddedNul => PyValueError::new_err(message),
        SystemError::ZeroDivision => float_division_by_zero(py, message),
        SystemError::Os { errno, path } => path_os_error(py, errno, path),
        SystemError::AffinityMaskTooSmall => path_os_error(py, EINVAL, None),
        SystemError::MemTotalMissing => {
            PyKeyError::new_err(PyBytes::new(py, b"MemTotal:").unbind())
        }
    }
}

/// The `ZeroDivisionError` of a float division by zero, raised by Python itself so that it
/// has the running interpreter's text ("float division by zero" up to 3.13, "division by
/// zero" from 3.14). `message` is the core's text, should Python not raise.
fn float_division_by_zero(py: Python<'_>, message: String) -> PyErr {
    match PyFloat::new(py, 1.0).div(PyFloat::new(py, 0.0)) {
        Err(err) if err.is_instance_of::<PyZeroDivisionError>(py) => err,
        _ => PyZeroDivisionError::new_err(message),
    }
}

/// `float(value)`'s own error: `could not convert string to float: {value!r}`, raised by
/// Python's `float` itself so that it has the running interpreter's text (3.9 quotes the
/// stripped text of a value that is only whitespace, `''`). Should Python not raise, the
/// text of 3.10 and newer.
fn not_a_float(py: Python<'_>, value: &str) -> PyErr {
    match py.get_type::<PyFloat>().call1((PyString::new(py, value),)) {
        Err(err) if err.is_instance_of::<PyValueError>(py) => return err,
        _ => {}
    }
    let repr = PyString::new(py, value).repr().map_or_else(
        |_| format!("{value:?}"),
        |repr| repr.to_string_lossy().into_owned(),
    );
    PyValueError::new_err(format!("could not convert string to float: {repr}"))
}

/// `OSError(errno, os.strerror(errno)[, path])`, which Python turns into the subclass for
/// that errno (`FileNotFoundError`, ...).
fn path_os_error(py: Python<'_>, errno: i32, path: Option<PathBuf>) -> PyErr {
    let Ok(filename) = path
        .map(|path| path.into_os_string().into_pyobject(py))
        .transpose();
    os_error(py, errno, filename.as_ref().map(Bound::as_any))
}
