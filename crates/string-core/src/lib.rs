//! String core of sky-rs: base-36 encoding, float formatting, string truncation.
//!
//! Plain Rust over plain Rust types; knows nothing of Python.
