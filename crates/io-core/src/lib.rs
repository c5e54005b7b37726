//! File I/O core of sky-rs: tail a log, hash files, find a free port.
//!
//! Plain Rust over plain Rust types; knows nothing of Python.
