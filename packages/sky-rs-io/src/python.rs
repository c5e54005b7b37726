//! Calls into Python: the fallback module and f-string formatting.
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyString;

/// `sky_rs._fallback.io.<name>`: the contract in Python, for arguments outside the fast paths.
pub(crate) fn fallback<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    MODULE
        .get_or_try_init(py, || py.import("sky_rs._fallback.io").map(Bound::unbind))?
        .bind(py)
        .getattr(name)
}

/// `template.format(*args)`: what an f-string with these values gives, built by Python so that
/// any `__format__` (and any string, lone surrogates included) comes out exactly.
pub(crate) fn fstring<'py>(
    py: Python<'py>,
    template: &str,
    args: impl pyo3::call::PyCallArgs<'py>,
) -> PyResult<Bound<'py, PyAny>> {
    PyString::new(py, template).call_method1(intern!(py, "format"), args)
}
