//! Python bindings for [`sky_rs_string_core`]: argument conversion and error mapping only.
//!
//! Fast paths take exact `str`/`bytes`/`bytearray`/`float`/`int`/`bool` arguments. Everything
//! else (subclasses, other numeric types, huge precisions, strings with lone surrogates) goes to
//! Python itself: `int(x, 16)` for `base36_encode`, `sky_rs._fallback.string` (or the
//! wheel's own copy, `sky_rs_string._fallback`, without `sky_rs`) for the other two,
//! so exotic inputs get exactly the reference's answer or exception.
mod args;
mod errors;

use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyFloat, PyInt, PyString};
use sky_rs_py_support::{Fallback, is_exact_int_or_bool};
use sky_rs_string_core::{self as core, StringError};

use crate::args::{BoolArg, IntArg, new_str, new_str_of, with_utf8};
use crate::errors::to_py_err;

/// The pure-Python contract, for exotic arguments.
static FALLBACK: Fallback = Fallback::new("sky_rs._fallback.string", "sky_rs_string._fallback");

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
    if is_exact_int_or_bool(num) {
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
