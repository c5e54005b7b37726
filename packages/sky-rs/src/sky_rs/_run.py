"""``sky-rs run -- CMD ARGS...``: run a command with SkyPilot accelerated in every Python process.

Like ``opentelemetry-instrument`` and ``ddtrace-run``: set the environment, then replace this
process with the command (``os.execvp``), so signals, exit status and the pid are the command's.
``SKY_RS_INSTALL=1`` makes the ``.pth`` file of the ``sky-rs`` wheel run ``sky_rs.install()`` in
each Python process the command starts, its children included, when that process first imports
SkyPilot, in any environment where ``sky-rs`` is installed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys

ENV_VAR = "SKY_RS_INSTALL"
EXIT_CANNOT_EXECUTE = 126
EXIT_NOT_FOUND = 127


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.usage = "sky-rs run [-h] -- COMMAND [ARGS ...]"
    parser.add_argument(
        "command_line",
        nargs=argparse.REMAINDER,
        metavar="COMMAND [ARGS ...]",
        help="the command to run, after `--`, e.g. `sky-rs run -- sky api start`",
    )
    parser.set_defaults(_parser=parser)


def run(args: argparse.Namespace) -> int:
    command = list(args.command_line)
    if command[:1] == ["--"]:
        command = command[1:]
    if not command:
        args._parser.error("a command to run is required, e.g. `sky-rs run -- sky api start`")
    executable = shutil.which(command[0])
    if executable is None and os.sep in command[0] and os.path.exists(command[0]):
        print(f"sky-rs run: cannot execute {command[0]}: not an executable file", file=sys.stderr)
        return EXIT_CANNOT_EXECUTE
    if executable is None:
        print(f"sky-rs run: command not found: {command[0]}", file=sys.stderr)
        return EXIT_NOT_FOUND
    os.environ[ENV_VAR] = "1"
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execv(executable, command)
    except OSError as exc:
        print(f"sky-rs run: cannot execute {command[0]}: {exc.strerror}", file=sys.stderr)
        return EXIT_CANNOT_EXECUTE
    raise AssertionError("unreachable: os.execv returns only by raising")
