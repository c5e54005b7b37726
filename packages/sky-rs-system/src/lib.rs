//! Python bindings for [`sky_rs_system_core`]: argument conversion and error mapping only.
//!
//! The environment is read through Python's `os.environ` on every call, as SkyPilot's
//! `os.getenv` does: changes made through `os.environ` show, and so does a patched
//! `os.environ` or `os.getenv`. Reading the dict behind `os.environ` never calls libc's
//! `getenv`, so it cannot race a `putenv` from another thread. The file-system work runs
//! with the GIL released.
mod args;
mod errors;

use std::sync::LazyLock;

use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use sky_rs_py_support::Fallback;
use sky_rs_system_core::{MemSize, MemoryLimit, MemoryUnit, Roots, SystemError, TotalMemory};

use crate::args::{EnvVar, PythonDigits, count_to_py, getenv, plain_text, python_int};
use crate::errors::to_py_err;

/// The Python implementation, for the inputs the fast path leaves to it.
static FALLBACK: Fallback = Fallback::new("sky_rs._fallback.system", "sky_rs_system._fallback");

// ---------------------------------------------------------------------------------------
// The roots: the real cgroup and proc file systems, their mount facts learnt once.

static DEFAULT_ROOTS: LazyLock<Roots> = LazyLock::new(Roots::default);

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
