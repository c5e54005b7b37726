//! The one mapping from [`IoError`] to the Python exception the caller sees.
use pyo3::exceptions::{PyIndexError, PyOSError, PyRuntimeError};
use pyo3::prelude::*;
use sky_rs_io_core::IoError;
use sky_rs_py_support::os_error;

/// The one mapping from [`IoError`] to the Python exception the caller sees.
///
/// OS errors become `OSError(errno, os.strerror(errno)[, filename])`, which Python turns into
/// the matching subclass (`FileNotFoundError`, ...). Only a failed open names the file, as
/// Python's `open()` does; `filename` is the object `open()` would have been given. A file
/// emptied while it was tailed is the reference's `IndexError('list index out of range')`.
pub(crate) fn to_py_err(
    py: Python<'_>,
    err: &IoError,
    filename: Option<&Bound<'_, PyAny>>,
) -> PyErr {
    let (source, filename) = match err {
        IoError::NoFreePorts => return PyOSError::new_err(err.to_string()),
        IoError::FileEmptied => return PyIndexError::new_err(err.to_string()),
        // Stopped by a raising signal handler, whose exception the caller raises instead.
        IoError::Interrupted => return PyRuntimeError::new_err(err.to_string()),
        IoError::Open { source, .. } => (source, filename),
        IoError::Read(source) | IoError::Socket(source) => (source, None),
    };
    let Some(errno) = source.raw_os_error() else {
        return PyOSError::new_err(source.to_string());
    };
    os_error(py, errno, filename)
}
