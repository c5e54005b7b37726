#!/usr/bin/env python3
"""Prove the install promise from built artifacts, not from the dev venv.

1. ``uv build --all-packages`` into ``dist/``: five sdists, and five wheels built *from those
   sdists* (uv's default), the four Rust ones tagged ``abi3``.
2. For ``sky-rs``, ``sky-rs[process]`` and ``sky-rs[all]``: a fresh venv outside the workspace,
   ``pip install --no-index --find-links dist``, then assert exactly which sky-rs distributions
   were installed, which backend each domain reports (with a reason for Python ones), and that
   every function works and agrees with the fallback (``sky-rs doctor --json``).

    python3 scripts/check_install.py            # build, then check
    python3 scripts/check_install.py --no-build # reuse dist/
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from sky_rs._domains import DOMAINS, FUNCTIONS

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
PACKAGES = ("sky-rs", *(f"sky-rs-{d}" for d in DOMAINS))


def sh(*cmd: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    print("+", " ".join(map(str, cmd)), flush=True)
    return subprocess.run(list(map(str, cmd)), check=True, text=True, **kwargs)  # type: ignore[call-overload,no-any-return]


def build() -> None:
    shutil.rmtree(DIST, ignore_errors=True)
    env = dict(os.environ)
    # Share compiled dependencies between the four isolated sdist builds.
    env.setdefault("CARGO_TARGET_DIR", str(ROOT / "target" / "sdist-builds"))
    sh("uv", "build", "--all-packages", "--out-dir", DIST, cwd=ROOT, env=env)


def check_artifacts() -> None:
    wheels = sorted(p.name for p in DIST.glob("*.whl"))
    sdists = sorted(p.name for p in DIST.glob("*.tar.gz"))
    assert len(wheels) == 5, f"expected 5 wheels, got {wheels}"
    assert len(sdists) == 5, f"expected 5 sdists, got {sdists}"
    for domain in DOMAINS:
        (wheel,) = [w for w in wheels if w.startswith(f"sky_rs_{domain}-")]
        assert "-cp39-abi3-" in wheel, f"{wheel} is not an abi3 (cp39) wheel"
    (meta,) = [w for w in wheels if w.startswith("sky_rs-")]
    assert meta.endswith("-py3-none-any.whl"), f"{meta} should be a pure-Python wheel"
    print(f"ok: {len(wheels)} wheels, {len(sdists)} sdists; Rust wheels are abi3")


def check_install(extra: str, expect_rust: set[str]) -> None:
    requirement = f"sky-rs[{extra}]" if extra else "sky-rs"
    print(f"\n--- {requirement}: expect Rust for {sorted(expect_rust) or 'no domain'}")
    with tempfile.TemporaryDirectory(prefix="sky-rs-install-") as tmp:
        venv = Path(tmp) / "venv"
        sh(sys.executable, "-m", "venv", venv)
        python = venv / "bin" / "python"
        sh(
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-index",
            "--find-links",
            DIST,
            requirement,
        )
        listed = json.loads(
            sh(python, "-m", "pip", "list", "--format", "json", capture_output=True).stdout
        )
        installed = {p["name"].lower().replace("_", "-") for p in listed} & set(PACKAGES)
        expected = {"sky-rs"} | {f"sky-rs-{d}" for d in expect_rust}
        assert installed == expected, f"installed {sorted(installed)}, expected {sorted(expected)}"
        # Run outside the workspace, so nothing from the source tree can be imported.
        doctor = subprocess.run(
            [str(python), "-m", "sky_rs.cli", "doctor", "--json"],
            cwd=tmp,
            capture_output=True,
            text=True,
            env={k: v for k, v in os.environ.items() if not k.startswith(("SKY", "PYTHON"))},
        )
        report = json.loads(doctor.stdout)
        for domain in DOMAINS:
            entry = report["domains"][domain]
            want = "rust" if domain in expect_rust else "python"
            assert entry["backend"] == want, f"{domain}: {entry}"
            if want == "python":
                assert (
                    entry["reason"]
                    == f'not installed; pip install "sky-rs[{domain}]" to accelerate it'
                ), entry
        names = {c["function"] for c in report["checks"]}
        assert names == set(FUNCTIONS), names
        failures = [c for c in report["checks"] if not c["ok"]]
        assert not failures and doctor.returncode == 0, failures
        errors = [c for c in report["checks"] if "NotImplementedError" in c["active"]]
        assert not errors, errors
        print(
            f"ok: {requirement} installed exactly {sorted(installed)}; "
            f"backends {[report['domains'][d]['backend'] for d in DOMAINS]}; "
            f"{len(report['checks'])} self-check calls agree"
        )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--no-build", action="store_true", help="reuse the wheels already in dist/")
    args = parser.parse_args()
    if not args.no_build:
        build()
    check_artifacts()
    check_install("", set())
    check_install("process", {"process"})
    check_install("all", set(DOMAINS))
    print("\nall install checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
