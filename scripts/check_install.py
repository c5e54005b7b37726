#!/usr/bin/env python3
"""Prove the install promise from built artifacts, not from the dev venv.

1. The release build into ``dist/``: ``uv build --all-packages --sdist`` makes five sdists; the
   meta-package's wheel is built from its sdist by uv, and each Rust wheel from its unpacked sdist
   by ``maturin build --release --zig --compatibility manylinux2014`` (zig from the ``ziglang``
   package links against an old glibc), one shared ``CARGO_TARGET_DIR`` for the four builds. The
   release tools (the ``release`` dependency group, as locked in uv.lock) live in their own venv,
   ``target/release-tools``, never in the dev ``.venv``.
2. ``auditwheel show`` on each Rust wheel: ``manylinux_2_17`` or older, no ``linux_x86_64`` tag.
3. For ``sky-rs``, ``sky-rs[process]`` and ``sky-rs[all]``: a fresh venv outside the workspace,
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
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The one function list, from the source tree (pure Python), so plain `python3` can run this.
sys.path.insert(0, str(ROOT / "packages" / "sky-rs" / "src"))
from sky_rs._domains import DOMAINS, FUNCTIONS  # noqa: E402

DIST = ROOT / "dist"
TOOLS = ROOT / "target" / "release-tools"
# The manylinux floor: manylinux2014 is manylinux_2_17 (glibc 2.17).
MANYLINUX = "manylinux2014"
FLOOR = (2, 17)
PACKAGES = ("sky-rs", *(f"sky-rs-{d}" for d in DOMAINS))


def sh(*cmd: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    print("+", " ".join(map(str, cmd)), flush=True)
    return subprocess.run(list(map(str, cmd)), check=True, text=True, **kwargs)  # type: ignore[call-overload,no-any-return]


def release_tools() -> Path:
    """A venv with the locked ``release`` group (maturin, ziglang, auditwheel); returns its bin/."""
    requirements = sh(
        "uv", "export", "--locked", "--only-group", "release", "--no-hashes", "--no-emit-project",
        "--no-emit-workspace", "--format", "requirements-txt", "--quiet",
        cwd=ROOT, capture_output=True,
    ).stdout  # fmt: skip
    stamp = TOOLS / "requirements.txt"
    if not stamp.exists() or stamp.read_text() != requirements:
        shutil.rmtree(TOOLS, ignore_errors=True)
        sh("uv", "venv", "--quiet", "--python", sys.executable, TOOLS, cwd=ROOT)
        sh("uv", "pip", "install", "--quiet", "--python", TOOLS / "bin" / "python",
           "-r", "-", input=requirements, cwd=ROOT)  # fmt: skip
        stamp.write_text(requirements)
    return TOOLS / "bin"


def build() -> None:
    shutil.rmtree(DIST, ignore_errors=True)
    tools = release_tools()
    env = dict(os.environ)
    # Share compiled dependencies between the four sdist builds.
    env.setdefault("CARGO_TARGET_DIR", str(ROOT / "target" / "sdist-builds"))
    # maturin finds zig as `python3 -m ziglang`: the tools venv's python3 comes first on PATH.
    env["PATH"] = f"{tools}{os.pathsep}{env.get('PATH', '')}"
    env.pop("VIRTUAL_ENV", None)
    sh("uv", "build", "--all-packages", "--sdist", "--out-dir", DIST, cwd=ROOT, env=env)
    (meta,) = DIST.glob("sky_rs-*.tar.gz")
    sh("uv", "build", "--wheel", "--out-dir", DIST, meta, cwd=ROOT, env=env)
    with tempfile.TemporaryDirectory(prefix="sky-rs-sdists-") as tmp:
        for domain in DOMAINS:
            (sdist,) = DIST.glob(f"sky_rs_{domain}-*.tar.gz")
            with tarfile.open(sdist) as tar:
                tar.extractall(tmp)  # our own sdist, just built
            source = Path(tmp) / sdist.name.removesuffix(".tar.gz")
            sh(
                tools / "maturin", "build", "--release", "--zig", "--compatibility", MANYLINUX,
                "--interpreter", tools / "python", "--out", DIST, cwd=source, env=env,
            )  # fmt: skip


def check_manylinux(wheel: Path) -> None:
    """``auditwheel show``: the wheel is consistent with manylinux_2_17 or an older policy."""
    out = sh(TOOLS / "bin" / "auditwheel", "show", wheel, capture_output=True).stdout
    print(out.strip())
    text = " ".join(out.split())
    match = re.search(
        r'consistent with the following platform tag: "manylinux_(\d+)_(\d+)_x86_64"', text
    )
    assert match, f"{wheel.name}: auditwheel found no manylinux tag:\n{out}"
    assert (int(match[1]), int(match[2])) <= FLOOR, (
        f"{wheel.name} needs manylinux_{match[1]}_{match[2]}"
    )
    tags = wheel.name.removesuffix(".whl").split("-")[-1].split(".")
    assert "linux_x86_64" not in tags, f"{wheel.name} carries a linux_x86_64 tag"
    assert "manylinux_2_17_x86_64" in tags, f"{wheel.name} is not tagged manylinux_2_17"


def check_artifacts() -> None:
    wheels = sorted(p.name for p in DIST.glob("*.whl"))
    sdists = sorted(p.name for p in DIST.glob("*.tar.gz"))
    assert len(wheels) == 5, f"expected 5 wheels, got {wheels}"
    assert len(sdists) == 5, f"expected 5 sdists, got {sdists}"
    for domain in DOMAINS:
        (wheel,) = [w for w in wheels if w.startswith(f"sky_rs_{domain}-")]
        assert "-cp39-abi3-" in wheel, f"{wheel} is not an abi3 (cp39) wheel"
        check_manylinux(DIST / wheel)
    (meta,) = [w for w in wheels if w.startswith("sky_rs-")]
    assert meta.endswith("-py3-none-any.whl"), f"{meta} should be a pure-Python wheel"
    print(f"ok: {len(wheels)} wheels, {len(sdists)} sdists; Rust wheels are abi3 manylinux_2_17")


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
    release_tools()
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
