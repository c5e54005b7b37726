//! Argument routing: the cloud name as the core's thread multiplier, and each pid argument to
//! the core or to Python (the exact-`int` check is `sky_rs_py_support`'s).
use pyo3::prelude::*;
use pyo3::types::PyString;
use sky_rs_process_core::{is_kubernetes, thread_multiplier};
use sky_rs_py_support::{ExactInt, exact_int};

/// The core's thread multiplier for a `cloud_str` argument. A `str` is judged by the core; any
/// other object is asked what the reference asks (truthiness, then `.lower()`).
pub(crate) fn multiplier_of(cloud_str: Option<&Bound<'_, PyAny>>) -> PyResult<i64> {
    let Some(cloud) = cloud_str else {
        return Ok(thread_multiplier(false));
    };
    if let Ok(s) = cloud.cast_exact::<PyString>()
        && let Ok(text) = s.to_cow()
        && text.is_ascii()
    {
        return Ok(thread_multiplier(is_kubernetes(&text)));
    }
    // Anything else, non-ASCII `str` included, is asked exactly what the reference asks.
    let kubernetes = cloud.is_truthy()? && cloud.call_method0("lower")?.eq("kubernetes")?;
    Ok(thread_multiplier(kubernetes))
}

/// How Rust can answer for one pid argument.
pub(crate) enum PidRoute {
    /// An exact `int` in `1..=i32::MAX`: the core decides.
    Probe(i32),
    /// An exact `int` `<= 0`: not alive (psutil: `pid < 0`, or `0 in pids()`).
    NotAlive,
    /// Anything else (`bool`, subclasses, floats, ints beyond `pid_t`, whose `OverflowError`
    /// text depends on the Python version): the fallback, which mirrors psutil step by step.
    Python,
}

/// The route of one pid argument.
pub(crate) fn route_pid(pid: &Bound<'_, PyAny>) -> PidRoute {
    match exact_int(pid) {
        Some(ExactInt::Fits(v)) if v <= 0 => PidRoute::NotAlive,
        Some(ExactInt::Fits(v)) => i32::try_from(v).map_or(PidRoute::Python, PidRoute::Probe),
        Some(ExactInt::Below) => PidRoute::NotAlive,
        Some(ExactInt::Above) | None => PidRoute::Python,
    }
}
