//! The benchmark's floor for the system functions: the system calls they cannot avoid,
//! timed alone in Rust (no Python call, GIL released) for `sky-rs bench`.
use std::fs::File;
use std::hint::black_box;
use std::io::Read;
use std::path::PathBuf;
use std::time::Instant;

use nix::errno::Errno;
use nix::sched::sched_getaffinity;
use nix::sys::stat::stat;
use nix::sys::sysinfo::sysinfo;
use nix::unistd::{Pid, SysconfVar, sysconf};
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;

/// The kinds [`_floor`] knows, for its error message.
const KINDS: &str = "'sched_getaffinity', 'sysconf_nprocessors_onln', 'sysinfo', 'stat', 'read'";

/// Largest read of a `read` kind: cgroup files hold one short line.
const READ_SIZE: usize = 4096;

/// One repeatable set of system calls.
enum Syscalls {
    /// `sched_getaffinity(0)`: `len(os.sched_getaffinity(0))`.
    Affinity,
    /// `sysconf(_SC_NPROCESSORS_ONLN)`: glibc reads `/sys/devices/system/cpu/online`.
    OnlineCpus,
    /// `sysinfo(2)`: total RAM, the number `MemTotal` of `/proc/meminfo` shows.
    SysInfo,
    /// `stat(path)`: `os.path.isfile`, e.g. of `cgroup.controllers`.
    Stat(PathBuf),
    /// `open`, one `read` of up to 4 KiB, `close`: a cgroup file. A failed open counts.
    Read(PathBuf, Vec<u8>),
}

impl Syscalls {
    fn parse(kind: &str, arg: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(match kind {
            "sched_getaffinity" => Self::Affinity,
            "sysconf_nprocessors_onln" => Self::OnlineCpus,
            "sysinfo" => Self::SysInfo,
            "stat" => Self::Stat(arg.extract()?),
            "read" => Self::Read(arg.extract()?, vec![0; READ_SIZE]),
            _ => {
                return Err(PyValueError::new_err(format!(
                    "unknown floor kind {kind:?}; known kinds are {KINDS}"
                )));
            }
        })
    }

    /// Makes the calls once. Only failures that mean the measurement is wrong are errors:
    /// a missing file is an answer ("no cgroup limit"), and costs what it costs.
    fn run(&mut self) -> Result<(), Errno> {
        match self {
            Self::Affinity => {
                black_box(sched_getaffinity(Pid::from_raw(0))?);
            }
            Self::OnlineCpus => {
                black_box(sysconf(SysconfVar::_NPROCESSORS_ONLN)?);
            }
            Self::SysInfo => {
                black_box(sysinfo()?.ram_total());
            }
            Self::Stat(path) => {
                black_box(stat(path.as_path()).is_ok());
            }
            Self::Read(path, buffer) => {
                if let Ok(mut file) = File::open(&*path) {
                    black_box(file.read(buffer).is_ok());
                }
            }
        }
        Ok(())
    }
}

/// Nanoseconds per iteration of the system calls `kind` names, made `iterations` times in a
/// loop timed with [`Instant`], with the GIL released. Hidden: for `sky-rs bench` only.
///
/// Kinds: `sched_getaffinity`, `sysconf_nprocessors_onln`, `sysinfo` (`arg` ignored),
/// `stat` and `read` (`arg` a path).
#[pyfunction]
#[pyo3(signature = (kind, arg, iterations))]
pub fn _floor(
    py: Python<'_>,
    kind: &str,
    arg: &Bound<'_, PyAny>,
    iterations: u64,
) -> PyResult<f64> {
    let mut calls = Syscalls::parse(kind, arg)?;
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
