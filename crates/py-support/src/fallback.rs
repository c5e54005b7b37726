//! The pure-Python implementation of a domain: the route for arguments outside a fast path.
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

/// A fallback module (`sky_rs._fallback.<domain>`), imported at first use and kept.
///
/// Functions are looked up on each call, so a patched module attribute is honoured.
pub struct Fallback {
    name: &'static str,
    module: PyOnceLock<Py<PyModule>>,
}

impl Fallback {
    /// The module named `name`, e.g. `"sky_rs._fallback.io"`; nothing is imported yet.
    pub const fn new(name: &'static str) -> Self {
        Self {
            name,
            module: PyOnceLock::new(),
        }
    }

    /// The module, imported on the first call.
    pub fn module<'a, 'py>(&'a self, py: Python<'py>) -> PyResult<&'a Bound<'py, PyModule>> {
        self.module
            .get_or_try_init(py, || py.import(self.name).map(Bound::unbind))
            .map(|module| module.bind(py))
    }

    /// The module's attribute `name`: `sky_rs._fallback.<domain>.<name>`.
    pub fn function<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        self.module(py)?.getattr(name)
    }
}
