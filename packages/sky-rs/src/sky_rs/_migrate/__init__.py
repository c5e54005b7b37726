"""``sky-rs migrate``: move a codebase from SkyPilot's utils onto ``sky_rs``.

The rewrite runs on libcst's concrete syntax tree, so formatting and comments survive, and on its
scope analysis, so a local ``common_utils`` or ``hash_file`` that is not SkyPilot's is left alone.

- ``targets``: what is migrated, derived from the registry ``sky_rs._domains``.
- ``scope``: scope analysis (which uses name SkyPilot's functions; which imports go unused).
- ``transform``: the codemod, a ``libcst.codemod`` command; libcst's ``RemoveImportsVisitor``
  trims import lists. ``layout`` holds what libcst does not do: continuation lines re-aligned,
  and ``import sky_rs`` in isort's place (``AddImportsVisitor`` appends it to the first import
  block, and only at module level).
- ``cli``: the command line; ``libcst.codemod.gather_files`` finds the files and
  ``libcst.codemod.transform_module`` runs the codemod on each.

Only ``scope``, ``layout`` and ``transform`` import libcst, and ``cli`` imports libcst only inside
its functions: ``sky-rs doctor`` and ``sky-rs --help`` import this package only to build the
parser.
"""

from __future__ import annotations

from sky_rs._migrate.cli import add_arguments, run

__all__ = ["add_arguments", "run"]
