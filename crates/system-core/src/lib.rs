//! System core of sky-rs: cgroup-aware CPU count and memory size.
//!
//! Plain Rust over plain Rust types; knows nothing of Python. The behaviour is that of
//! SkyPilot's `get_cpu_count()` and `get_mem_size_gb()`, including Python's rules for
//! reading numbers ([`pytext`]) and every exception they raise ([`SystemError`]). The
//! cgroup and proc roots are parameters ([`Roots`]), so tests run against fake trees.
#![forbid(unsafe_code)]

mod cgroup;
mod cpu;
mod error;
mod files;
mod memory;
pub mod pytext;
mod roots;

pub use cgroup::{MemoryLimit, cgroup_cpu_limit, cgroup_memory_limit, is_cgroup_v2};
pub use cpu::{
    CpuCount, affinity_cpu_count, cpu_count, cpu_count_override, cpu_count_with_affinity,
    online_cpu_count_if_binding,
};
pub use error::{MemoryUnit, OverrideFailure, SystemError};
pub use memory::{
    MemSize, TotalMemory, mem_size_gb, mem_size_override, mem_total_from_meminfo, total_memory,
};
pub use pytext::{AsciiDigitsOnly, DecimalDigits, PyInt};
pub use roots::Roots;

/// Overrides the CPU count: `int(float(value))`.
pub const CPU_LIMIT_ENV: &str = "SKYPILOT_POD_CPU_CORE_LIMIT";
/// Overrides the memory size, in GB: `float(value)`.
pub const MEMORY_GB_LIMIT_ENV: &str = "SKYPILOT_POD_MEMORY_GB_LIMIT";
/// Overrides the memory size, in bytes: `float(value) / 1024**3`.
pub const MEMORY_BYTES_LIMIT_ENV: &str = "SKYPILOT_POD_MEMORY_BYTES_LIMIT";

/// `get_cpu_count()`, given the value of [`CPU_LIMIT_ENV`] (if set).
pub fn get_cpu_count(
    cpu_limit: Option<&str>,
    roots: &Roots,
    digits: &impl DecimalDigits,
) -> Result<CpuCount, SystemError> {
    match cpu_limit {
        Some(value) => cpu_count_override(value, digits),
        None => cpu_count(roots, digits),
    }
}

/// `get_mem_size_gb()`, given the values of [`MEMORY_GB_LIMIT_ENV`] and
/// [`MEMORY_BYTES_LIMIT_ENV`] (if set); the first wins.
pub fn get_mem_size_gb(
    gb_limit: Option<&str>,
    bytes_limit: Option<&str>,
    roots: &Roots,
    digits: &impl DecimalDigits,
) -> Result<MemSize, SystemError> {
    match (gb_limit, bytes_limit) {
        (Some(value), _) => {
            mem_size_override(value, MemoryUnit::Gigabytes, digits).map(MemSize::Gb)
        }
        (None, Some(value)) => mem_size_override(value, MemoryUnit::Bytes, digits).map(MemSize::Gb),
        (None, None) => mem_size_gb(roots, digits),
    }
}
