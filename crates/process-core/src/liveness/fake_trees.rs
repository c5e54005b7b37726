//! Process liveness against fake `/proc` trees and every id of the real one. Unit tests, not
//! integration tests: they call the reference path and the psutil steps, which are private.
use std::fs;
use std::path::Path;

use nix::errno::Errno;

use super::ProcFs;
use crate::ProcessError;

fn own_pid() -> i32 {
    i32::try_from(std::process::id()).unwrap()
}

#[test]
fn zero_negative_and_absent_pids_are_not() {
    let proc = ProcFs::default();
    for pid in [0, -1, i32::MIN, i32::MAX] {
        assert!(!proc.is_process_alive(pid).unwrap(), "{pid}");
    }
    assert_eq!(
        [own_pid(), 0, -5, 1].map(|pid| proc.is_process_alive(pid).unwrap()),
        [true, false, false, true]
    );
}

fn fake_proc(entries: &[(&str, Option<&str>)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for (name, status) in entries {
        let dir = tmp.path().join(name);
        fs::create_dir(&dir).unwrap();
        if let Some(status) = status {
            fs::write(dir.join("status"), status).unwrap();
        }
    }
    tmp
}

#[test]
fn fake_proc_tgid_decides() {
    let tmp = fake_proc(&[
        (
            "10",
            Some("Name:\tx\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t10\nPid:\t10\n"),
        ),
        ("11", Some("Name:\tx\nTgid:\t10\nPid:\t11\n")),
        ("12", Some("Name:\tx\nTgid:\t12")), // no final newline
        ("13", Some("Name:\tx\nTgid: 0013\n")),
    ]);
    let proc = ProcFs::new(tmp.path());
    assert_eq!(proc.root(), tmp.path());
    assert!(proc.is_process_id(10).unwrap());
    assert!(!proc.is_process_id(11).unwrap());
    assert!(proc.is_process_id(12).unwrap());
    assert!(proc.is_process_id(13).unwrap());
}

#[test]
fn fake_proc_falls_back_to_the_listing() {
    let long = format!("{}Tgid:\t77\n", "Pad:\tx\n".repeat(2000)); // beyond one read
    let tmp = fake_proc(&[
        ("20", None),                          // no status file, listed
        ("21", Some("Name:\tx\nPid:\t21\n")),  // no Tgid line, listed
        ("22", Some("Tgid:\tnot-a-number\n")), // int() would fail, listed
        ("77", Some(long.as_str())),
        ("self", Some("Tgid:\t30\n")),
    ]);
    let proc = ProcFs::new(tmp.path());
    assert!(proc.is_process_id(20).unwrap());
    assert!(proc.is_process_id(21).unwrap());
    assert!(proc.is_process_id(22).unwrap());
    assert!(proc.is_process_id(77).unwrap());
    assert!(!proc.is_process_id(30).unwrap(), "not listed, no status");
    assert!(proc.is_listed(20).unwrap() && !proc.is_listed(0).unwrap());
}

#[test]
fn fake_proc_malformed_tgid_and_missing_root() {
    let tmp = fake_proc(&[("40", Some("Tgid:\n"))]);
    let proc = ProcFs::new(tmp.path());
    let err = proc.is_process_id(40).unwrap_err();
    assert_eq!(
        err,
        ProcessError::MissingTgid {
            path: tmp.path().join("40/status")
        }
    );
    assert_eq!(err.errno(), None);

    let missing = tmp.path().join("nope");
    let err = ProcFs::new(&missing).is_process_id(40).unwrap_err();
    assert_eq!(
        err,
        ProcessError::ListDir {
            path: missing,
            errno: Errno::ENOENT
        }
    );
    assert!(!Path::new(&tmp.path().join("nope")).exists());
}

/// Every pid and thread id in /proc, plus neighbours: the fast path agrees with the reference.
#[test]
fn fast_path_matches_reference_on_every_listed_id() {
    let proc = ProcFs::default();
    let mut ids = vec![1, 2, 300, 4_194_303, 4_194_304, own_pid()];
    for entry in fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        ids.extend([pid, pid + 1, pid - 1]);
        if let Ok(tasks) = fs::read_dir(entry.path().join("task")) {
            ids.extend(
                tasks
                    .flatten()
                    .filter_map(|t| t.file_name().to_string_lossy().parse::<i32>().ok()),
            );
        }
    }
    let mut disagreements = Vec::new();
    for pid in ids {
        let fast = proc.is_process_alive(pid).unwrap();
        let reference = proc.is_process_alive_reference(pid).unwrap();
        // A process may come or go between the two calls; ask again before calling it a bug.
        if fast != reference
            && proc.is_process_alive(pid).unwrap() != proc.is_process_alive_reference(pid).unwrap()
        {
            disagreements.push(pid);
        }
    }
    assert!(disagreements.is_empty(), "{disagreements:?}");
}

#[test]
fn fake_root_always_takes_the_reference_path() {
    // The fake tree claims our own pid is a thread of another process: only the reference
    // path (which reads the status file) can say false for our live pid.
    let pid = own_pid();
    let tmp = fake_proc(&[(&pid.to_string(), Some("Name:\tx\nTgid:\t1\n"))]);
    let proc = ProcFs::new(tmp.path());
    assert!(!proc.is_process_alive(pid).unwrap());
    let clone = proc.clone();
    assert_eq!(clone.root(), tmp.path());
    assert!(!clone.is_process_alive(pid).unwrap());
    // A zombie-free, unused pid still goes through kill() first.
    assert!(!proc.is_process_alive(i32::MAX).unwrap());
}
