"""``sky-rs migrate`` over a whole tree keeps the tree's own tests working.

``migrate_fixtures/skypilot_like/`` reproduces what migrate met in SkyPilot 0.14.1: a test that
patches ``sky.utils.subprocess_utils.common_utils.get_cpu_count``, continuation lines aligned to
a rewritten call's parenthesis, and isort/Google import sections. It is migrated in a copy and
compared with ``migrate_fixtures/skypilot_like_expected/``; ``migrate_tree_check`` then checks,
independently of the codemod, that every dotted string still leads where it did.
"""

from __future__ import annotations

import argparse
import os
import py_compile
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sky_rs import _migrate
from sky_rs._migrate.cli import python_files
from sky_rs._migrate.transform import migrate_source

from tests.support.migrate_tree_check import broken, checked

FIXTURES = Path(__file__).parent / "migrate_fixtures"
TREE = FIXTURES / "skypilot_like"
EXPECTED = FIXTURES / "skypilot_like_expected"
PATCHES = "tests/test_subprocess_utils.py"


def run_cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="sky-rs migrate")
    _migrate.add_arguments(parser)
    return _migrate.run(parser.parse_args(list(argv)))


def _files(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*.py"))
        if "__pycache__" not in p.parts
    }


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(TREE, tmp_path / "tree")
    return tmp_path / "tree"


def test_tree_migration(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _files(tree)
    assert run_cli(str(tree)) == 0
    err = capsys.readouterr().err
    after = _files(tree)

    # The exact text: kept import, re-aligned continuation lines, `import sky_rs` where isort
    # (Google profile, `sky` first-party) puts it.
    assert after == _files(EXPECTED)
    changed = [name for name in after if after[name] != before[name]]
    assert changed == [
        "sky/server/config.py",
        "sky/utils/subprocess_utils.py",
        "tests/test_subprocess_utils.py",
    ]
    for name in changed:
        py_compile.compile(str(tree / name), doraise=True)
    assert "from sky.utils import common_utils\n" in after["sky/utils/subprocess_utils.py"]

    # No dotted string in the tree is broken.
    assert checked(TREE) == 3
    assert broken(TREE, tree) == []

    # A warning with file and line for every patch the rewrite bypasses.
    warned = re.findall(r"^warning: (.*?): line (\d+): ", err, re.MULTILINE)
    assert sorted((Path(f).relative_to(tree).as_posix(), int(n)) for f, n in warned) == [
        (PATCHES, 9),  # mock.patch('sky.utils.subprocess_utils.common_utils.get_cpu_count')
        (PATCHES, 14),  # mock.patch('sky.utils.common_utils.get_cpu_count')
        (PATCHES, 20),  # mock.patch.object(common_utils, 'get_mem_size_gb')
        (PATCHES, 22),  # monkeypatch.setattr(subprocess_utils.common_utils, 'hash_file', ...)
        (PATCHES, 23),  # monkeypatch.setattr('sky.utils.common_utils.format_float', ...)
    ]
    assert "5 warnings" in err
    assert "sky_rs.install()" in err

    # A second run changes nothing.
    assert run_cli("--check", str(tree)) == 0
    assert _files(tree) == after


def test_checker_sees_what_per_file_migration_breaks(tmp_path: Path) -> None:
    """Without the tree's dotted strings, the import they walk through is removed: caught."""
    shutil.copytree(TREE, tmp_path / "tree")
    for path in python_files([tmp_path / "tree"]):
        path.write_text(migrate_source(path.read_text(encoding="utf-8")).code, encoding="utf-8")
    problems = broken(TREE, tmp_path / "tree")
    assert problems == [
        f"{PATCHES}:9: 'sky.utils.subprocess_utils.common_utils.get_cpu_count'",
    ]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "import sky.utils.common_utils as cu\nx = cu.hash_file(a,\n                 b)\n",
            "import sky_rs\nx = sky_rs.hash_file(a,\n                     b)\n",
            id="callee-grows",
        ),
        pytest.param(
            "from sky.utils import common_utils\n"
            "x = f(common_utils.format_float(a,\n"
            "                                b), [1,\n"
            "                                     2],\n"
            "      c)\n",
            "import sky_rs\n"
            "x = f(sky_rs.format_float(a,\n"
            "                          b), [1,\n"
            "                               2],\n"
            "      c)\n",
            id="nested-and-following-lines",
        ),
        pytest.param(
            "from sky.utils import common_utils\n"
            "x = common_utils.hash_file(a,  # why\n"
            "                           # more\n"
            "                           '''a\n"
            "  b''', c)\n",
            "import sky_rs\n"
            "x = sky_rs.hash_file(a,  # why\n"
            "                     # more\n"
            "                     '''a\n"
            "  b''', c)\n",
            id="comments-moved-strings-not",
        ),
        pytest.param(
            "import os\nimport zlib\nfrom sky.utils import common_utils, ux_utils\n"
            "x = common_utils.hash_file(os, ux_utils)\n",
            "import os\nimport sky_rs\nimport zlib\nfrom sky.utils import ux_utils\n"
            "x = sky_rs.hash_file(os, ux_utils)\n",
            id="isort-default-order-plain-imports-first",
        ),
        pytest.param(
            "import zlib\nimport os\nfrom sky.utils import common_utils, ux_utils\n"
            "x = common_utils.hash_file(os, ux_utils)\n",
            "import zlib\nimport os\nfrom sky.utils import ux_utils\nimport sky_rs\n"
            "x = sky_rs.hash_file(os, ux_utils)\n",
            id="unsorted-group-end-of-group",
        ),
    ],
)
def test_layout(source: str, expected: str) -> None:
    migrated = migrate_source(source).code
    assert migrated == expected
    assert migrate_source(migrated).code == migrated


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("SKY_RS_MIGRATE_CORPUS"),
    reason="set SKY_RS_MIGRATE_CORPUS to a source tree (e.g. SkyPilot's `sky` package)",
)
def test_real_corpus_tree(tmp_path: Path) -> None:
    """A real tree through the CLI: compiles, no dotted string broken, a second run is a no-op."""
    root = Path(os.environ["SKY_RS_MIGRATE_CORPUS"])
    ignore = shutil.ignore_patterns("__pycache__")
    before, after = tmp_path / "before", tmp_path / "after"
    shutil.copytree(root, before / root.name, ignore=ignore)
    shutil.copytree(root, after / root.name, ignore=ignore)
    assert run_cli(str(after / root.name)) == 0
    old, new = _files(before), _files(after)
    changed = [name for name in new if new[name] != old[name]]
    assert changed
    for name in changed:
        py_compile.compile(str(after / name), doraise=True)
    assert broken(before, after) == []
    assert run_cli("--check", str(after / root.name)) == 0


def test_only_the_transform_imports_libcst() -> None:
    """The command line, targets and tree modules load without libcst."""
    code = (
        "import sys\n"
        "import sky_rs._migrate.cli, sky_rs._migrate.targets\n"
        "import sky_rs._migrate.tree\n"
        "assert 'libcst' not in sys.modules, 'libcst imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
