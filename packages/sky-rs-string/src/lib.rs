//! Python bindings for [`sky_rs_string_core`]: argument conversion and error mapping only.
//!
//! Fast paths take exact `str`/`bytes`/`bytearray`/`float`/`int`/`bool` arguments. Everything
//! else (subclasses, other numeric types, huge precisions, strings with lone surrogates) goes to
//! Python itself: `int(x, 16)` for `base36_encode`, `sky_rs._fallback.string` (or the
//! wheel's own copy, `sky_rs_string._fallback`, without `sky_rs`) for the other two,
//! so exotic inputs get exactly the reference's answer or exception.
use pyo3::exceptions::PyValueError;

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyFloat, PyInt, PySlice, PyString};
use sky_rs_py_support::Fallback;
use sky_rs_string_core::{self as core, StringError};

/// The pure-Python contract, for exotic arguments.
static FALLBACK: Fallback = Fallback::new("sky_rs._fallback.string", "sky_rs_string._fallback");

/// Longest `repr()` quoted in an error message, as in `int()`'s own (`%.200R`).
const REPR_LIMIT: isize = 200;

/// The one mapping from [`StringError`] to the Python exception the caller sees.
///
/// `arg` is the argument the error is about. [`StringError::InvalidHexLiteral`] and
/// [`StringError::PrecisionOutOfRange`] are normally resolved by asking Python first (see the
/// functions below); mapped here they keep the core's text.
fn to_py_err(err: StringError, arg: &Bound<'_, PyAny>) -> PyErr {
    match err {
        StringError::NegativeValue => {
            // `repr(arg)[:200]`, sliced by Python so any repr survives unchanged.
            let py = arg.py();
            let message = arg
                .repr()
                .and_then(|repr| repr.get_item(PySlice::new(py, 0, REPR_LIMIT, 1)))
                .and_then(|repr| PyString::new(py, &format!("{err}, got ")).add(repr));
            match message {
                Ok(message) => PyValueError::new_err(message.unbind()),
                Err(repr_error) => repr_error,
            }
        }
        StringError::InvalidHexLiteral
        | StringError::MissingPrecision
        | StringError::PrecisionOutOfRange => PyValueError::new_err(err.to_string()),
    }
}

/// An argument whose fast path is an exact `int` that fits an `i64`; anything else is kept as is.
enum IntArg<'py> {
    Int(i64),
    Other(Bound<'py, PyAny>),
}

impl<'py> FromPyObject<'_, 'py> for IntArg<'py> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        if obj.is_exact_instance_of::<PyInt>()
            && let Ok(value) = obj.extract::<i64>()
        {
            return Ok(Self::Int(value));
        }
        Ok(Self::Other(obj.to_owned()))
    }
}

impl<'py> IntArg<'py> {
    fn into_object(self, py: Python<'py>) -> Bound<'py, PyAny> {
        match self {
            Self::Int(value) => PyInt::new(py, value).into_any(),
            Self::Other(obj) => obj,
        }
    }
}

/// An argument whose fast path is an exact `bool`; anything else (whose truth value Python must
/// decide, possibly never) is kept as is.
enum BoolArg<'py> {
    Bool(bool),
    Other(Bound<'py, PyAny>),
}

impl<'py> FromPyObject<'_, 'py> for BoolArg<'py> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        Ok(match obj.cast_exact::<PyBool>() {
            Ok(flag) => Self::Bool(flag.is_true()),
            Err(_) => Self::Other(obj.to_owned()),
        })
    }
}

impl<'py> BoolArg<'py> {
    fn into_object(self, py: Python<'py>) -> Bound<'py, PyAny> {
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
fn with_utf8<R>(text: &Bound<'_, PyString>, f: impl FnOnce(&str) -> R) -> Option<R> {
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
fn new_str<'py>(py: Python<'py>, text: &[u8]) -> PyResult<Bound<'py, PyString>> {
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
fn new_str_of<'py>(py: Python<'py>, parts: [&str; 3]) -> PyResult<Bound<'py, PyString>> {
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

/// Converts a hex string to a base36 string.
#[pyfunction]
#[pyo3(signature = (hex_str))]
fn base36_encode<'py>(hex_str: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyString>> {
    let encoded = if let Ok(text) = hex_str.cast_exact::<PyString>() {
        match with_utf8(text, core::base36_encode) {
            Some(encoded) => encoded,
            // Lone surrogates: not UTF-8, and never valid for int().
            None => return base36_via_int(hex_str),
        }
    } else if let Ok(bytes) = hex_str.cast_exact::<PyBytes>() {
        core::base36_encode_bytes(bytes.as_bytes())
    } else if let Ok(bytes) = hex_str.cast_exact::<PyByteArray>() {
        core::base36_encode_bytes(&bytes.to_vec())
    } else {
        return base36_via_int(hex_str);
    };
    match encoded {
        Ok(digits) => new_str(hex_str.py(), digits.as_bytes()),
        // int() owns the exact message (it quotes repr(hex_str)), and knows digits newer than ours.
        Err(StringError::InvalidHexLiteral) => base36_via_int(hex_str),
        Err(err) => Err(to_py_err(err, hex_str)),
    }
}

/// `base36_encode` through Python's own `int(hex_str, 16)`: its exact exception for anything it
/// rejects, else the value's digits re-read from `format(value, 'x')`.
fn base36_via_int<'py>(hex_str: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyString>> {
    let py = hex_str.py();
    let value = py.get_type::<PyInt>().call1((hex_str, 16))?;
    let hex = value.call_method1("__format__", ("x",))?;
    let hex = hex.cast::<PyString>()?.to_cow()?;
    match core::base36_encode(&hex) {
        Ok(digits) => new_str(py, digits.as_bytes()),
        Err(err) => Err(to_py_err(err, hex_str)),
    }
}

/// Formats a float to not show decimal point if it is a whole number.
///
/// If it is not a whole number, it will show up to `precision` decimal places.
#[pyfunction]
#[pyo3(signature = (num, precision = IntArg::Int(1)), text_signature = "(num, precision=1)")]
fn format_float<'py>(
    num: &Bound<'py, PyAny>,
    precision: IntArg<'py>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = num.py();
    if let (Ok(float), IntArg::Int(digits)) = (num.cast_exact::<PyFloat>(), &precision) {
        return match core::format_float(float.value(), *digits) {
            Ok(text) => Ok(new_str(py, text.as_bytes())?.into_any()),
            Err(StringError::PrecisionOutOfRange) => FALLBACK
                .function(py, "format_float")?
                .call1((num, precision.into_object(py))),
            Err(err) => Err(to_py_err(err, num)),
        };
    }
    if num.is_exact_instance_of::<PyInt>() || num.is_exact_instance_of::<PyBool>() {
        return Ok(num.str()?.into_any());
    }
    FALLBACK
        .function(py, "format_float")?
        .call1((num, precision.into_object(py)))
}

/// Truncates a string to a maximum length.
///
/// With `truncate_middle`, the middle of the string is replaced with '...'; otherwise the end is
/// cut, preserving whole words.
#[pyfunction]
#[pyo3(
    signature = (s, max_length = IntArg::Int(35), truncate_middle = BoolArg::Bool(false)),
    text_signature = "(s, max_length=35, truncate_middle=False)"
)]
fn truncate_long_string<'py>(
    s: &Bound<'py, PyAny>,
    max_length: IntArg<'py>,
    truncate_middle: BoolArg<'py>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = s.py();
    if let (Ok(text), IntArg::Int(limit), BoolArg::Bool(middle)) =
        (s.cast_exact::<PyString>(), &max_length, &truncate_middle)
    {
        if i64::try_from(text.len()?).is_ok_and(|len| len <= *limit) {
            return Ok(s.clone());
        }
        // Lone surrogates cannot be borrowed as UTF-8: Python slices those.
        let truncated = with_utf8(text, |utf8| {
            new_str_of(
                py,
                core::truncate_long_string(utf8, *limit, *middle).parts(),
            )
        });
        if let Some(truncated) = truncated {
            return Ok(truncated?.into_any());
        }
    }
    FALLBACK.function(py, "truncate_long_string")?.call1((
        s,
        max_length.into_object(py),
        truncate_middle.into_object(py),
    ))
}

/// The `sky_rs_string._core` extension module.
#[pymodule(gil_used = false)]
#[pyo3(name = "_core")]
fn sky_rs_string_ext(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(base36_encode, m)?)?;
    m.add_function(wrap_pyfunction!(format_float, m)?)?;
    m.add_function(wrap_pyfunction!(truncate_long_string, m)?)?;
    Ok(())
}
