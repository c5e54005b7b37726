//! Argument routing and conversion: the exact `int` and `bool` arguments of the fast paths
//! (checked by `sky_rs_py_support`), the UTF-8 text of a `str`, and new `str`s of core results.
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt, PyString};
use sky_rs_py_support::{exact_bool, exact_i64};

/// An argument whose fast path is an exact `int` that fits an `i64`; anything else is kept as is.
pub(crate) enum IntArg<'py> {
    Int(i64),
    Other(Bound<'py, PyAny>),
}

impl<'py> FromPyObject<'_, 'py> for IntArg<'py> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        Ok(match exact_i64(&obj) {
            Some(value) => Self::Int(value),
            None => Self::Other(obj.to_owned()),
        })
    }
}

impl<'py> IntArg<'py> {
    pub(crate) fn into_object(self, py: Python<'py>) -> Bound<'py, PyAny> {
        match self {
            Self::Int(value) => PyInt::new(py, value).into_any(),
            Self::Other(obj) => obj,
        }
    }
}

/// An argument whose fast path is an exact `bool`; anything else (whose truth value Python must
/// decide, possibly never) is kept as is.
pub(crate) enum BoolArg<'py> {
    Bool(bool),
    Other(Bound<'py, PyAny>),
}

impl<'py> FromPyObject<'_, 'py> for BoolArg<'py> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        Ok(match exact_bool(&obj) {
            Some(flag) => Self::Bool(flag),
            None => Self::Other(obj.to_owned()),
        })
    }
}

impl<'py> BoolArg<'py> {
    pub(crate) fn into_object(self, py: Python<'py>) -> Bound<'py, PyAny> {
        match self {
            Self::Bool(value) => PyBool::new(py, value).to_owned().into_any(),
            Self::Other(obj) => obj,
        }
    }
}

/// Runs `f` on the UTF-8 text of a `str`, or returns `None` for one with lone surrogates.
///
/// The `cp310-abi3` wheel (feature `abi3-py310`) borrows the `str`'s own UTF-8 buffer through
/// `PyUnicode_AsUTF8AndSize`, in the stable ABI since 3.10 (an ASCII `str` is its own UTF-8): no
/// copy, no allocation. The `cp39-abi3` wheel keeps to the 3.9 stable ABI, which cannot lend that
/// buffer: there the text is borrowed from a `bytes` copy (one allocation, where `to_cow` would
/// make two).
pub(crate) fn with_utf8<R>(text: &Bound<'_, PyString>, f: impl FnOnce(&str) -> R) -> Option<R> {
    #[cfg(feature = "abi3-py310")]
    {
        borrow_utf8(text).map(f)
    }
    #[cfg(not(feature = "abi3-py310"))]
    {
        let bytes = text.encode_utf8().ok()?;
        std::str::from_utf8(bytes.as_bytes()).ok().map(f)
    }
}

/// The `str`'s own UTF-8 buffer, or `None` (the error cleared) for one with lone surrogates.
#[cfg(feature = "abi3-py310")]
#[expect(
    unsafe_code,
    reason = "borrowing the UTF-8 buffer CPython keeps; see SAFETY"
)]
fn borrow_utf8<'a>(text: &'a Bound<'_, PyString>) -> Option<&'a str> {
    let mut size: ffi::Py_ssize_t = 0;
    // SAFETY: `text` is a live `str` and we are attached to the interpreter (a `Bound` proves
    // both). The buffer belongs to `text`, which CPython never mutates or frees while `text`
    // lives, so it outlives the `'a` borrow of `text`.
    let data = unsafe { ffi::PyUnicode_AsUTF8AndSize(text.as_ptr(), &raw mut size) };
    if data.is_null() {
        // UnicodeEncodeError (lone surrogates): the caller takes another route.
        drop(PyErr::take(text.py()));
        return None;
    }
    let len = usize::try_from(size).ok()?;
    // The bytes are valid UTF-8: an ASCII `str` is its own UTF-8, and any other is encoded by
    // CPython's strict UTF-8 encoder, which refuses what it cannot encode (lone surrogates, the
    // null return above). So no second check.
    // SAFETY: on success CPython returns `size` initialized bytes at `data`, owned by `text`
    // (see above), and they are valid UTF-8 (see the comment above).
    let utf8 = unsafe {
        std::str::from_utf8_unchecked(std::slice::from_raw_parts(data.cast::<u8>(), len))
    };
    Some(utf8)
}

/// A new `str` of `text`, which is valid UTF-8 (every piece of a core result is a `&str`);
/// CPython decodes it, so no second check here.
pub(crate) fn new_str<'py>(py: Python<'py>, text: &[u8]) -> PyResult<Bound<'py, PyString>> {
    let len = ffi::Py_ssize_t::try_from(text.len())?;
    #[expect(unsafe_code, reason = "PyUnicode_FromStringAndSize; see SAFETY")]
    // SAFETY: `text` is `len` readable bytes; CPython copies them (and raises on invalid UTF-8,
    // which `from_owned_ptr_or_err` turns into an `Err`). The new reference is ours, and it is a
    // `str` when not null.
    unsafe {
        let ptr = ffi::PyUnicode_FromStringAndSize(text.as_ptr().cast(), len);
        Ok(Bound::from_owned_ptr_or_err(py, ptr)?.cast_into_unchecked())
    }
}

/// A new `str` of `parts` joined (each is valid UTF-8), through a stack buffer when short.
pub(crate) fn new_str_of<'py>(py: Python<'py>, parts: [&str; 3]) -> PyResult<Bound<'py, PyString>> {
    const STACK: usize = 256;
    let len: usize = parts.iter().map(|part| part.len()).sum();
    if len > STACK {
        return new_str(py, parts.concat().as_bytes());
    }
    let mut buffer = [0u8; STACK];
    let mut end = 0;
    for part in parts {
        buffer[end..end + part.len()].copy_from_slice(part.as_bytes());
        end += part.len();
    }
    new_str(py, &buffer[..end])
}
