#!/usr/bin/env python3
"""Prove what ``pip install "sky-rs[all]"`` gets on each platform, from ``dist/``, without one.

uv resolves ``sky-rs[all]`` against ``dist/`` alone (``--no-index --find-links dist``) for
another platform (``--python-platform``, which also sets the environment markers), with
``--only-binary :all:`` so that any attempt to use an sdist fails the resolution:

- Linux x86_64 and aarch64 (manylinux_2_17): all five packages, every one a wheel;
- macOS arm64, macOS x86_64, Windows x86_64: the meta-package alone.

Each platform is resolved for the oldest and the newest CPython we support. Run after
``scripts/check_install.py`` has built ``dist/``:

    python3 scripts/check_platforms.py
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = Path(os.environ.get("SKY_RS_DIST", ROOT / "dist"))
# sky_rs needs the top-level modules of its wheel's purelib (_sky_rs_skypilot) too.
sys.path[:0] = [str(ROOT / "packages" / "sky-rs" / part) for part in ("src", "purelib")]
from sky_rs._domains import DOMAINS, WHEEL_PLATFORMS  # noqa: E402

ALL = {"sky-rs", *(d.package for d in DOMAINS.values())}
META = {"sky-rs"}
PYTHONS = ("3.9", "3.14")
TARGETS = (
    # (what a user has, uv's --python-platform, sys.platform, machine)
    ("Linux x86_64", "x86_64-manylinux_2_17", "linux", "x86_64"),
    ("Linux aarch64", "aarch64-manylinux_2_17", "linux", "aarch64"),
    ("macOS arm64", "aarch64-apple-darwin", "darwin", "arm64"),
    ("macOS x86_64", "x86_64-apple-darwin", "darwin", "x86_64"),
    ("Windows x86_64", "x86_64-pc-windows-msvc", "win32", "AMD64"),
)


def expected(platform: str, machine: str) -> set[str]:
    return ALL if machine in WHEEL_PLATFORMS.get(platform, ()) else META


def resolve(python_platform: str, python: str) -> set[str]:
    """The distributions uv picks for ``sky-rs[all]`` there, from ``dist/`` only, wheels only."""
    proc = subprocess.run(
        ["uv", "pip", "compile", "-", "--no-index", "--find-links", str(DIST),
         "--python-platform", python_platform, "--python-version", python,
         "--only-binary", ":all:", "--no-header", "--no-annotate", "--quiet",
         "--no-cache"],
        input="sky-rs[all]\n", capture_output=True, text=True, check=False, cwd=DIST,
    )  # fmt: skip
    if proc.returncode != 0:
        raise SystemExit(
            f"check_platforms: resolving sky-rs[all] for {python_platform} (CPython {python})"
            f" failed:\n{proc.stderr}"
        )
    names = set()
    for line in proc.stdout.splitlines():
        match = re.match(r"^([A-Za-z0-9._-]+)==", line.strip())
        if match:
            names.add(match.group(1).lower().replace("_", "-"))
    return names


def main() -> int:
    if not any(DIST.glob("sky_rs-*.whl")):
        print("check_platforms: dist/ holds no sky-rs wheel: run scripts/check_install.py first")
        return 1
    failed = 0
    print(f"{'platform':<16} {'CPython':<8} resolved from dist/ (wheels only)")
    for name, python_platform, platform, machine in TARGETS:
        want = expected(platform, machine)
        for python in PYTHONS:
            got = resolve(python_platform, python)
            ok = got == want
            failed += not ok
            verdict = "ok" if ok else f"FAILED: expected {', '.join(sorted(want))}"
            print(f"{name:<16} {python:<8} {', '.join(sorted(got))}  {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
