//! Decoding the lines of `read_last_n_lines`: utf-8 in Rust, every other codec by Python.
use std::sync::{Mutex, PoisonError};

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};
use sky_rs_io_core::LastLines;

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
    pub(crate) fn decode(
        &self,
        py: Python<'py>,
        lines: &LastLines,
    ) -> PyResult<Bound<'py, PyList>> {
        let ranges: Vec<_> = lines.ranges().collect();
        let buffer = lines.buffer();
        let mut out = Vec::with_capacity(ranges.len());
        // Fast path: every selected line (and the newlines between them) is valid UTF-8, so each
        // line with its newline is a substring of one validated text.
        if let (Self::Utf8 { .. }, Some(first), Some(last)) = (self, ranges.first(), ranges.last())
            && let Ok(text) = std::str::from_utf8(&buffer[first.start..last.end])
        {
            for (i, range) in ranges.iter().enumerate() {
                let line = &text[range.start - first.start..range.end - first.start];
                let trimmed = line.trim_end_matches('\r');
                let item = if i + 1 == ranges.len() {
                    PyString::new(py, trimmed)
                } else if trimmed.len() == line.len() {
                    PyString::new(
                        py,
                        &text[range.start - first.start..=range.end - first.start],
                    )
                } else {
                    PyString::new(py, &[trimmed, "\n"].concat())
                };
                out.push(item.into_any());
            }
            return PyList::new(py, out);
        }
        for (i, range) in ranges.iter().enumerate() {
            out.push(self.decode_line(py, &buffer[range.clone()], i + 1 == ranges.len())?);
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
