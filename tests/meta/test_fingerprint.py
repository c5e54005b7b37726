"""The fingerprints of SkyPilot's functions (``sky_rs._fingerprint``) and the verified table.

These read SkyPilot's release wheels as zip files from the cache that
``scripts/skypilot_fingerprints.py --download`` fills (``scripts/test.sh`` runs it first), so they
need neither the network nor SkyPilot installed, and run on every interpreter of the matrix:
the table's values must come out the same on each.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest
from _sky_rs_skypilot import DIFFERING, FILES, RELEASES, SPEC_RELEASE, VERIFIED
from sky_rs import _fingerprint, _source_scan
from sky_rs._domains import SKYPILOT_HOMES

from tests.support.backends import load_script

NAMES = [n for names in SKYPILOT_HOMES.values() for n in names]


script = load_script("skypilot_fingerprints")


def wheel(release: str) -> Path:
    try:
        return script.wheel(release, download=False)  # type: ignore[no-any-return]
    except FileNotFoundError as exc:
        pytest.fail(f"{exc}: run python scripts/skypilot_fingerprints.py --download", pytrace=False)


def test_the_table_covers_every_accelerated_name_and_release() -> None:
    assert list(VERIFIED) == NAMES
    assert RELEASES == script.RELEASES and SPEC_RELEASE == script.SPEC_RELEASE
    for name, prints in VERIFIED.items():
        assert len(prints) == 1  # only the code of SPEC_RELEASE is verified
        (releases,) = prints.values()
        assert SPEC_RELEASE in releases.split()
        elsewhere = [r for p in DIFFERING.get(name, {}).values() for r in p.split()]
        assert sorted(releases.split() + elsewhere) == sorted(RELEASES)


def test_the_spec_release_gives_the_table_on_this_interpreter() -> None:
    """The stability check: run on 3.9, 3.11, 3.13, 3.14 and 3.15 by the matrix."""
    found = script.fingerprints(wheel(SPEC_RELEASE))
    assert found == {name: next(iter(VERIFIED[name])) for name in NAMES}, sys.version


EXPECTED_KEPT = {"0.10.5": ["find_free_port"]}
"""Per release, the names whose code differs from the verified code (all others: patched)."""


@pytest.mark.parametrize("release", RELEASES)
def test_each_release_gives_its_expected_patch_list(release: str) -> None:
    found = script.fingerprints(wheel(release))
    patched = [n for n in NAMES if found[n] in VERIFIED[n]]
    kept = EXPECTED_KEPT.get(release, [])
    assert patched == [n for n in NAMES if n not in kept]
    for name in kept:
        assert release in DIFFERING[name][found[name]].split()


def test_the_table_is_what_the_script_writes() -> None:
    prints = {release: script.read(wheel(release)) for release in RELEASES}
    assert script.render(prints) == script.current()


def test_the_quick_file_check_agrees_with_the_fingerprint() -> None:
    """Byte-identical files are known without parsing; a release's own files give its answer."""
    for release in RELEASES:
        found = script.tree(wheel(release))
        for name in NAMES:
            quick = found.known(FILES[name])
            assert (quick is not None) == (release not in EXPECTED_KEPT or name != "find_free_port")
            if quick is not None:
                assert release in quick.split()


@pytest.mark.parametrize("release", [RELEASES[0], SPEC_RELEASE])
def test_the_quick_split_finds_the_bindings_a_full_parse_finds(
    release: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The split at column-0 lines agrees with parsing the whole module, on all of SkyPilot."""

    def doubt(self: object) -> None:
        raise _source_scan._Doubt

    with zipfile.ZipFile(wheel(release)) as archive:
        sources = {
            path: archive.read(path).decode()
            for path in archive.namelist()
            if path.startswith("sky/") and path.endswith(".py")
        }
    quick = {
        path: _starts(_source_scan._Module(path, text, False)) for path, text in sources.items()
    }
    monkeypatch.setattr(_source_scan._Module, "_quick_bindings", doubt)
    exact = {
        path: _starts(_source_scan._Module(path, text, False)) for path, text in sources.items()
    }
    assert len(quick) > 400
    assert quick == exact


def _starts(module: _source_scan._Module) -> dict[str, list[int]]:
    return {name: [b.line for b in found] for name, found in module.bindings.items()}


SOURCE = '''
"""A module."""
import os
from typing import Optional

LIMIT = 4  # a comment


def helper(x: Optional[int] = None) -> int:
    """Docstring."""
    return LIMIT if x is None else x


def f(n):
    # a comment that changes nothing
    return helper(n) + os.cpu_count()


def other():
    return 1
'''


def fingerprint_of(source: str, name: str = "f") -> str:
    files = {"pkg/__init__.py": b"", "pkg/mod.py": source.encode()}
    return _fingerprint.from_files(files.get).of("pkg.mod", name)


@pytest.mark.parametrize(
    ("change", "same"),
    [
        (("# a comment that changes nothing", "# another comment"), True),
        (('"""Docstring."""', '"""Another docstring."""'), True),
        (
            (
                "return helper(n) + os.cpu_count()",
                "return helper(\n        n) + os.cpu_count(\n    )",
            ),
            True,
        ),
        (("def other():\n    return 1", "def other():\n    return 2"), True),
        (("LIMIT = 4", "LIMIT = 5"), False),
        (("return LIMIT if", "return LIMIT + 0 if"), False),
        (("import os", "import posix as os"), False),
        (("return helper(n)", "return helper(n + 1)"), False),
    ],
)
def test_comments_docstrings_layout_and_unused_code_do_not_count(
    change: tuple[str, str], same: bool
) -> None:
    old, new = change
    assert SOURCE.count(old) == 1
    changed = SOURCE.replace(old, new)
    assert (fingerprint_of(changed) == fingerprint_of(SOURCE)) is same


def test_a_missing_source_is_unreadable() -> None:
    with pytest.raises(_fingerprint.Unreadable):
        _fingerprint.from_files({"pkg/__init__.py": b""}.get).of("pkg.mod", "f")
