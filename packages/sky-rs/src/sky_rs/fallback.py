"""Pure-Python implementations of every sky-rs function: the contract, written in Python.

Always importable, whatever wheels are installed. ``sky_rs`` binds each public name to the
Rust function of its domain when that wheel is available, and to the function here otherwise.
"""

from sky_rs._fallback.io import find_free_port, hash_file, hash_files, read_last_n_lines
from sky_rs._fallback.process import (
    are_processes_alive,
    estimate_fd_for_directory,
    get_max_workers_for_file_mounts,
    get_parallel_threads,
    is_process_alive,
)
from sky_rs._fallback.string import base36_encode, format_float, truncate_long_string
from sky_rs._fallback.system import get_cpu_count, get_mem_size_gb

__all__ = [
    "are_processes_alive",
    "base36_encode",
    "estimate_fd_for_directory",
    "find_free_port",
    "format_float",
    "get_cpu_count",
    "get_max_workers_for_file_mounts",
    "get_mem_size_gb",
    "get_parallel_threads",
    "hash_file",
    "hash_files",
    "is_process_alive",
    "read_last_n_lines",
    "truncate_long_string",
]
