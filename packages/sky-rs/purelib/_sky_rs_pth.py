"""Start-up half of ``SKY_RS_INSTALL``: loaded by ``zz_sky_rs_install.pth``, and kept tiny."""

# Shipped next to the .pth file (top level of site-packages), so that arming it imports nothing
# Python has not loaded at start-up already: every Python process under SKY_RS_INSTALL loads
# it. It waits for the first import of SkyPilot's package and hands it to _sky_rs_skypilot,
# which runs install() once that package has executed, without importing sky_rs. So a process
# that never imports SkyPilot pays almost nothing. Nothing here may break a process: failures
# are warnings. No docstrings below and no class statement: both cost time at every start-up.
import sys

ENV_VAR = "SKY_RS_INSTALL"
SKYPILOT_PACKAGE = "sky"  # _sky_rs_skypilot.SKYPILOT_PACKAGE (a test checks it)
ON = ("1", "true", "yes", "on")
armed = False  # set by arm(): the variable is on


def _warn(message: str) -> None:
    import warnings

    warnings.warn("sky-rs: " + message, RuntimeWarning, stacklevel=3)


def find_spec(fullname: str, path: object = None, target: object = None) -> object:
    # The hook's find_spec (of _hook, in sys.meta_path until SkyPilot's package executes).
    if fullname != SKYPILOT_PACKAGE:
        return None
    if _by_import():
        _disarm()  # asked by `import sky` itself: the spec will execute, so no more calls here
    try:
        import _sky_rs_skypilot

        return _sky_rs_skypilot.find_skypilot(
            fullname,
            path,  # type: ignore[arg-type]
            target,  # type: ignore[arg-type]
            find_spec,
            _disarm,
        )
    except Exception as exc:
        _disarm()
        _warn(f"{ENV_VAR} is set, but sky_rs.install() failed: {type(exc).__name__}: {exc}")
    return None


def _by_import() -> bool:
    # Whether the import system's own lookup asks (not importlib.util.find_spec, whose spec may
    # never execute): then the hook can leave sys.meta_path at once, and the imports SkyPilot's
    # package makes do not call it. Unsure (another CPython's internals): it stays until then.
    try:
        return sys._getframe(2).f_code.co_name == "_find_and_load_unlocked"
    except (AttributeError, ValueError):
        return False


def _disarm() -> None:
    if _hook in sys.meta_path:
        sys.meta_path.remove(_hook)


_hook: object = type(sys.implementation)(find_spec=find_spec)  # type: ignore[call-arg]
# (a types.SimpleNamespace, without importing `types`)


def arm(value: str) -> None:
    # Called by the .pth line with the variable's value, which is neither empty nor off.
    global armed
    if value.strip().lower() not in ON:
        _warn(
            f"{ENV_VAR}={value!r} is neither on (1, true, yes, on) nor off "
            "(0, false, no, off); SkyPilot is left unpatched"
        )
        return
    if armed:  # site.py runs a .pth file twice in a venv whose lib64 links to lib
        return
    armed = True
    if SKYPILOT_PACKAGE in sys.modules:
        find_spec(SKYPILOT_PACKAGE)
    else:
        sys.meta_path.insert(0, _hook)  # type: ignore[arg-type]
