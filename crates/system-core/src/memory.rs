//! The memory size: total RAM, or the cgroup memory limit when that is smaller.
use nix::sys::statfs::{PROC_SUPER_MAGIC, statfs};
use nix::sys::sysinfo::sysinfo;

use crate::cgroup::cgroup_memory_limit;
use crate::error::{MemoryUnit, SystemError};
use crate::files::read_small;
use crate::pytext::{DecimalDigits, is_c_space, parse_int_ascii, py_float};
use crate::roots::Roots;

/// 1024 ** 3.
const GIB: f64 = 1_073_741_824.0;

/// The value of a memory override in GB: `float(value)` for
/// [`MemoryUnit::Gigabytes`], `float(value) / 1024**3` for [`MemoryUnit::Bytes`].
pub fn mem_size_override(
    value: &str,
    unit: MemoryUnit,
    digits: &impl DecimalDigits,
) -> Result<f64, SystemError> {
    let x = py_float(value, digits).ok_or_else(|| SystemError::MemoryOverride {
        value: value.to_owned(),
        unit,
    })?;
    Ok(match unit {
        MemoryUnit::Gigabytes => x,
        MemoryUnit::Bytes => x / GIB,
    })
}

/// Total RAM in bytes, as psutil's `virtual_memory().total`: `MemTotal` of
/// `<proc>/meminfo` times 1024.
///
/// When that file is the kernel's procfs file, `sysinfo(2)` gives the same number far more
/// cheaply: the kernel prints `MemTotal` as `totalram_pages << (PAGE_SHIFT - 10)` kB, and
/// `sysinfo` reports `totalram * mem_unit` = `totalram_pages << PAGE_SHIFT` bytes. A file
/// of another file system (a fake tree, or LXCFS showing a container's limit) is read.
pub fn total_memory(roots: &Roots) -> Result<i128, SystemError> {
    if statfs(&roots.meminfo).is_ok_and(|fs| fs.filesystem_type() == PROC_SUPER_MAGIC)
        && let Ok(info) = sysinfo()
    {
        return Ok(i128::from(info.ram_total()));
    }
    let content = read_small(&roots.meminfo)
        .map_err(|err| SystemError::from_io(&err, Some(roots.meminfo.clone())))?;
    mem_total_from_meminfo(&content)
}

/// `MemTotal` from the text of a meminfo file, times 1024: the first line whose first
/// whitespace-separated field is `MemTotal:` and whose second is an integer.
pub fn mem_total_from_meminfo(content: &[u8]) -> Result<i128, SystemError> {
    content
        .split(|b| *b == b'\n')
        .find_map(|line| {
            let mut fields = line.split(|b| is_c_space(*b)).filter(|f| !f.is_empty());
            (fields.next()? == b"MemTotal:").then_some(())?;
            parse_int_ascii(fields.next()?).map(|kib| kib.saturating_mul(1024))
        })
        .ok_or(SystemError::MemTotalMissing)
}

/// `get_mem_size_gb()` without its environment overrides: total RAM, or the cgroup limit
/// when smaller, divided by 1024**3.
pub fn mem_size_gb(roots: &Roots, digits: &impl DecimalDigits) -> Result<f64, SystemError> {
    let total = total_memory(roots)?;
    let mem = cgroup_memory_limit(roots, digits).map_or(total, |limit| limit.min(total));
    // Dividing by a power of two is exact, so rounding `mem` to f64 first rounds the
    // quotient exactly as Python's int / int true division does.
    Ok(mem as f64 / GIB)
}
