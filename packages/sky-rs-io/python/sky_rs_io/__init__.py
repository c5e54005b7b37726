"""Rust acceleration of the sky-rs io functions. Import them through ``sky_rs``."""

from sky_rs_io._core import *  # noqa: F403  (every function of the wheel; _core.pyi types them)
from sky_rs_io._core import __all__ as __all__
