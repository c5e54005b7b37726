"""Rust acceleration of the sky-rs io functions. Import them through ``sky_rs``."""

from sky_rs_io._core import (
    HASH,
    __version__,
    find_free_port,
    hash_file,
    hash_files,
    read_last_n_lines,
)

__all__ = [
    "HASH",
    "__version__",
    "find_free_port",
    "hash_file",
    "hash_files",
    "read_last_n_lines",
]
