"""The private benchmark floor ``sky_rs_floor`` (bench/floor), and the published wheels without it.

``sky_rs_floor`` is built into the dev venv by ``uv sync`` (the ``bench`` dependency group) and
never published; the four wheels hold the API only.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any

import pytest
from sky_rs._domains import DOMAINS

from tests.support.backends import rust_module


def floor_module() -> Any:
    try:
        return importlib.import_module("sky_rs_floor")
    except ImportError as exc:
        pytest.fail(f"sky_rs_floor is not importable ({exc}); run `uv sync`", pytrace=False)


@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_wheels_hold_only_the_api(domain: str) -> None:
    """No benchmark scaffolding in a published extension module."""
    names = dir(rust_module(domain)) + dir(importlib.import_module(f"sky_rs_{domain}._core"))
    assert not [n for n in names if n in ("_floor", "_noop") or "floor" in n.lower()], names


@pytest.mark.devbuild
def test_every_kind_is_timed(tmp_path: Path) -> None:
    floor = floor_module()
    directory = tmp_path / "d"
    directory.mkdir()
    for i in range(5):
        (directory / f"f{i}").write_text("x\n" * 100)
    file = directory / "f0"
    me = os.getpid()
    args: dict[str, Any] = {
        "read_tail": (str(file), 100),
        "read_all": file,
        "bind": 0,
        "hash_memory": ("sha256", 4096),
        "py_strings": ["a line\n", "another"],
        "py_str": "a result",
        "sched_getaffinity": None,
        "sysconf_nprocessors_onln": None,
        "sysinfo": None,
        "stat": str(directory),
        "read": str(tmp_path / "missing"),  # a missing cgroup file is an answer, and counts
        "getrlimit_nofile": None,
        "listdir": str(directory),
        "kill": [me, 1, 2**31 - 1],
        "tgkill": me,
        "open_path": f"/proc/{me}/status",
    }
    assert sorted(floor.KINDS) == sorted(args)
    for kind in floor.KINDS:
        assert floor.floor(kind, args[kind], 3) > 0, kind
    assert floor.floor("kill", me, 1) > 0


@pytest.mark.devbuild
def test_unknown_kind_lists_the_kinds() -> None:
    floor = floor_module()
    with pytest.raises(ValueError, match="unknown floor kind") as info:
        floor.floor("nope", None, 1)
    assert all(repr(kind) in str(info.value) for kind in floor.KINDS)


@pytest.mark.devbuild
def test_failed_open_names_the_path(tmp_path: Path) -> None:
    floor = floor_module()
    missing = str(tmp_path / "missing")
    for kind, arg in (("listdir", missing), ("read_all", missing), ("read_tail", (missing, 8))):
        with pytest.raises(FileNotFoundError) as info:
            floor.floor(kind, arg, 1)
        assert info.value.filename == missing, kind


@pytest.mark.devbuild
def test_noop_takes_anything() -> None:
    floor = floor_module()
    assert floor.noop() is None
    assert floor.noop(1, "two", three=3) is None
