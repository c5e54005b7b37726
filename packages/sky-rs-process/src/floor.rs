//! The benchmark's floor for the process functions: the system calls they cannot avoid,
//! timed alone in Rust (no Python call, GIL released) for `sky-rs bench`.
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use nix::errno::Errno;
use nix::fcntl::{OFlag, open};
use nix::sys::resource::{Resource, getrlimit};
use nix::sys::signal::kill;
use nix::sys::stat::{Mode, stat};
use nix::unistd::{Pid, SysconfVar, sysconf};
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use sky_rs_process_core::count_dir_entries;
use sky_rs_process_core::sys::tgkill_probe;

/// The kinds [`_floor`] knows, for its error message.
const KINDS: &str = "'sysconf_nprocessors_onln', 'getrlimit_nofile', 'stat', 'listdir', \
                     'kill', 'tgkill', 'open_path'";

/// One repeatable set of system calls.
enum Syscalls {
    /// `sysconf(_SC_NPROCESSORS_ONLN)`: `os.cpu_count()` (glibc reads a sysfs file).
    OnlineCpus,
    /// `getrlimit(RLIMIT_NOFILE)`.
    FdLimit,
    /// `stat(path)`: `os.path.isdir`.
    Stat(PathBuf),
    /// `open(O_DIRECTORY)`, `getdents64` until it returns 0, `close`: `len(os.listdir(path))`.
    ListDir(PathBuf),
    /// `kill(pid, 0)` for each pid: the existence probe of psutil.
    Kill(Vec<i32>),
    /// `tgkill(pid, pid, 0)` for each pid: existence of a thread-group leader.
    Tgkill(Vec<i32>),
    /// `open(path, O_PATH)`, `close`: the lookup of `/proc/<pid>/status` without rendering it.
    OpenPath(PathBuf),
}

fn pids(arg: &Bound<'_, PyAny>) -> PyResult<Vec<i32>> {
    arg.extract::<i32>()
        .map(|pid| vec![pid])
        .or_else(|_| arg.extract())
}

impl Syscalls {
    fn parse(kind: &str, arg: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(match kind {
            "sysconf_nprocessors_onln" => Self::OnlineCpus,
            "getrlimit_nofile" => Self::FdLimit,
            "stat" => Self::Stat(arg.extract()?),
            "listdir" => Self::ListDir(arg.extract()?),
            "kill" => Self::Kill(pids(arg)?),
            "tgkill" => Self::Tgkill(pids(arg)?),
            "open_path" => Self::OpenPath(arg.extract()?),
            _ => {
                return Err(PyValueError::new_err(format!(
                    "unknown floor kind {kind:?}; known kinds are {KINDS}"
                )));
            }
        })
    }

    /// Makes the calls once. Answers such as `ESRCH` are results, not failures.
    fn run(&self) -> Result<(), Errno> {
        match self {
            Self::OnlineCpus => {
                black_box(sysconf(SysconfVar::_NPROCESSORS_ONLN)?);
            }
            Self::FdLimit => {
                black_box(getrlimit(Resource::RLIMIT_NOFILE)?);
            }
            Self::Stat(path) => {
                black_box(stat(path.as_path()).is_ok());
            }
            Self::ListDir(path) => {
                black_box(count_dir_entries(path).map_err(|e| e.errno().unwrap_or(Errno::EIO))?);
            }
            Self::Kill(pids) => {
                for &pid in pids {
                    black_box(kill(Pid::from_raw(pid), None).is_ok());
                }
            }
            Self::Tgkill(pids) => {
                for &pid in pids {
                    black_box(tgkill_probe(pid).is_ok());
                }
            }
            Self::OpenPath(path) => {
                black_box(
                    open(
                        path.as_path(),
                        OFlag::O_PATH | OFlag::O_CLOEXEC,
                        Mode::empty(),
                    )
                    .is_ok(),
                );
            }
        }
        Ok(())
    }
}

/// Nanoseconds per iteration of the system calls `kind` names, made `iterations` times in a
/// loop timed with [`Instant`], with the GIL released. Hidden: for `sky-rs bench` only.
///
/// Kinds: `sysconf_nprocessors_onln`, `getrlimit_nofile` (`arg` ignored), `stat`, `listdir`
/// and `open_path` (`arg` a path), `kill` and `tgkill` (`arg` a pid or a list of pids).
#[pyfunction]
#[pyo3(signature = (kind, arg, iterations))]
pub fn _floor(
    py: Python<'_>,
    kind: &str,
    arg: &Bound<'_, PyAny>,
    iterations: u64,
) -> PyResult<f64> {
    let calls = Syscalls::parse(kind, arg)?;
    let iterations = iterations.max(1);
    let elapsed = py.detach(|| {
        let start = Instant::now();
        for _ in 0..iterations {
            calls.run()?;
        }
        Ok::<_, Errno>(start.elapsed())
    });
    let elapsed = elapsed.map_err(|errno| PyOSError::new_err((errno as i32, errno.desc())))?;
    Ok(elapsed.as_nanos() as f64 / iterations as f64)
}
