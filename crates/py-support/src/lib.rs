//! PyO3 plumbing shared by the sky-rs bindings, written once:
//!
//! - [`os_error`] / [`strerror`]: `OSError(errno, os.strerror(errno)[, filename])`,
//!   [`raised_from`] for `raise ... from ...`, and [`fstring`] for a message Python formats.
//! - [`Fallback`]: the pure-Python implementation of a domain, imported once.
//! - [`SignalCheck`]: Ctrl-C (any raising signal handler) reaching work done with the GIL
//!   released.
//! - [`fspath`] / [`native_path`] / [`utf8_str_path`]: Python path arguments as native paths.
//! - [`exact_int`] / [`exact_int_or_bool`] / [`exact_i64`] / [`exact_bool`] (and the plain
//!   [`is_exact_int`] / [`is_exact_int_or_bool`]): the fast-path checks of number arguments.
//!
//! Each binding has the same three files: `lib.rs` (its `#[pymodule]` and `#[pyfunction]`s),
//! `errors.rs` (its `to_py_err`, the mapping of its core's error type) and `args.rs` (its
//! argument routing); only what is the same in all of them lives here.
#![forbid(unsafe_code)]

mod error;
mod exact;
mod fallback;
mod path;
mod signals;

pub use error::{fstring, os_error, raised_from, strerror};
pub use exact::{
    ExactInt, exact_bool, exact_i64, exact_int, exact_int_or_bool, is_exact_int,
    is_exact_int_or_bool,
};
pub use fallback::Fallback;
pub use path::{NativePath, fspath, native_path, utf8_str_path};
pub use signals::SignalCheck;
