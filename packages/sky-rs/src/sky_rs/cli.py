"""The ``sky-rs`` command line: ``doctor``, ``bench`` and ``migrate``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sky-rs", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("doctor", help="show each domain's backend and self-check it")
    args = parser.parse_args(argv)
    if args.command == "doctor":
        from sky_rs import get_backend_info

        print(get_backend_info())
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
