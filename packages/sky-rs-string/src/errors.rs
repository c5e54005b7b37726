//! The one mapping from [`StringError`] to the Python exception the caller sees.
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PySlice, PyString};
use sky_rs_string_core::StringError;

/// Longest `repr()` quoted in an error message, as in `int()`'s own (`%.200R`).
const REPR_LIMIT: isize = 200;

/// The one mapping from [`StringError`] to the Python exception the caller sees.
///
/// `arg` is the argument the error is about. [`StringError::InvalidHexLiteral`] and
/// [`StringError::PrecisionOutOfRange`] are normally resolved by asking Python first (see the
/// `#[pyfunction]`s); mapped here they keep the core's text.
pub(crate) fn to_py_err(err: StringError, arg: &Bound<'_, PyAny>) -> PyErr {
    match err {
        StringError::NegativeValue => {
            // `repr(arg)[:200]`, sliced by Python so any repr survives unchanged.
            let py = arg.py();
            let message = arg
                .repr()
                .and_then(|repr| repr.get_item(PySlice::new(py, 0, REPR_LIMIT, 1)))
                .and_then(|repr| PyString::new(py, &format!("{err}, got ")).add(repr));
            match message {
                Ok(message) => PyValueError::new_err(message.unbind()),
                Err(repr_error) => repr_error,
            }
        }
        StringError::InvalidHexLiteral
        | StringError::MissingPrecision
        | StringError::PrecisionOutOfRange => PyValueError::new_err(err.to_string()),
    }
}
