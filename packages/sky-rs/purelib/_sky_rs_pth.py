"""Start-up half of ``SKY_RS_INSTALL``: loaded by ``zz_sky_rs_install.pth``, and kept tiny.

Shipped next to the ``.pth`` file (top level of site-packages), so that arming it imports
neither ``sky_rs`` nor anything beyond ``sys``. It waits for the first import of SkyPilot's
package and only then imports ``sky_rs`` and runs ``sky_rs.install()``, so a process that never
imports SkyPilot pays almost nothing. Nothing here may break a process: failures are warnings.
"""

import sys

ENV_VAR = "SKY_RS_INSTALL"
SKYPILOT_PACKAGE = "sky"
"""The package of every module in ``sky_rs._domains.SKYPILOT_HOMES`` (a test checks it)."""
ON = ("1", "true", "yes", "on")


def _warn(message):
    import warnings

    warnings.warn("sky-rs: " + message, RuntimeWarning, stacklevel=3)


class _InstallOnSkyPilotImport:
    """A ``sys.meta_path`` finder that finds nothing: SkyPilot's first import runs install()."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != SKYPILOT_PACKAGE:
            return None
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        try:
            import sky_rs

            sky_rs.install()
        except Exception as exc:
            _warn(f"{ENV_VAR} is set, but sky_rs.install() failed: {type(exc).__name__}: {exc}")
        return None


def arm(value):
    """Called by the ``.pth`` line with the variable's value, which is not empty nor off."""
    if value.strip().lower() not in ON:
        _warn(
            f"{ENV_VAR}={value!r} is neither on (1, true, yes, on) nor off "
            "(0, false, no, off); SkyPilot is left unpatched"
        )
    elif SKYPILOT_PACKAGE in sys.modules:
        _InstallOnSkyPilotImport().find_spec(SKYPILOT_PACKAGE)
    else:
        sys.meta_path.insert(0, _InstallOnSkyPilotImport())
