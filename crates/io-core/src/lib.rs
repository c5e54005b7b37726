//! File I/O core of sky-rs: tail a log, hash files, find a free port.
//!
//! Plain Rust over plain Rust types; knows nothing of Python. Every fallible
//! function returns [`IoError`], which keeps the OS error (errno) and, for a
//! failed open, the path, so a binding can rebuild the exact `OSError`.
//!
//! - [`read_last_n_lines`]: the last `n` lines of a file, read backwards, as raw bytes.
//! - [`hash_file`] / [`hash_files`]: md5 and the SHA-1/SHA-2 family over whole
//!   files in bounded memory, the latter in parallel.
//! - [`find_free_port`]: the first TCP port that binds, without `SO_REUSEADDR`.
#![forbid(unsafe_code)]

mod error;
mod file;
mod hash;
mod port;
mod tail;

pub use error::IoError;
pub use file::{open_file, open_unchecked, path_exists, refuse_directory};
pub use hash::{FileHasher, HashAlgorithm, Hasher, hash_file, hash_files, hash_reader};
pub use port::{find_free_port, port_is_free};
pub use tail::{LastLines, read_last_n_lines, read_last_n_lines_in, read_last_n_lines_lossy};
