//! Python bindings for [`sky_rs_string_core`]: argument conversion and error mapping only.
use pyo3::prelude::*;

/// Does nothing. The benchmark's floor for the cost of one PyO3 call.
#[pyfunction]
#[pyo3(signature = (*_args, **_kwargs))]
fn _noop(_args: &Bound<'_, pyo3::types::PyTuple>, _kwargs: Option<&Bound<'_, pyo3::types::PyDict>>) {}

/// The `sky_rs_string._core` extension module.
#[pymodule(gil_used = false)]
#[pyo3(name = "_core")]
fn sky_rs_string_ext(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(_noop, m)?)?;
    Ok(())
}
