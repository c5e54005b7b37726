"""Each domain wheel works on its own, without the ``sky-rs`` meta-package.

The wheels hand exotic arguments to the pure-Python contract. With ``sky_rs`` installed that is
``sky_rs._fallback.<domain>``; without it, the copy each wheel carries,
``sky_rs_<domain>._fallback``. In the repository that copy is a symbolic link to the meta-package's
file (one source; the sdist and the wheel hold its content), and the wheel must then answer
the whole hostile corpus exactly as ``sky_rs.fallback`` does. ``scripts/check_install.py`` proves
the same from ``dist/``, in a fresh venv holding one wheel only.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sky_rs._domains import DOMAINS

from tests.support.backends import rust_module

ROOT = Path(__file__).resolve().parents[2]
FALLBACKS = ROOT / "packages" / "sky-rs" / "src" / "sky_rs" / "_fallback"


@pytest.mark.parametrize("domain", list(DOMAINS))
def test_each_wheel_carries_the_fallback_unchanged(domain: str) -> None:
    copy = ROOT / "packages" / f"sky-rs-{domain}" / "python" / f"sky_rs_{domain}" / "_fallback.py"
    original = FALLBACKS / f"{domain}.py"
    assert copy.is_symlink(), f"{copy} must be a symbolic link to {original}, not a second copy"
    assert copy.resolve() == original.resolve()


@pytest.mark.parametrize("domain", list(DOMAINS))
def test_each_wheel_without_sky_rs_answers_the_hostile_corpus(domain: str) -> None:
    rust_module(domain)  # the wheel must be installed: a failure, never a skip
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "standalone_check.py"),
            domain,
            str(FALLBACKS / f"{domain}.py"),
            str(ROOT),
            "--hide-sky-rs",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "the wheel's own fallback copy imported: True" in result.stdout or domain == "system"
    assert "hostile cases agree" in result.stdout


def test_truncate_long_string_with_a_float_length_without_sky_rs() -> None:
    """The issue's example: a float ``max_length`` goes to the fallback, which slices and fails."""
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT / 'scripts')!r})\n"
        "import standalone_check; standalone_check.hide_sky_rs()\n"
        "import sky_rs_string\n"
        "try:\n"
        "    print(repr(sky_rs_string.truncate_long_string('x' * 100, 10.5)))\n"
        "except Exception as e:\n"
        "    print(type(e).__name__, e)\n"
    )
    got = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    import sky_rs.fallback

    try:
        want = repr(sky_rs.fallback.truncate_long_string("x" * 100, 10.5))  # type: ignore[arg-type]
    except Exception as e:
        want = f"{type(e).__name__} {e}"
    assert got.strip() == want
    assert "ModuleNotFoundError" not in got
