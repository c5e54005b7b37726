"""Run SkyPilot's own unit tests twice, without and with ``SKY_RS_INSTALL=1``, and compare.

SkyPilot's PyPI sdist ships no ``tests/unit_tests``: fetch the test files that call or patch the
functions sky-rs accelerates from a SkyPilot checkout (never into this repository), then:

    uv run --no-sync python scripts/skypilot_unit_tests.py /tmp/skypilot_unit_tests
    uv run --no-sync python scripts/skypilot_unit_tests.py DIR --junit-dir /tmp/out -- -k cpu

Each run is ``python -m pytest PATHS --junitxml=...`` in a child process, from inside the test
directory and with an empty pytest configuration (``-c``), so this repository's pytest settings
do not apply; the child's environment differs only in ``SKY_RS_INSTALL``. Before the second run
a probe checks that the variable really patches SkyPilot (``c.hash_file is sky_rs.hash_file``).

Per-test outcomes (passed, failed, error, skipped) are read from the two JUnit XML reports; the
script prints the totals of each run and every test whose outcome differs. Exit status: 0 when no
outcome differs, 1 when some do, 2 when a run could not be made.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

OUTCOMES = ("passed", "failed", "error", "skipped")

PROBE = (
    "import sky_rs, sky.utils.common_utils as c, sky.utils.subprocess_utils as s\n"
    "from sky_rs._domains import SKYPILOT_HOMES\n"
    "mods = {'sky.utils.common_utils': c, 'sky.utils.subprocess_utils': s}\n"
    "bad = [n for m, ns in SKYPILOT_HOMES.items() for n in ns\n"
    "       if getattr(mods[m], n) is not getattr(sky_rs, n)]\n"
    "print('unpatched: ' + ', '.join(bad) if bad else 'patched')\n"
)


def child_env(install: bool) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("SKY_RS_INSTALL", None)
    if install:
        env["SKY_RS_INSTALL"] = "1"
    return env


def probe(python: str) -> str:
    """What ``SKY_RS_INSTALL=1`` does to a fresh interpreter: ``patched`` or the names it missed."""
    done = subprocess.run(
        [python, "-c", PROBE], env=child_env(True), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        return f"probe failed: {done.stderr.strip().splitlines()[-1:]}"
    return done.stdout.strip()


def run_pytest(
    python: str, tests: Path, paths: list[str], report: Path, install: bool, extra: list[str]
) -> int:
    empty_ini = report.with_suffix(".ini")
    empty_ini.write_text("[pytest]\n", encoding="utf-8")
    cmd = [
        python,
        "-m",
        "pytest",
        *paths,
        "-c",
        str(empty_ini),
        "--rootdir",
        str(tests),
        "-p",
        "no:cacheprovider",
        "-q",
        "--no-header",
        f"--junitxml={report}",
        *extra,
    ]
    label = "SKY_RS_INSTALL=1" if install else "SKY_RS_INSTALL unset"
    print(f"== {label}: {' '.join(cmd)}", flush=True)
    done = subprocess.run(cmd, cwd=tests, env=child_env(install), check=False)
    return done.returncode


def outcomes(report: Path) -> dict[str, str]:
    """test id (``file::Class::name``) -> passed / failed / error / skipped."""
    result: dict[str, str] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        classname = case.get("classname", "")
        name = case.get("name", "")
        # classname is dotted: 'test_sky.utils.test_common_utils.TestCgroupFunctions'.
        parts = classname.split(".")
        module_parts = [p for p in parts if not p[:1].isupper()]
        class_parts = [p for p in parts if p[:1].isupper()]
        test_id = "/".join(module_parts) + ".py"
        test_id = "::".join([test_id, *class_parts, name])
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = "failed" if child.tag == "failure" else child.tag
                break
        # A test that fails and then errors in teardown appears twice: keep the worse.
        if result.get(test_id) in ("failed", "error"):
            continue
        result[test_id] = outcome
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tests", type=Path, help="directory holding SkyPilot's unit test files")
    parser.add_argument(
        "paths", nargs="*", help="files or node ids inside it (default: the whole directory)"
    )
    parser.add_argument("--python", default=sys.executable, help="interpreter (default: this one)")
    parser.add_argument("--junit-dir", type=Path, help="keep the two JUnit reports here")
    parser.add_argument("--pytest-arg", action="append", default=[], help="extra pytest argument")
    args = parser.parse_args()

    tests = args.tests.resolve()
    if not tests.is_dir():
        print(f"not a directory: {tests}", file=sys.stderr)
        return 2
    state = probe(args.python)
    if state != "patched":
        print(f"SKY_RS_INSTALL=1 does not patch SkyPilot here ({state})", file=sys.stderr)
        return 2
    print("probe: SKY_RS_INSTALL=1 rebinds every accelerated name in a fresh interpreter")

    out = args.junit_dir or Path(tempfile.mkdtemp(prefix="sky-rs-skypilot-tests-"))
    out.mkdir(parents=True, exist_ok=True)
    paths = args.paths or ["."]
    runs: dict[bool, dict[str, str]] = {}
    for install in (False, True):
        report = out / ("with_install.xml" if install else "without_install.xml")
        code = run_pytest(args.python, tests, paths, report, install, args.pytest_arg)
        if not report.exists():
            print(f"pytest wrote no report (exit status {code})", file=sys.stderr)
            return 2
        runs[install] = outcomes(report)

    without, with_ = runs[False], runs[True]
    print(f"\nreports: {out}")
    print(f"{'run':<22}" + "".join(f"{o:>9}" for o in ("tests", *OUTCOMES)))
    for install, label in ((False, "SKY_RS_INSTALL unset"), (True, "SKY_RS_INSTALL=1")):
        counts = Counter(runs[install].values())
        row = [len(runs[install])] + [counts[o] for o in OUTCOMES]
        print(f"{label:<22}" + "".join(f"{n:>9}" for n in row))
    files = {t.split("::")[0] for t in without.keys() | with_.keys()}
    print(f"files: {len(files)}")

    every = without.keys() | with_.keys()
    differ = sorted(t for t in every if without.get(t, "absent") != with_.get(t, "absent"))
    if not differ:
        print("no test outcome differs")
        return 0
    print(f"\n{len(differ)} test(s) differ (without -> with SKY_RS_INSTALL=1):")
    for test in differ:
        print(f"  {test}: {without.get(test, 'absent')} -> {with_.get(test, 'absent')}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
