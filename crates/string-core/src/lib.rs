//! String core of sky-rs: base-36 encoding, float formatting, string truncation.
//!
//! Plain Rust over plain Rust types; knows nothing of Python. The behaviour is that of `SkyPilot`'s
//! `base36_encode`, `format_float` and `truncate_long_string` (see `SPEC.md`); inputs whose exact
//! outcome belongs to the Python runtime (the text of `int()`'s error, formatter limits) come back
//! as dedicated [`StringError`] variants for the binding to hand to Python.
#![forbid(unsafe_code)]

mod base36;
mod error;
mod float;
mod hex;
mod radix;
mod small_str;
mod truncate;
mod unicode;

pub use base36::{base36_encode, base36_encode_bytes};
pub use error::StringError;
pub use float::format_float;
pub use small_str::SmallStr;
pub use truncate::{Truncated, truncate_long_string};
