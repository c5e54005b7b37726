#!/usr/bin/env python3
"""Prove the install promise from built artifacts, not from the dev venv.

1. The release build into ``dist/``: ``uv build --all-packages --sdist`` makes five sdists; the
   meta-package's wheel is built from its sdist by uv, and the Rust wheels from each unpacked
   sdist by ``maturin build --release --zig --compatibility manylinux2014 --target T`` (zig from
   the ``ziglang`` package links against glibc 2.17), one shared ``CARGO_TARGET_DIR``. Four
   wheels per domain: ``x86_64`` and ``aarch64`` (the Rust target added with ``rustup target
   add``), each at two stable-ABI levels, ``cp39-abi3`` (the default features: CPython 3.9's
   stable ABI only) and ``cp310-abi3`` (``--no-default-features --features abi3-py310``:
   METH_FASTCALL and the 3.10 API). pip picks the newest level the interpreter admits. The
   release tools (the ``release`` dependency group, as locked in uv.lock) live in their own venv,
   ``target/release-tools``, never in the dev ``.venv``.
2. ``auditwheel show`` on each Rust wheel: ``manylinux_2_17`` or older on its architecture, no
   ``linux_*`` tag; ``abi3audit`` on each: no symbol outside the stable ABI of its tag's version.
3. For ``sky-rs``, ``sky-rs[process]`` and ``sky-rs[all]``: a fresh venv outside the workspace,
   ``pip install --no-index --find-links dist``, then assert exactly which sky-rs distributions
   were installed, which backend each domain reports (with a reason for Python ones), and that
   every function works and agrees with the fallback (``sky-rs doctor --json``).
4. Each domain wheel alone (``pip install sky-rs-<domain>``, no ``sky-rs``): the hostile corpus
   (``tests/support/hostile.py``) gives exactly what ``sky_rs.fallback`` gives, taken from the
   ``sky-rs`` wheel in ``dist/`` (``scripts/standalone_check.py``).

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
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The one function list, from the source tree (pure Python), so plain `python3` can run this.
# sky_rs needs the top-level modules of its wheel's purelib (_sky_rs_skypilot) too.
sys.path[:0] = [str(ROOT / "packages" / "sky-rs" / part) for part in ("src", "purelib")]
from sky_rs._domains import DOMAINS, FUNCTIONS  # noqa: E402

DIST = ROOT / "dist"
TOOLS = ROOT / "target" / "release-tools"
# The manylinux floor: manylinux2014 is manylinux_2_17 (glibc 2.17).
MANYLINUX = "manylinux2014"
FLOOR = (2, 17)
# Rust target triple -> wheel architecture.
TARGETS = {"x86_64-unknown-linux-gnu": "x86_64", "aarch64-unknown-linux-gnu": "aarch64"}
# Stable-ABI level -> maturin's feature flags (the wheel crates' features, see their Cargo.toml).
ABI3_LEVELS = {
    "cp39": (),
    "cp310": ("--no-default-features", "--features", "abi3-py310"),
}
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
    # The aarch64 standard library for the cross build (quick when already installed).
    if shutil.which("rustup"):
        sh("rustup", "target", "add", *TARGETS)
    sh("uv", "build", "--all-packages", "--sdist", "--out-dir", DIST, cwd=ROOT, env=env)
    (meta,) = DIST.glob("sky_rs-*.tar.gz")
    sh("uv", "build", "--wheel", "--out-dir", DIST, meta, cwd=ROOT, env=env)
    with tempfile.TemporaryDirectory(prefix="sky-rs-sdists-") as tmp:
        for domain in DOMAINS:
            (sdist,) = DIST.glob(f"sky_rs_{domain}-*.tar.gz")
            with tarfile.open(sdist) as tar:
                tar.extractall(tmp)  # our own sdist, just built
            source = Path(tmp) / sdist.name.removesuffix(".tar.gz")
            for target in TARGETS:
                for flags in ABI3_LEVELS.values():
                    sh(
                        tools / "maturin", "build", "--release", "--zig",
                        "--compatibility", MANYLINUX, "--target", target, *flags,
                        "--interpreter", tools / "python", "--out", DIST, cwd=source, env=env,
                    )  # fmt: skip


def check_manylinux(wheel: Path, arch: str) -> None:
    """``auditwheel show``: the wheel is consistent with manylinux_2_17 or older on ``arch``."""
    out = sh(TOOLS / "bin" / "auditwheel", "show", wheel, capture_output=True).stdout
    print(out.strip())
    text = " ".join(out.split())
    match = re.search(
        rf'consistent with the following platform tag: "manylinux_(\d+)_(\d+)_{arch}"', text
    )
    assert match, f"{wheel.name}: auditwheel found no manylinux tag for {arch}:\n{out}"
    assert (int(match[1]), int(match[2])) <= FLOOR, (
        f"{wheel.name} needs manylinux_{match[1]}_{match[2]}"
    )
    tags = wheel.name.removesuffix(".whl").split("-")[-1].split(".")
    assert f"linux_{arch}" not in tags, f"{wheel.name} carries a linux_{arch} tag"
    assert f"manylinux_2_17_{arch}" in tags, f"{wheel.name} is not tagged manylinux_2_17"


def check_abi3(wheels: list[Path]) -> None:
    """``abi3audit``: no wheel uses a symbol outside the stable ABI of its ``cpXY`` tag."""
    result = subprocess.run(
        [str(TOOLS / "bin" / "abi3audit"), "--strict", "--summary", "--report", *map(str, wheels)],
        capture_output=True,
        text=True,
    )
    print(result.stderr.strip())
    report = json.loads(result.stdout)
    audited: dict[str, dict[str, object]] = {}
    for spec in report["specs"].values():
        for so in spec["wheel"]:
            audited[so["name"]] = so["result"]
            print(f"  {so['name']}: {so['result']}")
    bad = {
        name: found
        for name, found in audited.items()
        if not (found["is_abi3"] and found["is_abi3_baseline_compatible"])
    }
    assert result.returncode == 0 and not bad, f"abi3audit found violations: {bad}"
    assert len(report["specs"]) == len(wheels), report
    print(f"ok: abi3audit finds no symbol outside the stable ABI in {len(wheels)} wheels")


def check_artifacts() -> None:
    wheels = sorted(p.name for p in DIST.glob("*.whl"))
    sdists = sorted(p.name for p in DIST.glob("*.tar.gz"))
    rust_wheels = len(DOMAINS) * len(TARGETS) * len(ABI3_LEVELS)
    assert len(wheels) == rust_wheels + 1, f"expected {rust_wheels + 1} wheels, got {wheels}"
    assert len(sdists) == 5, f"expected 5 sdists, got {sdists}"
    for domain in DOMAINS:
        for arch in TARGETS.values():
            for level in ABI3_LEVELS:
                (wheel,) = [
                    w
                    for w in wheels
                    if w.startswith(f"sky_rs_{domain}-")
                    and f"-{level}-abi3-" in w
                    and w.endswith(f"_{arch}.whl")
                ]
                check_manylinux(DIST / wheel, arch)
    check_abi3([DIST / w for w in wheels if not w.startswith("sky_rs-")])
    (meta,) = [w for w in wheels if w.startswith("sky_rs-")]
    assert meta.endswith("-py3-none-any.whl"), f"{meta} should be a pure-Python wheel"
    print(
        f"ok: {len(wheels)} wheels, {len(sdists)} sdists; Rust wheels are manylinux_2_17 for "
        f"{' and '.join(TARGETS.values())}, at {' and '.join(ABI3_LEVELS)}-abi3"
    )


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


def check_standalone(domain: str) -> None:
    """``sky-rs-<domain>`` alone in a fresh venv: the hostile corpus, as ``sky_rs.fallback``."""
    print(f"\n--- sky-rs-{domain} alone: the hostile corpus against sky_rs.fallback")
    with tempfile.TemporaryDirectory(prefix="sky-rs-standalone-") as tmp:
        venv = Path(tmp) / "venv"
        sh(sys.executable, "-m", "venv", venv)
        python = venv / "bin" / "python"
        sh(python, "-m", "pip", "install", "--quiet", "--no-index", "--find-links", DIST,
           f"sky-rs-{domain}")  # fmt: skip
        listed = json.loads(
            sh(python, "-m", "pip", "list", "--format", "json", capture_output=True).stdout
        )
        installed = {p["name"].lower().replace("_", "-") for p in listed} & set(PACKAGES)
        assert installed == {f"sky-rs-{domain}"}, f"installed {sorted(installed)}"
        # The code behind sky_rs.fallback, from the sky-rs wheel in dist/.
        (meta,) = DIST.glob("sky_rs-*.whl")
        reference = Path(tmp) / f"fallback_{domain}.py"
        with zipfile.ZipFile(meta) as wheel:
            reference.write_bytes(wheel.read(f"sky_rs/_fallback/{domain}.py"))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SKY", "PYTHON"))}
        sh(python, ROOT / "scripts" / "standalone_check.py", domain, reference, ROOT, cwd=tmp,
           env=env)  # fmt: skip


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
    for domain in DOMAINS:
        check_standalone(domain)
    print("\nall install checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
