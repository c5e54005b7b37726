"""``sky_rs.install()``: accelerate an unmodified SkyPilot by rebinding its own module attributes.

For each SkyPilot module in :data:`sky_rs._domains.SKYPILOT_HOMES`, the functions whose domain
runs on Rust are rebound, as module attributes, to the ``sky_rs`` functions. Code that calls
through the module (``common_utils.hash_file(...)``, or a bare ``hash_file(...)`` inside it) then
runs Rust, and ``mock.patch`` of the attribute still wins, since it replaces that same attribute.

A module that is already imported is rebound at once. Otherwise a ``sys.meta_path`` finder
wraps the module's loader so the rebinding happens right after the module executes: nothing
here ever imports SkyPilot. The SkyPilot version is checked when the first module is rebound
(``importlib.metadata`` costs milliseconds, so a process that never imports SkyPilot does not
pay for it). Outside :data:`SUPPORTED`, a ``RuntimeWarning`` is given and nothing is rebound,
unless ``force=True``.
"""

from __future__ import annotations

import contextlib
import re
import sys
import threading
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from sky_rs._domains import REGISTRY, SKYPILOT_HOMES

SUPPORTED = "0.14.x"
"""The SkyPilot versions whose semantics sky-rs matches."""

DISTRIBUTIONS = ("skypilot", "skypilot-nightly")
"""The distribution names SkyPilot is published under, in lookup order."""

_SUPPORTED_VERSION = re.compile(r"0\.14(?![0-9])")


def skypilot_version() -> str | None:
    """The installed SkyPilot's version: its distribution metadata, else ``sky.__version__``.

    ``None`` when neither is known. Never imports SkyPilot: ``sky`` is consulted only when it is
    already in ``sys.modules`` (a source checkout on ``sys.path`` has no metadata).
    """
    from importlib import metadata  # several ms to import: only when SkyPilot is in play

    for distribution in DISTRIBUTIONS:
        try:
            return metadata.version(distribution)
        except metadata.PackageNotFoundError:
            continue
    version = getattr(sys.modules.get("sky"), "__version__", None)
    return version if isinstance(version, str) else None


def is_supported(version: str) -> bool:
    return _SUPPORTED_VERSION.match(version) is not None


@dataclass(frozen=True)
class InstallResult:
    """What :func:`install` did.

    ``patched`` maps each SkyPilot module to the names rebound in it now; ``pending`` maps the
    modules not imported yet to the names the import hook will rebind when they are. ``reason``
    says why something is left alone (a version outside :data:`SUPPORTED`, a domain on Python,
    a name a user has rebound), or is ``None``.
    """

    patched: dict[str, list[str]] = field(default_factory=dict)
    pending: dict[str, list[str]] = field(default_factory=dict)
    version: str | None = None
    reason: str | None = None


class _State:
    """Everything ``install()`` changed, so that ``uninstall()`` can undo exactly that."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        self.active = False
        self.force = False
        self.plan: dict[str, dict[str, Callable[..., Any]]] = {}
        """module -> name -> the sky_rs function to bind there."""
        self.originals: dict[str, dict[str, Any]] = {}
        """module -> name -> SkyPilot's own function, for every attribute rebound."""
        self.version_checked = False
        self.version: str | None = None
        self.reasons: list[str] = []
        self.finder: _SkyPilotFinder | None = None

    def version_refused(self) -> bool:
        """Whether the version, once checked, rules patching out."""
        if not self.version_checked or self.force:
            return False
        return self.version is None or not is_supported(self.version)


_state = _State()


def _plan() -> tuple[dict[str, dict[str, Callable[..., Any]]], list[str]]:
    """The rebinding for each SkyPilot module: only the names whose domain runs on Rust."""
    import sky_rs

    plan: dict[str, dict[str, Callable[..., Any]]] = {}
    on_python: list[str] = []
    for module, names in SKYPILOT_HOMES.items():
        for name in names:
            if sky_rs.is_rust_available(REGISTRY[name].domain):
                plan.setdefault(module, {})[name] = getattr(sky_rs, name)
            else:
                on_python.append(name)
    reasons = [f"left alone, domain on Python: {', '.join(on_python)}"] if on_python else []
    return plan, reasons


def _check_version() -> None:
    """Look the SkyPilot version up once per install(); warn if it rules patching out."""
    state = _state
    if state.version_checked:
        return
    state.version_checked = True
    state.version = skypilot_version()
    if state.version is not None and is_supported(state.version):
        return
    found = "its version is unknown" if state.version is None else f"{state.version} is installed"
    message = f"sky-rs matches the semantics of SkyPilot {SUPPORTED}, but {found}"
    if state.force:
        state.reasons.append(f"{message}; patched anyway (force=True)")
        return
    state.reasons.append(f"{message}; nothing patched")
    warnings.warn(
        f"{message}: sky_rs.install() patches nothing (install(force=True) patches anyway)",
        RuntimeWarning,
        stacklevel=4,
    )


def _rebind(module: ModuleType) -> list[str]:
    """Rebind the planned names in ``module`` (lock held); return the names now ours."""
    state = _state
    plan = state.plan.get(module.__name__, {})
    if not plan:
        return []
    _check_version()
    if state.version_refused():
        return []
    done = []
    originals = state.originals.setdefault(module.__name__, {})
    for name, replacement in plan.items():
        current = module.__dict__.get(name)
        if current is replacement:
            done.append(name)
        elif getattr(current, "__module__", None) == module.__name__:
            # SkyPilot's own function; anything else (a mock, a user's rebinding) is kept.
            originals[name] = current
            setattr(module, name, replacement)
            done.append(name)
        else:
            why = "not defined" if current is None else "not SkyPilot's own function"
            note = f"left alone, {why}: {module.__name__}.{name}"
            if note not in state.reasons:
                state.reasons.append(note)
    return done


class _SkyPilotFinder:
    """A ``sys.meta_path`` finder that rebinds a planned module right after it executes.

    It finds nothing itself: it asks the finders after it for the spec, then wraps that
    spec's loader's ``exec_module`` (an instance attribute, so the loader keeps its class).
    """

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> Any:
        if fullname not in _state.plan:
            return None
        for finder in sys.meta_path:
            find_spec = getattr(finder, "find_spec", None)
            if finder is self or find_spec is None:
                continue
            spec = find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        real_exec = getattr(loader, "exec_module", None)
        if real_exec is None:
            return spec

        def exec_module(module: ModuleType) -> None:
            real_exec(module)
            with _state.lock:
                if _state.active:
                    _rebind(module)

        # A loader that takes no attributes is left alone (the module then stays unpatched).
        with contextlib.suppress(AttributeError, TypeError):
            loader.exec_module = exec_module
        return spec


def install(force: bool = False) -> InstallResult:
    """Rebind SkyPilot's accelerated functions to sky_rs's Rust ones; idempotent, thread-safe.

    Modules already imported are rebound now, the others when they are imported. Outside
    SkyPilot :data:`SUPPORTED`, warn and rebind nothing unless ``force``. Returns what was
    rebound, what is pending, the SkyPilot version and why anything is left alone.
    """
    state = _state
    with state.lock:
        if not state.active or force != state.force:
            state.force = force
            state.version_checked = False
            state.plan, state.reasons = _plan()
            state.active = True
        patched: dict[str, list[str]] = {}
        pending: dict[str, list[str]] = {}
        for name, plan in state.plan.items():
            module = sys.modules.get(name)
            if module is None:
                pending[name] = sorted(plan)
                continue
            done = _rebind(module)
            if done:
                patched[name] = done
        if state.version_refused():
            pending = {}
            _remove_finder()
        elif pending:
            _add_finder()
        return InstallResult(patched, pending, state.version, "; ".join(state.reasons) or None)


def uninstall() -> dict[str, list[str]]:
    """Undo :func:`install`: restore SkyPilot's functions and remove the import hook.

    An attribute is restored only where it is still the sky_rs function, so a later rebinding
    by the user is kept. Returns the names restored, per module.
    """
    state = _state
    with state.lock:
        _remove_finder()
        restored: dict[str, list[str]] = {}
        for module_name, originals in state.originals.items():
            module = sys.modules.get(module_name)
            plan = state.plan.get(module_name, {})
            for name, original in originals.items():
                if module is not None and module.__dict__.get(name) is plan.get(name):
                    setattr(module, name, original)
                    restored.setdefault(module_name, []).append(name)
        state.reset()
        return restored


def _add_finder() -> None:
    if _state.finder is None:
        _state.finder = _SkyPilotFinder()
        sys.meta_path.insert(0, _state.finder)


def _remove_finder() -> None:
    finder, _state.finder = _state.finder, None
    if finder is not None and finder in sys.meta_path:
        sys.meta_path.remove(finder)


def status() -> dict[str, Any]:
    """The ``"skypilot"`` entry of ``get_backend_info()``: is SkyPilot patched, and which names."""
    state = _state
    with state.lock:
        names: dict[str, list[str]] = {}
        pending: dict[str, list[str]] = {}
        for module_name, plan in state.plan.items():
            module = sys.modules.get(module_name)
            if module is None:
                if state.finder is not None:
                    pending[module_name] = sorted(plan)
                continue
            ours = [n for n, fn in plan.items() if module.__dict__.get(n) is fn]
            if ours:
                names[module_name] = ours
        if state.reasons:
            reason: str | None = "; ".join(state.reasons)
        else:
            reason = None if state.active else "sky_rs.install() not called"
        return {
            "installed": state.active,
            "patched": bool(names),
            "version": state.version if state.version_checked else skypilot_version(),
            "supported": SUPPORTED,
            "names": names,
            "pending": pending,
            "reason": reason,
        }
