"""Smoke tests of ``sky-rs bench``: the structure of its output, never its timings."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sky_rs._bench.cases import tail_bytes
from sky_rs._bench.report import HEADLINE_FUNCTIONS, fmt_ns, fmt_ratio
from sky_rs._domains import FUNCTIONS
from sky_rs.cli import main

from tests.conftest import rust_module

RECORD_KEYS = {
    "function",
    "case",
    "headline",
    "python_ns",
    "rust_ns",
    "floor_ns",
    "speedup",
    "distance",
    "ceiling",
    "python",
    "rust",
    "floor_components",
    "floor_status",
    "rust_status",
}
TIMING_KEYS = {"min_ns", "median_ns", "repeats", "loops", "method", "samples_ns"}


def _positive_or_none(value: object) -> bool:
    return value is None or (isinstance(value, (int, float)) and value > 0)


def test_only_runs_the_named_functions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--quick", "--only", "format_float", "--only", "is_process_alive"]) == 0
    out = capsys.readouterr().out
    assert "format_float" in out
    assert "is_process_alive" in out
    assert "read_last_n_lines" not in out
    assert "Headline cases (2 of 2 functions)" in out
    assert "Meta-package" in out


def test_unknown_function_lists_the_valid_names(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--only", "no_such_function"]) == 2
    err = capsys.readouterr().err
    assert "no_such_function" in err
    assert all(name in err for name in FUNCTIONS)


def test_quick_run_writes_json_and_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    json_path, html_path = tmp_path / "bench.json", tmp_path / "bench.html"
    assert main(["bench", "--quick", "--json", str(json_path), "--html", str(html_path)]) == 0
    out = capsys.readouterr().out
    assert "speed-up" in out
    assert "Rust slower than Python:" in out
    assert "from the floor:" in out

    document = json.loads(json_path.read_text())
    assert document["mode"] == "quick"
    assert {"cpu_model", "cores_logical", "python_version"} <= document["machine"].keys()
    assert set(document["backends"]["domains"]) == {"io", "string", "system", "process"}
    records = document["records"]
    assert {r["function"] for r in records} == set(FUNCTIONS)
    assert sorted(r["function"] for r in records if r["headline"]) == sorted(HEADLINE_FUNCTIONS)
    for record in records:
        assert record.keys() >= RECORD_KEYS, record["function"]
        assert record["python_ns"] > 0
        assert record["python"].keys() >= TIMING_KEYS
        assert record["python"]["repeats"] >= 1
        assert record["python"]["loops"] >= 1
        for key in ("rust_ns", "floor_ns", "speedup", "distance", "ceiling"):
            assert _positive_or_none(record[key]), (record["function"], key)
        if record["rust"] is not None:
            assert record["rust"].keys() >= TIMING_KEYS
        for component in record["floor_components"]:
            assert {"name", "ns", "source"} <= component.keys()
            assert _positive_or_none(component["ns"])
    summary = document["summary"]
    assert summary["headline"]["expected"] == len(HEADLINE_FUNCTIONS)
    assert {"slower_than_python", "far_from_floor", "all"} <= summary.keys()
    assert document["meta_overhead"]["function"] == "format_float"
    assert document["gil_release"]["backends"]

    html = html_path.read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert "<svg" in html
    assert "<table" in html
    assert "<script" not in html
    assert not re.search(r"https?://", html)


def test_tail_bytes_covers_the_last_lines() -> None:
    data = b"one\ntwo\nthree\nfour\n"
    assert data[-tail_bytes(data, 1) :] == b"\nfour\n"
    assert data[-tail_bytes(data, 2) :] == b"\nthree\nfour\n"


def test_formatting() -> None:
    assert fmt_ns(None) == "n/a"
    assert fmt_ns(95.25) == "95.2 ns"
    assert fmt_ns(1234.0) == "1.23 µs"
    assert fmt_ns(2.5e9) == "2.50 s"
    assert fmt_ratio(12.34) == "12.3x"
    assert fmt_ratio(0.5) == "0.50x"


def test_io_floor_kinds(tmp_path: Path) -> None:
    """The io wheel's hidden ``_floor`` times each kind the bench uses."""
    io = rust_module("io")
    data = tmp_path / "data.bin"
    data.write_bytes(b"line\n" * 1000)
    for kind, arg in (
        ("read_tail", (str(data), 100)),
        ("read_all", str(data)),
        ("bind", 0),
        ("hash_memory", ("sha256", 4096)),
        ("hash_memory", ("MD5", 4096)),
        ("py_strings", ["a\n", "b"]),
    ):
        assert io._floor(kind, arg, 3) > 0, kind
    with pytest.raises(ValueError, match="unknown floor kind"):
        io._floor("nope", None, 1)
    with pytest.raises(FileNotFoundError):
        io._floor("read_all", str(tmp_path / "missing"), 1)


def test_system_floor_kinds(tmp_path: Path) -> None:
    """The system wheel's hidden ``_floor``: a missing cgroup file is an answer, not an error."""
    system = rust_module("system")
    for kind, arg in (
        ("sched_getaffinity", None),
        ("sysconf_nprocessors_onln", None),
        ("sysinfo", None),
        ("stat", str(tmp_path / "cgroup.controllers")),
        ("read", str(tmp_path / "cpu.max")),
        ("read", "/proc/self/status"),
    ):
        assert system._floor(kind, arg, 3) > 0, kind
    with pytest.raises(ValueError, match="unknown floor kind"):
        system._floor("nope", None, 1)
