"""Rust acceleration of the sky-rs system functions. Import them through ``sky_rs``."""

from sky_rs_system._core import __version__, _noop

__all__ = ["__version__"]
