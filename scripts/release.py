#!/usr/bin/env python3
"""Bump one package's version, check the meta-package still admits it, print its tag.

    uv run python scripts/release.py sky-rs-io patch      # 0.1.0 -> 0.1.1
    uv run python scripts/release.py sky-rs-io minor      # 0.1.0 -> 0.2.0
    uv run python scripts/release.py sky-rs 0.2.0         # an explicit version
    uv run python scripts/release.py sky-rs-io patch --dry-run

Where a version lives:
- sky-rs-<domain>: ``packages/sky-rs-<domain>/Cargo.toml`` (maturin reads it: dynamic version);
- sky-rs: ``packages/sky-rs/pyproject.toml`` and ``__version__`` in ``sky_rs/__init__.py``.

It also adds a heading for the new version to the package's CHANGELOG.md, records a crate's new
version in Cargo.lock, and reminds you to run ``uv lock``. Versions and ranges are read with
``packaging`` (in the dev venv: ``uv run python scripts/release.py ...``).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # the dev tools (pytest) bring tomli before 3.11
    import tomli as tomllib
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ROOT / "packages"
META = "sky-rs"
DOMAIN_PACKAGES = ("sky-rs-io", "sky-rs-string", "sky-rs-system", "sky-rs-process")


def version_file(package: str) -> Path:
    if package == META:
        return PACKAGES / META / "pyproject.toml"
    return PACKAGES / package / "Cargo.toml"


def read_version(package: str) -> str:
    data = tomllib.loads(version_file(package).read_text())
    section = data["project"] if package == META else data["package"]
    return str(section["version"])


def bump(version: str, part: str) -> str:
    """``version`` bumped by ``part`` (major, minor, patch), or ``part`` itself as a version."""
    try:
        current = Version(version)
    except InvalidVersion:
        raise SystemExit(f"error: {version!r} is not a version") from None
    major, minor, patch = (*current.release, 0, 0)[:3]
    steps = {
        "major": f"{major + 1}.0.0",
        "minor": f"{major}.{minor + 1}.0",
        "patch": f"{major}.{minor}.{patch + 1}",
    }
    if part in steps:
        return steps[part]
    try:
        return str(Version(part))
    except InvalidVersion:
        raise SystemExit(f"error: {part!r} is neither major/minor/patch nor a version") from None


def meta_range(package: str) -> SpecifierSet:
    """The version range the meta-package's extra declares for ``package``."""
    data = tomllib.loads((PACKAGES / META / "pyproject.toml").read_text())
    for requirements in data["project"]["optional-dependencies"].values():
        for text in requirements:
            requirement = Requirement(text)
            if canonicalize_name(requirement.name) == canonicalize_name(package):
                return requirement.specifier
    raise SystemExit(f"error: the meta-package declares no range for {package}")


def admits(specifiers: SpecifierSet, version: str) -> bool:
    return specifiers.contains(Version(version), prereleases=True)


def write_version(package: str, old: str, new: str) -> list[Path]:
    path = version_file(package)
    text = path.read_text()
    pattern = re.compile(rf'^version = "{re.escape(old)}"$', re.MULTILINE)
    updated, count = pattern.subn(f'version = "{new}"', text, count=1)
    if count != 1:
        raise SystemExit(f"error: no 'version = \"{old}\"' line in {path}")
    path.write_text(updated)
    changed = [path]
    if package == META:
        init = PACKAGES / META / "src" / "sky_rs" / "__init__.py"
        init_text = init.read_text()
        new_init = init_text.replace(f'__version__ = "{old}"', f'__version__ = "{new}"')
        if new_init == init_text:
            raise SystemExit(f"error: no __version__ = {old!r} in {init}")
        init.write_text(new_init)
        changed.append(init)
    changelog = PACKAGES / package / "CHANGELOG.md"
    lines = changelog.read_text().splitlines(keepends=True)
    heading = f"\n## {new} (unreleased)\n- \n"
    lines.insert(1, heading)
    changelog.write_text("".join(lines))
    changed.append(changelog)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("package", choices=(META, *DOMAIN_PACKAGES))
    parser.add_argument("part", help="major, minor, patch, or an explicit X.Y.Z version")
    parser.add_argument(
        "--dry-run", action="store_true", help="print what would happen, change nothing"
    )
    args = parser.parse_args(argv)

    old = read_version(args.package)
    new = bump(old, args.part)
    print(f"{args.package}: {old} -> {new}")
    if args.package != META:
        specifiers = meta_range(args.package)
        shown = str(specifiers)
        if admits(specifiers, new):
            print(f"ok: sky-rs admits {args.package} {new} ({args.package}{shown})")
        else:
            print(
                f"warning: sky-rs requires {args.package}{shown}, which excludes {new}; "
                "widen the range in packages/sky-rs/pyproject.toml and release sky-rs too"
            )
    if args.dry_run:
        print("dry run: nothing changed")
    else:
        for path in write_version(args.package, old, new):
            print(f"updated {path.relative_to(ROOT)}")
        if args.package != META:
            # Record the crate's new version in Cargo.lock (workspace members only, offline).
            subprocess.run(["cargo", "update", "--workspace", "--offline"], cwd=ROOT, check=True)
            print("updated Cargo.lock")
        print("next: fill in the CHANGELOG entry, run `uv lock`, commit, then tag:")
    print(f"{args.package}-v{new}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
