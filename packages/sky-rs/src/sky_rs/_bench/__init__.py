"""``sky-rs bench``: every function on both backends and against its floor, in one process.

For each case it times the pure-Python fallback (``sky_rs.fallback.<name>``), the Rust
function (``sky_rs.<name>``, when its domain is on Rust) and the floor: a no-op PyO3 call
with the same arguments plus the system calls the function cannot avoid, timed alone inside
Rust by the dev-only ``sky_rs_floor`` extension (see :mod:`sky_rs._bench.cases`). It prints
a table with speed-ups (Python / Rust) and distances (Rust / floor), and can write
``--json`` and ``--html``. It needs ``rich`` (the ``cli`` extra) for its table and progress.

The top level stays light: the measuring modules are imported by :func:`run`, after the
arguments (output paths included) are checked.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys

from sky_rs._domains import FUNCTIONS

_GIL_FUNCTIONS = {"hash_file", "hash_files"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--quick",
        action="store_true",
        help="short run (about 30 s on an idle machine): 0.02 s x 3 repeats, fewer hash sizes",
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help="benchmark only this function (all its cases); may be repeated",
    )
    parser.add_argument(
        "--wide",
        action="store_true",
        help="every column, however wide the table (by default optional columns are left out"
        " to fit the terminal's width, or COLUMNS)",
    )
    parser.add_argument("--json", metavar="PATH", help="write machine-readable results")
    parser.add_argument("--html", metavar="PATH", help="write a self-contained page with a chart")
    parser.add_argument(
        "--target",
        type=float,
        metavar="X",
        help="draw a target speed-up of X (e.g. 6.5) on the --html chart, and record it in --json",
    )
    parser.add_argument(
        "--gil",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="measure GIL release (two threads hashing); default: on, unless --only selects"
        " no hashing function",
    )


def output_problem(path: str) -> str | None:
    """Why ``path`` cannot be written as an output file, or None if it can."""
    parent = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        return "is a directory"
    if not os.path.isdir(parent):
        return f"directory {parent} does not exist"
    if os.path.exists(path) and not os.access(path, os.W_OK):
        return "is not writable"
    if not os.path.exists(path) and not os.access(parent, os.W_OK | os.X_OK):
        return f"directory {parent} is not writable"
    return None


def _error(message: str) -> int:
    print(f"sky-rs bench: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    selected = set(FUNCTIONS)
    if args.only:
        unknown = sorted(set(args.only) - selected)
        if unknown:
            return _error(
                f"unknown function {', '.join(map(repr, unknown))};"
                f" valid names: {', '.join(FUNCTIONS)}"
            )
        selected = set(args.only)
    if args.target is not None and not args.target > 0:
        return _error(f"--target {args.target:g}: must be a positive speed-up")
    for flag in ("json", "html"):
        path = getattr(args, flag)
        problem = path is not None and output_problem(path)
        if problem:
            return _error(f"--{flag} {path}: {problem}")
    try:
        import rich  # noqa: F401
    except ImportError:
        return _error('needs rich for its table and progress: pip install "sky-rs[cli]"')
    from sky_rs._bench.main import bench

    return bench(
        selected,
        quick=args.quick,
        json_path=args.json,
        html_path=args.html,
        wide=args.wide,
        target=args.target,
        meta=not args.only or "format_float" in selected,
        gil=args.gil if args.gil is not None else not args.only or bool(selected & _GIL_FUNCTIONS),
        argv=shlex.join(["sky-rs", *args.argv]),
    )
