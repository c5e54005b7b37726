//! System calls that `nix` does not wrap.

use nix::errno::Errno;

/// `tgkill(pid, pid, 0)`: probes the thread `pid` of thread group `pid`, so it succeeds (or
/// fails with `EPERM`) exactly when `pid` is an existing thread-group leader (a process, not
/// a thread; zombies included), and fails with `ESRCH` otherwise.
#[expect(unsafe_code, reason = "nix has no tgkill wrapper; see SAFETY")]
pub(crate) fn tgkill_probe(pid: i32) -> Result<(), Errno> {
    let pid = libc::c_long::from(pid);
    // SAFETY: tgkill takes three integers and no pointers; signal 0 sends nothing, the
    // kernel only looks the task up and checks permission. No memory is touched.
    let ret = unsafe { libc::syscall(libc::SYS_tgkill, pid, pid, 0 as libc::c_long) };
    Errno::result(ret).map(drop)
}
