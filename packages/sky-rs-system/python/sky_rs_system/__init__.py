"""Rust acceleration of the sky-rs system functions. Import them through ``sky_rs``."""

from sky_rs_system._core import (
    __version__,
    get_cpu_count,
    get_mem_size_gb,
)

__all__ = ["__version__", "get_cpu_count", "get_mem_size_gb"]
