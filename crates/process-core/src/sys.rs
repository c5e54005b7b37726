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
