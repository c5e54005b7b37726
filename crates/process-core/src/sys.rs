//! System calls that `nix` does not wrap, with safe signatures (also timed alone as the
//! benchmark's floor).

use nix::errno::Errno;

/// `tgkill(pid, pid, 0)`: probes the thread `pid` of thread group `pid`, so it succeeds (or
/// fails with `EPERM`) exactly when `pid` is an existing thread-group leader (a process, not
/// a thread; zombies included), and fails with `ESRCH` otherwise.
#[expect(unsafe_code, reason = "nix has no tgkill wrapper; see SAFETY")]
pub fn tgkill_probe(pid: i32) -> Result<(), Errno> {
    let pid = libc::c_long::from(pid);
    // SAFETY: tgkill takes three integers and no pointers; signal 0 sends nothing, the
    // kernel only looks the task up and checks permission. No memory is touched.
    let ret = unsafe { libc::syscall(libc::SYS_tgkill, pid, pid, 0 as libc::c_long) };
    Errno::result(ret).map(drop)
}

/// `getdents64(fd, buf)`: fills `buf` with `linux_dirent64` records and returns the number of
/// bytes written, 0 at the end of the directory.
#[expect(unsafe_code, reason = "nix has no getdents wrapper; see SAFETY")]
pub fn getdents64(fd: std::os::fd::BorrowedFd<'_>, buf: &mut [u8]) -> Result<usize, Errno> {
    use std::os::fd::AsRawFd;
    // SAFETY: `buf` is a live, exclusively borrowed byte buffer and the kernel writes at most
    // `buf.len()` bytes into it; `fd` is borrowed, so it stays open for the call.
    let ret = unsafe {
        libc::syscall(
            libc::SYS_getdents64,
            libc::c_long::from(fd.as_raw_fd()),
            buf.as_mut_ptr(),
            buf.len(),
        )
    };
    Errno::result(ret).map(|n| n as usize)
}

/// Forks seen by this process's `pthread_atfork` child handler since it was registered.
static FORK_GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
/// Whether the handler is registered (set once, by the first [`fork_generation`] call).
static FORK_HANDLER: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

extern "C" fn count_fork() {
    // Async-signal-safe: one atomic add, in the child, right after `fork()`.
    FORK_GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

/// How many times this process was forked from its ancestors since the first call: a value
/// cached with it stays valid in this process, and a forked child (maybe in another pid
/// namespace) sees a new one. `None` when the `pthread_atfork` handler could not be registered;
/// callers then compare `getpid()`. Costs no system call (glibc's `fork()` runs the handler).
#[expect(unsafe_code, reason = "libc's pthread_atfork; see SAFETY")]
pub fn fork_generation() -> Option<u64> {
    let registered = *FORK_HANDLER.get_or_init(|| {
        // SAFETY: registers a plain `extern "C" fn()` that touches only a static atomic, which
        // is async-signal-safe as a handler run in a freshly forked child must be.
        unsafe { libc::pthread_atfork(None, None, Some(count_fork)) == 0 }
    });
    registered.then(|| FORK_GENERATION.load(std::sync::atomic::Ordering::Relaxed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[expect(unsafe_code, reason = "fork and _exit in a test; see SAFETY")]
    fn a_forked_child_sees_a_new_generation() {
        let parent = fork_generation();
        assert!(
            parent.is_some(),
            "the pthread_atfork handler could not be registered"
        );
        // SAFETY: the child only reads a static atomic (the `OnceLock` is initialised above, so
        // `fork_generation` takes no lock) and leaves with `_exit`, running no destructor.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork failed");
        if pid == 0 {
            let moved = fork_generation()
                .zip(parent)
                .is_some_and(|(c, p)| c == p + 1);
            // SAFETY: `_exit` ends the child at once, as a forked child of a threaded process must.
            unsafe { libc::_exit(i32::from(!moved)) };
        }
        let mut status = 0;
        // SAFETY: waits for our own child; `status` is a live, exclusively borrowed int.
        let waited = unsafe { libc::waitpid(pid, &raw mut status, 0) };
        assert_eq!(waited, pid);
        assert!(
            libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
            "{status}"
        );
        assert_eq!(fork_generation(), parent, "the parent's generation moved");
    }
}
