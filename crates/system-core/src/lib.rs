//! System core of sky-rs: cgroup-aware CPU count and memory size.
//!
//! Plain Rust over plain Rust types; knows nothing of Python.
