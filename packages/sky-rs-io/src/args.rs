//! Argument routing and conversion: optional arguments, counts, hash algorithm names, and the
//! decoding of `read_last_n_lines`' lines (utf-8 in Rust, every other codec by Python). Paths
//! and the exact-`int` checks are `sky_rs_py_support`'s.
use std::sync::{Mutex, PoisonError};

use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};
use sky_rs_io_core::{HashAlgorithm, LastLines};
use sky_rs_py_support::{ExactInt, exact_int_or_bool};

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
    Some(match exact_int_or_bool(obj)? {
        ExactInt::Fits(value) if value < 0 => Count::Negative,
        // Beyond usize::MAX every count means "the whole file".
        ExactInt::Fits(value) => Count::NonNegative(usize::try_from(value).unwrap_or(usize::MAX)),
        ExactInt::Above => Count::NonNegative(usize::MAX),
        ExactInt::Below => Count::Negative,
    })
}

/// The natively hashed algorithm `hash_alg` names, if any (any `str`, ASCII case ignored).
pub(crate) fn native_algorithm(hash_alg: &Bound<'_, PyAny>) -> Option<HashAlgorithm> {
    let name = hash_alg.cast::<PyString>().ok()?.to_cow().ok()?;
    HashAlgorithm::from_name(&name)
}

// ---------------------------------------------------------------------------------------
// Decoding the lines of `read_last_n_lines`: utf-8 in Rust, every other codec by Python.

/// How lines are decoded.
pub(crate) enum Decoder<'py> {
    /// utf-8: valid lines in Rust; invalid ones lossily in Rust when `errors == 'replace'`,
    /// else by Python.
    Utf8 {
        replace: bool,
        encoding: Bound<'py, PyAny>,
        errors: Bound<'py, PyAny>,
    },
    /// Every line by Python's `bytes.decode(encoding, errors=errors)`.
    Python {
        encoding: Bound<'py, PyAny>,
        errors: Bound<'py, PyAny>,
    },
}

impl<'py> Decoder<'py> {
    pub(crate) fn new(encoding: Bound<'py, PyAny>, errors: Bound<'py, PyAny>) -> Self {
        let fast = |obj: &Bound<'py, PyAny>| {
            // Exact str, encodable as UTF-8 and without NUL (Python refuses NUL in both names).
            obj.cast_exact::<PyString>()
                .ok()
                .and_then(|s| s.to_cow().ok().map(std::borrow::Cow::into_owned))
                .filter(|s| !s.contains('\0'))
        };
        match (fast(&encoding), fast(&errors)) {
            (Some(name), Some(handler)) if is_utf8(encoding.py(), &name) => Self::Utf8 {
                replace: handler == "replace",
                encoding,
                errors,
            },
            _ => Self::Python { encoding, errors },
        }
    }

    /// Decode the lines of `lines`: trailing `'\r'`s stripped, `'\n'` after all but the last.
    ///
    /// One pass over the lines, each made into a `str` straight from the read buffer. For utf-8,
    /// CPython's own strict decoder (which has an ASCII fast path) both checks and copies a line;
    /// a line it refuses takes [`Decoder::decode_line`]. A line without `'\r'` is decoded with
    /// the `'\n'` after it, so no line is copied in Rust.
    pub(crate) fn decode(
        &self,
        py: Python<'py>,
        lines: &LastLines,
    ) -> PyResult<Bound<'py, PyList>> {
        let buffer = lines.buffer();
        let mut out = Vec::new();
        let mut joined = Vec::new();
        let mut ranges = lines.ranges().peekable();
        while let Some(range) = ranges.next() {
            let last = ranges.peek().is_none();
            let line = &buffer[range.clone()];
            let item = if let Self::Utf8 { .. } = self {
                // '\r' never occurs inside a multi-byte utf-8 sequence, so stripping bytes is
                // stripping characters.
                let kept = line.len() - line.iter().rev().take_while(|&&b| b == b'\r').count();
                let text = if last {
                    &line[..kept]
                } else if kept == line.len() {
                    &buffer[range.start..=range.end]
                } else {
                    joined.clear();
                    joined.extend_from_slice(&line[..kept]);
                    joined.push(b'\n');
                    &joined
                };
                match strict_utf8(py, text) {
                    Some(item) => item.into_any(),
                    None => self.decode_line(py, line, last)?,
                }
            } else {
                self.decode_line(py, line, last)?
            };
            out.push(item);
        }
        PyList::new(py, out)
    }

    fn decode_line(&self, py: Python<'py>, line: &[u8], last: bool) -> PyResult<Bound<'py, PyAny>> {
        let (encoding, errors) = match self {
            Self::Utf8 {
                replace,
                encoding,
                errors,
            } => {
                let text = match std::str::from_utf8(line) {
                    Ok(text) => std::borrow::Cow::Borrowed(text),
                    Err(_) if *replace => String::from_utf8_lossy(line),
                    Err(_) => return python_decode(py, line, encoding, errors, last),
                };
                let trimmed = text.trim_end_matches('\r');
                let item = if last {
                    PyString::new(py, trimmed)
                } else {
                    PyString::new(py, &[trimmed, "\n"].concat())
                };
                return Ok(item.into_any());
            }
            Self::Python { encoding, errors } => (encoding, errors),
        };
        python_decode(py, line, encoding, errors, last)
    }
}

/// `text` decoded as strict utf-8 by CPython (`PyUnicode_DecodeUTF8`), or `None` (the
/// `UnicodeDecodeError` dropped) when it is not valid utf-8.
fn strict_utf8<'py>(py: Python<'py>, text: &[u8]) -> Option<Bound<'py, PyString>> {
    let len = ffi::Py_ssize_t::try_from(text.len()).ok()?;
    #[expect(unsafe_code, reason = "PyUnicode_DecodeUTF8; see SAFETY")]
    // SAFETY: `text` is `len` readable bytes, which CPython copies; a null `errors` is strict.
    // The result is a new reference (ours), a `str` when not null; a null return has set an
    // exception, which `from_owned_ptr_or_err` takes.
    let decoded = unsafe {
        let ptr = ffi::PyUnicode_DecodeUTF8(text.as_ptr().cast(), len, std::ptr::null());
        Bound::from_owned_ptr_or_err(py, ptr).map(|obj| obj.cast_into_unchecked())
    };
    decoded.ok()
}

/// `line.decode(encoding, errors=errors).rstrip('\r')` (`+ '\n'` unless `last`), by Python.
fn python_decode<'py>(
    py: Python<'py>,
    line: &[u8],
    encoding: &Bound<'py, PyAny>,
    errors: &Bound<'py, PyAny>,
    last: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let kwargs = PyDict::new(py);
    kwargs.set_item(intern!(py, "errors"), errors)?;
    let text = PyBytes::new(py, line)
        .call_method(intern!(py, "decode"), (encoding,), Some(&kwargs))?
        .call_method1(intern!(py, "rstrip"), ("\r",))?;
    if last { Ok(text) } else { text.add("\n") }
}

/// Whether Python's codec registry resolves `encoding` to its utf-8 codec (`'UTF8'`, `'u8'`,
/// `'utf_8'`, ...). Unknown names are not utf-8: decoding them raises `LookupError` later, exactly
/// when the reference does. Results are cached.
fn is_utf8(py: Python<'_>, encoding: &str) -> bool {
    static CACHE: Mutex<Vec<(String, bool)>> = Mutex::new(Vec::new());
    const CACHE_SIZE: usize = 64;
    if matches!(encoding, "utf-8" | "utf8" | "UTF-8" | "utf_8" | "UTF8") {
        return true;
    }
    let cached = CACHE
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .find(|(name, _)| name == encoding)
        .map(|&(_, utf8)| utf8);
    if let Some(utf8) = cached {
        return utf8;
    }
    // Same decode function as the registry's own utf-8 entry.
    let decoder = |name: &str| -> PyResult<Bound<'_, PyAny>> {
        static LOOKUP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        LOOKUP
            .import(py, "codecs", "lookup")?
            .call1((name,))?
            .getattr(intern!(py, "decode"))
    };
    let utf8 = match (decoder(encoding), decoder("utf-8")) {
        (Ok(this), Ok(utf8)) => this.is(&utf8),
        _ => false,
    };
    let mut cache = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
    if cache.len() < CACHE_SIZE {
        cache.push((encoding.to_owned(), utf8));
    }
    utf8
}
