//! PyO3 plumbing shared by the sky-rs bindings, written once:
//!
//! - [`os_error`] / [`strerror`]: `OSError(errno, os.strerror(errno)[, filename])`, and
//!   [`raised_from`] for `raise ... from ...`.
//! - [`Fallback`]: the pure-Python implementation of a domain, imported once.
//! - [`SignalCheck`]: Ctrl-C (any raising signal handler) reaching work done with the GIL
//!   released.
//! - [`fspath`] / [`native_path`] / [`utf8_str_path`]: Python path arguments as native paths.
//!
//! Each binding keeps its own `#[pyfunction]`s and its own `to_py_err` (the mapping of its
//! core's error type); only what is the same in all of them lives here.
#![forbid(unsafe_code)]

mod error;
mod fallback;
mod path;
mod signals;

pub use error::{os_error, raised_from, strerror};
pub use fallback::Fallback;
pub use path::{NativePath, fspath, native_path, utf8_str_path};
pub use signals::SignalCheck;
