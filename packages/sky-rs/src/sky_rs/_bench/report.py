"""The results: the rich table and summary lines for the terminal, and the JSON document."""

from __future__ import annotations

import os
import platform
import reprlib
import ssl
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sky_rs
from sky_rs._bench import skypilot
from sky_rs._bench.cases import usable_cores
from sky_rs._bench.layout import layout, wrap
from sky_rs._bench.record import Record, arithmetic_mean, geometric_mean
from sky_rs._bench.timing import Settings, fmt_ns, fmt_ratio
from sky_rs._domains import CONTRACT

if TYPE_CHECKING:
    from rich.console import Console

_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 60
HEADLINE_FUNCTIONS = CONTRACT
"""The batch functions beyond the contract are measured, but outside the headline means."""
FAR_FROM_FLOOR = 2.0
EXPLANATION = (
    "Times per call: min of the repeats (medians in the JSON). speed-up = Python / Rust,"
    " distance = Rust / floor (a floor is a lower bound: never under 1);"
    " * marks the headline case of each function of the contract;"
    " syscalls Py/Rust = system calls per call (strace; - when not counted), headline cases;"
    " SkyPilot, SkyPilot +install() = SkyPilot's own function through its module, before and"
    " after sky_rs.install(), headline cases;"
    " KiB/MiB are powers of 1024, 1 MB is 1,000,000 bytes."
)


def _syscalls(record: Record) -> str | None:
    if not record.syscalls:
        return None
    counts = [record.syscalls.get(b) for b in ("python", "rust")]
    return "/".join("-" if c is None else f"{c:.3g}" for c in counts)


COLUMNS: tuple[tuple[str, Callable[[Record], str | None]], ...] = (
    ("", lambda r: "*" if r.case.headline else None),
    ("function", lambda r: r.case.function),
    ("case", lambda r: r.case.case),
    ("Python", lambda r: fmt_ns(r.python.min_ns)),
    ("Rust", lambda r: fmt_ns(r.rust.min_ns) if r.rust else None),
    ("floor", lambda r: fmt_ns(r.floor_ns) if r.floor_ns else None),
    ("speed-up", lambda r: fmt_ratio(r.speedup) if r.speedup else None),
    ("distance", lambda r: fmt_ratio(r.distance) if r.distance else None),
    ("syscalls Py/Rust", _syscalls),
    *skypilot.COLUMNS,
)
NUMERIC = {"Python", "Rust", "floor", "speed-up", "distance", "syscalls Py/Rust"}
NUMERIC.update(name for name, _ in skypilot.COLUMNS)


def table(records: list[Record]) -> tuple[list[str], list[list[str]]]:
    """The header and rows of the results table, without the columns that are empty."""
    cells = [[get(r) for _, get in COLUMNS] for r in records]
    keep = [i for i in range(len(COLUMNS)) if any(row[i] is not None for row in cells)]
    header = [COLUMNS[i][0] for i in keep]
    # Headline cases only: blank elsewhere, not n/a.
    blank = {"", "syscalls Py/Rust", *(name for name, _ in skypilot.COLUMNS)}
    rows = [[row[i] or ("" if COLUMNS[i][0] in blank else "n/a") for i in keep] for row in cells]
    return header, rows


def label(record: Record) -> str:
    return f"{record.case.function} {record.case.case}"


def notes(record: Record) -> str:
    parts = []
    if record.case.wall:
        parts.append(f"wall time, {record.python.repeats} runs")
    if record.case.note:
        parts.append(record.case.note)
    for name, timing in record.references.items():
        versus = f" (Rust {fmt_ratio(timing.min_ns / record.rust.min_ns)})" if record.rust else ""
        parts.append(f"{name} {fmt_ns(timing.min_ns)}{versus}")
    if record.rust is None:
        parts.append(record.rust_status)
    if record.floor_note:
        parts.append(record.floor_note)
    return "; ".join(parts)


def summarize(records: list[Record]) -> dict[str, Any]:
    headline = [r for r in records if r.case.headline]
    expected = sorted({r.case.function for r in records} & set(HEADLINE_FUNCTIONS))

    def means(group: list[Record]) -> dict[str, Any]:
        speedups = [r.speedup for r in group if r.speedup is not None]
        distances = [r.distance for r in group if r.distance is not None]
        ceilings = [r.ceiling for r in group if r.ceiling is not None]
        return {
            "cases": len(group),
            "functions": len({r.case.function for r in group}),
            "measured": len(speedups),
            "with_floor": len(distances),
            "speedup_geometric_mean": geometric_mean(speedups),
            "speedup_arithmetic_mean": arithmetic_mean(speedups),
            "distance_geometric_mean": geometric_mean(distances),
            "distance_max": max(distances) if distances else None,
            "ceiling_geometric_mean": geometric_mean(ceilings),
            "ceiling_arithmetic_mean": arithmetic_mean(ceilings),
        }

    return {
        "statistic": "min",
        "headline": {
            **means(headline),
            "expected": len(expected),
            "case_names": [label(r) for r in headline],
            "without_rust": [label(r) for r in headline if r.speedup is None],
        },
        "all": means(records),
        "floors_corrected": [label(r) for r in records if r.floor_note],
        "slower_than_python": [
            {"function": r.case.function, "case": r.case.case, "speedup": r.speedup}
            for r in records
            if r.speedup is not None and r.speedup < 1
        ],
        "far_from_floor": [
            {"function": r.case.function, "case": r.case.case, "distance": r.distance}
            for r in records
            if r.distance is not None and r.distance > FAR_FROM_FLOOR
        ],
    }


def _listed(title: str, items: list[str]) -> str:
    return f"{title}: {', '.join(items) or 'none'}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _group_line(title: str, what: str, group: dict[str, Any]) -> str:
    if not group["measured"]:
        return f"{title} ({what}): Python only, no Rust measurement (see the notes)"
    line = (
        f"{title} ({what}; Rust on {group['measured']}): speed-up geometric mean"
        f" {fmt_ratio(group['speedup_geometric_mean'])}, arithmetic mean"
        f" {fmt_ratio(group['speedup_arithmetic_mean'])}"
    )
    if not group["with_floor"]:
        return line + "; no floor measured"
    return line + (
        f"; distance from the floor ({group['with_floor']} with a floor) geometric mean"
        f" {fmt_ratio(group['distance_geometric_mean'])}, worst"
        f" {fmt_ratio(group['distance_max'])}; best possible speed-up (Python / floor)"
        f" geometric mean {fmt_ratio(group['ceiling_geometric_mean'])}, arithmetic mean"
        f" {fmt_ratio(group['ceiling_arithmetic_mean'])}"
    )


def summary_lines(
    summary: dict[str, Any],
    meta: dict[str, Any] | None,
    gil: dict[str, Any] | None,
    floor_missing: str,
) -> list[str]:
    headline, everything = summary["headline"], summary["all"]
    if headline["cases"]:
        what = f"one case each of {headline['expected']} of the {len(HEADLINE_FUNCTIONS)} functions"
        lines = [_group_line("Headline cases", what, headline)]
    else:
        lines = [
            "Headline cases: none selected (the functions of the contract have one each;"
            " the selected ones are not among them)"
        ]
    what = (
        f"{_plural(everything['cases'], 'case')} of {_plural(everything['functions'], 'function')}"
    )
    lines.append(_group_line("All cases", what, everything))
    if floor_missing:
        lines.append(f"Floors unavailable: {floor_missing}")
    if summary["floors_corrected"]:
        lines.append(_listed("Floors re-measured (see the notes)", summary["floors_corrected"]))
    if headline["without_rust"]:
        lines.append(_listed("No Rust number for", headline["without_rust"]))
    if everything["measured"]:
        slower = summary["slower_than_python"]
        items = [f"{s['function']} {s['case']} ({s['speedup']:.3f}x)" for s in slower]
        lines.append(_listed("Rust slower than Python", items))
    if everything["with_floor"]:
        far = summary["far_from_floor"]
        items = [f"{s['function']} {s['case']} ({fmt_ratio(s['distance'])})" for s in far]
        lines.append(_listed(f"More than {FAR_FROM_FLOOR:g}x from the floor", items))
    if meta is not None:
        lines.append(meta_line(meta))
    if gil is not None:
        lines.append(gil_line(gil))
    return lines


def meta_line(meta: dict[str, Any]) -> str:
    if meta["wheel_ns"] is None:
        return (
            f"Meta-package: sky_rs.format_float is the Python fallback"
            f" ({fmt_ns(meta['meta_ns'])}); sky_rs_string is not importable"
        )
    identity = "is" if meta["same_object"] else "is NOT"
    return (
        f"Meta-package overhead: sky_rs.format_float {identity} sky_rs_string.format_float;"
        f" {fmt_ns(meta['meta_ns'])} through sky_rs vs {fmt_ns(meta['wheel_ns'])} direct"
        f" (difference {meta['overhead_ns']:+.1f} ns, timing noise when the same object)"
    )


def gil_line(gil: dict[str, Any]) -> str:
    parts = [
        f"{backend} {fmt_ratio(b['ratio'])}"
        f" ({b['sequential_s']:.3f} s -> {b['two_threads_s']:.3f} s)"
        for backend, b in gil["backends"].items()
    ]
    progress = [
        f"{backend} {b['python_thread_progress']:.0%}" for backend, b in gil["backends"].items()
    ]
    size = gil["file_bytes"] // (1024 * 1024)
    return (
        f"GIL release: hash_file {gil['algorithm']} of 2 x {size} MiB, two threads vs one after"
        f" the other: {', '.join(parts)}; ideal {fmt_ratio(gil['ideal_ratio'])} on"
        f" {gil['cores']} idle cores. Another Python thread's progress during one call, share"
        f" of its solo rate (0% = GIL held): {', '.join(progress)}"
    )


def load_warning(load: list[float] | None) -> str | None:
    """A warning when the 1-minute load average exceeds the usable cores, else None."""
    cores = usable_cores()
    if not load or load[0] <= cores:
        return None
    return (
        f"warning: load average {load[0]:.2f} at start is above the {cores} usable cores:"
        " other processes compete for the CPU, so timings (and the GIL two-thread ratio)"
        " are noisy. Re-run when the machine is idle."
    )


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info() -> dict[str, Any]:
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        memory = None
    return {
        "cpu_model": cpu_model(),
        "cores_logical": os.cpu_count(),
        "cores_usable": usable_cores(),
        "memory_bytes": memory,
        "platform": platform.platform(),
        "python_version": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "python_executable": sys.executable,
        "openssl": ssl.OPENSSL_VERSION,
    }


def load_average() -> list[float] | None:
    try:
        return list(os.getloadavg())
    except OSError:
        return None


def record_json(record: Record) -> dict[str, Any]:
    case = record.case
    return {
        "function": case.function,
        "case": case.case,
        "domain": case.domain,
        "headline": case.headline,
        "call": f"{case.function}{_SHORT.repr(case.args)}{case.suffix}",
        "python_ns": record.python.min_ns,
        "rust_ns": record.rust.min_ns if record.rust else None,
        "floor_ns": record.floor_ns,
        "measured_floor_ns": record.measured_floor_ns,
        "speedup": record.speedup,
        "distance": record.distance,
        "ceiling": record.ceiling,
        "python": record.python.to_json(),
        "rust": record.rust.to_json() if record.rust else None,
        "rust_status": record.rust_status,
        "floor_status": record.floor_status,
        "floor_note": record.floor_note,
        "floor_components": [c.to_json() for c in record.components],
        "syscalls_per_call": record.syscalls or None,
        "references": {
            name: {
                **t.to_json(),
                "rust_speedup": t.min_ns / record.rust.min_ns if record.rust else None,
            }
            for name, t in record.references.items()
        },
        "notes": notes(record),
        **skypilot.record_fields(record),
    }


def build_json(
    records: list[Record],
    settings: Settings,
    meta: dict[str, Any] | None,
    gil: dict[str, Any] | None,
    started: dict[str, Any],
    seconds: float,
) -> dict[str, Any]:
    return {
        "schema": "sky-rs-bench/2",
        "sky_rs_version": sky_rs.__version__,
        "created": started["created"],
        "command": started["command"],
        "duration_s": seconds,
        "mode": "quick" if settings.quick else "full",
        "settings": {
            "target_seconds_per_repeat": settings.target_s,
            "repeats": settings.repeats,
            "wall_runs": settings.wall_runs,
            "statistic": "min (per call); medians kept per timing",
            "timer": "timeit (gc off) from Python; std::time::Instant inside Rust for floors",
        },
        "methodology": {
            "floor": "floor_ns = no-op PyO3 call with the same arguments (sky_rs_floor.noop)"
            " + unavoidable system calls timed alone in Rust (sky_rs_floor.floor), each times"
            " its scale + for hashing, file size x the faster one-core in-memory rate of"
            " OpenSSL (hashlib) and the Rust core. A floor measured above Rust is re-measured;"
            " if still above, it is shown as Rust's time (distance 1x) and noted",
            "speedup": "python_ns / rust_ns",
            "distance": "rust_ns / floor_ns",
            "ceiling": "python_ns / floor_ns: the best speed-up any implementation could reach",
            "hashing": "hash_file cases time f(path, alg).hexdigest() on both backends"
            " (the floor's no-op call has no .hexdigest()); hash_files returns the objects"
            " without .hexdigest()",
            "headline_functions": list(HEADLINE_FUNCTIONS),
        },
        "machine": {
            **machine_info(),
            "load_average_start": started["load"],
            "load_average_end": load_average(),
        },
        "backends": sky_rs.get_backend_info(),
        "floors_available": not started["floor_missing"],
        "floors_missing_reason": started["floor_missing"] or None,
        "records": [record_json(r) for r in records],
        "summary": summarize(records),
        "meta_overhead": meta,
        "gil_release": gil,
    }


def print_report(
    records: list[Record],
    lines: list[str],
    heading: str,
    *,
    wide: bool = False,
    console: Console | None = None,
) -> None:
    """The table, notes and summary lines, fitted to the console's width (see :mod:`.layout`):
    no number split from its unit, no header word cut, every case on one line, and text
    wrapped at word boundaries. ``wide`` keeps every column, however wide the table."""
    from rich.console import Console
    from rich.text import Text

    console = console or Console(highlight=False, markup=False)
    width = console.width
    header, rows = table(records)
    fitted = layout(
        header, rows, NUMERIC, [r.case.headline for r in records], width=width, wide=wide
    )

    def say(text: str, indent: str = "") -> None:
        for line in wrap(text, width, indent):
            console.print(Text(line), soft_wrap=True)

    say(heading, "  ")
    for row in fitted.lines:
        console.print(Text(row.text, style="bold" if row.strong else ""), soft_wrap=True)
    if fitted.omitted:
        say(
            f"Left out to fit {width} columns: {', '.join(fitted.omitted)}"
            " (--wide shows every column; --json writes every figure)",
            "  ",
        )
    say(EXPLANATION, "  ")
    annotated = [(label(r), notes(r)) for r in records if notes(r)]
    if annotated:
        say("Notes:")
        for name, text in annotated:
            say(f"  {name}: {text}", "    ")
    for line in lines:
        say(line, "  ")
