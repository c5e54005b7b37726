//! The one mapping from [`ProcessError`] to the Python exception the caller sees.
use pyo3::exceptions::PyIndexError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use sky_rs_process_core::ProcessError;
use sky_rs_py_support::os_error;

/// The one mapping from core errors to the exceptions the reference raises.
///
/// `filename` is the object `os` would put in `OSError.filename` (the caller's path object);
/// without it, a directory error names the path as bytes, as psutil's `os.listdir(b'/proc')`.
pub(crate) fn to_py_err(
    py: Python<'_>,
    err: &ProcessError,
    filename: Option<&Bound<'_, PyAny>>,
) -> PyErr {
    let Some(errno) = err.errno() else {
        // `ProcessError::MissingTgid`: psutil's `line.split()[1]` on a bare `Tgid:` line.
        return PyIndexError::new_err("list index out of range");
    };
    let code = errno as i32;
    // OSError(errno, strerror[, filename]) picks the subclass (FileNotFoundError, ...).
    match (err, filename) {
        (ProcessError::ListDir { .. }, Some(name)) => os_error(py, code, Some(name)),
        (ProcessError::ListDir { path, .. }, None) => {
            let bytes = PyBytes::new(py, path.as_os_str().as_encoded_bytes());
            os_error(py, code, Some(bytes.as_any()))
        }
        _ => os_error(py, code, None),
    }
}
