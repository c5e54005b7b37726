//! [`Roots`]: where the cgroup and proc file systems are, so tests can point at fake trees.
use std::path::{Path, PathBuf};

/// The cgroup and proc roots, with the paths of every file read below them joined once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Roots {
    cgroup: PathBuf,
    proc: PathBuf,
    pub(crate) cgroup_controllers: PathBuf,
    pub(crate) cpu_max: PathBuf,
    pub(crate) cfs_quota: PathBuf,
    pub(crate) cfs_period: PathBuf,
    pub(crate) memory_max: PathBuf,
    pub(crate) memory_limit_v1: PathBuf,
    pub(crate) meminfo: PathBuf,
}

impl Roots {
    /// Where the cgroup file system is mounted: `/sys/fs/cgroup`.
    pub const DEFAULT_CGROUP: &'static str = "/sys/fs/cgroup";
    /// Where the proc file system is mounted: `/proc`.
    pub const DEFAULT_PROC: &'static str = "/proc";

    /// Roots at `cgroup` (for `/sys/fs/cgroup`) and `proc` (for `/proc`).
    pub fn new(cgroup: impl Into<PathBuf>, proc: impl Into<PathBuf>) -> Self {
        let cgroup = cgroup.into();
        let proc = proc.into();
        Roots {
            cgroup_controllers: cgroup.join("cgroup.controllers"),
            cpu_max: cgroup.join("cpu.max"),
            cfs_quota: cgroup.join("cpu/cpu.cfs_quota_us"),
            cfs_period: cgroup.join("cpu/cpu.cfs_period_us"),
            memory_max: cgroup.join("memory.max"),
            memory_limit_v1: cgroup.join("memory/memory.limit_in_bytes"),
            meminfo: proc.join("meminfo"),
            cgroup,
            proc,
        }
    }

    /// The cgroup root.
    pub fn cgroup(&self) -> &Path {
        &self.cgroup
    }

    /// The proc root.
    pub fn proc(&self) -> &Path {
        &self.proc
    }
}

impl Default for Roots {
    fn default() -> Self {
        Roots::new(Self::DEFAULT_CGROUP, Self::DEFAULT_PROC)
    }
}
