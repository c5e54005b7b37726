"""Finding, reading and writing the files to migrate (libcst only inside ``migrate_file``)."""

from __future__ import annotations

import ast
import difflib
import os
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sky_rs._migrate.targets import mentions_targets
from sky_rs._migrate.tree import Context

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


def iter_python_files(paths: Sequence[Path]) -> Iterator[Path]:
    """``paths`` themselves, and the ``*.py`` files under directories, skipping environments."""
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            candidates: Iterator[Path] = _walk(path)
        else:
            candidates = iter([path])
        for candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                yield candidate


def _walk(root: Path) -> Iterator[Path]:
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not _skipped(Path(directory, d)))
        for filename in sorted(filenames):
            if filename.endswith(".py"):
                yield Path(directory, filename)


def _skipped(directory: Path) -> bool:
    name = directory.name
    return name in SKIPPED_DIRS or name.endswith(".egg-info") or (directory / "pyvenv.cfg").exists()


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
    from sky_rs._migrate.transform import migrate_bytes

    data = path.read_bytes()
    if not mentions_targets(data) and not (context is not None and context.force):
        return FileMigration(data, data)
    new, encoding, counts, warnings = migrate_bytes(data, context)
    if new != data and not _parses(new) and _parses(data):
        raise ValueError("the migrated code would not parse (a sky-rs bug); left unchanged")
    return FileMigration(data, new, encoding, counts, warnings)


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
