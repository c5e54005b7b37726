#!/usr/bin/env python3
"""Prove the scaffold: add a toy function to a scratch copy of the repository, fill in its
bodies, and run ``make test`` there. Nothing of the toy reaches this checkout.

    uv run python scripts/check_new_function.py [--keep]

1. ``git clone`` this repository's ``HEAD`` into a temporary directory (so: commit first).
2. ``python scripts/new_function.py string reverse_text`` there.
3. Fill in what CONTRIBUTING.md says to fill in: the contract in docs/SPEC.md, the fallback
   (``value[::-1]``), the Rust core (``value.chars().rev().collect()``), the binding's summary,
   the tests' expectations, the spec's samples and the changelogs.
4. Count the files the addition touches (``git status``): the number must be the one
   CONTRIBUTING.md states, and at most 12.
5. ``make test`` in the scratch copy, narrowed to what a new string function can break: the
   string core's cargo tests, then pytest on :data:`PYTEST_PATHS` (the string tests and every
   test that reads the registry or the specs). It shares this checkout's Cargo ``target/``
   directory, so only sky-rs's own crates are compiled again.

Exits 1 on any failure, with the scratch copy kept for a look (``--keep`` keeps it anyway).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOMAIN, NAME = "string", "reverse_text"
MAX_FILES = 12
PYTEST_PATHS = (
    "tests/string",  # the toy's own tests, its domain's, its fuzz test
    "tests/meta/test_spec.py",  # its samples on both backends, its bench case and budget
    "tests/meta/test_meta.py",  # registry against SPEC.md, signatures, __all__, stubs
    "tests/meta/test_import_graph.py",
    "tests/meta/test_standalone.py",  # the string wheel alone, generic hostile cases
    "tests/meta/test_bench.py",  # the bench runs its case
    "tests/meta/test_cli.py",  # the doctor runs its samples
    "tests/hardening/test_hostile.py",  # generic hostile cases and arities
    "tests/hardening/test_concurrency.py",
    "tests/hardening/test_syscalls.py",
    "tests/hardening/test_faults.py",
    "tests/hardening/test_leaks.py",
)
"""Every test that reads the registry or the specs, or the string domain: what a new string
function can break. The rest of the suite (install(), migrate, SkyPilot, releases) does not
depend on the list of functions."""
TODO = "TODO(new_function)"

FILL_INS: dict[str, list[tuple[str, str]]] = {
    "docs/SPEC.md": [
        (
            f"- {TODO}: the contract, exactly: values, exceptions and their text, edge cases.",
            "- Return `value[::-1]`: the code points of `value` in reverse order.\n"
            "- Anything `value[::-1]` accepts is accepted (a `str` subclass gives a `str`); what it"
            " rejects raises its `TypeError`.",
        )
    ],
    "packages/sky-rs/src/sky_rs/_fallback/string.py": [
        (
            f'    """{TODO}: the contract (docs/SPEC.md). The stub returns its argument."""\n'
            "    return value\n",
            '    """``value[::-1]``: its code points in reverse order."""\n'
            "    return value[::-1]\n",
        )
    ],
    f"crates/string-core/src/{NAME}.rs": [
        (f"`{NAME}`: {TODO}, one line on what it does", f"`{NAME}`: a string backwards"),
        (
            f"/// {TODO}: the contract, as the fallback's docstring states it."
            " The stub returns its\n/// argument.\n",
            "/// `value` with its characters (code points) in reverse order.\n",
        ),
        ("    value.to_owned()\n", "    value.chars().rev().collect()\n"),
        ("fn stub_returns_its_argument()", "fn reverses_code_points()"),
        (f'assert_eq!({NAME}("text"), "text");', f'assert_eq!({NAME}("añb😀"), "😀bña");'),
    ],
    "packages/sky-rs-string/src/lib.rs": [
        (f"/// {TODO}: the one-line summary of docs/SPEC.md.", "/// Returns `value` backwards."),
    ],
    f"tests/string/test_{NAME}.py": [
        (
            f"    # {TODO}: the expected values and exceptions of docs/SPEC.md, on both backends.\n"
            f'    assert string.{NAME}("text") == "text"\n',
            f'    assert string.{NAME}("añb😀") == "😀bña"\n'
            f'    assert string.{NAME}("") == ""\n'
            f'    assert string.{NAME}("\\udcff a") == "a \\udcff"  # lone surrogates: Python\'s\n',
        )
    ],
    "packages/sky-rs/src/sky_rs/_spec/string.py": [
        (
            f"    # {TODO}: typical calls and error paths (the doctor, leak, concurrency and\n"
            "    # differential checks make them on both backends).\n",
            "",
        ),
        (
            f"    # {TODO}: the headline case's system calls on Rust, at most;"
            " io=True if it opens\n"
            "    # files or sockets or reads /proc; faults= calls that reach each system call.\n",
            "",
        ),
    ],
    "packages/sky-rs-string/README.md": [
        (f"{TODO}: what the Rust side does", "exact `str`, reversed in Rust"),
    ],
    "packages/sky-rs-string/CHANGELOG.md": [
        (f"{TODO}, what it does and whom it is for.", "a string backwards (a toy)."),
    ],
    "packages/sky-rs/CHANGELOG.md": [
        (f"{TODO}, what it does and whom it is for.", "a string backwards (a toy)."),
    ],
}
"""What a contributor writes in place of each stub, file by file (old text -> new text)."""


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    print(f"$ {' '.join(command)}", flush=True)
    subprocess.run(command, cwd=cwd, env=env, check=True)


def stated_file_count() -> int:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    match = re.search(r"touches (\d+) files", text)
    if match is None:
        raise SystemExit("CONTRIBUTING.md does not say how many files a new function touches")
    return int(match.group(1))


def fill_in(scratch: Path) -> None:
    for rel, edits in FILL_INS.items():
        path = scratch / rel
        text = path.read_text(encoding="utf-8")
        for old, new in edits:
            if old not in text:
                raise SystemExit(f"{rel}: the scaffold's stub changed, update FILL_INS: {old!r}")
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
    left = "\n".join(
        f"{rel}: {line}"
        for rel in touched(scratch)
        for line in (scratch / rel).read_text(encoding="utf-8").splitlines()
        if TODO in line
    )
    if left:
        raise SystemExit(f"{TODO} left after filling in:\n{left}")


def touched(scratch: Path) -> list[str]:
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=scratch,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted(line[3:] for line in status.splitlines())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the scratch copy")
    args = parser.parse_args(argv)
    start = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="sky-rs-new-function-"))
    ok = False
    try:
        run(["git", "clone", "--quiet", str(ROOT), str(scratch)], cwd=ROOT)
        run([sys.executable, "scripts/new_function.py", DOMAIN, NAME], cwd=scratch)
        fill_in(scratch)
        files = touched(scratch)
        stated = stated_file_count()
        print(f"\nthe toy function touches {len(files)} files:\n  " + "\n  ".join(files))
        if len(files) != stated or len(files) > MAX_FILES:
            print(
                f"check_new_function.py: {len(files)} files touched; CONTRIBUTING.md says"
                f" {stated}, and the most allowed is {MAX_FILES}",
                file=sys.stderr,
            )
            return 1
        env = dict(os.environ)
        env.setdefault("CARGO_TARGET_DIR", str(ROOT / "target"))
        env.pop("VIRTUAL_ENV", None)  # the scratch copy's own .venv, made by uv
        run(
            [
                "make",
                "--no-print-directory",
                "test",
                "CARGO_TEST_ARGS=-p sky-rs-string-core",
                "PYTEST_ARGS=" + " ".join(PYTEST_PATHS),
            ],
            cwd=scratch,
            env=env,
        )
        ok = True
        print(f"\nnew function scaffold: ok in {time.monotonic() - start:.0f} s")
        return 0
    except subprocess.CalledProcessError as exc:
        print(f"check_new_function.py: {exc}; scratch copy kept at {scratch}", file=sys.stderr)
        return 1
    finally:
        if ok and not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
        elif ok:
            print(f"scratch copy kept at {scratch}")


if __name__ == "__main__":
    sys.exit(main())
