"""``sky-rs bench``: every function on both backends and against its floor, in one process.

For each case it times the pure-Python fallback (``sky_rs.fallback.<name>``), the Rust
function (``sky_rs.<name>``, when its domain is on Rust) and the floor: the wheel's no-op
PyO3 call with the same arguments plus the system calls the function cannot avoid, timed
alone inside Rust (see :mod:`sky_rs._bench.cases`). It prints a table with speed-ups
(Python / Rust) and distances (Rust / floor), and can write ``--json`` and ``--html``.

The top level stays light: the measuring modules are imported by :func:`run`.
"""

from __future__ import annotations

import argparse

from sky_rs._domains import FUNCTIONS

_GIL_FUNCTIONS = {"hash_file", "hash_files"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--quick",
        action="store_true",
        help="short run (under 30 s): 0.02 s x 3 repeats, smaller big files",
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help="benchmark only this function (all its cases); may be repeated",
    )
    parser.add_argument("--json", metavar="PATH", help="write machine-readable results")
    parser.add_argument("--html", metavar="PATH", help="write a self-contained page with a chart")
    parser.add_argument(
        "--gil",
        action="store_true",
        help="also measure GIL release (two threads hashing); on by default unless --only"
        " selects no hashing function",
    )


def run(args: argparse.Namespace) -> int:
    import sys

    selected = set(FUNCTIONS)
    if args.only:
        unknown = sorted(set(args.only) - selected)
        if unknown:
            print(
                f"sky-rs bench: unknown function {', '.join(map(repr, unknown))};"
                f" valid names: {', '.join(FUNCTIONS)}",
                file=sys.stderr,
            )
            return 2
        selected = set(args.only)
    from sky_rs._bench.main import bench

    return bench(
        selected,
        quick=args.quick,
        json_path=args.json,
        html_path=args.html,
        meta=not args.only or "format_float" in selected,
        gil=args.gil or not args.only or bool(selected & _GIL_FUNCTIONS),
        argv=_command_text(args),
    )


def _command_text(args: argparse.Namespace) -> str:
    """The command line these arguments mean, for the record."""
    import shlex

    words = ["sky-rs", "bench"]
    if args.quick:
        words.append("--quick")
    for name in args.only or ():
        words += ["--only", name]
    for flag in ("json", "html"):
        if getattr(args, flag):
            words += [f"--{flag}", getattr(args, flag)]
    if args.gil:
        words.append("--gil")
    return shlex.join(words)
