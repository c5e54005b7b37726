//! Calls into Python: f-string formatting.
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyString;

/// `template.format(*args)`: what an f-string with these values gives, built by Python so that
/// any `__format__` (and any string, lone surrogates included) comes out exactly.
pub(crate) fn fstring<'py>(
    py: Python<'py>,
    template: &str,
    args: impl pyo3::call::PyCallArgs<'py>,
) -> PyResult<Bound<'py, PyAny>> {
    PyString::new(py, template).call_method1(intern!(py, "format"), args)
}
