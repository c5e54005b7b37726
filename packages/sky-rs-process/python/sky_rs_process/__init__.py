"""Rust acceleration of the sky-rs process functions. Import them through ``sky_rs``."""

from sky_rs_process._core import __version__, _noop

__all__ = ["__version__"]
