//! Process core of sky-rs: worker sizing, fd estimates, process liveness.
//!
//! Plain Rust over plain Rust types; knows nothing of Python.
