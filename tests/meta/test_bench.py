"""Tests of ``sky-rs bench``: the structure of its output and its rules, never its timings.

One quick run in a subprocess (piped, ``COLUMNS=100``) backs the checks of what a user sees;
smaller runs in-process check the summaries, the floor rules and the optional parts.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import sky_rs
from sky_rs._bench import runner as runner_module
from sky_rs._bench import skypilot as skypilot_module
from sky_rs._bench.cases import Case, FloorPart, human_bytes, inputs, tail_bytes
from sky_rs._bench.main import build_cases
from sky_rs._bench.record import Record
from sky_rs._bench.report import HEADLINE_FUNCTIONS, load_warning, table
from sky_rs._bench.runner import Runner
from sky_rs._bench.timing import Settings, Timing, fmt_ns, fmt_ratio
from sky_rs._domains import CONTRACT, DOMAINS, FUNCTIONS, SKYPILOT_HOMES
from sky_rs.cli import main

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
    "floor_note",
    "rust_status",
    "syscalls_per_call",
}
TIMING_KEYS = {"min_ns", "median_ns", "repeats", "loops", "method", "samples_ns"}
TINY = Settings(quick=True, target_s=0.001, repeats=1, wall_runs=1)


def sky_rs_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``sky-rs ARGS`` in a fresh process, stdout and stderr piped (so not terminals)."""
    return subprocess.run(
        [sys.executable, "-m", "sky_rs.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    tmp = tmp_path_factory.mktemp("bench")
    json_path, html_path = tmp / "bench.json", tmp / "bench.html"
    proc = sky_rs_cli(
        "bench",
        "--quick",
        "--json",
        str(json_path),
        "--html",
        str(html_path),
        "--target",
        "6.5",
        COLUMNS="100",
    )
    assert proc.returncode == 0, proc.stderr
    return SimpleNamespace(
        out=proc.stdout,
        err=proc.stderr,
        document=json.loads(json_path.read_text()),
        html=html_path.read_text(),
    )


def test_piped_quick_run_has_no_escape_codes(quick_run: SimpleNamespace) -> None:
    assert "\x1b" not in quick_run.out
    assert "\x1b" not in quick_run.err
    assert "\r" not in quick_run.err


def test_piped_progress_is_a_plain_line_per_case(quick_run: SimpleNamespace) -> None:
    progress = [line for line in quick_run.err.splitlines() if line.startswith("bench [")]
    assert len(progress) >= len(quick_run.document["records"])
    assert re.fullmatch(r"bench \[ *1/\d+\] read_last_n_lines .*", progress[0])


def test_every_function_name_in_full_at_100_columns(quick_run: SimpleNamespace) -> None:
    lines = quick_run.out.splitlines()
    # The table: after the heading line (not wrapped when piped), up to the explanation.
    table_lines = lines[1 : lines.index(next(x for x in lines if x.startswith("Times per")))]
    for name in FUNCTIONS:
        assert any(re.search(rf"(^|\s){name}(\s|$)", line) for line in table_lines), name
    assert max(len(line.rstrip()) for line in table_lines) <= 100


def test_quick_run_json(quick_run: SimpleNamespace) -> None:
    document = quick_run.document
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
        for key in ("rust_ns", "floor_ns", "speedup", "distance", "ceiling"):
            value = record[key]
            assert value is None or value > 0, (record["function"], key)
        # A floor is a lower bound: a distance under 1 is never reported.
        assert record["distance"] is None or record["distance"] >= 1
        for component in record["floor_components"]:
            assert {"name", "ns", "source"} <= component.keys()
    summary = document["summary"]
    assert summary["headline"]["expected"] == len(HEADLINE_FUNCTIONS)
    assert {"slower_than_python", "far_from_floor", "all", "floors_corrected"} <= summary.keys()
    assert document["meta_overhead"]["function"] == "format_float"
    assert document["gil_release"]["backends"]


def words(text: str) -> str:
    """``text`` with its line breaks and runs of spaces as one space: the summary lines wrap
    at word boundaries to the width."""
    return " ".join(text.split())


def test_quick_run_summary(quick_run: SimpleNamespace) -> None:
    out = words(quick_run.out)
    assert "speed-up" in out
    total = len(HEADLINE_FUNCTIONS)
    assert f"Headline cases (one case each of {total} of the {total} functions" in out
    assert "Rust slower than Python:" in out
    assert re.search(rf"All cases \(\d+ cases of {len(FUNCTIONS)} functions; Rust on \d+\)", out)
    assert "µs" in out
    assert not re.search(r"\b1000 ns\b", out)


def test_quick_run_html(quick_run: SimpleNamespace) -> None:
    html = quick_run.html
    assert html.startswith("<!DOCTYPE html>")
    assert "<svg" in html
    assert "<table" in html
    assert "<script" not in html
    assert not re.search(r"https?://", html)
    assert 'class="legend' in html
    assert "target 6.5x" in html and "the target 6.5x given by --target" in html
    assert re.search(r"mean \d+\.\d\dx</text>", html)
    assert "limit 2x" in html and "twice what no implementation could avoid" in html
    assert "★ read_last_n_lines" in html


def test_output_paths_are_checked_before_measuring(tmp_path: Path) -> None:
    for args in (["--html", "/nonexistent/x.html"], ["--json", str(tmp_path)]):
        proc = sky_rs_cli("bench", "--quick", *args)
        assert proc.returncode == 2, proc
        assert proc.stdout == ""
        assert len(proc.stderr.splitlines()) == 1, proc.stderr
        assert "Traceback" not in proc.stderr
        assert proc.stderr.startswith(f"sky-rs bench: {args[0]} {args[1]}: ")


def test_version_and_bare_command() -> None:
    version = sky_rs_cli("--version")
    assert version.returncode == 0
    assert version.stdout.strip() == f"sky-rs {sky_rs.__version__}"
    bare = sky_rs_cli()
    assert bare.returncode == 2
    assert bare.stderr.startswith("usage: sky-rs")
    assert all(command in bare.stderr for command in ("doctor", "bench", "migrate"))


def test_only_runs_the_named_functions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--quick", "--only", "format_float", "--only", "is_process_alive"]) == 0
    out = words(capsys.readouterr().out)
    assert "format_float" in out
    assert "is_process_alive" in out
    assert "read_last_n_lines" not in out
    assert f"Headline cases (one case each of 2 of the {len(CONTRACT)} functions; Rust on 2)" in out
    assert "Meta-package" in out
    assert "GIL release" not in out  # --gil defaults to off without a hashing function


def test_only_an_extra_function_says_what_was_measured(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["bench", "--quick", "--only", "hash_files", "--no-gil"]) == 0
    out = words(capsys.readouterr().out)
    assert "0 of 0" not in out
    assert "Headline cases: none selected" in out
    assert "All cases (1 case of 1 function; Rust on 1)" in out
    assert "GIL release" not in out


def test_unknown_function_lists_the_valid_names(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--only", "no_such_function"]) == 2
    err = capsys.readouterr().err
    assert "no_such_function" in err
    assert all(name in err for name in FUNCTIONS)


def test_without_rich_one_line_with_the_install_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "rich", None)
    assert main(["bench", "--quick", "--only", "format_float"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert 'pip install "sky-rs[cli]"' in err


def test_without_the_floor_extension_the_bench_runs_and_says_why(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "sky_rs_floor", None)
    assert main(["bench", "--quick", "--only", "base36_encode", "--only", "format_float"]) == 0
    captured = capsys.readouterr()
    assert "Floors unavailable: sky_rs_floor is not importable" in captured.out
    assert "uv sync" in captured.out
    assert "floors unavailable" in captured.err
    header = next(line for line in captured.out.splitlines() if "function" in line)
    assert "floor" not in header.replace("function", "")  # the empty columns are hidden
    assert "distance" not in header
    assert "speed-up" in header


def test_a_floor_above_rust_is_remeasured_and_never_gives_a_distance_under_1(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bench = Runner(TINY)
    # A floor extension whose floor is absurdly high: as if every round hit a burst of load.
    bench.floor_module = SimpleNamespace(noop=lambda *a, **k: None, floor=lambda k, a, n: 1e9)
    bench.floor_missing = ""
    case = Case(
        "format_float",
        "3.14159, precision=2",
        (3.14159, 2),
        parts=(FloorPart("fake", "fake", None),),
    )
    record = bench.measure(case)
    assert record.rust is not None
    assert record.measured_floor_ns is not None and record.measured_floor_ns > record.rust.min_ns
    assert record.distance == 1.0
    assert record.floor_note.startswith("floor mis-measured")
    assert record.python.repeats == 1 and record.rust.repeats == 2  # re-measured once


def test_syscall_column_when_the_counter_is_there(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[tuple[str, str]] = []

    def per_call(setup: str, stmt: str) -> float:
        calls.append((setup, stmt))
        return 3.0

    monkeypatch.setattr(runner_module, "load_syscall_counter", lambda: per_call)
    assert main(["bench", "--quick", "--only", "format_float", "--wide"]) == 0
    out = capsys.readouterr().out
    assert "syscalls" in out and "3/3" in out
    assert [stmt for _, stmt in calls] == ["f(*args)", "f(*args)"]


def test_every_headline_case_gives_a_runnable_trace_pair() -> None:
    """The (setup, stmt) pair of each headline case runs in a fresh namespace."""
    with inputs(quick=True) as data:
        cases = [c for c in build_cases(set(CONTRACT), data) if c.headline]
        assert sorted(c.function for c in cases) == sorted(CONTRACT)
        for case in cases:
            for module in ("sky_rs.fallback", DOMAINS[case.domain].module):
                setup, stmt = case.trace(module)
                namespace: dict[str, Any] = {}
                exec(setup, namespace)
                exec(stmt, namespace)


def test_empty_columns_are_hidden() -> None:
    timing = Timing((100.0,), 1, "timeit")
    record = Record(Case("format_float", "x", (1.0,)), timing, None, "n/a: python")
    header, rows = table([record])
    assert header == ["function", "case", "Python"]
    assert rows == [["format_float", "x", "100 ns"]]


def test_load_warning() -> None:
    assert load_warning([0.0, 0.0, 0.0]) is None
    assert load_warning(None) is None
    warning = load_warning([1000.0, 0.0, 0.0])
    assert warning is not None and "usable cores" in warning and "Re-run" in warning


def test_tail_bytes_covers_the_last_lines() -> None:
    data = b"one\ntwo\nthree\nfour\n"
    assert data[-tail_bytes(data, 1) :] == b"\nfour\n"
    assert data[-tail_bytes(data, 2) :] == b"\nthree\nfour\n"


def test_formatting() -> None:
    assert fmt_ns(None) == "n/a"
    assert fmt_ns(95.25) == "95.2 ns"
    assert fmt_ns(999.4) == "999 ns"
    assert fmt_ns(999.6) == "1.00 µs"
    assert fmt_ns(1000.0) == "1.00 µs"
    assert fmt_ns(1234.0) == "1.23 µs"
    assert fmt_ns(2.5e9) == "2.50 s"
    assert fmt_ratio(12.34) == "12.3x"
    assert fmt_ratio(0.5) == "0.50x"
    assert human_bytes(4096) == "4 KiB"
    assert human_bytes(1_000_000) == "1 MB"
    assert human_bytes(1024 * 1024) == "1 MiB"


@pytest.mark.devbuild
def test_every_case_kind_is_a_floor_kind() -> None:
    """Each floor part names a kind ``sky_rs_floor`` has (``tests/meta/test_floor_ext.py`` tests
    them)."""
    import sky_rs_floor

    with inputs(quick=True) as data:
        kinds = {p.kind for c in build_cases(set(FUNCTIONS), data) for p in c.parts}
    assert kinds <= set(sky_rs_floor.KINDS)


SKYPILOT_FIELDS = {
    "skypilot_ns",
    "skypilot_installed_ns",
    "skypilot",
    "skypilot_installed",
    "skypilot_speedup_rust",
    "skypilot_speedup_install",
}


@pytest.mark.skypilot
def test_skypilot_before_and_after_install_and_left_unpatched(tmp_path: Path) -> None:
    import sky.utils.common_utils as common_utils

    original = common_utils.format_float
    json_path = tmp_path / "bench.json"
    args = ["bench", "--quick", "--only", "format_float", "--no-gil", "--json", str(json_path)]
    proc = sky_rs_cli(*args, "--wide")  # a fresh process: SkyPilot imported there
    assert proc.returncode == 0, proc.stderr
    header = next(line for line in proc.stdout.splitlines() if "function" in line)
    assert "SkyPilot" in header
    homed = sum(len(names) for names in SKYPILOT_HOMES.values())
    text = words(proc.stdout)
    assert f"SkyPilot 0.14.1 (its own functions through their modules, 1 of the {homed}" in text
    document = json.loads(json_path.read_text())
    (record,) = document["records"]
    assert record.keys() >= SKYPILOT_FIELDS
    assert record["skypilot_ns"] > 0 and record["skypilot_installed_ns"] > 0
    assert record["skypilot"].keys() >= TIMING_KEYS
    assert record["skypilot_note"] is None  # install() rebinds format_float (string on Rust)
    summary = document["skypilot"]
    assert summary["available"] and summary["version"] == "0.14.1"
    assert summary["functions"] == ["format_float"]
    assert summary["speedup_rust"]["geometric_mean"] > 0
    assert summary["speedup_install"]["arithmetic_mean"] > 0
    # In this process too: the run leaves SkyPilot's own function in place.
    assert main(["bench", "--quick", "--only", "format_float", "--no-gil"]) == 0
    assert common_utils.format_float is original
    assert not sky_rs.get_backend_info()["skypilot"]["installed"]


@pytest.mark.skypilot
def test_every_skypilot_function_measured_in_the_quick_run(quick_run: SimpleNamespace) -> None:
    records = quick_run.document["records"]
    measured = sorted(r["function"] for r in records if r.keys() >= SKYPILOT_FIELDS)
    assert measured == sorted(skypilot_module.HOMED)
    homed = sum(len(names) for names in SKYPILOT_HOMES.values())
    assert len(measured) == homed
    assert all(r["headline"] for r in records if "skypilot_ns" in r)
    assert quick_run.document["skypilot"]["expected"] == homed


@pytest.mark.skypilot
def test_an_active_install_is_undone_for_the_run_and_redone_after() -> None:
    import sky.utils.common_utils as common_utils

    original = common_utils.format_float
    sky_rs.install()
    try:
        with skypilot_module.originals():
            assert common_utils.format_float is original
        assert common_utils.format_float(2.5) == "2.5"  # the first call decides: sky-rs's
        assert common_utils.format_float is sky_rs.format_float
    finally:
        sky_rs.uninstall()
    assert common_utils.format_float is original


def test_without_skypilot_the_columns_are_hidden_and_a_note_says_why(tmp_path: Path) -> None:
    json_path = tmp_path / "bench.json"
    prelude = (
        "import sys; sys.modules['sky'] = None; from sky_rs.cli import main;"
        " raise SystemExit(main(sys.argv[1:]))"
    )
    args = ["bench", "--quick", "--only", "format_float", "--no-gil", "--json", str(json_path)]
    proc = subprocess.run(
        [sys.executable, "-c", prelude, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "100"},
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    header = next(line for line in proc.stdout.splitlines() if "function" in line)
    assert "SkyPilot" not in header
    assert "SkyPilot columns hidden: SkyPilot is not importable" in words(proc.stdout)
    assert "`uv sync` installs it in the dev venv" in words(proc.stdout)
    document = json.loads(json_path.read_text())
    assert not any(key.startswith("skypilot") for key in document["records"][0])
    assert document["skypilot"]["available"] is False
    assert document["skypilot"]["functions"] == []
