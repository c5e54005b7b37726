"""``scripts/release.py``: versions and the meta-package's ranges, read with ``packaging``."""

from __future__ import annotations

from types import ModuleType

import pytest

from tests.support.backends import load_script


def _release() -> ModuleType:
    return load_script("release")


def test_bump() -> None:
    release = _release()
    assert release.bump("0.1.9", "patch") == "0.1.10"
    assert release.bump("0.1.9", "minor") == "0.2.0"
    assert release.bump("0.1.9", "major") == "1.0.0"
    assert release.bump("1.2", "patch") == "1.2.1"
    assert release.bump("0.1.0", "0.3.0rc1") == "0.3.0rc1"
    with pytest.raises(SystemExit, match="neither major/minor/patch"):
        release.bump("0.1.0", "sideways")


def test_the_meta_range_is_read_through_its_marker() -> None:
    release = _release()
    for package in release.DOMAIN_PACKAGES:
        specifiers = release.meta_range(package)
        current = release.read_version(package)
        assert release.admits(specifiers, current), (package, str(specifiers))
        assert not release.admits(specifiers, release.bump(current, "major"))
