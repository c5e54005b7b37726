"""The ``sky-rs migrate`` command line: ``add_arguments(parser)`` and ``run(args)``.

libcst finds the files (``libcst.codemod.gather_files``) and runs the codemod on each
(``libcst.codemod.transform_module``). Ours: which directories are skipped, the tree-wide scan
before any file changes, ``--check``, the messages, the summary, and keeping each file's bytes
(encoding, BOM, newlines, permissions) when it is written back, atomically.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import importlib.util
import io
import os
import sys
import tempfile
import tokenize
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sky_rs._migrate.targets import MIGRATED, mentions_targets
from sky_rs._migrate.tree import Context, scan

_INSTALL_HINT = 'sky-rs migrate needs libcst: pip install "sky-rs[cli]"'

INSTALL_INSTEAD = (
    "note: calls migrated to sky_rs bypass mock.patch of SkyPilot's functions; if your tests "
    "mock them,\nuse sky_rs.install() instead of migrating: it accelerates SkyPilot in place "
    "and such patches keep working."
)

EPILOG = """\
Rewrites, for the functions of SkyPilot that sky-rs provides (other names are left alone):
  from sky.utils.common_utils import hash_file, x   ->  from sky.utils.common_utils import x
                                                      from sky_rs import hash_file
  common_utils.hash_file(...)                       ->  sky_rs.hash_file(...)
                                                      (and `import sky_rs`, once)
Local names that merely look alike (a parameter called common_utils, your own hash_file) are
left alone. Patches that migrated calls no longer see (mock.patch("sky.utils.common_utils.
hash_file"), mock.patch.object(common_utils, "hash_file"), any dotted string that reaches such a
function through the tree's imports) are reported as warnings with file and line; an import
that a dotted string anywhere in the tree walks through is never removed. If your tests mock
SkyPilot's functions, use sky_rs.install() instead. Continuation lines aligned to a rewritten
call's parenthesis are re-aligned, and `import sky_rs` goes in sorted position. Directories are
walked for *.py files, skipping .git, virtualenvs, site-packages, node_modules, __pycache__,
.tox and build directories. --check and --diff can be combined.

the functions of SkyPilot that sky-rs provides:
{functions}

exit status:
  0  success (with --check: nothing would change)
  1  --check found files that would change, or some files could not be read or parsed
     (they are reported on stderr and left untouched)
  2  usage error: a path does not exist, or libcst is not installed
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    import textwrap

    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    functions = textwrap.fill(
        ", ".join(MIGRATED), width=80, initial_indent="  ", subsequent_indent="  "
    )
    parser.epilog = EPILOG.format(functions=functions)
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or directories to migrate")
    parser.add_argument(
        "--diff", action="store_true", help="print a unified diff instead of writing files"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if any file would change (for CI)",
    )


@dataclass
class _Summary:
    scanned: int = 0
    changed: list[Path] = field(default_factory=list)
    failed: int = 0
    warnings: int = 0
    counts: Counter[str] = field(default_factory=Counter)


def run(args: argparse.Namespace) -> int:
    if importlib.util.find_spec("libcst") is None:
        print(_INSTALL_HINT, file=sys.stderr)
        return 2
    from libcst import ParserSyntaxError

    paths = [Path(p) for p in args.paths]
    missing = [p for p in paths if not p.exists()]
    if missing:
        for path in missing:
            print(f"sky-rs migrate: error: {path}: no such file or directory", file=sys.stderr)
        return 2

    write = not (args.diff or args.check)
    summary = _Summary()
    files = python_files(paths)
    tree = scan(files)  # every dotted string and module import, before any file changes
    for path in files:
        summary.scanned += 1
        try:
            result = migrate_file(path, tree.context(path))
        except ParserSyntaxError as exc:
            reason = exc.message.removeprefix("parser error: ")
            _report_failure(summary, path, f"cannot parse: {reason}")
            continue
        except (OSError, SyntaxError, ValueError, UnicodeError, LookupError) as exc:
            _report_failure(summary, path, str(exc))
            continue
        summary.warnings += len(result.warnings)
        for warning in result.warnings:
            print(f"warning: {path}: {warning}", file=sys.stderr)
        if result.new == result.old:
            continue
        summary.changed.append(path)
        summary.counts.update(result.counts)
        if args.diff:
            sys.stdout.write(diff(path, result.old, result.new, result.encoding))
        if write:
            try:
                write_atomically(path, result.new)
            except OSError as exc:
                summary.changed.pop()
                _report_failure(summary, path, f"cannot write: {exc}")
                continue
        print(f"{'migrated' if write else 'would migrate'} {path}", file=sys.stderr)
    _print_summary(summary, write=write)
    if summary.failed or (args.check and summary.changed):
        return 1
    return 0


def _report_failure(summary: _Summary, path: Path, reason: str) -> None:
    summary.failed += 1
    print(f"error: {path}: {reason}; skipped", file=sys.stderr)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _print_summary(summary: _Summary, *, write: bool) -> None:
    verb = "changed" if write else "would change"
    parts = [
        f"{_plural(summary.scanned, 'file')} scanned",
        f"{_plural(len(summary.changed), 'file')} {verb}",
    ]
    if summary.failed:
        parts.append(f"{_plural(summary.failed, 'file')} skipped (errors above)")
    if summary.warnings:
        parts.append(f"{_plural(summary.warnings, 'warning')} (above)")
    lines = [", ".join(parts)]
    for function in MIGRATED:
        if summary.counts[function]:
            lines.append(f"  {function:<34}{summary.counts[function]:>5}")
    if summary.changed or summary.warnings:
        lines.append(INSTALL_INSTEAD)
    print("\n".join(lines), file=sys.stderr)


SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "__pycache__",
        "node_modules",
        "site-packages",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        "build",
        "dist",
        ".eggs",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
    }
)


def python_files(paths: Sequence[Path]) -> list[Path]:
    """``paths`` themselves, and the ``*.py`` files under directories, skipping environments.

    ``libcst.codemod.gather_files`` walks each directory; the environments and caches right
    under it are left out before it does (a ``.venv`` or ``node_modules`` can hold many
    thousands of files), and deeper ones are dropped from what it finds.
    """
    from libcst.codemod import gather_files

    seen: set[Path] = set()
    out: list[Path] = []
    skipped: dict[Path, bool] = {}
    for path in paths:
        found = [path]
        if path.is_dir():
            tops = [str(p) for p in sorted(path.iterdir()) if not _skipped(p, skipped)]
            found = [
                Path(name)
                for name in gather_files(tops)
                if name.endswith(".py") and not _inside_skipped(path, Path(name), skipped)
            ]
        for candidate in found:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                out.append(candidate)
    return out


def _inside_skipped(root: Path, path: Path, cache: dict[Path, bool]) -> bool:
    """Is ``path`` inside an environment, cache or build directory below ``root``?"""
    return any(_skipped(root / d, cache) for d in path.relative_to(root).parents if d.parts)


def _skipped(directory: Path, cache: dict[Path, bool]) -> bool:
    if directory not in cache:
        name = directory.name
        cache[directory] = directory.is_dir() and (
            name in SKIPPED_DIRS
            or name.endswith(".egg-info")
            or (directory / "pyvenv.cfg").exists()
        )
    return cache[directory]


@dataclass
class FileMigration:
    """One file before and after; encoding, BOM and newlines are preserved."""

    old: bytes
    new: bytes
    encoding: str = "utf-8"
    counts: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)


def migrate_file(path: Path, context: Context | None = None) -> FileMigration:
    """Migrate one file in memory (nothing is written).

    Raises ``OSError``, ``libcst.ParserSyntaxError``, or ``ValueError`` if the result would not
    parse (a bug guard: such a file is reported and left alone).
    """
    from libcst.codemod import CodemodContext

    from sky_rs._migrate.transform import MigrateCommand, run

    data = path.read_bytes()
    if not mentions_targets(data) and not (context is not None and context.force):
        return FileMigration(data, data)
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    command = MigrateCommand(CodemodContext(filename=str(path)), context)
    code, warnings = run(command, data.decode(encoding))
    new = code.encode(encoding)
    if new != data and not _parses(new) and _parses(data):
        raise ValueError("the migrated code would not parse (a sky-rs bug); left unchanged")
    return FileMigration(data, new, encoding, command.counts, warnings)


def _parses(source: bytes) -> bool:
    """Does this interpreter parse ``source``? (libcst accepts newer grammar than it may.)"""
    try:
        ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    return True


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` atomically, keeping its permissions (and writing through symlinks)."""
    target = Path(os.path.realpath(path))
    mode = target.stat().st_mode
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode & 0o7777)
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise


def diff(path: Path, old: bytes, new: bytes, encoding: str) -> str:
    return "".join(
        difflib.unified_diff(
            old.decode(encoding).splitlines(keepends=True),
            new.decode(encoding).splitlines(keepends=True),
            fromfile=f"{path}\t(original)",
            tofile=f"{path}\t(migrated)",
        )
    )
