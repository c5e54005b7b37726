//! `HASH`: a `hashlib`-like object over a Rust [`Hasher`].
//!
//! A file of its own, beside the three every binding has, because it is a Python type (a
//! `#[pyclass]` with its `#[pymethods]`), not a function: the object `hash_file` and
//! `hash_files` return.
use std::sync::{Mutex, MutexGuard, PoisonError};

use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyMemoryView, PyString};
use sky_rs_io_core::{HashAlgorithm, Hasher};

/// `hashlib` releases the GIL for updates of at least this many bytes; so do we.
const GIL_MINSIZE: usize = 2048;

/// `hashlib.sha256`, whose `update()` raises the errors of `hashlib` for the rare arguments
/// we let it judge (a `str`, a non-contiguous buffer), in the running interpreter's words.
fn sha256(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    static SHA256: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    SHA256.import(py, "hashlib", "sha256")
}

/// A `hashlib`-like hash object computed in Rust: md5, sha1, sha224, sha256, sha384, sha512.
#[pyclass(name = "HASH", module = "sky_rs_io", frozen)]
pub(crate) struct PyHash {
    algorithm: HashAlgorithm,
    state: Mutex<Hasher>,
}

impl PyHash {
    pub(crate) fn new(hasher: Hasher) -> Self {
        Self {
            algorithm: hasher.algorithm(),
            state: Mutex::new(hasher),
        }
    }

    fn state(&self) -> MutexGuard<'_, Hasher> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn feed(&self, py: Python<'_>, data: &[u8]) {
        if data.len() >= GIL_MINSIZE {
            py.detach(|| self.state().update(data));
        } else {
            self.state().update(data);
        }
    }
}

#[pymethods]
impl PyHash {
    /// Feed a bytes-like object (anything with the buffer protocol, C-contiguous).
    #[pyo3(signature = (data, /))]
    fn update(&self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<()> {
        if let Ok(bytes) = data.cast::<PyBytes>() {
            self.feed(py, bytes.as_bytes());
            return Ok(());
        }
        if data.is_instance_of::<PyString>() {
            // hashlib's own TypeError, in the running interpreter's words (3.9: "Unicode-objects
            // must be encoded before hashing"; 3.10+: "Strings must be encoded before hashing").
            sha256(py)?.call0()?.call_method1("update", (data,))?;
            return Err(PyTypeError::new_err(
                "Strings must be encoded before hashing",
            ));
        }
        if let Ok(array) = data.cast::<PyByteArray>() {
            self.feed(py, &array.to_vec());
            return Ok(());
        }
        let view = PyMemoryView::from(data).map_err(|err| {
            if err.is_instance_of::<PyTypeError>(py) {
                PyTypeError::new_err("object supporting the buffer API required")
            } else {
                err
            }
        })?;
        if !view.getattr(intern!(py, "c_contiguous"))?.is_truthy()? {
            // hashlib refuses it with the exporter's own error: let it say so.
            sha256(py)?.call0()?.call_method1("update", (data,))?;
        }
        let bytes = view.call_method0(intern!(py, "tobytes"))?;
        self.feed(py, bytes.cast::<PyBytes>()?.as_bytes());
        Ok(())
    }

    /// The digest of the data fed so far, as bytes.
    fn digest<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.state().digest())
    }

    /// The digest of the data fed so far, as lowercase hex.
    fn hexdigest(&self) -> String {
        self.state().hexdigest()
    }

    /// An independent copy of this hash.
    fn copy(&self) -> Self {
        Self::new(self.state().clone())
    }

    /// The canonical algorithm name, e.g. `'sha256'`.
    #[getter]
    fn name(&self) -> &'static str {
        self.algorithm.name()
    }

    /// Size of the digest in bytes.
    #[getter]
    fn digest_size(&self) -> usize {
        self.algorithm.digest_size()
    }

    /// Internal block size in bytes.
    #[getter]
    fn block_size(&self) -> usize {
        self.algorithm.block_size()
    }

    fn __repr__(slf: &Bound<'_, Self>) -> String {
        format!(
            "<{} sky_rs_io.HASH object @ {:p}>",
            slf.get().algorithm.name(),
            slf.as_ptr()
        )
    }
}
