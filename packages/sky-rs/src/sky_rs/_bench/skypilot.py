"""SkyPilot's own functions in ``sky-rs bench``: the speed a SkyPilot user actually gets.

For the headline case of each function that SkyPilot defines (``SKYPILOT_HOMES``), the bench
also times SkyPilot's function called through its module (``common_utils.<name>(...)``, the
attribute looked up on every call, as SkyPilot's callers do), with the same arguments:

- ``SkyPilot``: SkyPilot's original;
- ``SkyPilot +install()``: the same call after :func:`sky_rs.install` rebinds the attribute.

Both are statements of the case's interleaved measurement (one loop, :mod:`timing`). The
second installs before each of its repeats and uninstalls after, in ``finally``: the other
statements, and the process after the bench, see SkyPilot's originals.

SkyPilot is imported here only, by :func:`load`, and only when the bench runs; when it is not
importable the columns are hidden and a summary line says how to get it.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable

import sky_rs
from sky_rs._bench.record import Record, arithmetic_mean, geometric_mean
from sky_rs._bench.timing import Measurable, Timing, call_measurable, fmt_ns, fmt_ratio
from sky_rs._domains import REGISTRY, SKYPILOT_HOMES

if TYPE_CHECKING:
    from sky_rs._bench.cases import Case

INSTALL_HINT = "`uv sync` installs it in the dev venv (the `skypilot` dependency group)"
ORIGINAL, INSTALLED = "original", "installed"
HOMED = tuple(name for names in SKYPILOT_HOMES.values() for name in names)
"""The functions SkyPilot defines, in registry order: the ones measured here."""


def load() -> tuple[dict[str, ModuleType], str]:
    """SkyPilot's modules that define the accelerated functions, or why they do not import."""
    try:
        return {home: importlib.import_module(home) for home in SKYPILOT_HOMES}, ""
    except Exception as exc:  # ImportError, or SkyPilot failing while it imports
        return {}, f"SkyPilot is not importable ({type(exc).__name__}: {exc}); {INSTALL_HINT}"


@contextmanager
def originals() -> Iterator[None]:
    """SkyPilot's own functions while the bench runs: an ``install()`` already active (e.g.
    ``SKY_RS_INSTALL=1``) is undone for the run and done again after it."""
    if not sky_rs.get_backend_info()["skypilot"]["installed"]:
        yield
        return
    sky_rs.uninstall()
    try:
        yield
    finally:
        sky_rs.install()


def statements(case: Case, modules: dict[str, ModuleType]) -> tuple[dict[str, Measurable], str]:
    """The two SkyPilot statements of a headline case (keys ``skypilot:original`` and
    ``skypilot:installed``), and a note when ``install()`` leaves the function alone."""
    home = REGISTRY[case.function].skypilot_home
    module = modules.get(home) if home and case.headline else None
    if module is None:
        return {}, ""

    def call() -> Measurable:
        return call_measurable(
            module, case.args, suffix=case.suffix, single=case.wall, attribute=case.function
        )

    original, installed = call(), call()

    def run_installed(loops: int) -> float:
        sky_rs.install().patched  # noqa: B018  (reading decides every name: no first-call cost)
        try:
            return installed.run(loops)
        finally:
            sky_rs.uninstall()

    result = sky_rs.install()
    try:
        patched = case.function in result.patched.get(module.__name__, [])
        reason = sky_rs.get_backend_info()["skypilot"]["reason"]
    finally:
        sky_rs.uninstall()
    note = "" if patched else f"install() left SkyPilot's {case.function} alone ({reason})"
    return {
        f"skypilot:{ORIGINAL}": original,
        f"skypilot:{INSTALLED}": Measurable(run_installed, installed.method, installed.single),
    }, note


def timings(measured: dict[str, Timing]) -> dict[str, Timing]:
    """The SkyPilot timings of one case, by ``original``/``installed``; empty when none."""
    return {
        key: measured[f"skypilot:{key}"]
        for key in (ORIGINAL, INSTALLED)
        if f"skypilot:{key}" in measured
    }


def _ns(record: Record, key: str) -> float | None:
    timing = record.skypilot.get(key)
    return timing.min_ns if timing else None


def _ratio(top: float | None, bottom: float | None) -> float | None:
    return top / bottom if top and bottom else None


def speedups(record: Record) -> dict[str, float | None]:
    """SkyPilot's original over sky-rs Rust (direct), and over SkyPilot after ``install()``."""
    original = _ns(record, ORIGINAL)
    return {
        "rust": _ratio(original, record.rust.min_ns if record.rust else None),
        "install": _ratio(original, _ns(record, INSTALLED)),
    }


COLUMNS: tuple[tuple[str, Callable[[Record], str | None]], ...] = (
    ("SkyPilot", lambda r: fmt_ns(_ns(r, ORIGINAL)) if r.skypilot else None),
    ("SkyPilot +install()", lambda r: fmt_ns(_ns(r, INSTALLED)) if r.skypilot else None),
)
"""Table columns, hidden (as every empty column) when SkyPilot was not measured."""


def record_fields(record: Record) -> dict[str, Any]:
    """The JSON fields of one case: absent when SkyPilot was not measured for it."""
    if not record.skypilot:
        return {}
    ratios = speedups(record)
    return {
        "skypilot_ns": _ns(record, ORIGINAL),
        "skypilot_installed_ns": _ns(record, INSTALLED),
        "skypilot": record.skypilot[ORIGINAL].to_json(),
        "skypilot_installed": record.skypilot[INSTALLED].to_json(),
        "skypilot_speedup_rust": ratios["rust"],
        "skypilot_speedup_install": ratios["install"],
        "skypilot_note": record.skypilot_note or None,
    }


def _means(values: list[float]) -> dict[str, float | None]:
    return {"arithmetic_mean": arithmetic_mean(values), "geometric_mean": geometric_mean(values)}


def summarize(records: list[Record], missing: str) -> dict[str, Any]:
    """Means over the measured functions of SkyPilot's original against sky-rs Rust and
    against SkyPilot after ``install()``."""
    measured = [r for r in records if r.skypilot]
    ratios = [speedups(r) for r in measured]
    return {
        "available": not missing,
        "reason": missing or None,
        "version": sky_rs.get_backend_info()["skypilot"]["version"] if not missing else None,
        "call": "SkyPilot's function through its module (e.g. common_utils.<name>(...)), the"
        " headline case's arguments; installed = after sky_rs.install(), uninstalled after",
        "expected": len({r.case.function for r in records} & set(HOMED)),
        "functions": [r.case.function for r in measured],
        "speedup_rust": _means([s["rust"] for s in ratios if s["rust"]]),
        "speedup_install": _means([s["install"] for s in ratios if s["install"]]),
        "not_patched": [r.skypilot_note for r in measured if r.skypilot_note],
    }


def summary_lines(summary: dict[str, Any]) -> list[str]:
    if not summary["available"]:
        return [f"SkyPilot columns hidden: {summary['reason']}"]
    if not summary["functions"]:
        return []
    rust, install = summary["speedup_rust"], summary["speedup_install"]
    lines = [
        f"SkyPilot {summary['version']} (its own functions through their modules,"
        f" {len(summary['functions'])} of the {len(HOMED)} it defines, headline cases):"
        f" sky-rs Rust vs SkyPilot arithmetic mean {fmt_ratio(rust['arithmetic_mean'])},"
        f" geometric mean {fmt_ratio(rust['geometric_mean'])}; SkyPilot after sky_rs.install()"
        f" vs SkyPilot (the speed a SkyPilot user gets) arithmetic mean"
        f" {fmt_ratio(install['arithmetic_mean'])}, geometric mean"
        f" {fmt_ratio(install['geometric_mean'])}"
    ]
    lines.extend(f"SkyPilot not patched: {note}" for note in summary["not_patched"])
    return lines
