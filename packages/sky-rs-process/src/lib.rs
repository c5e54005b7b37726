//! Python bindings for [`sky_rs_process_core`]: argument conversion and error mapping only.
//!
//! The fast paths take `str` paths (and `str` subclasses, whose content is all `os` looks at),
//! exact `dict` mappings, exact `int` pids and `str`/`None` cloud names. Anything else is
//! handed to the pure-Python implementation in `sky_rs._fallback.process` (the wheel's own copy,
//! `sky_rs_process._fallback`, when `sky_rs` is not installed) or to `os` itself, which is the
//! contract: exotic inputs behave exactly as in the reference.
mod args;
mod errors;

use std::borrow::Cow;
use std::path::Path;
use std::sync::LazyLock;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList};
use sky_rs_process_core::{
    FD_PER_ENTRY, LOW_FD_LIMIT, ProcFs, ProcessError, fd_per_rsync, max_workers, online_cpu_count,
    parallel_threads, soft_fd_limit, workers_below_thread_floor,
};
use sky_rs_py_support::{Fallback, SignalCheck, utf8_str_path};

use crate::args::{PidRoute, multiplier_of, route_pid};
use crate::errors::to_py_err;

/// The Python implementation this wheel accelerates; the route for exotic arguments.
static FALLBACK: Fallback = Fallback::new("sky_rs._fallback.process", "sky_rs_process._fallback");

static PROC: LazyLock<ProcFs> = LazyLock::new(ProcFs::default);

/// `os.cpu_count()`: `sysconf(_SC_NPROCESSORS_ONLN)`, unless Python 3.13+ was told to
/// override it (`-X cpu_count` or `PYTHON_CPU_COUNT`), in which case `os.cpu_count()` decides.
fn cpu_count(py: Python<'_>) -> PyResult<Option<i64>> {
    static OVERRIDDEN: PyOnceLock<bool> = PyOnceLock::new();
    let overridden = *OVERRIDDEN.get_or_init(py, || {
        if py.version_info() < (3, 13) {
            return false;
        }
        let check = || -> PyResult<bool> {
            let sys = py.import("sys")?;
            let xoption = sys.getattr("_xoptions")?.contains("cpu_count")?;
            let ignore_env = sys
                .getattr("flags")?
                .getattr("ignore_environment")?
                .is_truthy()?;
            let env = py
                .import("os")?
                .getattr("environ")?
                .contains("PYTHON_CPU_COUNT")?;
            Ok(xoption || (env && !ignore_env))
        };
        check().unwrap_or(true)
    });
    if overridden {
        return py.import("os")?.call_method0("cpu_count")?.extract();
    }
    Ok(online_cpu_count())
}

/// Number of threads for parallel work.
#[pyfunction]
#[pyo3(signature = (cloud_str=None))]
fn get_parallel_threads(py: Python<'_>, cloud_str: Option<&Bound<'_, PyAny>>) -> PyResult<i64> {
    let cpus = cpu_count(py)?;
    Ok(parallel_threads(cpus, multiplier_of(cloud_str)?))
}

/// Logs the low-limit warning once per process: the fallback's function (its text, its "once"
/// flag, shared by both backends), which the wheel carries when `sky_rs` is not installed.
fn warn_low_fd_limit(py: Python<'_>, fd_limit: i64) -> PyResult<()> {
    FALLBACK
        .module(py)?
        .call_method1("_warn_low_fd_limit", (fd_limit,))?;
    Ok(())
}

/// The fallback's estimate for `src` if `os.path.isdir(src)`, both asked of Python (exotic `src`).
fn python_fd_per_rsync(py: Python<'_>, src: &Bound<'_, PyAny>) -> PyResult<Option<u64>> {
    static ISDIR: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let isdir = ISDIR.import(py, "os.path", "isdir")?;
    if !isdir.call1((src,))?.is_truthy()? {
        return Ok(None);
    }
    let estimate = FALLBACK
        .function(py, "estimate_fd_for_directory")?
        .call1((src,))?;
    estimate.extract().map(Some)
}

/// One mapping value's need: Rust for `str` paths (GIL released), Python otherwise.
fn value_fd_per_rsync(py: Python<'_>, src: &Bound<'_, PyAny>) -> PyResult<Option<u64>> {
    match utf8_str_path(py, src) {
        Some(path) => py
            .detach(|| fd_per_rsync(Path::new(&*path)))
            .map_err(|err| to_py_err(py, &err, Some(src))),
        None => python_fd_per_rsync(py, src),
    }
}

/// The largest per-rsync estimate over `str` paths; an error comes with its path's index.
fn max_fd_per_rsync_of_paths(paths: &[String]) -> Result<u64, (usize, ProcessError)> {
    let mut fd_per = FD_PER_ENTRY;
    for (i, path) in paths.iter().enumerate() {
        if let Some(need) = fd_per_rsync(Path::new(path)).map_err(|err| (i, err))? {
            fd_per = fd_per.max(need);
        }
    }
    Ok(fd_per)
}

/// The largest per-rsync estimate over the mapping's values, in iteration order.
fn max_fd_per_rsync(py: Python<'_>, mounts: &Bound<'_, PyAny>) -> PyResult<u64> {
    let mut fd_per = FD_PER_ENTRY;
    if let Ok(dict) = mounts.cast_exact::<PyDict>() {
        // A snapshot of an exact dict's values; when all are plain `str` paths no Python code
        // can run during the scan, so one GIL release covers every directory.
        let values = dict.values();
        let paths: Option<Vec<String>> = values
            .iter()
            .map(|v| utf8_str_path(py, &v).map(Cow::into_owned))
            .collect();
        if let Some(paths) = paths {
            let scanned = py.detach(|| max_fd_per_rsync_of_paths(&paths));
            return scanned.map_err(|(i, err)| match values.get_item(i) {
                Ok(value) => to_py_err(py, &err, Some(&value)),
                Err(lookup) => lookup,
            });
        }
    }
    for src in mounts.call_method0("values")?.try_iter()? {
        if let Some(need) = value_fd_per_rsync(py, &src?)? {
            fd_per = fd_per.max(need);
        }
    }
    Ok(fd_per)
}

/// Parallel rsync workers for the file mounts, bounded by the descriptor limit and the CPUs.
#[pyfunction]
#[pyo3(signature = (common_file_mounts, cloud_str=None))]
fn get_max_workers_for_file_mounts(
    py: Python<'_>,
    common_file_mounts: &Bound<'_, PyAny>,
    cloud_str: Option<&Bound<'_, PyAny>>,
) -> PyResult<i64> {
    let fd_limit = soft_fd_limit().map_err(|err| to_py_err(py, &err, None))?;
    if fd_limit < LOW_FD_LIMIT {
        warn_low_fd_limit(py, fd_limit)?;
    }
    let fd_per = max_fd_per_rsync(py, common_file_mounts)?;
    let multiplier = multiplier_of(cloud_str)?;
    // Below the core's thread floor, the CPU count cannot matter.
    if let Some(workers) = workers_below_thread_floor(fd_limit, fd_per, multiplier) {
        return Ok(workers);
    }
    let threads = parallel_threads(cpu_count(py)?, multiplier);
    Ok(max_workers(fd_limit, fd_per, threads))
}

/// Descriptors an rsync of `path` is assumed to need: `len(os.listdir(path)) * 5`.
#[pyfunction]
fn estimate_fd_for_directory(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<u64> {
    match utf8_str_path(py, path) {
        Some(p) => {
            // Ctrl-C is checked between `getdents64` calls (a huge directory takes a while).
            let mut signals = SignalCheck::new();
            let estimate = py.detach(|| {
                sky_rs_process_core::estimate_fd_for_directory_interruptible(
                    Path::new(&*p),
                    &mut || signals.interrupted(),
                )
            });
            let estimate = estimate.map_err(|err| to_py_err(py, &err, Some(path)))?;
            signals.finish()?;
            // `None` only when a handler raised, which `finish` returned.
            Ok(estimate.unwrap_or_default())
        }
        None => FALLBACK
            .function(py, "estimate_fd_for_directory")?
            .call1((path,))?
            .extract(),
    }
}

fn python_is_process_alive(py: Python<'_>, pid: &Bound<'_, PyAny>) -> PyResult<bool> {
    FALLBACK
        .function(py, "is_process_alive")?
        .call1((pid,))?
        .extract()
}

/// Whether a process (not a thread) with this pid exists: `psutil.pid_exists(pid)` on Linux.
#[pyfunction]
fn is_process_alive(py: Python<'_>, pid: &Bound<'_, PyAny>) -> PyResult<bool> {
    match route_pid(pid) {
        PidRoute::Probe(p) => py
            .detach(|| PROC.is_process_alive(p))
            .map_err(|e| to_py_err(py, &e, None)),
        PidRoute::NotAlive => Ok(false),
        PidRoute::Python => python_is_process_alive(py, pid),
    }
}

/// Pids probed between two questions to [`SignalCheck`] (Ctrl-C): a few microseconds.
const PROBES_PER_CHECK: usize = 16;

/// Probes the pending exact-int pids in one GIL release, with the signal handlers run every
/// few milliseconds (a long list stops at Ctrl-C), and fills their slots.
fn flush_probes(py: Python<'_>, pending: &mut Vec<(usize, i32)>, out: &mut [bool]) -> PyResult<()> {
    if pending.is_empty() {
        return Ok(());
    }
    let mut signals = SignalCheck::new();
    let answers = py.detach(|| {
        let mut answers = Vec::with_capacity(pending.len());
        for (i, &(_, pid)) in pending.iter().enumerate() {
            if i % PROBES_PER_CHECK == PROBES_PER_CHECK - 1 && signals.interrupted() {
                return Ok(None);
            }
            answers.push(PROC.is_process_alive(pid)?);
        }
        Ok(Some(answers))
    });
    let answers = answers.map_err(|e| to_py_err(py, &e, None))?;
    signals.finish()?;
    // `None` only when a handler raised, which `finish` returned.
    for (&(slot, _), alive) in pending.iter().zip(answers.unwrap_or_default()) {
        out[slot] = alive;
    }
    pending.clear();
    Ok(())
}

/// [`is_process_alive`] for each pid of any iterable, in order, in one call.
#[pyfunction]
fn are_processes_alive<'py>(
    py: Python<'py>,
    pids: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    let mut out = Vec::new();
    let mut pending = Vec::new();
    for item in pids.try_iter()? {
        // Earlier pids are answered before a later failure surfaces, as in a plain loop.
        let pid = match item {
            Ok(pid) => pid,
            Err(err) => {
                flush_probes(py, &mut pending, &mut out)?;
                return Err(err);
            }
        };
        match route_pid(&pid) {
            PidRoute::Probe(p) => {
                pending.push((out.len(), p));
                out.push(false);
            }
            PidRoute::NotAlive => out.push(false),
            PidRoute::Python => {
                flush_probes(py, &mut pending, &mut out)?;
                out.push(python_is_process_alive(py, &pid)?);
            }
        }
    }
    flush_probes(py, &mut pending, &mut out)?;
    PyList::new(py, out)
}

/// The `sky_rs_process._core` extension module.
#[pymodule(gil_used = false)]
#[pyo3(name = "_core")]
fn sky_rs_process_ext(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(get_parallel_threads, m)?)?;
    m.add_function(wrap_pyfunction!(get_max_workers_for_file_mounts, m)?)?;
    m.add_function(wrap_pyfunction!(estimate_fd_for_directory, m)?)?;
    m.add_function(wrap_pyfunction!(is_process_alive, m)?)?;
    m.add_function(wrap_pyfunction!(are_processes_alive, m)?)?;
    Ok(())
}
