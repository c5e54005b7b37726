//! The pure-Python implementation of a domain: the route for arguments outside a fast path.
use pyo3::exceptions::PyModuleNotFoundError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

/// A domain's fallback module, imported at first use and kept.
///
/// It is the meta-package's `sky_rs._fallback.<domain>` when `sky_rs` is installed (so both
/// backends share its state, e.g. the once-per-process warning), and otherwise the copy the wheel
/// carries, `sky_rs_<domain>._fallback` (the same file: a symbolic link in the repository, its content in the sdist and the wheel), so a
/// wheel installed alone handles every argument as it does next to `sky_rs`.
///
/// Functions are looked up on each call, so a patched module attribute is honoured.
pub struct Fallback {
    name: &'static str,
    bundled: &'static str,
    module: PyOnceLock<Py<PyModule>>,
}

impl Fallback {
    /// The module named `name` (e.g. `"sky_rs._fallback.io"`), or the wheel's own copy `bundled`
    /// (e.g. `"sky_rs_io._fallback"`) when `sky_rs` is not installed; nothing is imported yet.
    pub const fn new(name: &'static str, bundled: &'static str) -> Self {
        Self {
            name,
            bundled,
            module: PyOnceLock::new(),
        }
    }

    /// The module, imported on the first call.
    pub fn module<'a, 'py>(&'a self, py: Python<'py>) -> PyResult<&'a Bound<'py, PyModule>> {
        self.module
            .get_or_try_init(py, || {
                match py.import(self.name) {
                    Ok(module) => Ok(module),
                    // Only a missing `sky_rs` means "use the copy": any other failure of an
                    // installed `sky_rs` is raised as it is.
                    Err(err) if self.is_missing_meta_package(py, &err) => py.import(self.bundled),
                    Err(err) => Err(err),
                }
                .map(Bound::unbind)
            })
            .map(|module| module.bind(py))
    }

    /// Whether `err` says that the meta-package (the first component of `name`) is not installed.
    fn is_missing_meta_package(&self, py: Python<'_>, err: &PyErr) -> bool {
        if !err.is_instance_of::<PyModuleNotFoundError>(py) {
            return false;
        }
        let top = self.name.split('.').next().unwrap_or(self.name);
        err.value(py)
            .getattr("name")
            .and_then(|name| name.extract::<String>())
            .is_ok_and(|name| name == top)
    }

    /// The module's attribute `name`: `sky_rs._fallback.<domain>.<name>` or the wheel's copy.
    pub fn function<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        self.module(py)?.getattr(name)
    }
}
