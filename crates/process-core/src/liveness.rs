//! Process liveness: `psutil.pid_exists` on Linux, with an injectable `/proc`.

use std::fs::File;
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use nix::dir::Dir;
use nix::errno::Errno;
use nix::fcntl::{OFlag, open, readlink};
use nix::sys::signal::kill;
use nix::sys::stat::Mode;
use nix::unistd::{Pid, getpid};

use crate::ProcessError;
use crate::sys::{fork_generation, tgkill_probe};

/// `kill(pid, 0)`: whether a process or thread with this id exists.
///
/// Success and `EPERM` (another user's process) mean it exists, `ESRCH` means it does not;
/// any other error is returned. Zombies exist. `pid` must be positive: `kill` gives 0 and
/// negative pids a meaning of their own (process groups), which callers must not reach.
pub(crate) fn signal_probe(pid: i32) -> Result<bool, ProcessError> {
    // An interrupted call is retried (PEP 475; `os.kill` would raise `InterruptedError`).
    let probe = loop {
        match kill(Pid::from_raw(pid), None) {
            Err(Errno::EINTR) => {}
            other => break other,
        }
    };
    match probe {
        // `EACCES` too: Python's `PermissionError`, which psutil catches, is both.
        Ok(()) | Err(Errno::EPERM | Errno::EACCES) => Ok(true),
        Err(Errno::ESRCH) => Ok(false),
        Err(errno) => Err(ProcessError::Signal { pid, errno }),
    }
}

/// A `procfs` mount: `/proc` by default, any directory laid out like it in tests.
#[derive(Debug)]
pub struct ProcFs {
    root: PathBuf,
    /// Whether `<root>/self` was found to be this process (the root is the procfs of our pid
    /// namespace): `key << 2 | 1` when it was, `key << 2 | 2` when not, 0 before the first
    /// check, where `key` is [`process_key`], so a forked child (maybe in a new pid namespace)
    /// checks again.
    own_namespace: AtomicU64,
}

impl Clone for ProcFs {
    fn clone(&self) -> Self {
        Self::new(self.root.clone())
    }
}

impl Default for ProcFs {
    fn default() -> Self {
        Self::new("/proc")
    }
}

/// What the `Tgid:` line of a status file says.
enum Tgid {
    /// The line's value, as Python's `int()` reads it (saturated far outside `i64`).
    Value(i128),
    /// No usable answer (no line, or a value `int()` rejects): ask the `/proc` listing.
    Unknown,
}

impl ProcFs {
    /// A procfs rooted at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            own_namespace: AtomicU64::new(0),
        }
    }

    /// The root directory (`/proc`).
    #[cfg(test)]
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// `psutil.pid_exists(pid)` on Linux: a live (or zombie) process, not a thread.
    ///
    /// The answer is that of the reference path (psutil's steps), but for two decided
    /// deviations (SPEC.md). When the root is the procfs of this process's pid namespace, it
    /// is reached without rendering the status file: `tgkill(pid, pid, 0)` fails with `ESRCH`
    /// exactly when `pid` is not an existing thread-group leader, in which case the reference
    /// answers `false` too (`kill` fails, or the `Tgid` differs, or the unlisted thread id is
    /// not in the listing). When it succeeds, `pid` is a leader we may signal, and the answer
    /// is `true` with no `/proc` lookup: one system call in all. Where the reference's status
    /// file would not open for such a process (`EMFILE`, or `hidepid` hiding a non-dumpable
    /// setuid process of our own user), it answers from the `/proc` listing instead; those are
    /// the deviations. With `EPERM` (another user's process, which `hidepid` can hide), the
    /// status file is opened (`O_PATH`: same lookup, same permission and descriptor-limit
    /// failures) and, when it does not open, the listing decides, as in the reference.
    pub fn is_process_alive(&self, pid: i32) -> Result<bool, ProcessError> {
        if pid <= 0 {
            return Ok(false);
        }
        if self.shows_own_namespace() {
            let probe = loop {
                match tgkill_probe(pid) {
                    Err(Errno::EINTR) => {}
                    other => break other,
                }
            };
            match probe {
                Err(Errno::ESRCH) => return Ok(false),
                Ok(()) => return Ok(true),
                Err(Errno::EPERM) => {
                    let opens = open(
                        &self.status_path(pid),
                        OFlag::O_PATH | OFlag::O_CLOEXEC,
                        Mode::empty(),
                    );
                    return if opens.is_ok() {
                        Ok(true)
                    } else {
                        self.is_listed(i128::from(pid))
                    };
                }
                Err(_) => {} // Unexpected: the reference path reports `kill`'s own error.
            }
        }
        self.is_process_alive_reference(pid)
    }

    /// `psutil.pid_exists(pid)` on Linux, step by step: pids of 0 and below are `false`
    /// (0 is never listed in `/proc`); otherwise the pid must pass `kill(pid, 0)` and then
    /// `is_process_id`, which reads `Tgid` from the status file.
    fn is_process_alive_reference(&self, pid: i32) -> Result<bool, ProcessError> {
        if pid <= 0 || !signal_probe(pid)? {
            return Ok(false);
        }
        self.is_process_id(pid)
    }

    /// Whether `<root>/self` names this process, i.e. the root is our procfs (cached per
    /// process: no system call once known).
    fn shows_own_namespace(&self) -> bool {
        let key = process_key() << 2;
        match self.own_namespace.load(Ordering::Relaxed) {
            cached if cached == key | 1 => return true,
            cached if cached == key | 2 => return false,
            _ => {}
        }
        let me = getpid().as_raw();
        let own = readlink(&self.root.join("self"))
            .ok()
            .and_then(|target| target.to_str()?.parse::<i32>().ok())
            == Some(me);
        self.own_namespace
            .store(key | if own { 1 } else { 2 }, Ordering::Relaxed);
        own
    }

    /// For an id known to exist: whether it is a process id (thread-group leader) rather than
    /// a thread id. `Tgid` of `<root>/<pid>/status` must equal `pid`; when that file cannot be
    /// read or has no usable `Tgid` line, the answer is [`ProcFs::is_listed`].
    fn is_process_id(&self, pid: i32) -> Result<bool, ProcessError> {
        match self.read_tgid(pid)? {
            Tgid::Value(tgid) => Ok(tgid == i128::from(pid)),
            Tgid::Unknown => self.is_listed(i128::from(pid)),
        }
    }

    /// Whether `pid` is among the numeric entries of the root (`pid in psutil.pids()`).
    /// Thread ids are never listed. Errors listing the root are returned.
    fn is_listed(&self, pid: i128) -> Result<bool, ProcessError> {
        let list_error = |errno| ProcessError::ListDir {
            path: self.root.clone(),
            errno,
        };
        let flags = OFlag::O_RDONLY | OFlag::O_NONBLOCK | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC;
        let dir = Dir::open(&self.root, flags, Mode::empty()).map_err(list_error)?;
        let mut found = false;
        // The whole listing is read, as psutil builds the full list before searching it.
        for entry in dir {
            let entry = entry.map_err(list_error)?;
            let name = entry.file_name().to_bytes();
            if !name.is_empty() && name.iter().all(u8::is_ascii_digit) {
                found |= parse_python_int(name) == Some(pid);
            }
        }
        Ok(found)
    }

    /// `<root>/<pid>/status`, built in one allocation.
    fn status_path(&self, pid: i32) -> PathBuf {
        use std::fmt::Write as _;
        let root = self.root.as_os_str();
        let mut path = String::with_capacity(24);
        // Writing to a String cannot fail.
        let _ = write!(path, "/{pid}/status");
        let mut full = std::ffi::OsString::with_capacity(root.len() + path.len());
        full.push(root);
        full.push(path);
        PathBuf::from(full)
    }

    /// Reads lines of the status file up to the first `Tgid:` line.
    fn read_tgid(&self, pid: i32) -> Result<Tgid, ProcessError> {
        let path = self.status_path(pid);
        let Ok(mut file) = File::open(&path) else {
            return Ok(Tgid::Unknown);
        };
        // One read brings the whole file (the kernel renders it at once, ~1.5 KiB).
        let mut buf = Vec::with_capacity(4096);
        let mut scanned = 0; // bytes of `buf` holding complete lines already checked
        loop {
            if buf.len() == buf.capacity() {
                buf.reserve(4096);
            }
            let start = buf.len();
            buf.resize(buf.capacity(), 0);
            let read = match file.read(&mut buf[start..]) {
                Ok(n) => n,
                Err(err) if err.kind() == ErrorKind::Interrupted => {
                    buf.truncate(start);
                    continue;
                }
                Err(_) => return Ok(Tgid::Unknown),
            };
            buf.truncate(start + read);
            let eof = read == 0;
            while let Some(end) = memchr_newline(&buf[scanned..]) {
                let line = &buf[scanned..=scanned + end];
                scanned += end + 1;
                if let Some(tgid) = tgid_of_line(line, &path)? {
                    return Ok(tgid);
                }
            }
            if eof {
                // The last line may lack its newline.
                let rest = &buf[scanned..];
                if !rest.is_empty()
                    && let Some(tgid) = tgid_of_line(rest, &path)?
                {
                    return Ok(tgid);
                }
                return Ok(Tgid::Unknown);
            }
        }
    }
}

/// What tells this process from a forked child, without a system call: the fork generation
/// (even), or the pid (odd) when no fork handler could be registered.
fn process_key() -> u64 {
    match fork_generation() {
        Some(generation) => (generation & (u64::MAX >> 4)) << 1,
        None => (u64::from(getpid().as_raw().unsigned_abs()) << 1) | 1,
    }
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
}

/// `None` when the line is not the `Tgid:` line; psutil's `int(line.split()[1])` otherwise.
fn tgid_of_line(line: &[u8], path: &Path) -> Result<Option<Tgid>, ProcessError> {
    if !line.starts_with(b"Tgid:") {
        return Ok(None);
    }
    let Some(value) = line
        .split(|b| is_python_ascii_space(*b))
        .filter(|f| !f.is_empty())
        .nth(1)
    else {
        return Err(ProcessError::MissingTgid {
            path: path.to_path_buf(),
        });
    };
    Ok(Some(
        parse_python_int(value).map_or(Tgid::Unknown, Tgid::Value),
    ))
}

/// `bytes.split()` separators.
fn is_python_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')
}

/// Python's `int(token)` for a whitespace-free ASCII token, in base 10: an optional sign,
/// then digits with single underscores between them. `None` where `int()` raises
/// `ValueError`. Magnitudes beyond `i128` saturate (they equal no pid either way).
pub(crate) fn parse_python_int(token: &[u8]) -> Option<i128> {
    let (negative, digits) = match token.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, token),
    };
    if digits.is_empty() || digits[0] == b'_' || digits[digits.len() - 1] == b'_' {
        return None;
    }
    let mut value: i128 = 0;
    let mut previous_underscore = false;
    for &b in digits {
        if b == b'_' {
            if previous_underscore {
                return None;
            }
            previous_underscore = true;
            continue;
        }
        previous_underscore = false;
        if !b.is_ascii_digit() {
            return None;
        }
        value = value
            .saturating_mul(10)
            .saturating_add(i128::from(b - b'0'));
    }
    Some(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::process::Command;

    use super::*;

    #[test]
    fn python_int_parsing() {
        assert_eq!(parse_python_int(b"123"), Some(123));
        assert_eq!(parse_python_int(b"007"), Some(7));
        assert_eq!(parse_python_int(b"+5"), Some(5));
        assert_eq!(parse_python_int(b"-5"), Some(-5));
        assert_eq!(parse_python_int(b"1_000"), Some(1000));
        for bad in [
            &b""[..],
            b"-",
            b"+",
            b"_1",
            b"1_",
            b"1__0",
            b"1a",
            b"0x10",
            b"--1",
            b"1.0",
        ] {
            assert_eq!(parse_python_int(bad), None, "{bad:?}");
        }
        assert_eq!(parse_python_int(&[b'9'; 60]), Some(i128::MAX));
    }

    #[test]
    fn tgid_line_fields() {
        let path = Path::new("/x");
        assert!(matches!(tgid_of_line(b"Name:\tbash\n", path), Ok(None)));
        assert!(matches!(
            tgid_of_line(b"Tgid:\t42\n", path),
            Ok(Some(Tgid::Value(42)))
        ));
        assert!(matches!(
            tgid_of_line(b"Tgid:\x0b42 extra", path),
            Ok(Some(Tgid::Value(42)))
        ));
        assert!(matches!(
            tgid_of_line(b"Tgid:42\n", path),
            Err(ProcessError::MissingTgid { .. })
        ));
        assert!(matches!(
            tgid_of_line(b"Tgid:\n", path),
            Err(ProcessError::MissingTgid { .. })
        ));
        assert!(matches!(
            tgid_of_line(b"Tgid: x\n", path),
            Ok(Some(Tgid::Unknown))
        ));
    }

    #[test]
    fn own_process_and_init_are_alive() {
        let proc = ProcFs::default();
        assert!(proc.is_process_alive(getpid().as_raw()).unwrap());
        assert!(proc.is_process_alive(1).unwrap());
        assert!(signal_probe(getpid().as_raw()).unwrap());
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
        assert_ne!(tid, getpid().as_raw());
        assert!(signal_probe(tid).unwrap(), "kill() accepts thread ids");
        assert!(!proc.is_process_alive(tid).unwrap());
        assert!(!proc.is_process_alive_reference(tid).unwrap());
        assert!(!proc.is_listed(i128::from(tid)).unwrap());
        done_tx.send(()).unwrap();
        handle.join().unwrap();
    }
}

#[cfg(test)]
mod fake_trees;
#[cfg(test)]
mod fuzz_tgid;
