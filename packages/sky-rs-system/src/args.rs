//! Inputs and their conversion. The functions take no arguments: their inputs are the override
//! variables, read through `os.environ` as `os.getenv` reads them, and numbers are read and made
//! as Python reads and makes them.
use std::borrow::Cow;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyFloat, PyInt, PyString, PyType};
use pyo3::{IntoPyObjectExt, intern};
use sky_rs_system_core::{
    CPU_LIMIT_ENV, CpuCount, DecimalDigits, MEMORY_BYTES_LIMIT_ENV, MEMORY_GB_LIMIT_ENV,
};

// ---------------------------------------------------------------------------------------
// The environment, through `os.environ`.

/// The three variables SkyPilot reads.
#[derive(Clone, Copy)]
pub(crate) enum EnvVar {
    Cpus = 0,
    MemoryGb = 1,
    MemoryBytes = 2,
}

impl EnvVar {
    fn name(self) -> &'static str {
        match self {
            EnvVar::Cpus => CPU_LIMIT_ENV,
            EnvVar::MemoryGb => MEMORY_GB_LIMIT_ENV,
            EnvVar::MemoryBytes => MEMORY_BYTES_LIMIT_ENV,
        }
    }
}

/// What `os.getenv` looks at, captured at first use (as the reference's `import os` is),
/// and the variable names as the encoded keys of `os.environ`'s dict.
struct OsModule {
    os: Py<PyModule>,
    getenv: Py<PyAny>,
    environ_type: Py<PyType>,
    keys: [Py<PyBytes>; 3],
}

static OS_MODULE: PyOnceLock<OsModule> = PyOnceLock::new();

/// `os.getenv(var)`. When neither `os.getenv` nor the type of `os.environ` has been
/// replaced, the value is taken straight from the dict of encoded bytes behind
/// `os.environ` (a dict lookup instead of three Python-level calls).
pub(crate) fn getenv(py: Python<'_>, var: EnvVar) -> PyResult<Option<Bound<'_, PyAny>>> {
    let env = OS_MODULE.get_or_try_init(py, || -> PyResult<OsModule> {
        let os = py.import("os")?;
        let key = |var: EnvVar| PyBytes::new(py, var.name().as_bytes()).unbind();
        Ok(OsModule {
            getenv: os.getattr("getenv")?.unbind(),
            environ_type: os.getattr("_Environ")?.cast_into::<PyType>()?.unbind(),
            keys: [
                key(EnvVar::Cpus),
                key(EnvVar::MemoryGb),
                key(EnvVar::MemoryBytes),
            ],
            os: os.unbind(),
        })
    })?;
    let os = env.os.bind(py);
    let getenv = os.getattr(intern!(py, "getenv"))?;
    if getenv.is(&env.getenv) {
        let environ = os.getattr(intern!(py, "environ"))?;
        if environ.get_type().is(&env.environ_type) {
            let data = environ.getattr(intern!(py, "_data"))?;
            if let Ok(data) = data.cast_exact::<PyDict>() {
                let Some(raw) = data.get_item(env.keys[var as usize].bind(py))? else {
                    return Ok(None);
                };
                if let Ok(bytes) = raw.cast_exact::<PyBytes>()
                    && let Ok(text) = std::str::from_utf8(bytes.as_bytes())
                    && text.is_ascii()
                {
                    return Ok(Some(PyString::new(py, text).into_any()));
                }
                return environ
                    .call_method1(intern!(py, "decodevalue"), (raw,))
                    .map(Some);
            }
        }
    }
    let value = getenv.call1((var.name(),))?;
    Ok((!value.is_none()).then_some(value))
}

/// The text of an environment value when it is a plain `str` of valid UTF-8 (no lone
/// surrogates); anything else is left to the Python implementation.
pub(crate) fn plain_text<'a>(value: &'a Bound<'_, PyAny>) -> Option<Cow<'a, str>> {
    value.cast_exact::<PyString>().ok()?.to_cow().ok()
}

// ---------------------------------------------------------------------------------------
// Numbers.

/// Python's own answer to "is this character a decimal digit", for the rare non-ASCII
/// character in a number: `int(c)`, which applies CPython's `Py_UNICODE_TODECIMAL`.
pub(crate) struct PythonDigits;

impl DecimalDigits for PythonDigits {
    fn decimal(&self, c: char) -> Option<u8> {
        Python::attach(|py| {
            let mut buf = [0u8; 4];
            let text = PyString::new(py, c.encode_utf8(&mut buf));
            py.get_type::<PyInt>()
                .call1((text,))
                .ok()?
                .extract::<u8>()
                .ok()
        })
    }
}

/// A CPU count as a Python `int` (exact even beyond `i64`, as `int(float)` is).
pub(crate) fn count_to_py(py: Python<'_>, count: CpuCount) -> PyResult<Bound<'_, PyAny>> {
    match count.to_i64() {
        Some(n) => n.into_bound_py_any(py),
        None => py
            .get_type::<PyInt>()
            .call1((PyFloat::new(py, count.as_f64()),)),
    }
}

/// `int(text)`, or `None` where it raises `ValueError` (bad syntax, or more digits than
/// `sys.get_int_max_str_digits()` allows).
pub(crate) fn python_int<'py>(
    py: Python<'py>,
    text: impl IntoPyObject<'py>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    match py.get_type::<PyInt>().call1((text,)) {
        Ok(value) => Ok(Some(value)),
        Err(err) if err.is_instance_of::<PyValueError>(py) => Ok(None),
        Err(err) => Err(err),
    }
}
