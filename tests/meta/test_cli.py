"""``sky-rs doctor`` and ``make help`` as a user sees them, piped (so not on a terminal)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def doctor(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SKY_RS_", "SKYPILOT_"))}
    return subprocess.run(
        [sys.executable, "-m", "sky_rs.cli", "doctor", *args],
        capture_output=True,
        text=True,
        env={**clean, **env},
        timeout=300,
        check=False,
    )


def test_doctor_piped_never_wraps_inside_a_token() -> None:
    proc = doctor(SKY_RS_DISABLE="io,bogus", COLUMNS="40")
    assert proc.returncode == 0, proc.stderr
    assert "SKY_RS_DISABLE=io,bogus" in proc.stdout
    assert "\x1b" not in proc.stdout


def test_doctor_on_python_only_says_it_compared_nothing() -> None:
    proc = doctor(SKY_RS_USE_RUST="0")
    assert proc.returncode == 0, proc.stderr
    summary = proc.stdout.strip().splitlines()[-1]
    assert "all agree" not in summary
    assert summary.startswith("self-check: compared nothing")
    assert "Python only" in summary


def test_doctor_counts_only_the_calls_it_compared() -> None:
    proc = doctor(SKY_RS_DISABLE="io")
    summary = proc.stdout.strip().splitlines()[-1]
    assert "calls on Rust compared with the Python fallback, all agree" in summary
    assert "of domains on Python not compared" in summary
    assert json.loads(doctor("--json").stdout)["ok"] is True


@pytest.mark.devbuild  # make is a developer tool of the checkout, not shipped
def test_make_help_writes_no_colour_into_a_pipe() -> None:
    proc = subprocess.run(
        ["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "\x1b" not in proc.stdout
    targets = {line.split()[0] for line in proc.stdout.splitlines() if line.strip()}
    assert {"help", "lint", "test", "all", "bench", "doctor"} <= targets
