"""Rust acceleration of the sky-rs string functions. Import them through ``sky_rs``."""

from sky_rs_string._core import __version__, _noop

__all__ = ["__version__"]
