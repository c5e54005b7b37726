//! File descriptors: the `RLIMIT_NOFILE` soft limit, directory entry counts and
//! `get_max_workers_for_file_mounts`' arithmetic.

use std::os::fd::{AsFd, OwnedFd};
use std::path::Path;

use nix::errno::Errno;
use nix::fcntl::{OFlag, open};
use nix::sys::resource::{Resource, getrlimit};
use nix::sys::stat::Mode;

use crate::ProcessError;
use crate::sys::getdents64;
use crate::threads::MIN_THREADS;

/// Descriptors assumed per entry of a synced directory, and the minimum per rsync.
pub const FD_PER_ENTRY: u64 = 5;
/// Descriptors reserved for the rest of the process.
pub(crate) const FD_RESERVE: i64 = 100;
/// Below this soft limit, `get_max_workers_for_file_mounts` warns (once per process).
pub const LOW_FD_LIMIT: i64 = 1024;

/// The soft `RLIMIT_NOFILE` as Python's `resource.getrlimit` reports it: the `rlim_t` cast to
/// a signed 64-bit integer, so `RLIM_INFINITY` reads as `-1`.
pub fn soft_fd_limit() -> Result<i64, ProcessError> {
    // An interrupted call is retried (PEP 475; `resource.getrlimit` would raise).
    let limits = loop {
        match getrlimit(Resource::RLIMIT_NOFILE) {
            Err(Errno::EINTR) => {}
            other => break other,
        }
    };
    let (soft, _hard) = limits.map_err(|errno| ProcessError::ResourceLimit { errno })?;
    // Wrapping on purpose: CPython casts rlim_t to `long long` the same way.
    Ok(soft as i64)
}

/// `os.path.isdir`: whether `path` is a directory, following symlinks; any error is `false`.
pub(crate) fn is_dir(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|meta| meta.is_dir())
}

/// Opens a directory as glibc's `opendir` does, so failures carry `os.listdir`'s `errno`.
/// Retried when interrupted (PEP 475; `os.listdir` itself raises `InterruptedError`).
fn open_dir(path: &Path) -> Result<OwnedFd, Errno> {
    let flags = OFlag::O_RDONLY | OFlag::O_NONBLOCK | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC;
    loop {
        match open(path, flags, Mode::empty()) {
            Err(Errno::EINTR) => {}
            other => return other,
        }
    }
}

/// Size of the `getdents64` buffer: glibc's `opendir` default, ~1,300 short names a call.
const DIRENT_BUFFER: usize = 32 * 1024;

/// Counts the entries of an open directory, `.` and `..` excluded, straight from the
/// `getdents64` records: no name is copied or decoded. `interrupted` is asked before each
/// `getdents64` after the first; `Ok(None)` once it says stop. An interrupted `getdents64`
/// is retried (PEP 475).
fn count_open_dir(
    dir: &OwnedFd,
    interrupted: &mut dyn FnMut() -> bool,
) -> Result<Option<u64>, Errno> {
    let mut buf = vec![0_u8; DIRENT_BUFFER];
    let mut count = 0;
    let mut first = true;
    loop {
        if !first && interrupted() {
            return Ok(None);
        }
        first = false;
        let filled = match getdents64(dir.as_fd(), &mut buf) {
            Err(Errno::EINTR) => continue,
            other => other?,
        };
        if filled == 0 {
            return Ok(Some(count));
        }
        let mut records = &buf[..filled.min(buf.len())];
        // linux_dirent64: d_ino u64, d_off i64, d_reclen u16, d_type u8, d_name (NUL-ended).
        while let Some(reclen) = records
            .get(16..18)
            .map(|r| usize::from(u16::from_ne_bytes([r[0], r[1]])))
        {
            let Some(record) = records.get(..reclen).filter(|_| reclen > 19) else {
                break;
            };
            let name = &record[19..];
            let dot_or_dotdot = matches!(name, [b'.', 0, ..] | [b'.', b'.', 0, ..]);
            count += u64::from(!dot_or_dotdot);
            records = &records[reclen..];
        }
    }
}

/// `len(os.listdir(path))`: the entries of a directory, `.` and `..` excluded.
pub fn count_dir_entries(path: &Path) -> Result<u64, ProcessError> {
    let list_error = |errno| ProcessError::ListDir {
        path: path.to_path_buf(),
        errno,
    };
    let dir = open_dir(path).map_err(list_error)?;
    count_open_dir(&dir, &mut || false)
        .map(Option::unwrap_or_default)
        .map_err(list_error)
}

/// `len(os.listdir(path)) * 5`: the descriptors an rsync of this directory is assumed to need.
///
/// It can be stopped (Ctrl-C on a huge directory): `interrupted` is asked between two
/// `getdents64` calls, and the answer is `Ok(None)` once it says yes.
pub fn estimate_fd_for_directory_interruptible(
    path: &Path,
    interrupted: &mut dyn FnMut() -> bool,
) -> Result<Option<u64>, ProcessError> {
    let list_error = |errno| ProcessError::ListDir {
        path: path.to_path_buf(),
        errno,
    };
    let dir = open_dir(path).map_err(list_error)?;
    let count = count_open_dir(&dir, interrupted).map_err(list_error)?;
    Ok(count.map(|n| n.saturating_mul(FD_PER_ENTRY)))
}

/// One file-mount source's need: `Some(estimate)` for a directory, `None` for anything else
/// (a file, a missing path, a broken link), exactly as `os.path.isdir` then `os.listdir`.
///
/// The directory is opened first and `stat`ed only when that fails ambiguously: `ENOENT` and
/// `ENOTDIR` mean "not a directory", while another error (`EACCES`, `EMFILE`, ...) is
/// `os.listdir`'s error when `os.path.isdir` says directory, and no error otherwise.
pub fn fd_per_rsync(path: &Path) -> Result<Option<u64>, ProcessError> {
    let list_error = |errno| ProcessError::ListDir {
        path: path.to_path_buf(),
        errno,
    };
    match open_dir(path) {
        Ok(dir) => count_open_dir(&dir, &mut || false)
            .map(|n| Some(n.unwrap_or_default().saturating_mul(FD_PER_ENTRY)))
            .map_err(list_error),
        Err(Errno::ENOENT | Errno::ENOTDIR) => Ok(None),
        Err(errno) if is_dir(path) => Err(list_error(errno)),
        Err(_) => Ok(None),
    }
}

/// `min(max((fd_limit - 100) // fd_per_rsync, 1), threads)`, with floor division.
///
/// `fd_per_rsync` is at least 5 in practice; 0 is treated as 1 rather than dividing by zero.
pub fn max_workers(fd_limit: i64, fd_per_rsync: u64, threads: i64) -> i64 {
    let usable = i128::from(fd_limit) - i128::from(FD_RESERVE);
    let workers = usable.div_euclid(i128::from(fd_per_rsync.max(1))).max(1);
    // `workers >= 1`; the min with an i64 fits an i64.
    workers.min(i128::from(threads)) as i64
}

/// Whether `max_workers` is already decided without the thread count: the thread count is
/// at least the minimum of [`parallel_threads`](crate::parallel_threads) times `multiplier`, so
/// a clamped worker count at or below that is the answer.
pub fn workers_below_thread_floor(
    fd_limit: i64,
    fd_per_rsync: u64,
    multiplier: i64,
) -> Option<i64> {
    let floor = MIN_THREADS.saturating_mul(multiplier);
    let workers = max_workers(fd_limit, fd_per_rsync, i64::MAX);
    (workers <= floor).then_some(workers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_workers_floor_division_and_clamps() {
        assert_eq!(max_workers(20_000, 5, 7), 7);
        assert_eq!(max_workers(1024, 5, 1000), 184);
        assert_eq!(max_workers(256, 5, 1000), 31);
        assert_eq!(max_workers(100, 5, 100), 1);
        assert_eq!(max_workers(101, 5, 100), 1);
        // Negative numerators floor towards -inf, then clamp to 1.
        assert_eq!(max_workers(-1, 5, 100), 1);
        assert_eq!(max_workers(i64::MIN, 5, 100), 1);
        assert_eq!(max_workers(i64::MAX, 5, 3), 3);
        assert_eq!(max_workers(4096, 250, 64), 15);
        assert_eq!(max_workers(4096, u64::MAX, 64), 1);
    }

    #[test]
    fn thread_floor_shortcut() {
        assert_eq!(workers_below_thread_floor(256, 250, 1), Some(1));
        assert_eq!(workers_below_thread_floor(1024, 250, 1), Some(3));
        assert_eq!(workers_below_thread_floor(20_000, 250, 1), None);
        assert_eq!(workers_below_thread_floor(2000, 125, 4), Some(15));
    }

    #[test]
    fn soft_limit_is_readable() {
        assert!(soft_fd_limit().is_ok());
    }

    #[test]
    fn is_dir_follows_symlinks_and_is_false_on_errors() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().join("real");
        std::fs::create_dir(&real).unwrap();
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert!(is_dir(&link));
        let file = tmp.path().join("file");
        std::fs::write(&file, b"x").unwrap();
        let missing = tmp.path().join("missing");
        assert!(!is_dir(&file) && !is_dir(&missing));
    }
}
