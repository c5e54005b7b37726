//! Process core of sky-rs: worker sizing, file-descriptor estimates, process liveness.
//!
//! Plain Rust over plain Rust types; it knows nothing of Python. The contract is
//! `SkyPilot` 0.14.1's `get_parallel_threads` and `get_max_workers_for_file_mounts`, plus
//! [`ProcFs::is_process_alive`] (`psutil.pid_exists` on Linux). The Python binding
//! (`sky-rs-process`) adds argument conversion and the exact Python exceptions.
//!
//! - threads: the CPU count and [`parallel_threads`].
//! - fd: the descriptor limit, directory entry counts and [`max_workers`].
//! - liveness: [`ProcFs`], whose root (`/proc`) is injectable for tests.
//!
//! Every public item is exported here, at the crate root, under that one path.
//!
//! The only `unsafe` is in `sys`: system calls `nix` does not wrap (`tgkill`, `getdents64`)
//! and the `pthread_atfork` handler that tells a forked child from its parent.

mod error;
mod fd;
mod liveness;
mod sys;
mod threads;

pub use error::ProcessError;
pub use fd::{
    FD_PER_ENTRY, LOW_FD_LIMIT, count_dir_entries, estimate_fd_for_directory_interruptible,
    fd_per_rsync, max_workers, soft_fd_limit, workers_below_thread_floor,
};
pub use liveness::ProcFs;
pub use sys::tgkill_probe;
pub use threads::{is_kubernetes, online_cpu_count, parallel_threads, thread_multiplier};
