//! [`Roots`]: where the cgroup and proc file systems are, so tests can point at fake trees.
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use nix::sys::statfs::{CGROUP_SUPER_MAGIC, CGROUP2_SUPER_MAGIC, PROC_SUPER_MAGIC, statfs};

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
    /// Facts about the mounts below the roots, learnt once; `None`: asked on every call.
    mounts: Option<MountFacts>,
}

/// What the mounts below the default roots are, asked once per process: a mount does not
/// change its type under a running process (the same holds for a forked child, which
/// inherits the mounts). Every fact is a file system type or the existence of
/// `cgroup.controllers`, decided by the mount alone.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct MountFacts {
    cgroup_v2: OnceLock<bool>,
    cpu_dir_is_cgroupfs: OnceLock<bool>,
    memory_dir_is_cgroupfs: OnceLock<bool>,
    meminfo_is_procfs: OnceLock<bool>,
}

/// Whether `dir` is the root or a directory of a kernel cgroup file system (v1 or v2).
fn is_cgroupfs(dir: &Path) -> bool {
    statfs(dir).is_ok_and(|fs| {
        let kind = fs.filesystem_type();
        kind == CGROUP_SUPER_MAGIC || kind == CGROUP2_SUPER_MAGIC
    })
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
            mounts: None,
        }
    }

    /// These roots, with the facts about their mounts (cgroup version, file system types)
    /// learnt at first use and kept: for the real `/sys/fs/cgroup` and `/proc`, whose mounts
    /// do not change under a running process. Not for fake trees a test rebuilds.
    #[must_use]
    pub(crate) fn with_mount_cache(mut self) -> Self {
        self.mounts = Some(MountFacts::default());
        self
    }

    /// `fact`, computed by `compute` on every call, or once when the mounts are cached.
    fn fact(
        &self,
        field: fn(&MountFacts) -> &OnceLock<bool>,
        compute: impl FnOnce() -> bool,
    ) -> bool {
        match &self.mounts {
            Some(facts) => *field(facts).get_or_init(compute),
            None => compute(),
        }
    }

    /// Whether the cgroup root holds a `cgroup.controllers` regular file (cgroup v2).
    pub(crate) fn cgroup_v2(&self, compute: impl FnOnce() -> bool) -> bool {
        self.fact(|f| &f.cgroup_v2, compute)
    }

    /// Whether a short read of a CPU limit file (`cpu.max`, `cpu/cpu.cfs_*_us`) ends it:
    /// true only for a kernel cgroup file system, and only when the mounts are cached (one
    /// `statfs` per process). Those files hold one record, rendered whole by the first read
    /// whose buffer is large enough, so a read shorter than its buffer reached the end.
    pub(crate) fn cpu_files_end_at_short_read(&self, v2: bool) -> bool {
        self.limit_files_end_at_short_read(v2, "cpu", |f| &f.cpu_dir_is_cgroupfs)
    }

    /// [`Roots::cpu_files_end_at_short_read`] for the memory limit files (`memory.max`,
    /// `memory/memory.limit_in_bytes`).
    pub(crate) fn memory_files_end_at_short_read(&self, v2: bool) -> bool {
        self.limit_files_end_at_short_read(v2, "memory", |f| &f.memory_dir_is_cgroupfs)
    }

    /// Whether the limit files of `v1_controller` (or of the v2 root) are on a kernel cgroup
    /// file system: false unless the mounts are cached, then learnt once (one `statfs`).
    fn limit_files_end_at_short_read(
        &self,
        v2: bool,
        v1_controller: &str,
        field: fn(&MountFacts) -> &OnceLock<bool>,
    ) -> bool {
        let Some(facts) = &self.mounts else {
            return false;
        };
        *field(facts).get_or_init(|| {
            if v2 {
                is_cgroupfs(&self.cgroup)
            } else {
                is_cgroupfs(&self.cgroup.join(v1_controller))
            }
        })
    }

    /// Whether `<proc>/meminfo` is the kernel's procfs file (asked on every call unless the
    /// mounts are cached).
    pub(crate) fn meminfo_is_procfs(&self) -> bool {
        self.fact(
            |f| &f.meminfo_is_procfs,
            || statfs(&self.meminfo).is_ok_and(|fs| fs.filesystem_type() == PROC_SUPER_MAGIC),
        )
    }
}

impl Default for Roots {
    /// `/sys/fs/cgroup` and `/proc`, with the mount cache
    /// ([`Roots::with_mount_cache`]).
    fn default() -> Self {
        Roots::new(Self::DEFAULT_CGROUP, Self::DEFAULT_PROC).with_mount_cache()
    }
}
