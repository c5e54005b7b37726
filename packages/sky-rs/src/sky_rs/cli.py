"""The ``sky-rs`` command line: ``doctor``, ``bench``, ``migrate`` and ``run``.

Each subcommand lives in its own module with ``add_arguments(parser)`` and ``run(args) -> int``;
adding one is one row in ``_COMMANDS``. Those modules keep their top level light: heavy imports
(libcst, rich) happen inside ``run``. Bare ``sky-rs`` prints the help and exits 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

_COMMANDS = {
    "doctor": ("sky_rs._doctor", "show each domain's backend and self-check Rust against Python"),
    "bench": ("sky_rs._bench", "benchmark every function on both backends, with the floor"),
    "migrate": (
        "sky_rs._migrate",
        "rewrite imports of SkyPilot's utils to sky_rs (libcst codemod)",
    ),
    "run": ("sky_rs._run", "run a command with SKY_RS_INSTALL=1: SkyPilot accelerated in it"),
}


def main(argv: Sequence[str] | None = None) -> int:
    from sky_rs import __version__

    parser = argparse.ArgumentParser(
        prog="sky-rs", description="Fast, drop-in Rust versions of SkyPilot's hot utilities."
    )
    parser.add_argument("--version", action="version", version=f"sky-rs {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = {}
    for name, (module_name, help_text) in _COMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        module = importlib.import_module(module_name)
        module.add_arguments(sub_parser)
        modules[name] = module
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)  # for the record (bench --json)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    result: int = modules[args.command].run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
