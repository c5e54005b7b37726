"""Drives one ``sky-rs bench`` run: inputs, measurements, progress, outputs."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from sky_rs._bench import page, skypilot
from sky_rs._bench.cases import Case, Inputs, inputs
from sky_rs._bench.record import Record
from sky_rs._bench.report import (
    build_json,
    cpu_model,
    load_average,
    load_warning,
    print_report,
    summarize,
    summary_lines,
)
from sky_rs._bench.runner import Runner, no_overrides
from sky_rs._bench.timing import Settings
from sky_rs._spec import SPECS


def build_cases(selected: set[str], data: Inputs) -> list[Case]:
    """Every case of the selected functions (their specs' ``bench``), in registry order."""
    return [case for name, spec in SPECS.items() if name in selected for case in spec.bench(data)]


@contextmanager
def progress(total: int) -> Iterator[Callable[[str], None]]:
    """``step(description)`` before each measurement. On a terminal: a rich bar with an ETA
    on stderr. Otherwise: one plain line per step on stderr, no escape codes."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    if not console.is_terminal:
        done = 0

        def line(description: str) -> None:
            nonlocal done
            done += 1
            print(f"bench [{done:>{len(str(total))}}/{total}] {description}", file=sys.stderr)

        yield line
        return
    bar = Progress(
        TextColumn("[bold]bench[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("{task.description}", markup=False),
        console=console,
        transient=True,
    )
    task = bar.add_task("", total=total)
    done = -1
    with bar:

        def step(description: str) -> None:
            # Called before each measurement: count what is done, show what runs now.
            nonlocal done
            done += 1
            bar.update(task, description=description, completed=done)

        yield step


def bench(
    selected: set[str],
    *,
    quick: bool,
    json_path: str | None,
    html_path: str | None,
    wide: bool,
    target: float | None,
    meta: bool,
    gil: bool,
    argv: str,
) -> int:
    settings = Settings.for_mode(quick)
    runner = Runner(settings, with_skypilot=bool(selected & set(skypilot.HOMED)))
    started: dict[str, Any] = {
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "command": argv,
        "load": load_average(),
        "floor_missing": runner.floor_missing,
    }
    warning = load_warning(started["load"])
    if warning:
        print(warning, file=sys.stderr)
    if runner.floor_missing:
        print(f"sky-rs bench: floors unavailable: {runner.floor_missing}", file=sys.stderr)
    clock = time.perf_counter()
    records: list[Record] = []
    meta_result = gil_result = None
    if runner.skypilot_missing:
        print(f"sky-rs bench: no SkyPilot columns: {runner.skypilot_missing}", file=sys.stderr)
    with inputs(quick) as data, no_overrides(), skypilot.originals():
        cases = build_cases(selected, data)
        traced = sum(c.headline for c in cases) if runner.count_syscalls else 0
        with progress(len(cases) + traced + int(meta) + int(gil)) as step:
            for case in cases:
                step(f"{case.function} {case.case}")
                records.append(runner.measure(case))
            for record in records:
                if traced and record.case.headline:
                    step(f"syscalls: {record.case.function} {record.case.case}")
                    runner.syscalls(record)
            if meta:
                step("meta-package overhead")
                meta_result = runner.meta_overhead()
            if gil:
                step("GIL release (two threads hashing)")
                gil_result = runner.gil_release(data)
    seconds = time.perf_counter() - clock
    lines = summary_lines(summarize(records), meta_result, gil_result, runner.floor_missing)
    sky_summary = skypilot.summarize(records, runner.skypilot_missing)
    lines.extend(skypilot.summary_lines(sky_summary))
    if warning:
        lines.append(warning)
    document = build_json(records, settings, meta_result, gil_result, started, seconds)
    document["skypilot"] = sky_summary
    document["target_speedup"] = target
    load = f" (load {started['load'][0]:.2f} at start)" if started["load"] else ""
    heading = (
        f"sky-rs bench ({document['mode']}, {seconds:.0f} s): {cpu_model()},"
        f" {document['machine']['cores_usable']} usable cores{load},"
        f" Python {document['machine']['python_version']}; backends "
        + ", ".join(f"{d} {e['backend']}" for d, e in document["backends"]["domains"].items())
    )
    print_report(records, lines, heading, wide=wide)
    outputs: tuple[tuple[str | None, str, Callable[[], str]], ...] = (
        (json_path, "JSON", lambda: json.dumps(document, indent=2) + "\n"),
        (html_path, "HTML", lambda: page.render(records, document, lines)),
    )
    for path, kind, text in outputs:
        if path:
            try:
                Path(path).write_text(text(), encoding="utf-8")
            except OSError as exc:
                print(f"sky-rs bench: cannot write {kind} to {path}: {exc}", file=sys.stderr)
                return 1
            print(f"{kind} written to {path}")
    return 0
