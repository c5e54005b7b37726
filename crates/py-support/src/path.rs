//! Path arguments: `str`, `bytes` or `os.PathLike`, as the native path `os` would use.
use std::borrow::Cow;
use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyString};

/// A path the Rust side opens itself, and the object Python's `open()` names in its errors.
pub struct NativePath<'py> {
    /// The path, as bytes (a `str` encoded like `os.fsencode`).
    pub path: PathBuf,
    /// `os.fspath(path)`: the `str` or `bytes` object a Python error would name.
    pub filename: Bound<'py, PyAny>,
}

/// `os.fspath(path)` as a [`NativePath`]: a `str` (encoded like `os.fsencode`), `bytes`, or an
/// `os.PathLike` giving one of those. Raises what `os.fspath` or the encoding raise. A NUL byte
/// is kept: the caller decides what it means.
pub fn fspath<'py>(path: &Bound<'py, PyAny>) -> PyResult<NativePath<'py>> {
    let py = path.py();
    let fspath = if path.is_instance_of::<PyString>() || path.is_instance_of::<PyBytes>() {
        path.clone()
    } else {
        static FSPATH: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        FSPATH.import(py, "os", "fspath")?.call1((path,))?
    };
    let raw = if let Ok(bytes) = fspath.cast::<PyBytes>() {
        bytes.as_bytes().to_vec()
    } else {
        fspath.cast::<PyString>()?.extract::<OsString>()?.into_vec()
    };
    Ok(NativePath {
        path: PathBuf::from(OsString::from_vec(raw)),
        filename: fspath,
    })
}

/// [`fspath`] for a fast path: `None` for anything it would raise on, or a path Python would
/// reject on its own terms (NUL byte, unencodable surrogate); the caller hands those to Python.
pub fn native_path<'py>(path: &Bound<'py, PyAny>) -> Option<NativePath<'py>> {
    fspath(path)
        .ok()
        .filter(|native| !native.path.as_os_str().as_bytes().contains(&0))
}

/// Whether a `str` path means its UTF-8 bytes to `os` (the filesystem encoding is UTF-8 with
/// `surrogateescape`, as on every modern Linux Python). Otherwise `str` paths go to Python.
fn fs_encoding_is_utf8(py: Python<'_>) -> bool {
    static UTF8: PyOnceLock<bool> = PyOnceLock::new();
    *UTF8.get_or_init(py, || {
        let check = || -> PyResult<bool> {
            let sys = py.import("sys")?;
            let encoding: String = sys.call_method0("getfilesystemencoding")?.extract()?;
            let errors: String = sys.call_method0("getfilesystemencodeerrors")?.extract()?;
            Ok(encoding == "utf-8" && errors == "surrogateescape")
        };
        check().unwrap_or(false)
    })
}

/// The path of a `str` argument (subclasses included), when Rust can use it as `os` would:
/// valid UTF-8 (no lone surrogates), no NUL byte, and a UTF-8 filesystem encoding. `None`
/// for anything else, which the caller sends to Python.
pub fn utf8_str_path<'a>(py: Python<'_>, obj: &'a Bound<'_, PyAny>) -> Option<Cow<'a, str>> {
    let s = obj.cast::<PyString>().ok()?;
    if !fs_encoding_is_utf8(py) {
        return None;
    }
    let text = s.to_cow().ok()?;
    (!text.contains('\0')).then_some(text)
}
