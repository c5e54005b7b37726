"""Rust acceleration of the sky-rs string functions. Import them through ``sky_rs``."""

from sky_rs_string._core import (
    __version__,
    base36_encode,
    format_float,
    truncate_long_string,
)

__all__ = ["__version__", "base36_encode", "format_float", "truncate_long_string"]
