"""Leak check: many calls of each I/O-touching function, error paths included, then compare the
open file descriptors and the resident memory with the figures taken after a warm-up.

    uv run --no-sync python -m tests.support.leaks                  # 200,000 calls, Rust
    uv run --no-sync python -m tests.support.leaks --backend both --calls 50000 --json out.json

A function passes when the number of open descriptors (``/proc/self/fd``) is the same after
its calls as before them, and the resident set (``VmRSS`` of ``/proc/self/status``) grew by
less than ``--max-rss-growth-kb`` (5 MB by default). Exits 1 if any function fails.

Each function cycles through a fixed list of calls, most of them failing on purpose: a missing
file, a directory, a bad encoding, an unknown algorithm, an out-of-range pid or port, a bad
override in the environment. ``tests/hardening/test_leaks.py`` runs the same code with fewer
calls.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import pathlib
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial
from typing import Any

from sky_rs._domains import REGISTRY
from sky_rs._spec import SPECS, Workspace
from sky_rs._spec.model import environment
from sky_rs._spec.system import OVERRIDES

FUNCTIONS = tuple(name for name, spec in SPECS.items() if spec.io)
"""The functions that touch files, sockets or ``/proc`` (``Spec.io``)."""
DOMAIN = {f: REGISTRY[f].domain for f in FUNCTIONS}


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def rss_kb() -> int:
    with open("/proc/self/status", "rb") as f:
        for line in f:
            if line.startswith(b"VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def module(backend: str, function: str) -> Any:
    if backend == "python":
        return importlib.import_module("sky_rs.fallback")
    return importlib.import_module(f"sky_rs_{DOMAIN[function]}")


@dataclass
class Result:
    function: str
    backend: str
    calls: int
    errors: int
    fds_before: int
    fds_after: int
    rss_before_kb: int
    rss_after_kb: int
    seconds: float

    @property
    def rss_growth_kb(self) -> int:
        return self.rss_after_kb - self.rss_before_kb

    def ok(self, max_rss_growth_kb: int) -> bool:
        return self.fds_after == self.fds_before and self.rss_growth_kb < max_rss_growth_kb


class Workload:
    """Each function's sample calls (its spec), on files under one temporary directory."""

    def __init__(self, root: pathlib.Path) -> None:
        self.workspace = Workspace(root)

    def calls(self, backend: str, function: str) -> list[Callable[[], Any]]:
        """The calls cycled through for ``function``: success and error paths."""
        fn = getattr(module(backend, function), function)
        return [partial(call, fn) for call in SPECS[function].samples(self.workspace)]


def run_calls(calls: list[Callable[[], Any]], count: int) -> int:
    errors = 0
    n = len(calls)
    for i in range(count):
        try:
            calls[i % n]()
        except Exception:
            errors += 1
    return errors


def check(workload: Workload, backend: str, function: str, calls: int, warmup: int) -> Result:
    work = workload.calls(backend, function)
    run_calls(work, warmup)
    gc.collect()
    fds_before, rss_before = open_fds(), rss_kb()
    start = time.perf_counter()
    errors = run_calls(work, calls)
    seconds = time.perf_counter() - start
    gc.collect()
    return Result(
        function=function,
        backend=backend,
        calls=calls,
        errors=errors,
        fds_before=fds_before,
        fds_after=open_fds(),
        rss_before_kb=rss_before,
        rss_after_kb=rss_kb(),
        seconds=round(seconds, 2),
    )


def run(
    backends: list[str],
    functions: list[str],
    calls: int,
    port_calls: int,
    warmup: int,
    report: Callable[[Result], None] | None = None,
) -> list[Result]:
    with (
        environment(dict.fromkeys(OVERRIDES)),
        tempfile.TemporaryDirectory(prefix="sky-rs-leaks-") as tmp,
    ):
        workload = Workload(pathlib.Path(tmp))
        results = []
        for backend in backends:
            for function in functions:
                n = port_calls if function == "find_free_port" else calls
                result = check(workload, backend, function, n, min(warmup, n))
                if report:
                    report(result)
                results.append(result)
        return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=200_000, help="calls per function")
    parser.add_argument(
        "--port-calls",
        type=int,
        default=None,
        help="calls of find_free_port (default: --calls; each binds one or more sockets)",
    )
    parser.add_argument("--warmup", type=int, default=5_000, help="calls before measuring")
    parser.add_argument("--backend", choices=["rust", "python", "both"], default="rust")
    parser.add_argument("--function", action="append", choices=FUNCTIONS, help="repeatable")
    parser.add_argument("--max-rss-growth-kb", type=int, default=5 * 1024)
    parser.add_argument("--json", type=pathlib.Path, help="also write the results here")
    args = parser.parse_args(argv)
    backends = ["rust", "python"] if args.backend == "both" else [args.backend]
    functions = args.function or list(FUNCTIONS)
    port_calls = args.calls if args.port_calls is None else args.port_calls

    header = (
        f"{'backend':7s} {'function':32s} {'calls':>9s} {'errors':>9s} "
        f"{'fds before/after':>17s} {'RSS kB before/after':>21s} {'growth':>7s} {'s':>6s}"
    )
    print(header)
    print("-" * len(header))

    def show(r: Result) -> None:
        flag = "" if r.ok(args.max_rss_growth_kb) else "  <-- LEAK?"
        print(
            f"{r.backend:7s} {r.function:32s} {r.calls:>9,d} {r.errors:>9,d} "
            f"{r.fds_before:>8d}/{r.fds_after:<8d} {r.rss_before_kb:>10,d}/{r.rss_after_kb:<10,d}"
            f" {r.rss_growth_kb:>7,d} {r.seconds:>6.1f}{flag}",
            flush=True,
        )

    results = run(backends, functions, args.calls, port_calls, args.warmup, show)
    if args.json:
        rows = [asdict(r) | {"rss_growth_kb": r.rss_growth_kb} for r in results]
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    failed = [r for r in results if not r.ok(args.max_rss_growth_kb)]
    print(
        f"\n{len(results) - len(failed)}/{len(results)} passed (fds unchanged, RSS growth < "
        f"{args.max_rss_growth_kb:,d} kB)"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
