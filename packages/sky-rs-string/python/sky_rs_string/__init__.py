"""Rust acceleration of the sky-rs string functions. Import them through ``sky_rs``."""

from sky_rs_string._core import *  # noqa: F403  (every function of the wheel; _core.pyi types them)
from sky_rs_string._core import __all__ as __all__
