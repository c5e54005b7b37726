"""The results: console table, summary lines and JSON."""

from __future__ import annotations

import os
import platform
import ssl
import sys
from typing import Any

import sky_rs
from sky_rs._bench.runner import Record, arithmetic_mean, geometric_mean
from sky_rs._bench.timing import Settings
from sky_rs._domains import TWELVE

HEADLINE_FUNCTIONS = TWELVE
"""The batch functions beyond the twelve are measured, but outside the headline means."""
FAR_FROM_FLOOR = 2.0
HEADER = ["", "function", "case", "Python", "Rust", "floor", "speed-up", "distance"]
EXPLANATION = (
    "Times per call: min of the repeats (medians in the JSON). speed-up = Python / Rust,"
    " distance = Rust / floor; * marks the headline case of each of the twelve functions."
)


def fmt_ns(ns: float | None) -> str:
    if ns is None:
        return "n/a"
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{_sig3(ns / scale)} {unit}"
    return f"{_sig3(ns)} ns"


def fmt_ratio(ratio: float | None) -> str:
    if ratio is None:
        return "n/a"
    return f"{ratio:.2f}x" if ratio < 10 else f"{ratio:.1f}x"


def _sig3(value: float) -> str:
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def label(record: Record) -> str:
    return f"{record.case.function} {record.case.case}"


def references(record: Record) -> str:
    """Other implementations of the same call, e.g. ``psutil.pid_exists 23 µs (Rust 4.7x)``."""
    parts = []
    for name, timing in record.references.items():
        versus = f" (Rust {fmt_ratio(timing.min_ns / record.rust.min_ns)})" if record.rust else ""
        parts.append(f"{name} {fmt_ns(timing.min_ns)}{versus}")
    return "; ".join(parts)


def header(records: list[Record]) -> list[str]:
    """The table's columns; a ``reference`` column when some case has one (psutil)."""
    return [*HEADER, "reference"] if any(r.references for r in records) else list(HEADER)


def notes(record: Record) -> str:
    parts = []
    if record.case.wall:
        parts.append(f"wall time, {record.python.repeats} runs")
    if record.case.note:
        parts.append(record.case.note)
    if record.rust is None:
        parts.append(record.rust_status)
    if record.floor_status != "complete":
        parts.append(f"floor {record.floor_status}")
    return "; ".join(parts)


def table_rows(records: list[Record]) -> list[list[str]]:
    with_references = len(header(records)) > len(HEADER)
    return [
        [
            "*" if r.case.headline else "",
            r.case.function,
            r.case.case,
            fmt_ns(r.python.min_ns),
            fmt_ns(r.rust.min_ns if r.rust else None),
            fmt_ns(r.floor_ns),
            fmt_ratio(r.speedup),
            fmt_ratio(r.distance),
            *([references(r)] if with_references else []),
        ]
        for r in records
    ]


def summarize(records: list[Record]) -> dict[str, Any]:
    headline = [r for r in records if r.case.headline]
    expected = sorted({r.case.function for r in records} & set(HEADLINE_FUNCTIONS))

    def means(group: list[Record]) -> dict[str, Any]:
        speedups = [r.speedup for r in group if r.speedup is not None]
        distances = [r.distance for r in group if r.distance is not None]
        ceilings = [r.ceiling for r in group if r.ceiling is not None]
        return {
            "cases": len(group),
            "measured": len(speedups),
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


def summary_lines(
    summary: dict[str, Any], meta: dict[str, Any] | None, gil: dict[str, Any] | None
) -> list[str]:
    lines = []
    for key, title in (("headline", "Headline cases"), ("all", "All cases")):
        group = summary[key]
        if key == "headline":
            count = f"{group['measured']} of {group['expected']} functions"
        else:
            count = f"{group['measured']} of {group['cases']} cases"
        if not group["measured"]:
            lines.append(f"{title} ({count}): no Rust measurement")
            continue
        lines.append(
            f"{title} ({count}): speed-up geometric mean"
            f" {fmt_ratio(group['speedup_geometric_mean'])}, arithmetic mean"
            f" {fmt_ratio(group['speedup_arithmetic_mean'])}; distance from floor geometric"
            f" mean {fmt_ratio(group['distance_geometric_mean'])},"
            f" worst {fmt_ratio(group['distance_max'])}; best possible speed-up (Python /"
            f" floor) geometric mean {fmt_ratio(group['ceiling_geometric_mean'])}, arithmetic"
            f" mean {fmt_ratio(group['ceiling_arithmetic_mean'])}"
        )
    if summary["headline"]["without_rust"]:
        lines.append("No Rust number for: " + ", ".join(summary["headline"]["without_rust"]))
    slower = summary["slower_than_python"]
    lines.append(
        "Rust slower than Python: "
        + (
            ", ".join(f"{s['function']} {s['case']} ({s['speedup']:.3f}x)" for s in slower)
            if slower
            else "none"
        )
    )
    far = summary["far_from_floor"]
    lines.append(
        f"More than {FAR_FROM_FLOOR:g}x from the floor: "
        + (
            ", ".join(f"{s['function']} {s['case']} ({fmt_ratio(s['distance'])})" for s in far)
            if far
            else "none"
        )
    )
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
        f"GIL release: hash_file {gil['algorithm']} of 2 x {size} MB, two threads vs one after"
        f" the other: {', '.join(parts)}; ideal {fmt_ratio(gil['ideal_ratio'])} on"
        f" {gil['cores']} idle cores. Another Python thread's progress during one call, share"
        f" of its solo rate (0% = GIL held): {', '.join(progress)}"
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
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = None
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        memory = None
    return {
        "cpu_model": cpu_model(),
        "cores_logical": os.cpu_count(),
        "cores_usable": usable,
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
        "call": _call_text(record),
        "python_ns": record.python.min_ns,
        "rust_ns": record.rust.min_ns if record.rust else None,
        "floor_ns": record.floor_ns,
        "speedup": record.speedup,
        "distance": record.distance,
        "ceiling": record.ceiling,
        "python": record.python.to_json(),
        "rust": record.rust.to_json() if record.rust else None,
        "rust_status": record.rust_status,
        "floor_status": record.floor_status,
        "floor_components": [c.to_json() for c in record.components],
        "references": {
            name: {
                **t.to_json(),
                "rust_speedup": t.min_ns / record.rust.min_ns if record.rust else None,
            }
            for name, t in record.references.items()
        },
        "notes": notes(record),
    }


def _call_text(record: Record) -> str:
    case = record.case
    args = [_short_repr(a) for a in case.args]
    args += [f"{k}={_short_repr(v)}" for k, v in case.kwargs.items()]
    return f"{case.function}({', '.join(args)}){case.suffix}"


def _short_repr(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def build_json(
    records: list[Record],
    settings: Settings,
    meta: dict[str, Any] | None,
    gil: dict[str, Any] | None,
    started: dict[str, Any],
    seconds: float,
) -> dict[str, Any]:
    return {
        "schema": "sky-rs-bench/1",
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
            "timer": "timeit (gc off) from Python; std::time::Instant inside Rust for _floor",
        },
        "methodology": {
            "floor": "floor_ns = no-op PyO3 call with the same arguments (the wheel's _noop)"
            " + unavoidable system calls timed alone in Rust (the wheel's _floor), each times"
            " its scale + for hashing, file size x the faster one-core in-memory rate of"
            " OpenSSL (hashlib) and the Rust core",
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
        "records": [record_json(r) for r in records],
        "summary": summarize(records),
        "meta_overhead": meta,
        "gil_release": gil,
    }


def print_report(
    records: list[Record],
    lines: list[str],
    heading: str,
) -> None:
    rows = table_rows(records)
    columns = header(records)
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        print(heading)
        _print_plain(columns, rows)
    else:
        console = Console()
        if not console.is_terminal:
            console = Console(width=120)
        table = Table(title=heading, title_justify="left")
        for i, column in enumerate(columns):
            table.add_column(column, justify="right" if 3 <= i < len(HEADER) else "left")
        for row, record in zip(rows, records):
            table.add_row(*row, style="bold" if record.case.headline else None)
        console.print(table)
    print(EXPLANATION)
    annotated = [(label(r), notes(r)) for r in records if notes(r)]
    if annotated:
        print("Notes:")
        for name, text in annotated:
            print(f"  {name}: {text}")
    for line in lines:
        print(line)


def _print_plain(columns: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in [columns, *rows]) for i in range(len(columns))]
    for row in [columns, *rows]:
        cells = [
            cell.rjust(w) if 3 <= i < len(HEADER) else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths))
        ]
        print("  ".join(cells).rstrip())
