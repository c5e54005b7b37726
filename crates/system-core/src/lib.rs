//! System core of sky-rs: cgroup-aware CPU count and memory size.
//!
//! Plain Rust over plain Rust types; knows nothing of Python. The behaviour is that of
//! SkyPilot's `get_cpu_count()` and `get_mem_size_gb()`, including Python's rules for
//! reading numbers (the `pytext` module) and every exception they raise ([`SystemError`]). The
//! cgroup and proc roots are a parameter ([`Roots`]): the real ones for every caller, fake trees
//! for this crate's own tests.
#![forbid(unsafe_code)]

mod cgroup;
mod cpu;
mod error;
mod files;
mod memory;
mod pytext;
mod roots;
#[cfg(test)]
mod tests;

pub use cgroup::MemoryLimit;
pub use cpu::{CpuCount, cpu_count, cpu_count_override, cpu_count_with_affinity};
pub use error::{MemoryUnit, OverrideFailure, SystemError};
pub use memory::{MemSize, TotalMemory, mem_size_gb, mem_size_override};
pub use pytext::DecimalDigits;
pub use roots::Roots;

/// Overrides the CPU count: `int(float(value))`.
pub const CPU_LIMIT_ENV: &str = "SKYPILOT_POD_CPU_CORE_LIMIT";
/// Overrides the memory size, in GB: `float(value)`.
pub const MEMORY_GB_LIMIT_ENV: &str = "SKYPILOT_POD_MEMORY_GB_LIMIT";
/// Overrides the memory size, in bytes: `float(value) / 1024**3`.
pub const MEMORY_BYTES_LIMIT_ENV: &str = "SKYPILOT_POD_MEMORY_BYTES_LIMIT";

/// The memory override in force, `getenv` giving the value of each unit's variable: the first
/// that is set of [`MEMORY_GB_LIMIT_ENV`] and [`MEMORY_BYTES_LIMIT_ENV`], so the GB override
/// wins over the bytes override. The one home of that rule; `None` when neither is set.
pub fn memory_override<V, E>(
    mut getenv: impl FnMut(MemoryUnit) -> Result<Option<V>, E>,
) -> Result<Option<(V, MemoryUnit)>, E> {
    for unit in [MemoryUnit::Gigabytes, MemoryUnit::Bytes] {
        if let Some(value) = getenv(unit)? {
            return Ok(Some((value, unit)));
        }
    }
    Ok(None)
}
