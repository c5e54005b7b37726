//! The cgroup limits: CPU quota (v2 `cpu.max`, v1 `cpu.cfs_quota_us` / `cpu.cfs_period_us`)
//! and memory limit (v2 `memory.max`, v1 `memory.limit_in_bytes`).
//!
//! Any file that cannot be opened, read or decoded as UTF-8, or whose text does not parse,
//! means "no limit", as in SkyPilot.
use crate::error::SystemError;
use crate::files::read_utf8;
use crate::pytext::{DecimalDigits, PyInt, py_float, py_int, py_split, py_strip};
use crate::roots::Roots;

/// cgroup v2 is in use when `<cgroup root>/cgroup.controllers` is a regular file
/// (`os.path.isfile`, which follows symlinks). Asked once per process for roots with a mount
/// cache ([`Roots::with_mount_cache`]): a mount does not change its cgroup version under a
/// running process.
pub fn is_cgroup_v2(roots: &Roots) -> bool {
    roots
        .cgroup_v2(|| std::fs::metadata(&roots.cgroup_controllers).is_ok_and(|meta| meta.is_file()))
}

/// The CPU limit in cores (`quota / period`, possibly fractional), or `None` for no limit.
///
/// Errs only where SkyPilot's own code raises: [`SystemError::ZeroDivision`] for a v2
/// positive quota over a zero period.
pub fn cgroup_cpu_limit(
    roots: &Roots,
    digits: &impl DecimalDigits,
) -> Result<Option<f64>, SystemError> {
    let float = |text: &str| py_float(text, digits);
    let v2 = is_cgroup_v2(roots);
    let short_read_ends = roots.cpu_files_end_at_short_read(v2);
    if v2 {
        let Some(text) = read_utf8(&roots.cpu_max, short_read_ends) else {
            return Ok(None);
        };
        let mut fields = py_split(&text);
        let (Some(quota), Some(period), None) = (fields.next(), fields.next(), fields.next())
        else {
            return Ok(None);
        };
        if quota == "max" {
            return Ok(None);
        }
        let (Some(quota), Some(period)) = (float(quota), float(period)) else {
            return Ok(None);
        };
        if quota <= 0.0 || quota.is_nan() {
            return Ok(None);
        }
        if period == 0.0 {
            return Err(SystemError::ZeroDivision);
        }
        Ok(Some(quota / period))
    } else {
        let read = |path| read_utf8(path, short_read_ends).and_then(|text| float(py_strip(&text)));
        // A quota of 0 or less (or NaN) is "no limit" whatever the period holds, and reading
        // the period can only fail into "no limit" too: skipping it changes no result.
        let Some(quota) = read(&roots.cfs_quota).filter(|quota| *quota > 0.0) else {
            return Ok(None);
        };
        Ok(read(&roots.cfs_period)
            .filter(|period| *period > 0.0)
            .map(|period| quota / period))
    }
}

/// A cgroup memory limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MemoryLimit {
    /// The limit in bytes, above 0.
    Bytes(i128),
    /// A positive integer text with more digits than are read here ([`PyInt::TooLong`]):
    /// a limit of `int(text)` bytes if Python's `int()` accepts it (its digit limit), none if
    /// it raises `ValueError`.
    Text(String),
}

/// The memory limit, or `None` for no limit (`max`, empty, 0 or less, unreadable, not an
/// integer).
pub fn cgroup_memory_limit(roots: &Roots, digits: &impl DecimalDigits) -> Option<MemoryLimit> {
    let v2 = is_cgroup_v2(roots);
    let path = if v2 {
        &roots.memory_max
    } else {
        &roots.memory_limit_v1
    };
    let text = read_utf8(path, roots.memory_files_end_at_short_read(v2))?;
    let value = py_strip(&text);
    if value == "max" || value.is_empty() {
        return None;
    }
    match py_int(value, digits)? {
        PyInt::Exact(limit) => (limit > 0).then_some(MemoryLimit::Bytes(limit)),
        // Negative: no limit whether Python reads it or refuses it.
        PyInt::TooLong if value.starts_with('-') => None,
        PyInt::TooLong => Some(MemoryLimit::Text(value.to_owned())),
    }
}
