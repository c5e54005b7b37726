"""Fixtures of the system tests: no override in the environment, and fake trees mounted."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Callable

import pytest

from tests.support.fake_roots import FakeRoots
from tests.support.trees import (
    BYTES_ENV,
    CPU_ENV,
    GB_ENV,
    MEMTOTAL_KB,
    Content,
    Mount,
    Mounted,
    write_files,
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (CPU_ENV, GB_ENV, BYTES_ENV):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def mount(backend: str, fake_roots: FakeRoots) -> Mount:
    """``mount(cgroup, proc)``: the backend under test with those trees in place (``None``:
    the real one)."""

    def build(cgroup: Path | None, proc: Path | None = None) -> Mounted:
        return Mounted(fake_roots, backend, cgroup, proc)

    return build


@pytest.fixture
def tree(tmp_path: Path, mount: Mount) -> Callable[..., Mounted]:
    """``tree(files, v2=...)`` builds a cgroup tree (files relative to its root) and a proc
    tree with a MemTotal of 8,000,000 kB, and gives the backend under test on them."""

    def build(files: Mapping[str, Content], v2: bool) -> Mounted:
        cgroup = tmp_path / "cgroup"
        proc = tmp_path / "proc"
        cgroup.mkdir()
        proc.mkdir()
        (proc / "meminfo").write_text(f"MemTotal:       {MEMTOTAL_KB} kB\nMemFree:  1 kB\n")
        if v2:
            (cgroup / "cgroup.controllers").write_text("cpu io memory pids\n")
        write_files(cgroup, files)
        return mount(cgroup, proc)

    return build
