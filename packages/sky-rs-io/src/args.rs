//! Argument conversion: optional arguments, counts, paths.
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyBytes, PyInt, PyString};

/// An optional argument: [`Given::Missing`] when the caller left it out, so that an explicit
/// `None` is passed on (and fails) exactly as in the reference.
pub(crate) enum Given<'py> {
    Missing,
    Value(Bound<'py, PyAny>),
}

impl<'py> FromPyObject<'_, 'py> for Given<'py> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        Ok(Self::Value(obj.to_owned()))
    }
}

impl<'py> Given<'py> {
    pub(crate) fn or(self, default: impl FnOnce() -> Bound<'py, PyAny>) -> Bound<'py, PyAny> {
        match self {
            Self::Missing => default(),
            Self::Value(value) => value,
        }
    }
}

/// An exact `int` or `bool`, as a count: `None` for any other type (Python decides those).
pub(crate) enum Count {
    Negative,
    NonNegative(usize),
}

pub(crate) fn exact_count(obj: &Bound<'_, PyAny>) -> Option<Count> {
    if !(obj.is_exact_instance_of::<PyInt>() || obj.is_exact_instance_of::<PyBool>()) {
        return None;
    }
    match obj.extract::<i64>() {
        Ok(value) if value < 0 => Some(Count::Negative),
        // Beyond usize::MAX every count means "the whole file".
        Ok(value) => Some(Count::NonNegative(
            usize::try_from(value).unwrap_or(usize::MAX),
        )),
        Err(_) => match obj.lt(0) {
            Ok(true) => Some(Count::Negative),
            Ok(false) => Some(Count::NonNegative(usize::MAX)),
            Err(_) => None,
        },
    }
}

/// A path the Rust side opens itself, and the object Python's `open()` names in its errors.
pub(crate) struct NativePath<'py> {
    pub(crate) path: PathBuf,
    pub(crate) filename: Bound<'py, PyAny>,
}

/// `path` as [`NativePath`]: a `str` (encoded like `os.fsencode`), `bytes`, or an `os.PathLike`
/// giving one of those. `None` for anything else, or a path Python would reject on its own terms
/// (NUL byte, unencodable surrogate): the caller hands those to Python.
pub(crate) fn native_path<'py>(path: &Bound<'py, PyAny>) -> Option<NativePath<'py>> {
    let py = path.py();
    let fspath = if path.is_instance_of::<PyString>() || path.is_instance_of::<PyBytes>() {
        path.clone()
    } else {
        static FSPATH: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        FSPATH
            .import(py, "os", "fspath")
            .ok()?
            .call1((path,))
            .ok()?
    };
    let raw = if let Ok(bytes) = fspath.cast::<PyBytes>() {
        bytes.as_bytes().to_vec()
    } else {
        fspath
            .cast::<PyString>()
            .ok()?
            .extract::<OsString>()
            .ok()?
            .into_vec()
    };
    if raw.contains(&0) {
        return None;
    }
    Some(NativePath {
        path: PathBuf::from(OsString::from_vec(raw)),
        filename: fspath,
    })
}
