"""sky-rs: fast, drop-in Rust versions of SkyPilot's hot utility functions.

Each public function is bound **once**, when its domain is first used (any of its functions
read from this module, or :func:`get_backend_info`), to the Rust wheel of that domain when it
is installed and enabled, and to the pure-Python implementation in :mod:`sky_rs.fallback`
otherwise. There is no per-call wrapper: when Rust is active,
``sky_rs.format_float is sky_rs_string.format_float``. ``import sky_rs`` itself imports no
wheel, so that :func:`install` costs a SkyPilot process nothing until a function is called.

Environment variables:

- ``SKY_RS_USE_RUST=0`` (or ``SKYPILOT_USE_RUST=0``): every domain on Python.
- ``SKY_RS_DISABLE=io,process``: the listed domains on Python.

Both are read once per process (by ``_sky_rs_skypilot``, which ``install()`` shares).

:func:`install` rebinds these functions inside an unmodified SkyPilot; ``SKY_RS_INSTALL=1``
runs it at the start-up of every Python process.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
import warnings
from typing import TYPE_CHECKING, Any

import _sky_rs_skypilot

from sky_rs._domains import DOMAINS, FUNCTIONS, REGISTRY, no_wheel_reason
from sky_rs._install import InstallResult as InstallResult
from sky_rs._install import install as install
from sky_rs._install import uninstall as uninstall

if TYPE_CHECKING:  # bound at first use by __getattr__; these say what they are
    from sky_rs import fallback as fallback
    from sky_rs.fallback import *  # noqa: F403

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "fallback",
    "get_backend_info",
    "install",
    "is_rust_available",
    "uninstall",
    *FUNCTIONS,
]


def _warn_unknown_disabled() -> None:
    """Name the domains ``SKY_RS_DISABLE`` lists that do not exist (once, at import)."""
    unknown = sorted(_sky_rs_skypilot.switches()[1] - DOMAINS.keys())
    if unknown:
        warnings.warn(
            f"SKY_RS_DISABLE names unknown domain(s) {', '.join(map(repr, unknown))}; "
            f"known domains are {', '.join(DOMAINS)}",
            RuntimeWarning,
            stacklevel=2,
        )


def _no_wheel() -> str | None:
    """Why this platform has no sky-rs wheel at all (macOS, Windows, ...), or None."""
    machine = os.uname().machine if hasattr(os, "uname") else None
    return no_wheel_reason(sys.platform, machine)


def _switched_off_reason(domain: str) -> str | None:
    """Why ``domain`` is on Python by the environment, or ``None``.

    The variables are read once per process, by ``_sky_rs_skypilot`` (at this import, or earlier at
    SkyPilot's first import under ``SKY_RS_INSTALL``), so this module and ``install()``'s quick
    way always agree.
    """
    return _sky_rs_skypilot.switched_off(domain)


def _load(domain: str) -> dict[str, Any]:
    """Choose ``domain``'s backend once, bind its functions into this module, return its info."""
    entry = _DOMAIN_INFO.get(domain)
    if entry is not None:
        return entry
    with _LOCK:
        if domain in _DOMAIN_INFO:
            return _DOMAIN_INFO[domain]
        spec = DOMAINS[domain]
        entry = {"backend": "python", "package": spec.package, "version": None, "reason": None}
        entry["reason"] = _switched_off_reason(domain)
        functions: dict[str, Any] | None = None
        if entry["reason"] is None:
            try:
                module = importlib.import_module(spec.module)
                functions = {name: getattr(module, name) for name in spec.functions}
            except ModuleNotFoundError as exc:
                if exc.name is not None and spec.module.startswith(exc.name):
                    entry["reason"] = _no_wheel() or (
                        f"not installed; {spec.install_hint} to accelerate it"
                    )
                else:
                    entry["reason"] = f"import error: {type(exc).__name__}: {exc}"
            except Exception as exc:  # a broken wheel must never break sky_rs
                entry["reason"] = f"import error: {type(exc).__name__}: {exc}"
            else:
                entry.update(backend="rust", version=getattr(module, "__version__", None))
        if functions is None:
            python = importlib.import_module(f"sky_rs._fallback.{domain}")
            functions = {name: getattr(python, name) for name in spec.functions}
        globals().update(functions)
        _DOMAIN_INFO[domain] = entry
        return entry


def __getattr__(name: str) -> Any:
    """Bind a function's whole domain on first use (PEP 562); later reads never come here."""
    if name in REGISTRY:
        _load(REGISTRY[name].domain)
        return globals()[name]
    if name == "fallback":
        return importlib.import_module("sky_rs.fallback")
    raise AttributeError(f"module 'sky_rs' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


_warn_unknown_disabled()
_DOMAIN_INFO: dict[str, dict[str, Any]] = {}
_LOCK = threading.RLock()


def get_backend_info() -> dict[str, Any]:
    """Report which backend each domain uses, with the reason for any Python one.

    Returns ``{"backend": "rust" | "python" | "mixed", "version": ..., "domains": {...},
    "skypilot": {...}}`` where each domain maps to ``{"backend", "package", "version",
    "reason"}`` and ``"skypilot"`` says what :func:`install` did to SkyPilot (``"installed"``,
    ``"patched"``, ``"version"``, ``"supported"``, ``"names"``, ``"functions"``,
    ``"pending"``, ``"reason"``). Every domain is bound by this call.
    """
    from sky_rs._install import status

    domains = {name: dict(_load(name)) for name in DOMAINS}
    backends = {entry["backend"] for entry in domains.values()}
    overall = backends.pop() if len(backends) == 1 else "mixed"
    return {"backend": overall, "version": __version__, "domains": domains, "skypilot": status()}


def is_rust_available(domain: str | None = None) -> bool:
    """Whether ``domain`` runs on Rust; with no domain, whether any domain does."""
    if domain is None:
        return any(_load(name)["backend"] == "rust" for name in DOMAINS)
    if domain not in DOMAINS:
        raise ValueError(f"unknown domain {domain!r}; known domains are {', '.join(DOMAINS)}")
    return bool(_load(domain)["backend"] == "rust")
