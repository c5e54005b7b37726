//! Process liveness: real processes, threads and zombies, and fake `/proc` trees.
#![allow(missing_docs)]
#![expect(clippy::unwrap_used, reason = "tests")]

use std::fs;
use std::path::Path;
use std::process::Command;

use nix::errno::Errno;
use sky_rs_process_core::{ProcFs, ProcessError, signal_probe};

fn own_pid() -> i32 {
    i32::try_from(std::process::id()).unwrap()
}

#[test]
fn own_process_and_init_are_alive() {
    let proc = ProcFs::default();
    assert!(proc.is_process_alive(own_pid()).unwrap());
    assert!(proc.is_process_alive(1).unwrap());
    assert!(signal_probe(own_pid()).unwrap());
}

#[test]
fn zero_negative_and_absent_pids_are_not() {
    let proc = ProcFs::default();
    for pid in [0, -1, i32::MIN, i32::MAX] {
        assert!(!proc.is_process_alive(pid).unwrap(), "{pid}");
    }
    assert_eq!(
        proc.are_processes_alive(&[own_pid(), 0, -5, 1]).unwrap(),
        [true, false, false, true]
    );
}

#[test]
fn reaped_child_is_gone_and_zombie_is_alive() {
    let proc = ProcFs::default();
    let mut child = Command::new("true").spawn().unwrap();
    let pid = i32::try_from(child.id()).unwrap();
    // Exited but not waited for: a zombie, which still exists.
    for _ in 0..200 {
        let state = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        if state.contains(") Z ") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(proc.is_process_alive(pid).unwrap());
    assert!(proc.is_process_alive_reference(pid).unwrap());
    child.wait().unwrap();
    assert!(!proc.is_process_alive(pid).unwrap());
    assert!(!proc.is_process_alive_reference(pid).unwrap());
    assert!(!signal_probe(pid).unwrap());
}

#[test]
fn thread_ids_are_not_processes() {
    let proc = ProcFs::default();
    let (tx, rx) = std::sync::mpsc::channel();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let handle = std::thread::spawn(move || {
        tx.send(nix::unistd::gettid().as_raw()).unwrap();
        done_rx.recv().unwrap();
    });
    let tid = rx.recv().unwrap();
    assert_ne!(tid, own_pid());
    assert!(signal_probe(tid).unwrap(), "kill() accepts thread ids");
    assert!(!proc.is_process_alive(tid).unwrap());
    assert!(!proc.is_process_alive_reference(tid).unwrap());
    assert!(!proc.is_listed(i128::from(tid)).unwrap());
    done_tx.send(()).unwrap();
    handle.join().unwrap();
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
