"""Children that import SkyPilot under ``sky_rs.install()`` or ``SKY_RS_INSTALL``, for the
install tests: each prints what is bound where; and a fake SkyPilot to import."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from sky_rs._domains import SKYPILOT_HOMES

PACKAGE = Path(__file__).parents[2] / "packages" / "sky-rs"
PURELIB = PACKAGE / "purelib"
PTH = PURELIB / "zz_sky_rs_install.pth"
ALL_NAMES = {module: sorted(names) for module, names in SKYPILOT_HOMES.items()}
SKY_VARS = ("SKY_RS_INSTALL", "SKY_RS_USE_RUST", "SKYPILOT_USE_RUST", "SKY_RS_DISABLE")

# ours(): per SkyPilot module, which accelerated names are the sky_rs functions, once every
# name is decided (reading get_backend_info() decides them); bound(): the same, as they are now.
REPORT = """
import json, sys
import sky_rs
from sky_rs._domains import SKYPILOT_HOMES
def bound():
    return {m: sorted(n for n in names if getattr(sys.modules[m], n, None) is getattr(sky_rs, n))
            for m, names in SKYPILOT_HOMES.items() if m in sys.modules}
def ours():
    sky_rs.get_backend_info()
    return bound()
"""


def child_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SKY_VARS}
    env.update(values)
    return env


def run_python(
    code: str,
    *,
    env: dict[str, str] | None = None,
    args: tuple[str, ...] = (),
    argv: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args, "-c", REPORT + textwrap.dedent(code), *argv],
        env=child_env() if env is None else env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def result_of(code: str, **kwargs: Any) -> Any:
    """Run ``code`` in a child; it prints one JSON line last. Fail with its stderr otherwise."""
    done = run_python(code, **kwargs)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def fake_skypilot(root: Path, version: str) -> Path:
    """A ``sky`` package and its dist-info, with some of the accelerated names, on a temp path."""
    utils = root / "sky" / "utils"
    utils.mkdir(parents=True)
    (root / "sky" / "__init__.py").write_text(f"__version__ = {version!r}\n")
    (utils / "__init__.py").write_text("")
    (utils / "common_utils.py").write_text(
        "def format_float(num, precision=1):\n    return 'fake'\n\n"
        "def base36_encode(hex_str):\n    return 'fake'\n"
    )
    dist = root / f"skypilot-{version}.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: skypilot\nVersion: {version}\n")
    return root


CODE_SCENARIO = """
import warnings
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    first = sky_rs.install()
    import sky.utils.common_utils as c
    after_import = ours()
    info = sky_rs.get_backend_info()["skypilot"]
    forced = sky_rs.install(force=True)
    forced_patched, forced_reason = forced.patched, forced.reason
mine = [(w.category.__name__, str(w.message)) for w in caught if "sky-rs" in str(w.message)]
print(json.dumps([mine, first.pending, after_import, info, forced_patched, forced_reason, ours()]))
"""
