"""``sky-rs migrate``'s command line: files found and skipped, --diff/--check/in place, exit
statuses, messages, and each file's bytes kept (the codemod itself: ``test_migrate.py``)."""

from __future__ import annotations

import argparse
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sky_rs import _migrate

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
