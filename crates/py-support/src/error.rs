//! Exceptions as `CPython` raises them: OS errors, `raise ... from ...`, and messages formatted
//! by Python.
use pyo3::exceptions::PyOSError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyString;

/// `os.strerror(errno)`: the very text `CPython` puts in its own `OSError`s. Should Python fail
/// to give it, the C library's text, as Rust prints it before `" (os error N)"`.
pub fn strerror(py: Python<'_>, errno: i32) -> String {
    static STRERROR: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    STRERROR
        .import(py, "os", "strerror")
        .and_then(|strerror| strerror.call1((errno,)))
        .and_then(|text| text.extract())
        .unwrap_or_else(|_| {
            let text = std::io::Error::from_raw_os_error(errno).to_string();
            text.rsplit_once(" (os error")
                .map_or(text.clone(), |(head, _)| head.to_owned())
        })
}

/// `OSError(errno, os.strerror(errno)[, filename])`, which Python turns into the subclass for
/// that errno (`FileNotFoundError`, ...). `filename` is the object Python would name.
pub fn os_error(py: Python<'_>, errno: i32, filename: Option<&Bound<'_, PyAny>>) -> PyErr {
    let strerror = strerror(py, errno);
    match filename {
        Some(filename) => PyOSError::new_err((errno, strerror, filename.clone().unbind())),
        None => PyOSError::new_err((errno, strerror)),
    }
}

/// `raise err from cause`, inside the `except` that caught `cause`.
pub fn raised_from(py: Python<'_>, err: PyErr, cause: PyErr) -> PyErr {
    let context = cause.value(py).clone();
    err.set_cause(py, Some(cause));
    // Best effort: `__context__` only matters for tracebacks.
    let _ = err.value(py).setattr(intern!(py, "__context__"), context);
    err
}

/// `template.format(*args)`: what an f-string with these values gives, built by Python so that
/// any `__format__` (and any string, lone surrogates included) comes out exactly.
pub fn fstring<'py>(
    py: Python<'py>,
    template: &str,
    args: impl pyo3::call::PyCallArgs<'py>,
) -> PyResult<Bound<'py, PyAny>> {
    PyString::new(py, template).call_method1(intern!(py, "format"), args)
}
