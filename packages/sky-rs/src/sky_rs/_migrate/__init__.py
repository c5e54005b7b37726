"""``sky-rs migrate``: move a codebase from SkyPilot's utils onto ``sky_rs``.

The rewrite runs on libcst's concrete syntax tree, so formatting and comments survive, and on its
scope analysis, so a local ``common_utils`` or ``hash_file`` that is not SkyPilot's is left alone.

- ``targets``: what is migrated, derived from the registry ``sky_rs._domains``.
- ``scope``: scope analysis (which uses name SkyPilot's functions; which imports go unused).
- ``transform`` (with ``importlist`` and ``layout``): the codemod, a ``libcst.codemod`` command.
- ``cli``: the command line; libcst gathers the files and runs the codemod on each.

Only ``scope``, ``importlist`` and ``transform`` import libcst, and ``cli.run`` imports them
lazily: ``sky-rs doctor`` and ``sky-rs --help`` import this package only to build the parser.
"""

from __future__ import annotations

from sky_rs._migrate.cli import add_arguments, run

__all__ = ["add_arguments", "run"]
