//! File I/O core of sky-rs: tail a log, hash files, find a free port.
//!
//! Plain Rust over plain Rust types; knows nothing of Python. Every fallible
//! function returns [`IoError`], which keeps the OS error (errno) and, for a
//! failed open, the path, so a binding can rebuild the exact `OSError`.
//!
//! - [`read_last_n_lines`]: the last `n` lines of a file, read backwards, as raw bytes.
//! - [`FileHasher`] / [`hash_files`]: md5 and the SHA-1/SHA-2 family over whole
//!   files in bounded memory, a segment at a time or in parallel.
//! - [`find_free_port`]: the first TCP port that binds, without `SO_REUSEADDR`.
#![forbid(unsafe_code)]

mod error;
mod file;
mod hash;
mod port;
mod tail;

pub use error::IoError;
pub use file::{open_file, path_exists};
pub use hash::{
    CHECK_CHUNK, FileHasher, HashAlgorithm, Hasher, hash_files, hash_files_interruptible,
};
pub use port::{find_free_port, port_is_free};
pub use tail::{LastLines, read_last_n_lines, read_last_n_lines_interruptible};
