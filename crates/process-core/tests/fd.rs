//! Directory counts and file-mount sizing against real temporary trees.
#![allow(missing_docs)]
#![expect(clippy::unwrap_used, reason = "tests")]

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;

use nix::errno::Errno;
use proptest::prelude::*;
use sky_rs_process_core::{
    ProcessError, count_dir_entries, estimate_fd_for_directory_interruptible, fd_per_rsync,
    max_workers, workers_below_thread_floor,
};

/// `estimate_fd_for_directory(path)`, never interrupted.
fn estimate_fd_for_directory(path: &Path) -> Result<u64, ProcessError> {
    estimate_fd_for_directory_interruptible(path, &mut || false).map(Option::unwrap_or_default)
}

fn fill(dir: &Path, files: usize) {
    for i in 0..files {
        fs::write(dir.join(format!("f{i}")), b"").unwrap();
    }
}

#[test]
fn counts_entries_without_dot_and_dotdot() {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(count_dir_entries(tmp.path()).unwrap(), 0);
    fs::create_dir(tmp.path().join("sub")).unwrap();
    fs::write(tmp.path().join(".hidden"), b"x").unwrap();
    symlink("/nonexistent", tmp.path().join("dangling")).unwrap();
    assert_eq!(count_dir_entries(tmp.path()).unwrap(), 3);
    assert_eq!(estimate_fd_for_directory(tmp.path()).unwrap(), 15);
}

#[test]
fn counts_large_directories() {
    for n in [1, 50, 1000, 5000] {
        let tmp = tempfile::tempdir().unwrap();
        fill(tmp.path(), n);
        assert_eq!(count_dir_entries(tmp.path()).unwrap(), n as u64);
        assert_eq!(fd_per_rsync(tmp.path()).unwrap(), Some(5 * n as u64));
    }
}

#[test]
fn follows_symlinked_directories() {
    let tmp = tempfile::tempdir().unwrap();
    let real = tmp.path().join("real");
    fs::create_dir(&real).unwrap();
    fill(&real, 7);
    let link = tmp.path().join("link");
    symlink(&real, &link).unwrap();
    assert_eq!(estimate_fd_for_directory(&link).unwrap(), 35);
    assert_eq!(fd_per_rsync(&link).unwrap(), Some(35));
}

#[test]
fn errors_carry_errno_and_path() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("file");
    fs::write(&file, b"x").unwrap();
    let missing = tmp.path().join("missing");
    let err = count_dir_entries(&file).unwrap_err();
    assert_eq!(
        err,
        ProcessError::ListDir {
            path: file.clone(),
            errno: Errno::ENOTDIR
        }
    );
    assert_eq!(err.errno(), Some(Errno::ENOTDIR));
    assert!(err.to_string().contains("Not a directory"), "{err}");
    let err = count_dir_entries(&missing).unwrap_err();
    assert_eq!(
        err,
        ProcessError::ListDir {
            path: missing.clone(),
            errno: Errno::ENOENT
        }
    );
    assert_eq!(
        count_dir_entries(Path::new("")).unwrap_err().errno(),
        Some(Errno::ENOENT)
    );
    // Not directories: no estimate and no error, as `os.path.isdir` is checked first.
    assert_eq!(fd_per_rsync(&file).unwrap(), None);
    assert_eq!(fd_per_rsync(&missing).unwrap(), None);
}

proptest! {
    #[test]
    fn max_workers_matches_python_formula(
        fd_limit in any::<i64>(), per in 1_u64..=u64::MAX, threads in 4_i64..10_000,
    ) {
        let workers = (i128::from(fd_limit) - 100).div_euclid(i128::from(per)).max(1);
        let expected = workers.min(i128::from(threads));
        prop_assert_eq!(i128::from(max_workers(fd_limit, per, threads)), expected);
    }

    #[test]
    fn thread_floor_shortcut_is_exact(
        fd_limit in -10_000_i64..100_000, per in 5_u64..100_000, multiplier in prop::sample::select(vec![1_i64, 4]),
        cpus in 1_i64..512,
    ) {
        let threads = sky_rs_process_core::parallel_threads(Some(cpus), multiplier);
        if let Some(shortcut) = workers_below_thread_floor(fd_limit, per, multiplier) {
            prop_assert_eq!(shortcut, max_workers(fd_limit, per, threads));
        }
    }
}

#[test]
fn an_interrupted_count_stops_between_getdents_calls() {
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..5000 {
        fs::File::create(tmp.path().join(format!("entry-number-{i:06}"))).unwrap();
    }
    let mut asked = 0;
    let stopped = estimate_fd_for_directory_interruptible(tmp.path(), &mut || {
        asked += 1;
        true
    })
    .unwrap();
    assert_eq!(stopped, None);
    assert_eq!(asked, 1);
    let all = estimate_fd_for_directory_interruptible(tmp.path(), &mut || false).unwrap();
    assert_eq!(all, Some(25_000));
}
