"""sky-rs: fast, drop-in Rust versions of SkyPilot's hot utility functions.

Each public function is bound **once, at import**, to the Rust wheel of its domain when that
wheel is installed and enabled, and to the pure-Python implementation in
:mod:`sky_rs.fallback` otherwise. There is no per-call wrapper: when Rust is active,
``sky_rs.format_float is sky_rs_string.format_float``.

Environment variables, read at import:

- ``SKY_RS_USE_RUST=0`` (or ``SKYPILOT_USE_RUST=0``): every domain on Python.
- ``SKY_RS_DISABLE=io,process``: the listed domains on Python.

:func:`install` rebinds these functions inside an unmodified SkyPilot; ``SKY_RS_INSTALL=1``
runs it at the start-up of every Python process.
"""

from __future__ import annotations

import copy
import importlib
import os
import sys
import warnings
from typing import Any

from sky_rs import fallback
from sky_rs._domains import DOMAINS, FUNCTIONS, no_wheel_reason
from sky_rs._install import InstallResult as InstallResult
from sky_rs._install import install as install
from sky_rs._install import uninstall as uninstall

# Explicit re-exports (`x as x`) for type checkers; each is re-bound to Rust below.
from sky_rs.fallback import (
    are_processes_alive as are_processes_alive,
)
from sky_rs.fallback import (
    base36_encode as base36_encode,
)
from sky_rs.fallback import (
    estimate_fd_for_directory as estimate_fd_for_directory,
)
from sky_rs.fallback import (
    find_free_port as find_free_port,
)
from sky_rs.fallback import (
    format_float as format_float,
)
from sky_rs.fallback import (
    get_cpu_count as get_cpu_count,
)
from sky_rs.fallback import (
    get_max_workers_for_file_mounts as get_max_workers_for_file_mounts,
)
from sky_rs.fallback import (
    get_mem_size_gb as get_mem_size_gb,
)
from sky_rs.fallback import (
    get_parallel_threads as get_parallel_threads,
)
from sky_rs.fallback import (
    hash_file as hash_file,
)
from sky_rs.fallback import (
    hash_files as hash_files,
)
from sky_rs.fallback import (
    is_process_alive as is_process_alive,
)
from sky_rs.fallback import (
    read_last_n_lines as read_last_n_lines,
)
from sky_rs.fallback import (
    truncate_long_string as truncate_long_string,
)

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

_OFF_VALUES = frozenset({"0", "false", "no", "off"})


def _rust_switched_off() -> str | None:
    """Name the variable that turns every domain to Python, if one does."""
    for var in ("SKY_RS_USE_RUST", "SKYPILOT_USE_RUST"):
        value = os.environ.get(var)
        if value is not None and value.strip().lower() in _OFF_VALUES:
            return f"disabled by {var}={value}"
    return None


def _disabled_domains() -> set[str]:
    raw = os.environ.get("SKY_RS_DISABLE", "")
    names = {part.strip().lower() for part in raw.split(",") if part.strip()}
    unknown = sorted(names - DOMAINS.keys())
    if unknown:
        warnings.warn(
            f"SKY_RS_DISABLE names unknown domain(s) {', '.join(map(repr, unknown))}; "
            f"known domains are {', '.join(DOMAINS)}",
            RuntimeWarning,
            stacklevel=3,
        )
    return names & DOMAINS.keys()


def _no_wheel() -> str | None:
    """Why this platform has no sky-rs wheel at all (macOS, Windows, ...), or None."""
    machine = os.uname().machine if hasattr(os, "uname") else None
    return no_wheel_reason(sys.platform, machine)


def _select_backends() -> dict[str, dict[str, Any]]:
    """Choose each domain's backend and bind its functions into this module."""
    switched_off = _rust_switched_off()
    disabled = _disabled_domains()
    info: dict[str, dict[str, Any]] = {}
    namespace = globals()
    for domain in DOMAINS.values():
        entry: dict[str, Any] = {
            "backend": "python",
            "package": domain.package,
            "version": None,
            "reason": None,
        }
        info[domain.name] = entry
        if switched_off:
            entry["reason"] = switched_off
            continue
        if domain.name in disabled:
            entry["reason"] = f"disabled by SKY_RS_DISABLE={os.environ['SKY_RS_DISABLE']}"
            continue
        try:
            module = importlib.import_module(domain.module)
            functions = {name: getattr(module, name) for name in domain.functions}
        except ModuleNotFoundError as exc:
            if exc.name is not None and domain.module.startswith(exc.name):
                entry["reason"] = _no_wheel() or (
                    f"not installed; {domain.install_hint} to accelerate it"
                )
            else:
                entry["reason"] = f"import error: {type(exc).__name__}: {exc}"
            continue
        except Exception as exc:  # a broken wheel must never break `import sky_rs`
            entry["reason"] = f"import error: {type(exc).__name__}: {exc}"
            continue
        namespace.update(functions)
        entry.update(backend="rust", version=getattr(module, "__version__", None))
    return info


_DOMAIN_INFO = _select_backends()


def get_backend_info() -> dict[str, Any]:
    """Report which backend each domain uses, with the reason for any Python one.

    Returns ``{"backend": "rust" | "python" | "mixed", "version": ..., "domains": {...},
    "skypilot": {...}}`` where each domain maps to ``{"backend", "package", "version",
    "reason"}`` and ``"skypilot"`` says whether :func:`install` has patched SkyPilot
    (``"installed"``, ``"patched"``, ``"version"``, ``"supported"``, ``"names"``,
    ``"pending"``, ``"reason"``).
    """
    from sky_rs._install import status

    backends = {entry["backend"] for entry in _DOMAIN_INFO.values()}
    overall = backends.pop() if len(backends) == 1 else "mixed"
    return {
        "backend": overall,
        "version": __version__,
        "domains": copy.deepcopy(_DOMAIN_INFO),
        "skypilot": status(),
    }


def is_rust_available(domain: str | None = None) -> bool:
    """Whether ``domain`` runs on Rust; with no domain, whether any domain does."""
    if domain is None:
        return any(entry["backend"] == "rust" for entry in _DOMAIN_INFO.values())
    if domain not in _DOMAIN_INFO:
        raise ValueError(f"unknown domain {domain!r}; known domains are {', '.join(DOMAINS)}")
    return bool(_DOMAIN_INFO[domain]["backend"] == "rust")
