"""``sky-rs migrate``: the libcst codemod (its command line: ``test_migrate_cli.py``).

Fixture pairs live in ``migrate_fixtures/<case>_input.py`` / ``<case>_expected.py`` and are
compared text for text. ``migrate_fixtures/unseen/`` holds realistic modules that have no
expected file: they are checked for properties (compiles, comments kept, only the contract's names
rewritten, idempotent).
"""

from __future__ import annotations

import ast
import io
import os
import tokenize
from collections import Counter
from pathlib import Path

import pytest
from sky_rs._domains import FUNCTIONS, REGISTRY
from sky_rs._migrate.cli import python_files
from sky_rs._migrate.targets import MIGRATED
from sky_rs._migrate.transform import migrate_source

FIXTURES = Path(__file__).parent / "migrate_fixtures"
CASES = sorted(p.name.removesuffix("_input.py") for p in FIXTURES.glob("*_input.py"))
UNSEEN = sorted((FIXTURES / "unseen").glob("*.py"))


def migrate(source: str) -> str:
    return migrate_source(source).code


def assert_sound(source: str, migrated: str) -> None:
    """Every migration result compiles and is a fixed point."""
    compile(migrated, "<migrated>", "exec", dont_inherit=True)
    assert migrate(migrated) == migrated, "a second run changed the output"


# --------------------------------------------------------------------------------------------
# The functions of the contract


def test_migrates_exactly_the_functions_of_the_contract() -> None:
    extras = {name for name, entry in REGISTRY.items() if entry.extra}
    assert extras == {"hash_files", "are_processes_alive"}  # sky-rs's own, not SkyPilot's
    assert set(MIGRATED) == set(FUNCTIONS) - extras


# --------------------------------------------------------------------------------------------
# Fixtures: exact text


def test_fixture_cases_are_present() -> None:
    assert len(CASES) >= 12
    for case in CASES:
        assert (FIXTURES / f"{case}_expected.py").exists(), case


@pytest.mark.parametrize("case", CASES)
def test_fixture(case: str) -> None:
    source = (FIXTURES / f"{case}_input.py").read_text(encoding="utf-8")
    expected = (FIXTURES / f"{case}_expected.py").read_text(encoding="utf-8")
    compile(source, f"{case}_input.py", "exec", dont_inherit=True)
    migrated = migrate(source)
    assert migrated == expected
    assert_sound(source, migrated)


@pytest.mark.parametrize(
    ("case", "counts"),
    [
        ("aliases", {"hash_file": 1, "format_float": 1, "get_max_workers_for_file_mounts": 1}),
        (
            "fstrings",
            {
                "truncate_long_string": 1,
                "get_cpu_count": 1,
                "format_float": 2,
                "get_mem_size_gb": 1,
            },
        ),
        ("shadowing", {"find_free_port": 1, "hash_file": 1}),
        ("untouched", {}),
    ],
)
def test_fixture_counts(case: str, counts: dict[str, int]) -> None:
    source = (FIXTURES / f"{case}_input.py").read_text(encoding="utf-8")
    assert dict(migrate_source(source).counts) == counts


# --------------------------------------------------------------------------------------------
# Smaller cases, one behaviour each


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "from sky.utils.common_utils import hash_file\n",
            "from sky_rs import hash_file\n",
            id="whole-import-renamed",
        ),
        pytest.param(
            "from sky.utils.common_utils import retry, hash_file  # noqa: F401\n",
            "from sky.utils.common_utils import retry  # noqa: F401\n"
            "from sky_rs import hash_file  # noqa: F401\n",
            id="pragma-copied-to-split-line",
        ),
        pytest.param(
            "from sky.utils.common_utils import retry, hash_file  # legacy helpers\n",
            "from sky.utils.common_utils import retry  # legacy helpers\n"
            "from sky_rs import hash_file\n",
            id="plain-comment-stays-put",
        ),
        pytest.param(
            "from sky.utils.common_utils import (retry, hash_file)\n",
            "from sky.utils.common_utils import (retry)\nfrom sky_rs import (hash_file)\n",
            id="one-line-parentheses",
        ),
        pytest.param(
            "from sky.utils.common_utils import (\n    hash_file as h,\n    retry)\n",
            "from sky.utils.common_utils import (\n    retry)\nfrom sky_rs import (\n"
            "    hash_file as h)\n",
            id="no-trailing-comma",
        ),
        pytest.param(
            "from sky.utils.common_utils import hash_file, \\\n    retry\n",
            "from sky.utils.common_utils import retry\nfrom sky_rs import hash_file\n",
            id="backslash-continuation",
        ),
        pytest.param(
            "import os; from sky.utils.common_utils import hash_file, retry; import sys\n",
            "import os; from sky.utils.common_utils import retry; from sky_rs import hash_file; "
            "import sys\n",
            id="semicolons",
        ),
        pytest.param(
            "if True: from sky.utils.common_utils import hash_file\n",
            "if True: from sky_rs import hash_file\n",
            id="statement-suite",
        ),
        pytest.param(
            "from sky.utils.subprocess_utils import is_process_alive, run\n"
            "from sky.utils.common_utils import estimate_fd_for_directory\n",
            "from sky.utils.subprocess_utils import run\nfrom sky_rs import is_process_alive\n"
            "from sky_rs import estimate_fd_for_directory\n",
            id="sky-rs-additions-from-either-module",
        ),
        pytest.param(
            "from sky.utils import common_utils\nx = common_utils.get_parallel_threads()\n",
            "from sky.utils import common_utils\nx = common_utils.get_parallel_threads()\n",
            id="function-from-the-wrong-module-left-alone",
        ),
        pytest.param(
            "from sky.utils import common_utils, subprocess_utils, ux_utils\n"
            "x = subprocess_utils.get_parallel_threads(), ux_utils, common_utils.retry\n",
            "from sky.utils import common_utils, ux_utils\nimport sky_rs\n"
            "x = sky_rs.get_parallel_threads(), ux_utils, common_utils.retry\n",
            id="one-module-of-several-removed",
        ),
        pytest.param(
            '"""Doc."""\nfrom sky.utils import common_utils\n# Process helpers.\n'
            "from sky.utils import subprocess_utils\n\n"
            "x = common_utils.hash_file(1), subprocess_utils.get_parallel_threads()\n",
            '"""Doc."""\nimport sky_rs\n# Process helpers.\n\n'
            "x = sky_rs.hash_file(1), sky_rs.get_parallel_threads()\n",
            id="removed-import-hands-its-comment-on",
        ),
        pytest.param(
            "import sky\nimport sky.utils.common_utils\n"
            "x = sky.utils.common_utils.hash_file(1)\nsky.check()\n",
            "import sky\nimport sky.utils.common_utils\nimport sky_rs\n"
            "x = sky_rs.hash_file(1)\nsky.check()\n",
            id="dotted-import-kept-while-sky-is-used",
        ),
        pytest.param(
            "from sky import utils\nx = utils.common_utils.format_float(1.0)\n",
            "import sky_rs\nx = sky_rs.format_float(1.0)\n",
            id="package-import",
        ),
        pytest.param(
            "sky_rs = 1\nfrom sky.utils import common_utils\nx = common_utils.hash_file(1)\n",
            "sky_rs = 1\nimport sky_rs as _sky_rs\nx = _sky_rs.hash_file(1)\n",
            id="name-sky_rs-taken",
        ),
        pytest.param(
            "import sky_rs.fallback as fb\nfrom sky.utils import common_utils\n"
            "x = common_utils.hash_file(1)\n",
            "import sky_rs\nimport sky_rs.fallback as fb\nx = sky_rs.hash_file(1)\n",
            id="submodule-alias-not-reused",
        ),
        pytest.param(
            "from sky.utils import common_utils\n__all__ = ['common_utils']\n"
            "x = common_utils.hash_file(1)\n",
            "from sky.utils import common_utils\nimport sky_rs\n__all__ = ['common_utils']\n"
            "x = sky_rs.hash_file(1)\n",
            id="re-exported-module-kept",
        ),
        pytest.param(
            "import sky_rs\n\ndef f():\n    from sky.utils import common_utils\n"
            "    # the helper\n    def inner():\n        return common_utils.hash_file(1)\n"
            "    return inner\n",
            "import sky_rs\n\ndef f():\n    # the helper\n    def inner():\n"
            "        return sky_rs.hash_file(1)\n    return inner\n",
            id="local-import-removed-module-sky_rs-reused",
        ),
        pytest.param(
            "from sky.utils import common_utils\n\nclass A:\n    common_utils = None\n\n"
            "    def m(self):\n        return common_utils.hash_file(1), "
            "self.common_utils.hash_file(2)\n",
            "import sky_rs\n\nclass A:\n    common_utils = None\n\n"
            "    def m(self):\n        return sky_rs.hash_file(1), "
            "self.common_utils.hash_file(2)\n",
            id="class-attribute-does-not-shadow-in-methods",
        ),
    ],
)
def test_case(source: str, expected: str) -> None:
    migrated = migrate(source)
    assert migrated == expected
    assert_sound(source, migrated)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("from sky.utils.common_utils import *\nhash_file(1)\n", id="star"),
        pytest.param(
            "from . import common_utils\nfrom .common_utils import hash_file\n"
            "x = common_utils.hash_file(1)\n",
            id="relative",
        ),
        pytest.param(
            "try:\n    from sky.utils import common_utils\nexcept ImportError:\n"
            "    common_utils = None\nx = common_utils.hash_file(1)\n",
            id="ambiguous-binding",
        ),
        pytest.param(
            "from sky.utils import common_utils\ndef f(common_utils):\n"
            "    return common_utils.hash_file(1)\n",
            id="parameter-shadows",
        ),
        pytest.param(
            "import os\n# common_utils.hash_file(x)\ns = 'common_utils.hash_file'\n", id="text"
        ),
        pytest.param("x = 1\n", id="unrelated"),
    ],
)
def test_left_alone(source: str) -> None:
    assert migrate(source) == source


def test_warnings_for_patches_that_no_longer_reach() -> None:
    source = (
        "from unittest import mock\n"
        "from sky.utils import common_utils\n"
        "with mock.patch.object(common_utils, 'hash_file'):\n"
        "    common_utils.hash_file(1)\n"
        "mock.patch('sky.utils.common_utils.get_cpu_count')\n"
    )
    result = migrate_source(source)
    assert "sky_rs.hash_file(1)" in result.code
    assert "mock.patch('sky.utils.common_utils.get_cpu_count')" in result.code
    assert len(result.warnings) == 2
    assert result.warnings[0].startswith("line 5: string 'sky.utils.common_utils.get_cpu_count'")
    assert result.warnings[1].startswith("line 3: `common_utils` is still used as an object")


# --------------------------------------------------------------------------------------------
# Unseen real-world-style modules: properties, not exact text


def _comments(source: str) -> Counter[str]:
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return Counter(t.string for t in tokens if t.type == tokenize.COMMENT)


_MODULE_PATHS = {"sky", "sky.utils", "sky.utils.common_utils", "sky.utils.subprocess_utils"}


def _module_bindings(tree: ast.Module) -> set[str]:
    """Names bound to SkyPilot's (sub)packages by imports: they may be replaced by sky_rs."""
    bound = {"sky", "sky_rs"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            bound |= {a.asname or a.name for a in node.names if a.name in _MODULE_PATHS}
        elif isinstance(node, ast.ImportFrom) and node.module in _MODULE_PATHS:
            bound |= {
                a.asname or a.name for a in node.names if f"{node.module}.{a.name}" in _MODULE_PATHS
            }
    return bound


def _shape(tree: ast.Module, modules: set[str]) -> tuple[Counter[str], Counter[str], Counter[str]]:
    """What must survive a migration: attribute names, other names, and imported names."""
    attributes: Counter[str] = Counter()
    names: Counter[str] = Counter()
    imported: Counter[str] = Counter()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr not in {
            "utils",
            "common_utils",
            "subprocess_utils",
        }:
            attributes[node.attr] += 1
        elif isinstance(node, ast.Name) and node.id not in modules:
            names[node.id] += 1
        elif isinstance(node, ast.ImportFrom) and node.module not in _MODULE_PATHS - {
            "sky.utils.common_utils",
            "sky.utils.subprocess_utils",
        }:
            imported.update(f"{a.name} as {a.asname}" for a in node.names)
    return attributes, names, imported


@pytest.mark.parametrize("path", UNSEEN, ids=[p.name for p in UNSEEN])
def test_unseen_module(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    result = migrate_source(source)
    migrated = result.code
    assert migrated != source
    assert_sound(source, migrated)

    # Comments survive (a pragma may be copied onto a split-off import, never lost).
    assert not _comments(source) - _comments(migrated)

    # Only the contract's names move to sky_rs, and everything else is where it was.
    before, after = ast.parse(source), ast.parse(migrated)
    modules = _module_bindings(before)
    assert _shape(before, modules) == _shape(after, modules)
    for node in ast.walk(after):
        if isinstance(node, ast.ImportFrom) and node.module == "sky_rs":
            assert {a.name for a in node.names} <= set(MIGRATED)
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "sky_rs"
        ):
            assert node.attr in MIGRATED
    assert set(result.counts) <= set(MIGRATED)
    assert sum(result.counts.values()) >= 4


def test_unseen_modules_present() -> None:
    assert len(UNSEEN) >= 3


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("SKY_RS_MIGRATE_CORPUS"),
    reason="set SKY_RS_MIGRATE_CORPUS to a source tree (e.g. an installed `sky` package)",
)
def test_real_corpus() -> None:
    """Every file of a real codebase: compiles, keeps its comments, and is a fixed point."""
    root = Path(os.environ["SKY_RS_MIGRATE_CORPUS"])
    changed = 0
    for path in python_files([root]):
        source = path.read_text(encoding="utf-8")
        migrated = migrate(source)
        if migrated != source:
            changed += 1
            assert_sound(source, migrated)
            assert not _comments(source) - _comments(migrated), path
    assert changed
