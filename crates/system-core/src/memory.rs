//! The memory size: total RAM, or the cgroup memory limit when that is smaller.
use nix::sys::sysinfo::sysinfo;

use std::os::unix::ffi::OsStrExt;

use crate::cgroup::{MemoryLimit, cgroup_memory_limit};
use crate::error::{MemoryUnit, SystemError};
use crate::files::read_small;
use crate::pytext::{DecimalDigits, PyInt, is_c_space, parse_int_ascii, py_float};
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

/// Total RAM, as psutil's `virtual_memory().total`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TotalMemory {
    /// In bytes.
    Bytes(i128),
    /// The `MemTotal:` line had a number with more digits than are read here
    /// ([`PyInt::TooLong`]). These are the numbers (second fields) of the `MemTotal:` lines
    /// from that one on, up to the first that is read here: the total is `int(field) * 1024`
    /// of the first that Python's `int()` accepts (its digit limit), and if it accepts none,
    /// `KeyError(b'MemTotal:')`.
    KibTexts(Vec<Vec<u8>>),
}

/// Total RAM: `MemTotal` of `<proc>/meminfo` times 1024.
///
/// When that file is the kernel's procfs file, `sysinfo(2)` gives the same number far more
/// cheaply: the kernel prints `MemTotal` as `totalram_pages << (PAGE_SHIFT - 10)` kB, and
/// `sysinfo` reports `totalram * mem_unit` = `totalram_pages << PAGE_SHIFT` bytes. A file
/// of another file system (a fake tree, or LXCFS showing a container's limit) is read. For
/// the default roots the file system type is asked once per process.
/// A path with a NUL byte fails as Python's `open()` does: [`SystemError::EmbeddedNul`].
pub fn total_memory(roots: &Roots) -> Result<TotalMemory, SystemError> {
    if roots.meminfo.as_os_str().as_bytes().contains(&0) {
        return Err(SystemError::EmbeddedNul);
    }
    if roots.meminfo_is_procfs()
        && let Ok(info) = sysinfo()
    {
        return Ok(TotalMemory::Bytes(i128::from(info.ram_total())));
    }
    let content = read_small(&roots.meminfo, false)
        .map_err(|err| SystemError::from_io(&err, Some(roots.meminfo.clone())))?;
    mem_total_from_meminfo(&content)
}

/// `MemTotal` from the text of a meminfo file, times 1024: the first line whose first
/// whitespace-separated field is `MemTotal:` and whose second is an integer.
pub fn mem_total_from_meminfo(content: &[u8]) -> Result<TotalMemory, SystemError> {
    let mut long = Vec::new();
    for line in content.split(|b| *b == b'\n') {
        let mut fields = line.split(|b| is_c_space(*b)).filter(|f| !f.is_empty());
        if fields.next() != Some(b"MemTotal:".as_slice()) {
            continue;
        }
        let Some(field) = fields.next() else {
            continue;
        };
        match parse_int_ascii(field) {
            None => {}
            // At most 32 digits: times 1024 is far from overflowing an i128.
            Some(PyInt::Exact(kib)) if long.is_empty() => {
                return Ok(TotalMemory::Bytes(kib * 1024));
            }
            Some(PyInt::Exact(_)) => {
                long.push(field.to_vec());
                break;
            }
            Some(PyInt::TooLong) => long.push(field.to_vec()),
        }
    }
    if long.is_empty() {
        Err(SystemError::MemTotalMissing)
    } else {
        Ok(TotalMemory::KibTexts(long))
    }
}

/// The answer of `get_mem_size_gb()` when no override is set.
#[derive(Clone, Debug, PartialEq)]
pub enum MemSize {
    /// The size in GB.
    Gb(f64),
    /// A number has more digits than are read here; the caller finishes with Python's
    /// `int()`: `mem = total` (see [`TotalMemory::KibTexts`]), then `mem = min(mem, limit)`
    /// if there is a limit (see [`MemoryLimit::Text`]), and the size is `mem / 1024**3`.
    NeedsPythonInt {
        /// The total memory.
        total: TotalMemory,
        /// The cgroup memory limit, if any.
        limit: Option<MemoryLimit>,
    },
}

/// `get_mem_size_gb()` without its environment overrides: total RAM, or the cgroup limit
/// when smaller, divided by 1024**3.
pub fn mem_size_gb(roots: &Roots, digits: &impl DecimalDigits) -> Result<MemSize, SystemError> {
    let total = total_memory(roots)?;
    let limit = cgroup_memory_limit(roots, digits);
    let mem = match (&total, &limit) {
        (TotalMemory::Bytes(total), None) => *total,
        (TotalMemory::Bytes(total), Some(MemoryLimit::Bytes(limit))) => *limit.min(total),
        _ => return Ok(MemSize::NeedsPythonInt { total, limit }),
    };
    // Dividing by a power of two is exact, so rounding `mem` to f64 first rounds the
    // quotient exactly as Python's int / int true division does.
    Ok(MemSize::Gb(mem as f64 / GIB))
}
