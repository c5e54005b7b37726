//! The one error type of the process core.

use std::fmt;
use std::path::PathBuf;

use nix::errno::Errno;

/// Everything that can fail in the process core. Each variant carries what the binding
/// needs to raise the exact Python exception.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProcessError {
    /// Opening or reading a directory failed (`os.listdir`'s `OSError`).
    ListDir {
        /// The directory, as given.
        path: PathBuf,
        /// The `errno` of the failing `opendir`/`readdir`.
        errno: Errno,
    },
    /// `kill(pid, 0)` failed with something other than `ESRCH`/`EPERM` (`os.kill`'s `OSError`).
    Signal {
        /// The pid probed.
        pid: i32,
        /// The `errno` of `kill`.
        errno: Errno,
    },
    /// `getrlimit(RLIMIT_NOFILE)` failed (`resource.getrlimit`'s `OSError`).
    ResourceLimit {
        /// The `errno` of `getrlimit`.
        errno: Errno,
    },
    /// A `/proc/<pid>/status` line is `Tgid:` with no value. psutil indexes the missing
    /// field and raises `IndexError`; a real kernel never writes such a line.
    MissingTgid {
        /// The status file.
        path: PathBuf,
    },
}

impl ProcessError {
    /// The system error number, for the variants that come from a system call.
    pub fn errno(&self) -> Option<Errno> {
        match self {
            Self::ListDir { errno, .. }
            | Self::Signal { errno, .. }
            | Self::ResourceLimit { errno } => Some(*errno),
            Self::MissingTgid { .. } => None,
        }
    }
}

impl fmt::Display for ProcessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ListDir { path, errno } => {
                write!(
                    f,
                    "cannot list directory {}: {}",
                    path.display(),
                    errno.desc()
                )
            }
            Self::Signal { pid, errno } => write!(f, "kill({pid}, 0) failed: {}", errno.desc()),
            Self::ResourceLimit { errno } => {
                write!(f, "getrlimit(RLIMIT_NOFILE) failed: {}", errno.desc())
            }
            Self::MissingTgid { path } => {
                write!(f, "'Tgid' line without a value in {}", path.display())
            }
        }
    }
}

impl std::error::Error for ProcessError {}
