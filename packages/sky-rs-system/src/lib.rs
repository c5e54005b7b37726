//! Python bindings for [`sky_rs_system_core`]: argument conversion and error mapping only.
//!
//! The environment is read through Python's `os.environ` on every call, as SkyPilot's
//! `os.getenv` does: changes made through `os.environ` show, and so does a patched
//! `os.environ` or `os.getenv`. Reading the dict behind `os.environ` never calls libc's
//! `getenv`, so it cannot race a `putenv` from another thread. The file-system work runs
//! with the GIL released.

use std::path::PathBuf;
use std::sync::LazyLock;

use pyo3::exceptions::{PyKeyError, PyOverflowError, PyValueError, PyZeroDivisionError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyFloat, PyInt, PyString, PyType};
use pyo3::{IntoPyObjectExt, intern};
use sky_rs_py_support::{Fallback, os_error, raised_from};
use sky_rs_system_core::{
    CPU_LIMIT_ENV, CpuCount, DecimalDigits, MEMORY_BYTES_LIMIT_ENV, MEMORY_GB_LIMIT_ENV, MemSize,
    MemoryLimit, MemoryUnit, OverrideFailure, Roots, SystemError, TotalMemory,
};

/// Linux's `EINVAL`.
const EINVAL: i32 = 22;

/// The Python implementation, for the inputs the fast path leaves to it.
static FALLBACK: Fallback = Fallback::new("sky_rs._fallback.system", "sky_rs_system._fallback");

// ---------------------------------------------------------------------------------------
// The roots: the real cgroup and proc file systems, their mount facts learnt once.

static DEFAULT_ROOTS: LazyLock<Roots> = LazyLock::new(Roots::default);

// ---------------------------------------------------------------------------------------
// The environment, through `os.environ`.

/// The three variables SkyPilot reads.
#[derive(Clone, Copy)]
enum EnvVar {
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
fn getenv(py: Python<'_>, var: EnvVar) -> PyResult<Option<Bound<'_, PyAny>>> {
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
fn plain_text<'a>(value: &'a Bound<'_, PyAny>) -> Option<std::borrow::Cow<'a, str>> {
    value.cast_exact::<PyString>().ok()?.to_cow().ok()
}

// ---------------------------------------------------------------------------------------
// Numbers.

/// Python's own answer to "is this character a decimal digit", for the rare non-ASCII
/// character in a number: `int(c)`, which applies CPython's `Py_UNICODE_TODECIMAL`.
struct PythonDigits;

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
fn count_to_py(py: Python<'_>, count: CpuCount) -> PyResult<Bound<'_, PyAny>> {
    match count.to_i64() {
        Some(n) => n.into_bound_py_any(py),
        None => py
            .get_type::<PyInt>()
            .call1((PyFloat::new(py, count.as_f64()),)),
    }
}

/// The one mapping from [`SystemError`] to the exception the reference raises.
fn to_py_err(py: Python<'_>, err: SystemError) -> PyErr {
    let message = err.to_string();
    match err {
        SystemError::CpuOverride { value, cause } => {
            let cause = match cause {
                OverrideFailure::NotAFloat => not_a_float(py, &value),
                OverrideFailure::NanToInt => {
                    PyValueError::new_err(SystemError::NanToInt.to_string())
                }
            };
            raised_from(py, PyValueError::new_err(message), cause)
        }
        SystemError::MemoryOverride { value, .. } => {
            raised_from(py, PyValueError::new_err(message), not_a_float(py, &value))
        }
        SystemError::InfinityToInt => PyOverflowError::new_err(message),
        SystemError::NanToInt | SystemError::EmbeddedNul => PyValueError::new_err(message),
        SystemError::ZeroDivision => float_division_by_zero(py, message),
        SystemError::Os { errno, path } => path_os_error(py, errno, path),
        SystemError::AffinityMaskTooSmall => path_os_error(py, EINVAL, None),
        SystemError::MemTotalMissing => {
            PyKeyError::new_err(PyBytes::new(py, b"MemTotal:").unbind())
        }
    }
}

/// The `ZeroDivisionError` of a float division by zero, raised by Python itself so that it
/// has the running interpreter's text ("float division by zero" up to 3.13, "division by
/// zero" from 3.14). `message` is the core's text, should Python not raise.
fn float_division_by_zero(py: Python<'_>, message: String) -> PyErr {
    match PyFloat::new(py, 1.0).div(PyFloat::new(py, 0.0)) {
        Err(err) if err.is_instance_of::<PyZeroDivisionError>(py) => err,
        _ => PyZeroDivisionError::new_err(message),
    }
}

/// `float(value)`'s own error: `could not convert string to float: {value!r}`, raised by
/// Python's `float` itself so that it has the running interpreter's text (3.9 quotes the
/// stripped text of a value that is only whitespace, `''`). Should Python not raise, the
/// text of 3.10 and newer.
fn not_a_float(py: Python<'_>, value: &str) -> PyErr {
    match py.get_type::<PyFloat>().call1((PyString::new(py, value),)) {
        Err(err) if err.is_instance_of::<PyValueError>(py) => return err,
        _ => {}
    }
    let repr = PyString::new(py, value).repr().map_or_else(
        |_| format!("{value:?}"),
        |repr| repr.to_string_lossy().into_owned(),
    );
    PyValueError::new_err(format!("could not convert string to float: {repr}"))
}

/// `OSError(errno, os.strerror(errno)[, path])`, which Python turns into the subclass for
/// that errno (`FileNotFoundError`, ...).
fn path_os_error(py: Python<'_>, errno: i32, path: Option<PathBuf>) -> PyErr {
    let Ok(filename) = path
        .map(|path| path.into_os_string().into_pyobject(py))
        .transpose();
    os_error(py, errno, filename.as_ref().map(Bound::as_any))
}

// ---------------------------------------------------------------------------------------
// The functions.

/// The number of CPUs this process may use, with cgroup awareness (see the fallback's
/// docstring for the contract).
#[pyfunction]
fn get_cpu_count(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    if let Some(value) = getenv(py, EnvVar::Cpus)? {
        let Some(text) = plain_text(&value) else {
            return FALLBACK.function(py, "get_cpu_count")?.call0();
        };
        let count = sky_rs_system_core::cpu_count_override(&text, &PythonDigits);
        return count_to_py(py, count.map_err(|err| to_py_err(py, err))?);
    }
    let roots: &Roots = &DEFAULT_ROOTS;
    let count = match py.detach(|| sky_rs_system_core::cpu_count(roots, &PythonDigits)) {
        Err(SystemError::AffinityMaskTooSmall) => {
            // More possible CPUs than a cpu_set_t holds: Python's call grows its mask.
            let affinity = py
                .import("os")?
                .call_method1("sched_getaffinity", (0,))?
                .len()?;
            let affinity = i64::try_from(affinity)?;
            py.detach(|| {
                sky_rs_system_core::cpu_count_with_affinity(affinity, roots, &PythonDigits)
            })
        }
        other => other,
    };
    count_to_py(py, count.map_err(|err| to_py_err(py, err))?)
}

/// The memory this process may use, in GB, with cgroup awareness (see the fallback's
/// docstring for the contract).
#[pyfunction]
fn get_mem_size_gb(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let memory_override = sky_rs_system_core::memory_override(|unit| {
        let var = match unit {
            MemoryUnit::Gigabytes => EnvVar::MemoryGb,
            MemoryUnit::Bytes => EnvVar::MemoryBytes,
        };
        getenv(py, var)
    })?;
    if let Some((value, unit)) = memory_override {
        let Some(text) = plain_text(&value) else {
            return FALLBACK.function(py, "get_mem_size_gb")?.call0();
        };
        let size = sky_rs_system_core::mem_size_override(&text, unit, &PythonDigits);
        return size
            .map_err(|err| to_py_err(py, err))?
            .into_bound_py_any(py);
    }
    let roots: &Roots = &DEFAULT_ROOTS;
    let size = py.detach(|| sky_rs_system_core::mem_size_gb(roots, &PythonDigits));
    match size.map_err(|err| to_py_err(py, err))? {
        MemSize::Gb(gb) => gb.into_bound_py_any(py),
        MemSize::NeedsPythonInt { total, limit } => mem_size_with_python_ints(py, total, limit),
    }
}

/// `int(text)`, or `None` where it raises `ValueError` (bad syntax, or more digits than
/// `sys.get_int_max_str_digits()` allows).
fn python_int<'py>(
    py: Python<'py>,
    text: impl IntoPyObject<'py>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    match py.get_type::<PyInt>().call1((text,)) {
        Ok(value) => Ok(Some(value)),
        Err(err) if err.is_instance_of::<PyValueError>(py) => Ok(None),
        Err(err) => Err(err),
    }
}

/// The end of `get_mem_size_gb()` with Python's own `int`s, for numbers with more digits
/// than the core reads: `min(total, limit) / 1024**3`, exactly as the fallback computes it.
fn mem_size_with_python_ints(
    py: Python<'_>,
    total: TotalMemory,
    limit: Option<MemoryLimit>,
) -> PyResult<Bound<'_, PyAny>> {
    let mut mem = match total {
        TotalMemory::Bytes(bytes) => bytes.into_bound_py_any(py)?,
        TotalMemory::KibTexts(texts) => {
            let mut found = None;
            for text in texts {
                if let Some(kib) = python_int(py, PyBytes::new(py, &text))? {
                    found = Some(kib.mul(1024)?);
                    break;
                }
            }
            found.ok_or_else(|| to_py_err(py, SystemError::MemTotalMissing))?
        }
    };
    let limit = match limit {
        None => None,
        Some(MemoryLimit::Bytes(bytes)) => Some(bytes.into_bound_py_any(py)?),
        Some(MemoryLimit::Text(text)) => python_int(py, text)?,
    };
    if let Some(limit) = limit
        && limit.gt(0)?
        && limit.lt(&mem)?
    {
        mem = limit;
    }
    mem.div(1_i64 << 30)
}

/// The `sky_rs_system._core` extension module.
#[pymodule(gil_used = false)]
#[pyo3(name = "_core")]
fn sky_rs_system_ext(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(get_cpu_count, m)?)?;
    m.add_function(wrap_pyfunction!(get_mem_size_gb, m)?)?;
    Ok(())
}
