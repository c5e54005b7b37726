"""Where no Rust wheel is published, ``sky-rs[all]`` is the meta-package alone, and says so.

The resolution itself (``sky-rs[all]`` from ``dist/`` for macOS, Windows and Linux) is proven by
``scripts/check_platforms.py`` after the release build; here: the extras' markers agree with
``WHEEL_PLATFORMS``, and ``get_backend_info()`` gives the platform as the reason.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sky_rs._domains import DOMAINS, WHEEL_PLATFORMS, no_wheel_reason

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "packages" / "sky-rs" / "pyproject.toml"


def _extras() -> dict[str, list[str]]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # 3.9 and 3.10 have no tomllib; pytest depends on tomli there
        import tomli as tomllib
    data = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    extras: dict[str, list[str]] = data["project"]["optional-dependencies"]
    return extras


def test_each_domain_extra_carries_the_marker_of_wheel_platforms() -> None:
    machines = " or ".join(f"platform_machine == '{m}'" for m in WHEEL_PLATFORMS["linux"])
    marker = f"sys_platform == 'linux' and ({machines})"
    assert list(WHEEL_PLATFORMS) == ["linux"]  # the marker below spells this one platform
    extras = _extras()
    for domain in DOMAINS.values():
        (requirement,) = extras[domain.name]
        name, _, written = requirement.partition(";")
        assert re.match(rf"{domain.package}>=", name), requirement
        assert written.strip() == marker, domain.name
    assert extras["all"] == [f"sky-rs[{','.join(DOMAINS)}]"]


@pytest.mark.parametrize(
    ("platform", "machine", "reason"),
    [
        ("linux", "x86_64", None),
        ("linux", "aarch64", None),
        ("linux", None, None),
        ("linux", "riscv64", "no sky-rs wheel for linux riscv64; pure Python"),
        ("darwin", "arm64", "no sky-rs wheel for darwin; pure Python"),
        ("win32", None, "no sky-rs wheel for win32; pure Python"),
    ],
)
def test_no_wheel_reason(platform: str, machine: str | None, reason: str | None) -> None:
    assert no_wheel_reason(platform, machine) == reason


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_backend_info_names_the_platform_not_a_pip_command(platform: str) -> None:
    """As on a Mac with ``sky-rs[all]``: no wheel is importable, and the reason says why.

    ``sky_rs`` and its fallback are imported on the real platform (the standard library picks
    its own modules by ``sys.platform``); the platform is changed before each domain is bound,
    which happens on first use (``sky_rs._load``, what ``get_backend_info()`` reports)."""
    blocked = "; ".join(f"sys.modules[{d.module!r}] = None" for d in DOMAINS.values())
    code = (
        f"import json, sys; import sky_rs, sky_rs.fallback; sys.platform = {platform!r};"
        f" {blocked}; print(json.dumps({{d: sky_rs._load(d) for d in {list(DOMAINS)!r}}}))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    domains = json.loads(proc.stdout)
    assert set(domains) == set(DOMAINS)
    for entry in domains.values():
        assert entry["backend"] == "python"
        assert entry["reason"] == f"no sky-rs wheel for {platform}; pure Python"
        assert "pip install" not in entry["reason"]
