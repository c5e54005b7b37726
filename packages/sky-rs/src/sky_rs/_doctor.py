"""``sky-rs doctor``: which backend each domain runs on, and a Rust-against-Python self-check.

The self-check calls every public function once through ``sky_rs`` (so on whatever backend is
active) and once through :mod:`sky_rs.fallback`, and compares values and exceptions. It needs
nothing beyond the standard library: ``rich`` is used for the table when it is installed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

import sky_rs
from sky_rs._domains import FUNCTIONS, REGISTRY, SKYPILOT_HOMES


@dataclass
class Check:
    """One self-check call: its outcome on the active backend and on the fallback."""

    function: str
    domain: str
    backend: str
    call: str
    active: str
    fallback: str

    @property
    def ok(self) -> bool:
        return self.active == self.fallback


def _outcome(thunk: Callable[[], Any]) -> str:
    """Describe a call's value or exception, comparably across backends."""
    try:
        value = thunk()
    except Exception as exc:
        return f"raises {type(exc).__name__}: {exc}"
    if isinstance(value, list):
        return "[" + ", ".join(_describe(v) for v in value) + "]"
    return _describe(value)


def _describe(value: Any) -> str:
    if hasattr(value, "hexdigest"):
        return f"<{value.name} {value.hexdigest()}>"
    return f"{type(value).__name__} {value!r}"


def self_check() -> list[Check]:
    """Run every function's sample calls (its spec) on the active backend and on the fallback."""
    from sky_rs._spec import SPECS, Workspace

    info = sky_rs.get_backend_info()["domains"]
    checks = []
    with tempfile.TemporaryDirectory(prefix="sky-rs-doctor-") as tmp:
        workspace = Workspace(Path(tmp))
        for name, spec in SPECS.items():
            domain = REGISTRY[name].domain
            active, reference = getattr(sky_rs, name), getattr(sky_rs.fallback, name)
            for call in spec.samples(workspace):
                checks.append(
                    Check(
                        function=name,
                        domain=domain,
                        backend=info[domain]["backend"],
                        call=f"{name}({call.label})",
                        active=_outcome(partial(call, active)),
                        fallback=_outcome(partial(call, reference)),
                    )
                )
    assert {c.function for c in checks} == set(FUNCTIONS)
    return checks


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every self-check call")


def _import_skypilot_when_armed() -> None:
    """Under ``SKY_RS_INSTALL=1``, import SkyPilot's two modules, so the report shows what that
    patches there (the start-up hook runs ``install()`` on the import). Unset: SkyPilot is never
    imported by the doctor."""
    import importlib
    import importlib.util

    if not getattr(sys.modules.get("_sky_rs_pth"), "armed", False):
        return
    if importlib.util.find_spec("sky") is None:
        return
    for module in SKYPILOT_HOMES:
        try:
            importlib.import_module(module)
        except Exception as exc:  # a broken SkyPilot is reported, never fatal here
            print(f"SkyPilot's {module} does not import: {type(exc).__name__}: {exc}")
            return


def run(args: argparse.Namespace) -> int:
    _import_skypilot_when_armed()
    info = sky_rs.get_backend_info()
    checks = self_check()
    failed = [c for c in checks if not c.ok]
    if args.json:
        report = {
            **info,
            "checks": [{**asdict(c), "ok": c.ok} for c in checks],
            "ok": not failed,
        }
        print(json.dumps(report, indent=2))
        return 1 if failed else 0
    _print_report(info, checks, verbose=args.verbose)
    return 1 if failed else 0


def _print_report(info: dict[str, Any], checks: list[Check], verbose: bool) -> None:
    rows = []
    for domain, entry in info["domains"].items():
        mine = [c for c in checks if c.domain == domain]
        bad = sum(not c.ok for c in mine)
        status = (
            f"{len(mine) - bad}/{len(mine)} agree" if entry["backend"] == "rust" else "not compared"
        )
        rows.append(
            [
                domain,
                entry["backend"],
                entry["package"],
                entry["version"] or "-",
                status,
                entry["reason"] or "",
            ]
        )
    header = ["domain", "backend", "package", "version", "self-check", "reason"]
    title = f"sky-rs {info['version']}: backend {info['backend']}"
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        _print_plain(title, header, rows)
    else:
        # Piped: as wide as the table needs, so no cell wraps inside a token.
        console = Console()
        if not console.is_terminal:
            console = Console(width=1000)
        table = Table()
        for column in header:
            table.add_column(column)
        for row in rows:
            table.add_row(*row)
        console.print(title, markup=False, highlight=False)
        console.print(table)
    for check in checks:
        if verbose or not check.ok:
            mark = "ok  " if check.ok else "FAIL"
            print(f"{mark} [{check.backend}] {check.call}: {check.active}")
            if not check.ok:
                print(f"     fallback gives: {check.fallback}")
    print(_skypilot_line(info["skypilot"]))
    print(f"self-check: {self_check_summary(checks)}", file=sys.stdout)


def self_check_summary(checks: list[Check]) -> str:
    """What the self-check compared: only calls on a Rust domain compare two implementations."""
    compared = [c for c in checks if c.backend == "rust"]
    failed = sum(not c.ok for c in compared)
    on_python = len(checks) - len(compared)
    if not compared:
        return (
            f"compared nothing: every domain is on the Python fallback, so its {len(checks)}"
            " calls ran on Python only"
        )
    summary = "all agree" if not failed else f"{failed} disagree"
    text = f"{len(compared)} calls on Rust compared with the Python fallback, {summary}"
    if on_python:
        text += f"; {on_python} calls of domains on Python not compared (Python only)"
    return text


def _skypilot_line(entry: dict[str, Any]) -> str:
    """What ``sky_rs.install()`` did to SkyPilot: its version, then each name, patched or kept."""
    version = entry["version"] or "not installed"
    if not entry["installed"]:
        return f"SkyPilot {version}: not patched ({entry['reason']})"
    lines = [f"SkyPilot {version} (sky-rs matches {entry['supported']}):"]
    homes = {n: m for m, names in SKYPILOT_HOMES.items() for n in names}
    for name, outcome in entry["functions"].items():
        lines.append(f"  {homes[name]}.{name}: {outcome}")
    general = [r for r in (entry["reason"] or "").split("; ") if r and not r.startswith("kept")]
    lines += [f"  ({reason})" for reason in general]
    return "\n".join(lines)


def _print_plain(title: str, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print(title)
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())
