"""Drives one ``sky-rs bench`` run: inputs, measurements, progress, outputs."""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

from sky_rs._bench import page
from sky_rs._bench.cases import build_cases, inputs
from sky_rs._bench.report import (
    build_json,
    cpu_model,
    load_average,
    print_report,
    summarize,
    summary_lines,
)
from sky_rs._bench.runner import Record, Runner, no_overrides
from sky_rs._bench.timing import Settings


class Progress(Protocol):
    def step(self, description: str) -> None: ...
    def close(self) -> None: ...


class _PlainProgress:
    """One rewritten stderr line: ``[ 3/25] hash_file sha256 4 KB``."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0

    def step(self, description: str) -> None:
        self.done += 1
        sys.stderr.write(f"\r\033[K[{self.done:>2}/{self.total}] {description}")
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()


class _RichProgress:
    def __init__(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._progress = Progress(
            TextColumn("[bold]bench[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            console=Console(stderr=True),
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task("", total=total)
        self._done = 0

    def step(self, description: str) -> None:
        # Called before each measurement: show what runs now, count what is done.
        self._progress.update(self._task, description=description, completed=self._done)
        self._done += 1

    def close(self) -> None:
        self._progress.stop()


def _progress(total: int) -> Progress:
    try:
        return _RichProgress(total)
    except ImportError:
        return _PlainProgress(total)


def bench(
    selected: set[str],
    *,
    quick: bool,
    json_path: str | None,
    html_path: str | None,
    meta: bool,
    gil: bool,
    argv: str,
) -> int:
    settings = Settings.for_mode(quick)
    started: dict[str, Any] = {
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "command": argv,
        "load": load_average(),
    }
    clock = time.perf_counter()
    runner = Runner(settings)
    records: list[Record] = []
    meta_result = gil_result = None
    with inputs() as data, no_overrides():
        cases = build_cases(selected, data, quick)
        progress = _progress(len(cases) + int(meta) + int(gil))
        try:
            for case in cases:
                progress.step(f"{case.function} {case.case}")
                records.append(runner.measure(case))
            if meta:
                progress.step("meta-package overhead")
                meta_result = runner.meta_overhead()
            if gil:
                progress.step("GIL release (two threads hashing)")
                gil_result = runner.gil_release(data)
        finally:
            progress.close()
    seconds = time.perf_counter() - clock
    summary = summarize(records)
    lines = summary_lines(summary, meta_result, gil_result)
    document = build_json(records, settings, meta_result, gil_result, started, seconds)
    heading = (
        f"sky-rs bench ({document['mode']}, {seconds:.0f} s): {cpu_model()},"
        f" {document['machine']['cores_usable']} usable cores,"
        f" Python {document['machine']['python_version']}; backends "
        + ", ".join(f"{d} {e['backend']}" for d, e in document["backends"]["domains"].items())
    )
    print_report(records, lines, heading)
    if json_path:
        Path(json_path).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        print(f"JSON written to {json_path}")
    if html_path:
        Path(html_path).write_text(page.render(records, document, lines), encoding="utf-8")
        print(f"HTML written to {html_path}")
    return 0
