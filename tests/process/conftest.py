"""Fixtures of the process tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.sizing import SIZES


@pytest.fixture(scope="module")
def dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """Directories holding exactly n entries (files, a subdirectory, a hidden file)."""
    base = tmp_path_factory.mktemp("fd")
    out = {}
    for n in SIZES:
        d = base / f"d{n}"
        d.mkdir()
        for i in range(n):
            if i == 0:
                (d / "sub").mkdir()
            elif i == 1:
                (d / ".hidden").touch()
            else:
                (d / f"f{i}").touch()
        out[n] = d
    return out
