"""``sky-rs migrate``: the libcst codemod and its command line.

Fixture pairs live in ``migrate_fixtures/<case>_input.py`` / ``<case>_expected.py`` and are
compared text for text. ``migrate_fixtures/unseen/`` holds realistic modules that have no
expected file: they are checked for properties (compiles, comments kept, only the contract's names
rewritten, idempotent).
"""

from __future__ import annotations

import argparse
import ast
import io
import os
import stat
import subprocess
import sys
import tokenize
from collections import Counter
from pathlib import Path

import pytest
from sky_rs import _migrate
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


# --------------------------------------------------------------------------------------------
# Laziness and the missing-libcst message


def test_module_import_does_not_import_libcst() -> None:
    code = "import sys, sky_rs._migrate; assert 'libcst' not in sys.modules, 'libcst imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_missing_libcst(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "libcst", None)
    assert run_cli(str(tmp_path)) == 2
    assert 'pip install "sky-rs[cli]"' in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# Command line


def run_cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="sky-rs migrate")
    _migrate.add_arguments(parser)
    return _migrate.run(parser.parse_args(list(argv)))


LEGACY = (
    "import os\n"
    "from sky.utils import common_utils  # helpers\n"
    "\n"
    "\n"
    "def key(path):\n"
    "    return common_utils.hash_file(path, 'md5').hexdigest(), common_utils.retry\n"
)
MIGRATED_LEGACY = (
    "import os\n"
    "from sky.utils import common_utils  # helpers\n"
    "import sky_rs\n"
    "\n"
    "\n"
    "def key(path):\n"
    "    return sky_rs.hash_file(path, 'md5').hexdigest(), common_utils.retry\n"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small tree with files to migrate and places that must be skipped."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text(LEGACY)
    (tmp_path / "pkg" / "b.py").write_text(
        "from sky.utils.subprocess_utils import get_parallel_threads, run\n"
    )
    (tmp_path / "pkg" / "clean.py").write_text("import os\n")
    (tmp_path / "pkg" / "notes.txt").write_text(LEGACY)
    for skipped in (".venv/lib", ".git", "__pycache__", "node_modules", "build", "x/site-packages"):
        (tmp_path / skipped).mkdir(parents=True)
        (tmp_path / skipped / "skipme.py").write_text(LEGACY)
    (tmp_path / "env").mkdir()
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr\n")
    (tmp_path / "env" / "skipme.py").write_text(LEGACY)
    return tmp_path


def test_cli_writes_and_summarises(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(str(project)) == 0
    assert (project / "pkg" / "a.py").read_text() == MIGRATED_LEGACY
    assert (project / "pkg" / "b.py").read_text() == (
        "from sky.utils.subprocess_utils import run\nfrom sky_rs import get_parallel_threads\n"
    )
    assert (project / "pkg" / "notes.txt").read_text() == LEGACY
    for skipped in project.rglob("skipme.py"):
        assert skipped.read_text() == LEGACY, skipped
    err = capsys.readouterr().err
    assert f"migrated {project / 'pkg' / 'a.py'}" in err
    assert "3 files scanned, 2 files changed" in err
    assert [line.split() for line in err.splitlines() if line.startswith("  ")] == [
        ["hash_file", "1"],
        ["get_parallel_threads", "1"],
    ]
    # Idempotent on disk as well.
    assert run_cli("--check", str(project)) == 0
    assert "3 files scanned, 0 files would change" in capsys.readouterr().err


def test_cli_diff_writes_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("--diff", str(project / "pkg" / "a.py")) == 0
    assert (project / "pkg" / "a.py").read_text() == LEGACY
    captured = capsys.readouterr()
    path = project / "pkg" / "a.py"
    assert captured.out.splitlines() == [
        f"--- {path}\t(original)",
        f"+++ {path}\t(migrated)",
        "@@ -1,6 +1,7 @@",
        " import os",
        " from sky.utils import common_utils  # helpers",
        "+import sky_rs",
        " ",
        " ",
        " def key(path):",
        "-    return common_utils.hash_file(path, 'md5').hexdigest(), common_utils.retry",
        "+    return sky_rs.hash_file(path, 'md5').hexdigest(), common_utils.retry",
    ]
    assert "1 file scanned, 1 file would change" in captured.err


def test_cli_check(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("--check", str(project)) == 1
    assert (project / "pkg" / "a.py").read_text() == LEGACY
    err = capsys.readouterr().err
    assert f"would migrate {project / 'pkg' / 'a.py'}" in err
    assert "2 files would change" in err
    assert run_cli("--check", str(project / "pkg" / "clean.py")) == 0
    assert run_cli("--check", "--diff", str(project / "pkg" / "b.py")) == 1
    assert "+from sky_rs import get_parallel_threads" in capsys.readouterr().out


def test_cli_unparsable_file_skipped(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = project / "pkg" / "broken.py"
    text = "from sky.utils import common_utils\nprint common_utils.hash_file('x')\n"
    broken.write_text(text)
    assert run_cli(str(project / "pkg")) == 1
    assert broken.read_text() == text
    assert (project / "pkg" / "a.py").read_text() == MIGRATED_LEGACY
    err = capsys.readouterr().err
    assert f"error: {broken}: cannot parse:" in err
    assert "1 file skipped" in err


def test_cli_unreadable_encoding_skipped(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    odd = project / "pkg" / "odd.py"
    data = b"# -*- coding: no-such-codec -*-\n" + LEGACY.encode()
    odd.write_bytes(data)
    assert run_cli(str(project / "pkg")) == 1
    assert odd.read_bytes() == data
    assert f"error: {odd}: unknown encoding: no-such-codec; skipped" in capsys.readouterr().err


def test_cli_missing_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(str(tmp_path / "nope")) == 2
    assert "no such file or directory" in capsys.readouterr().err


def test_cli_explicit_file_in_skipped_dir(project: Path) -> None:
    target = project / ".venv" / "lib" / "skipme.py"
    assert run_cli(str(target)) == 0
    assert target.read_text() == MIGRATED_LEGACY


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("crlf.py", LEGACY.replace("\n", "\r\n").encode()),
        ("bom.py", b"\xef\xbb\xbf" + LEGACY.encode()),
        (
            "latin1.py",
            b"# -*- coding: latin-1 -*-\n" + LEGACY.encode() + b"S = '\xe9t\xe9'  # caf\xe9\n",
        ),
    ],
)
def test_cli_keeps_bytes_conventions(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    path.chmod(0o754)
    assert run_cli(str(path)) == 0
    new = path.read_bytes()
    expected = data.replace(b"common_utils.hash_file", b"sky_rs.hash_file")
    newline = b"\r\n" if b"\r\n" in data else b"\n"
    expected = expected.replace(
        b"# helpers" + newline, b"# helpers" + newline + b"import sky_rs" + newline
    )
    assert new == expected
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o754


def test_cli_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "test_x.py"
    path.write_text("import mock\nmock.patch('sky.utils.subprocess_utils.get_parallel_threads')\n")
    assert run_cli(str(path)) == 0
    err = capsys.readouterr().err
    assert f"warning: {path}: line 2: string" in err
    assert "0 files changed, 1 warning" in err


def test_help_documents_exit_status() -> None:
    parser = argparse.ArgumentParser(prog="sky-rs migrate")
    _migrate.add_arguments(parser)
    text = parser.format_help()
    assert "exit status:" in text
    assert "--check" in text and "--diff" in text
    assert "get_max_workers_for_file_mounts" in text


def test_entry_point(project: Path) -> None:
    """Through the real ``sky-rs`` dispatcher, as CI would run it."""
    command = [sys.executable, "-m", "sky_rs.cli", "migrate", "--check", str(project / "pkg")]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 1, result.stderr
    assert "would change" in result.stderr
    assert (project / "pkg" / "a.py").read_text() == LEGACY


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
