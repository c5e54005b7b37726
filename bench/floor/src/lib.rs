//! The benchmark's floor for `sky-rs bench`, as the private extension module `sky_rs_floor`:
//!
//! - [`noop`]: a PyO3 function that does nothing, the price of crossing into Rust;
//! - [`floor`]: the work a function cannot avoid (system calls, hashing in memory, making the
//!   result's Python strings), timed alone inside Rust in one loop ([`time_loop`]);
//! - `KINDS`: the names [`floor`] knows.
//!
//! Bench code only: the published wheels hold the API alone.
use std::fs::File;
use std::hint::black_box;
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::FileExt;
use std::path::PathBuf;
use std::time::Instant;

use nix::errno::Errno;
use nix::fcntl::{OFlag, open};
use nix::sched::sched_getaffinity;
use nix::sys::resource::{Resource, getrlimit};
use nix::sys::signal::kill;
use nix::sys::stat::{Mode, stat};
use nix::sys::sysinfo::sysinfo;
use nix::unistd::{Pid, SysconfVar, sysconf};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use sky_rs_io_core::{HashAlgorithm, Hasher, IoError, port_is_free};
use sky_rs_process_core::{count_dir_entries, tgkill_probe};
use sky_rs_py_support::{NativePath, fspath, os_error};

/// Read buffer of `read_all`, as large as `hash_file`'s.
const READ_ALL_BUFFER: usize = 256 * 1024;
/// Largest read of `read`: cgroup files hold one short line.
const READ_SIZE: usize = 4096;

/// The kinds of work [`floor`] times; `KINDS` lists their names.
#[derive(Clone, Copy)]
enum Kind {
    ReadTail,
    ReadAll,
    Bind,
    HashMemory,
    PyStrings,
    PyStr,
    SchedGetaffinity,
    SysconfNprocessorsOnln,
    Sysinfo,
    Stat,
    Read,
    GetrlimitNofile,
    Listdir,
    Kill,
    Tgkill,
    OpenPath,
}

impl Kind {
    const ALL: [Kind; 16] = [
        Kind::ReadTail,
        Kind::ReadAll,
        Kind::Bind,
        Kind::HashMemory,
        Kind::PyStrings,
        Kind::PyStr,
        Kind::SchedGetaffinity,
        Kind::SysconfNprocessorsOnln,
        Kind::Sysinfo,
        Kind::Stat,
        Kind::Read,
        Kind::GetrlimitNofile,
        Kind::Listdir,
        Kind::Kill,
        Kind::Tgkill,
        Kind::OpenPath,
    ];

    fn name(self) -> &'static str {
        match self {
            Kind::ReadTail => "read_tail",
            Kind::ReadAll => "read_all",
            Kind::Bind => "bind",
            Kind::HashMemory => "hash_memory",
            Kind::PyStrings => "py_strings",
            Kind::PyStr => "py_str",
            Kind::SchedGetaffinity => "sched_getaffinity",
            Kind::SysconfNprocessorsOnln => "sysconf_nprocessors_onln",
            Kind::Sysinfo => "sysinfo",
            Kind::Stat => "stat",
            Kind::Read => "read",
            Kind::GetrlimitNofile => "getrlimit_nofile",
            Kind::Listdir => "listdir",
            Kind::Kill => "kill",
            Kind::Tgkill => "tgkill",
            Kind::OpenPath => "open_path",
        }
    }

    fn from_name(name: &str) -> PyResult<Self> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.name() == name)
            .ok_or_else(|| {
                let known: Vec<String> = Self::ALL
                    .iter()
                    .map(|kind| format!("'{}'", kind.name()))
                    .collect();
                PyValueError::new_err(format!(
                    "unknown floor kind {name:?}; known kinds are {}",
                    known.join(", ")
                ))
            })
    }
}

/// One repeatable piece of unavoidable work, done without Python.
enum Work {
    /// `open`, `lseek(SEEK_END)`, `pread` of the last `n` bytes, `close`: the tail of a log.
    ReadTail(PathBuf, usize),
    /// `open`, `read` to the end, `close`: reading a whole file.
    ReadAll(PathBuf),
    /// `socket`, `bind`, `close`: one try of `find_free_port`.
    Bind(u16),
    /// Hashing `data` in memory with the Rust core: the compute part of hashing a file.
    HashMemory(HashAlgorithm, Vec<u8>),
    /// A list of new `str` objects with these texts: the result of `read_last_n_lines`. Needs
    /// the GIL, so [`floor`] times it itself; [`Work::run`] does nothing.
    PyStrings(Vec<String>),
    /// One new `str` with this text: the result of a string function. Needs the GIL, like
    /// [`Work::PyStrings`].
    PyStr(String),
    /// `sched_getaffinity(0)`: `len(os.sched_getaffinity(0))`.
    Affinity,
    /// `sysconf(_SC_NPROCESSORS_ONLN)`: `os.cpu_count()` (glibc reads a sysfs file).
    OnlineCpus,
    /// `sysinfo(2)`: total RAM, the number `MemTotal` of `/proc/meminfo` shows.
    SysInfo,
    /// `stat(path)`: `os.path.isfile` / `os.path.isdir`.
    Stat(PathBuf),
    /// `open`, one `read` of up to 4 KiB, `close`: a cgroup file. A failed open counts.
    Read(PathBuf),
    /// `getrlimit(RLIMIT_NOFILE)`.
    FdLimit,
    /// `open(O_DIRECTORY)`, `getdents64` until it returns 0, `close`: `len(os.listdir(path))`.
    ListDir(PathBuf),
    /// `kill(pid, 0)` for each pid: the existence probe of psutil.
    Kill(Vec<i32>),
    /// `tgkill(pid, pid, 0)` for each pid: existence of a thread-group leader.
    Tgkill(Vec<i32>),
    /// `open(path, O_PATH)`, `close`: the lookup of `/proc/<pid>/status` without rendering it.
    OpenPath(PathBuf),
}

/// A failure that makes the measurement wrong: its errno, and whether the work's path is to
/// blame (a failed open). Answers such as `ESRCH` or a missing cgroup file are not failures.
struct Failure {
    errno: i32,
    names_path: bool,
}

impl Failure {
    fn errno(errno: Errno) -> Self {
        Self {
            errno: errno as i32,
            names_path: false,
        }
    }

    fn io(err: &io::Error, names_path: bool) -> Self {
        Self {
            errno: err.raw_os_error().unwrap_or(Errno::EIO as i32),
            names_path,
        }
    }
}

impl Work {
    /// The work `kind` names, from `arg`; the second value is the path argument, if any, as
    /// the object an error names.
    fn parse<'py>(
        kind: Kind,
        arg: &Bound<'py, PyAny>,
    ) -> PyResult<(Self, Option<NativePath<'py>>)> {
        let with_path = |make: fn(PathBuf) -> Self| -> PyResult<_> {
            let native = fspath(arg)?;
            Ok((make(native.path.clone()), Some(native)))
        };
        Ok(match kind {
            Kind::ReadTail => {
                let (file, n): (Bound<'py, PyAny>, usize) = arg.extract()?;
                let native = fspath(&file)?;
                (Self::ReadTail(native.path.clone(), n), Some(native))
            }
            Kind::ReadAll => with_path(Self::ReadAll)?,
            Kind::Bind => (Self::Bind(arg.extract()?), None),
            Kind::HashMemory => {
                let (name, size): (String, usize) = arg.extract()?;
                let algorithm = HashAlgorithm::from_name(&name)
                    .ok_or_else(|| PyValueError::new_err(format!("no Rust hash for {name:?}")))?;
                (Self::HashMemory(algorithm, vec![0x5a; size]), None)
            }
            Kind::PyStrings => (Self::PyStrings(arg.extract()?), None),
            Kind::PyStr => (Self::PyStr(arg.extract()?), None),
            Kind::SchedGetaffinity => (Self::Affinity, None),
            Kind::SysconfNprocessorsOnln => (Self::OnlineCpus, None),
            Kind::Sysinfo => (Self::SysInfo, None),
            Kind::Stat => with_path(Self::Stat)?,
            Kind::Read => with_path(Self::Read)?,
            Kind::GetrlimitNofile => (Self::FdLimit, None),
            Kind::Listdir => with_path(Self::ListDir)?,
            Kind::Kill => (Self::Kill(pids(arg)?), None),
            Kind::Tgkill => (Self::Tgkill(pids(arg)?), None),
            Kind::OpenPath => with_path(Self::OpenPath)?,
        })
    }

    /// Does the work once. `buffer` is reused between runs.
    fn run(&self, buffer: &mut Vec<u8>) -> Result<(), Failure> {
        match self {
            Self::ReadTail(path, n) => {
                let mut file = File::open(path).map_err(|e| Failure::io(&e, true))?;
                let size = file
                    .seek(SeekFrom::End(0))
                    .map_err(|e| Failure::io(&e, false))?;
                let len = (*n).min(usize::try_from(size).unwrap_or(usize::MAX));
                buffer.resize(len, 0);
                let read = file
                    .read_at(buffer, size - len as u64)
                    .map_err(|e| Failure::io(&e, false))?;
                black_box(read);
            }
            Self::ReadAll(path) => {
                let mut file = File::open(path).map_err(|e| Failure::io(&e, true))?;
                buffer.resize(READ_ALL_BUFFER, 0);
                while file.read(buffer).map_err(|e| Failure::io(&e, false))? > 0 {}
            }
            Self::Bind(port) => {
                let free = port_is_free(*port).map_err(|err| match err {
                    IoError::Socket(source) => Failure::io(&source, false),
                    _ => Failure::errno(Errno::EIO),
                })?;
                black_box(free);
            }
            Self::HashMemory(algorithm, data) => {
                let mut hasher = Hasher::new(*algorithm);
                hasher.update(data);
                black_box(hasher.digest());
            }
            Self::PyStrings(_) | Self::PyStr(_) => {}
            Self::Affinity => {
                black_box(sched_getaffinity(Pid::from_raw(0)).map_err(Failure::errno)?);
            }
            Self::OnlineCpus => {
                black_box(sysconf(SysconfVar::_NPROCESSORS_ONLN).map_err(Failure::errno)?);
            }
            Self::SysInfo => {
                black_box(sysinfo().map_err(Failure::errno)?.ram_total());
            }
            Self::Stat(path) => {
                black_box(stat(path.as_path()).is_ok());
            }
            Self::Read(path) => {
                if let Ok(mut file) = File::open(path) {
                    buffer.resize(READ_SIZE, 0);
                    black_box(file.read(buffer).is_ok());
                }
            }
            Self::FdLimit => {
                black_box(getrlimit(Resource::RLIMIT_NOFILE).map_err(Failure::errno)?);
            }
            Self::ListDir(path) => {
                let entries = count_dir_entries(path).map_err(|err| Failure {
                    errno: err.errno().unwrap_or(Errno::EIO) as i32,
                    names_path: true,
                })?;
                black_box(entries);
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
                let fd = open(
                    path.as_path(),
                    OFlag::O_PATH | OFlag::O_CLOEXEC,
                    Mode::empty(),
                );
                black_box(fd.is_ok());
            }
        }
        Ok(())
    }
}

/// A pid or a list of pids.
fn pids(arg: &Bound<'_, PyAny>) -> PyResult<Vec<i32>> {
    arg.extract::<i32>()
        .map(|pid| vec![pid])
        .or_else(|_| arg.extract())
}

/// The one timing loop: `once` run `iterations` times (at least once), timed with [`Instant`];
/// nanoseconds per run.
fn time_loop<E>(iterations: u64, mut once: impl FnMut() -> Result<(), E>) -> Result<f64, E> {
    let iterations = iterations.max(1);
    let start = Instant::now();
    for _ in 0..iterations {
        once()?;
    }
    Ok(start.elapsed().as_nanos() as f64 / iterations as f64)
}

/// Nanoseconds per iteration of the work `kind` names, done `iterations` times in one loop
/// timed with [`Instant`]; with the GIL released, but for `py_strings` and `py_str`, which
/// make Python objects.
///
/// Kinds and their `arg`: `read_tail` (`(path, n_bytes)`), `read_all`, `stat`, `read`,
/// `listdir`, `open_path` (a path), `bind` (a port), `hash_memory` (`(algorithm, n_bytes)`),
/// `py_strings` (a list of `str`), `py_str` (a `str`), `kill` and `tgkill` (a pid or a list of pids);
/// `sched_getaffinity`, `sysconf_nprocessors_onln`, `sysinfo`, `getrlimit_nofile` ignore it.
#[pyfunction]
#[pyo3(signature = (kind, arg, iterations))]
fn floor(py: Python<'_>, kind: &str, arg: &Bound<'_, PyAny>, iterations: u64) -> PyResult<f64> {
    let (work, native) = Work::parse(Kind::from_name(kind)?, arg)?;
    if let Work::PyStrings(texts) = &work {
        return time_loop(iterations, || {
            let strings = texts.iter().map(|text| PyString::new(py, text));
            black_box(PyList::new(py, strings)?);
            Ok(())
        });
    }
    if let Work::PyStr(text) = &work {
        return time_loop(iterations, || {
            black_box(PyString::new(py, text));
            Ok::<(), PyErr>(())
        });
    }
    py.detach(|| {
        let mut buffer = Vec::new();
        time_loop(iterations, || work.run(&mut buffer))
    })
    .map_err(|failure| {
        let filename = native.as_ref().filter(|_| failure.names_path);
        os_error(py, failure.errno, filename.map(|native| &native.filename))
    })
}

/// Does nothing: the cost of one PyO3 call with these arguments.
#[pyfunction]
#[pyo3(signature = (*_args, **_kwargs))]
fn noop(_args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyDict>>) {}

/// The `sky_rs_floor` extension module.
#[pymodule(gil_used = false)]
fn sky_rs_floor(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    let kinds: Vec<&str> = Kind::ALL.iter().map(|kind| kind.name()).collect();
    m.add("KINDS", PyTuple::new(m.py(), kinds)?)?;
    m.add_function(wrap_pyfunction!(noop, m)?)?;
    m.add_function(wrap_pyfunction!(floor, m)?)?;
    Ok(())
}
