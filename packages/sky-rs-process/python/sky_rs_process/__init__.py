"""Rust acceleration of the sky-rs process functions. Import them through ``sky_rs``."""

from sky_rs_process._core import (
    __version__,
    are_processes_alive,
    estimate_fd_for_directory,
    get_max_workers_for_file_mounts,
    get_parallel_threads,
    is_process_alive,
)

__all__ = [
    "__version__",
    "are_processes_alive",
    "estimate_fd_for_directory",
    "get_max_workers_for_file_mounts",
    "get_parallel_threads",
    "is_process_alive",
]
