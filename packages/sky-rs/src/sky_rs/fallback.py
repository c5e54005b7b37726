"""Pure-Python implementations of every sky-rs function: the contract, written in Python.

Always importable, whatever wheels are installed. ``sky_rs`` binds each public name to the
Rust function of its domain when that wheel is available, and to the function here otherwise.
"""

from sky_rs._fallback import io, process, string, system
from sky_rs._fallback.io import *  # noqa: F403
from sky_rs._fallback.process import *  # noqa: F403
from sky_rs._fallback.string import *  # noqa: F403
from sky_rs._fallback.system import *  # noqa: F403

__all__: list[str] = []
__all__ += io.__all__
__all__ += string.__all__
__all__ += system.__all__
__all__ += process.__all__
