"""Run by ``zz_sky_rs_install.pth`` at interpreter start-up when ``SKY_RS_INSTALL`` is set.

The ``.pth`` line itself imports nothing unless the variable is non-empty. Nothing here may
break start-up: any failure becomes a ``RuntimeWarning``.
"""

from __future__ import annotations

import os
import warnings

ENV_VAR = "SKY_RS_INSTALL"
_ON = frozenset({"1", "true", "yes", "on"})
_OFF = frozenset({"", "0", "false", "no", "off"})


def run() -> None:
    value = os.environ.get(ENV_VAR, "")
    switch = value.strip().lower()
    if switch in _OFF:
        return
    if switch not in _ON:
        warnings.warn(
            f"sky-rs: {ENV_VAR}={value!r} is neither on (1, true, yes, on) nor off "
            "(0, false, no, off); SkyPilot is left unpatched",
            RuntimeWarning,
            stacklevel=2,
        )
        return
    try:
        import sky_rs

        sky_rs.install()
    except Exception as exc:  # start-up must survive anything
        warnings.warn(
            f"sky-rs: {ENV_VAR}={value} but sky_rs.install() failed: {type(exc).__name__}: {exc}",
            RuntimeWarning,
            stacklevel=2,
        )
