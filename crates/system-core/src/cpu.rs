//! The CPU count: online CPUs, the affinity mask and the cgroup quota, whichever is smallest.
use std::fmt;
use std::sync::OnceLock;

use nix::sched::{CpuSet, sched_getaffinity};
use nix::sys::statfs::{SYSFS_MAGIC, statfs};
use nix::unistd::{Pid, SysconfVar, sysconf};

use crate::cgroup::cgroup_cpu_limit;
use crate::error::{OverrideFailure, SystemError};
use crate::pytext::{DecimalDigits, py_float};
use crate::roots::Roots;

/// A whole number of CPUs, as Python's `int(float)` makes it: usually small, but an override
/// such as `1e300` or a corrupt `cpu.max` can yield any whole `f64`, which Python holds as an
/// exact `int`.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct CpuCount(f64);

impl CpuCount {
    /// `int(x)`: `x` truncated toward zero. NaN and infinities fail as in Python.
    pub(crate) fn truncate(x: f64) -> Result<Self, SystemError> {
        if x.is_nan() {
            Err(SystemError::NanToInt)
        } else if x.is_infinite() {
            Err(SystemError::InfinityToInt)
        } else {
            Ok(CpuCount(x.trunc()))
        }
    }

    /// A count that is an integer already.
    pub(crate) fn from_count(n: i64) -> Self {
        CpuCount(n as f64)
    }

    /// The value; always whole and finite.
    pub fn as_f64(self) -> f64 {
        self.0
    }

    /// The value as `i64`, when it fits (always, but for absurd overrides and cgroup files).
    pub fn to_i64(self) -> Option<i64> {
        // Every whole f64 in [-2^63, 2^63) converts exactly.
        (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0)
            .contains(&self.0)
            .then_some(self.0 as i64)
    }
}

impl fmt::Display for CpuCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.0}", self.0)
    }
}

/// `int(float(value))` of the `SKYPILOT_POD_CPU_CORE_LIMIT` override, with SkyPilot's errors.
pub fn cpu_count_override(
    value: &str,
    digits: &impl DecimalDigits,
) -> Result<CpuCount, SystemError> {
    let fail = |cause| SystemError::CpuOverride {
        value: value.to_owned(),
        cause,
    };
    let x = py_float(value, digits).ok_or_else(|| fail(OverrideFailure::NotAFloat))?;
    CpuCount::truncate(x).map_err(|err| match err {
        SystemError::NanToInt => fail(OverrideFailure::NanToInt),
        other => other,
    })
}

/// `len(os.sched_getaffinity(0))`: the CPUs this thread may run on, which the kernel has
/// already intersected with the active CPUs.
pub(crate) fn affinity_cpu_count() -> Result<i64, SystemError> {
    // An interrupted call is retried (PEP 475; `os.sched_getaffinity` would raise).
    let set = loop {
        match sched_getaffinity(Pid::from_raw(0)) {
            Err(nix::errno::Errno::EINTR) => {}
            other => break other,
        }
    };
    let set = set.map_err(|errno| match errno {
        // The kernel refuses a mask smaller than its number of possible CPUs.
        nix::errno::Errno::EINVAL => SystemError::AffinityMaskTooSmall,
        errno => SystemError::Os {
            errno: errno as i32,
            path: None,
        },
    })?;
    let count = (0..CpuSet::count())
        .filter(|&cpu| set.is_set(cpu).unwrap_or(false))
        .count();
    Ok(count as i64)
}

/// `sysconf(_SC_NPROCESSORS_ONLN)`, what `psutil.cpu_count()` returns on Linux, but only
/// where it can be smaller than the affinity count; `None` where it cannot.
///
/// glibc reads `/sys/devices/system/cpu/online` (the kernel's online mask). The affinity
/// mask `sched_getaffinity` returns is already ANDed with the active mask, a subset of the
/// online mask, so when that file is the kernel's own sysfs file, the online count is never
/// the smaller and reading it (an open, two reads and a close, ~5 µs here) changes nothing.
/// Only a file put there by something else, such as LXCFS showing a container's CPU quota,
/// can be smaller: one `statfs` (~2 µs) tells, and then we do ask `sysconf`. (A CPU going
/// on- or offline between two calls makes the reference's answer racy too.) The `statfs` is
/// made once per process: a mount does not change its type under a running process.
pub fn online_cpu_count_if_binding() -> Option<i64> {
    static KERNEL_FILE: OnceLock<bool> = OnceLock::new();
    let kernel_file = *KERNEL_FILE.get_or_init(|| {
        statfs("/sys/devices/system/cpu/online").is_ok_and(|fs| fs.filesystem_type() == SYSFS_MAGIC)
    });
    if kernel_file {
        return None;
    }
    // psutil treats a count below 1 as unknown; so do we, and the affinity count stands.
    #[allow(clippy::useless_conversion, reason = "c_long is i32 on 32-bit targets")]
    sysconf(SysconfVar::_NPROCESSORS_ONLN)
        .ok()
        .flatten()
        .filter(|n| *n >= 1)
        .map(i64::from)
}

/// `get_cpu_count()` without its environment override: the online CPU count, the affinity
/// count, and the cgroup CPU limit truncated (`int(limit)`), whichever is smallest. A quota
/// of half a CPU gives 0.
pub fn cpu_count(roots: &Roots, digits: &impl DecimalDigits) -> Result<CpuCount, SystemError> {
    cpu_count_with_affinity(affinity_cpu_count()?, roots, digits)
}

/// [`cpu_count`] for a caller that counted the affinity mask itself (see
/// [`SystemError::AffinityMaskTooSmall`]).
pub fn cpu_count_with_affinity(
    affinity: i64,
    roots: &Roots,
    digits: &impl DecimalDigits,
) -> Result<CpuCount, SystemError> {
    let count = online_cpu_count_if_binding().map_or(affinity, |online| online.min(affinity));
    let count = CpuCount::from_count(count);
    match cgroup_cpu_limit(roots, digits)? {
        Some(limit) => {
            let limit = CpuCount::truncate(limit)?;
            Ok(if limit < count { limit } else { count })
        }
        None => Ok(count),
    }
}
