"""Rust acceleration of the sky-rs io functions. Import them through ``sky_rs``."""

from sky_rs_io._core import __version__, _noop

__all__ = ["__version__"]
