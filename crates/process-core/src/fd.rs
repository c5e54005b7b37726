//! File descriptors: the `RLIMIT_NOFILE` soft limit, directory entry counts and
//! `get_max_workers_for_file_mounts`' arithmetic.

use std::path::Path;

use nix::dir::Dir;
use nix::fcntl::OFlag;
use nix::sys::resource::{Resource, getrlimit};
use nix::sys::stat::Mode;

use crate::ProcessError;

/// Descriptors assumed per entry of a synced directory, and the minimum per rsync.
pub const FD_PER_ENTRY: u64 = 5;
/// Descriptors reserved for the rest of the process.
pub const FD_RESERVE: i64 = 100;
/// Below this soft limit, `get_max_workers_for_file_mounts` warns (once per process).
pub const LOW_FD_LIMIT: i64 = 1024;

/// The soft `RLIMIT_NOFILE` as Python's `resource.getrlimit` reports it: the `rlim_t` cast to
/// a signed 64-bit integer, so `RLIM_INFINITY` reads as `-1`.
pub fn soft_fd_limit() -> Result<i64, ProcessError> {
    let (soft, _hard) = getrlimit(Resource::RLIMIT_NOFILE)
        .map_err(|errno| ProcessError::ResourceLimit { errno })?;
    // Wrapping on purpose: CPython casts rlim_t to `long long` the same way.
    Ok(soft as i64)
}

/// The warning logged when `fd_limit < LOW_FD_LIMIT` (text of the reference).
pub fn low_fd_limit_message(fd_limit: i64) -> String {
    format!(
        "Open file descriptor limit ({fd_limit}) is low. File sync to remote clusters may be \
         slow. Consider increasing the limit using `ulimit -n <number>` or modifying system \
         limits."
    )
}

/// `os.path.isdir`: whether `path` is a directory, following symlinks; any error is `false`.
pub fn is_dir(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|meta| meta.is_dir())
}

/// `len(os.listdir(path))`: the entries of a directory, `.` and `..` excluded.
///
/// Counts `getdents` records without building names. The directory is opened as glibc's
/// `opendir` opens it, so errors carry the same `errno` as `os.listdir`'s.
pub fn count_dir_entries(path: &Path) -> Result<u64, ProcessError> {
    let list_error = |errno| ProcessError::ListDir {
        path: path.to_path_buf(),
        errno,
    };
    let flags = OFlag::O_RDONLY | OFlag::O_NONBLOCK | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC;
    let dir = Dir::open(path, flags, Mode::empty()).map_err(list_error)?;
    let mut count = 0;
    for entry in dir {
        let name = entry.map_err(list_error)?;
        let name = name.file_name().to_bytes();
        if name != b"." && name != b".." {
            count += 1;
        }
    }
    Ok(count)
}

/// `len(os.listdir(path)) * 5`: the descriptors an rsync of this directory is assumed to need.
pub fn estimate_fd_for_directory(path: &Path) -> Result<u64, ProcessError> {
    Ok(count_dir_entries(path)?.saturating_mul(FD_PER_ENTRY))
}

/// One file-mount source's need: `Some(estimate)` for a directory, `None` for anything else
/// (a file, a missing path, a broken link), exactly as `os.path.isdir` then `os.listdir`.
pub fn fd_per_rsync(path: &Path) -> Result<Option<u64>, ProcessError> {
    if is_dir(path) {
        estimate_fd_for_directory(path).map(Some)
    } else {
        Ok(None)
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
/// at least `4 * multiplier`, so a clamped worker count at or below that is the answer.
pub fn workers_below_thread_floor(
    fd_limit: i64,
    fd_per_rsync: u64,
    multiplier: i64,
) -> Option<i64> {
    let floor = 4_i64.saturating_mul(multiplier);
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
    fn message_matches_reference() {
        assert_eq!(
            low_fd_limit_message(256),
            "Open file descriptor limit (256) is low. File sync to remote clusters may be slow. \
             Consider increasing the limit using `ulimit -n <number>` or modifying system limits."
        );
    }

    #[test]
    fn soft_limit_is_readable() {
        assert!(soft_fd_limit().is_ok());
    }
}
