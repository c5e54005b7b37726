"""``sky_rs.install()``, ``uninstall()``, the import hook, the ``.pth`` file and ``sky-rs run``.

Each scenario runs in a fresh interpreter, since it changes import machinery and SkyPilot's
modules. SkyPilot 0.14.1 (the ``skypilot`` dependency group) is the target; tests that need it
carry the ``skypilot`` marker and fail without it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path
from typing import Any

import pytest
import sky_rs
from sky_rs._domains import REGISTRY, SKYPILOT_HOMES

PACKAGE = Path(__file__).parent.parent / "packages" / "sky-rs"
PURELIB = PACKAGE / "purelib"
PTH = PURELIB / "zz_sky_rs_install.pth"
ALL_NAMES = {module: sorted(names) for module, names in SKYPILOT_HOMES.items()}
SKY_VARS = ("SKY_RS_INSTALL", "SKY_RS_USE_RUST", "SKYPILOT_USE_RUST", "SKY_RS_DISABLE")

# Prints, per SkyPilot module, which accelerated names are the sky_rs functions.
REPORT = """
import json, sys
import sky_rs
from sky_rs._domains import SKYPILOT_HOMES
def ours():
    return {m: sorted(n for n in names if getattr(sys.modules[m], n, None) is getattr(sky_rs, n))
            for m, names in SKYPILOT_HOMES.items() if m in sys.modules}
"""


def child_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SKY_VARS}
    env.update(values)
    return env


def run_python(
    code: str, *, env: dict[str, str] | None = None, args: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args, "-c", REPORT + textwrap.dedent(code)],
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


def test_the_plan_comes_from_the_registry() -> None:
    assert {
        home: sorted(n for n, f in REGISTRY.items() if f.skypilot_home == home)
        for home in {f.skypilot_home for f in REGISTRY.values() if f.skypilot_home}
    } == ALL_NAMES
    assert all(sky_rs.is_rust_available(d) for d in ("io", "string", "system", "process"))


@pytest.mark.skypilot
def test_install_before_import_patches_through_the_hook_and_never_imports_skypilot() -> None:
    out = result_of(
        """
        result = sky_rs.install()
        imported = "sky" in sys.modules
        import sky.utils.common_utils as c, sky.utils.subprocess_utils as s
        print(json.dumps([imported, result.patched, result.pending, ours(),
                          c.hash_file is sky_rs.hash_file,
                          sky_rs.get_backend_info()["skypilot"]]))
        """
    )
    imported, patched, pending, now, hash_file_is_ours, info = out
    assert imported is False
    assert patched == {}
    assert pending == ALL_NAMES
    assert now == ALL_NAMES
    assert hash_file_is_ours is True
    assert info["patched"] is True and info["version"] == "0.14.1"
    assert {m: sorted(n) for m, n in info["names"].items()} == ALL_NAMES


@pytest.mark.skypilot
def test_install_after_import_patches_at_once_idempotently_and_uninstall_restores() -> None:
    out = result_of(
        """
        import sky.utils.common_utils as c, sky.utils.subprocess_utils as s
        from sky_rs._install import _SkyPilotFinder
        first, second = sky_rs.install(), sky_rs.install()
        finders = sum(isinstance(f, _SkyPilotFinder) for f in sys.meta_path)
        after_install = ours()
        c.format_float = user = lambda num, precision=1: "mine"  # a user's own rebinding
        restored = sky_rs.uninstall()
        homes = {m: sorted(n for n in names if getattr(sys.modules[m], n).__module__ == m)
                 for m, names in SKYPILOT_HOMES.items()}
        print(json.dumps([first.patched, second.patched, first.pending, finders, after_install,
                          restored, homes, c.format_float is user, ours(),
                          sky_rs.get_backend_info()["skypilot"]["installed"],
                          c.base36_encode("ff"), s.get_parallel_threads(None) >= 4]))
        """
    )
    first, second, pending, finders, after_install, restored, homes, kept, now, active, *calls = out
    assert {m: sorted(n) for m, n in first.items()} == ALL_NAMES
    assert second == first
    assert pending == {}
    assert finders == 0  # nothing left to wait for
    assert after_install == ALL_NAMES
    expected_restored = {m: [n for n in names if n != "format_float"] for m, names in first.items()}
    assert restored == expected_restored
    assert homes == {m: [n for n in names if n != "format_float"] for m, names in ALL_NAMES.items()}
    assert kept is True
    assert now == {m: [] for m in ALL_NAMES}
    assert active is False
    assert calls == ["73", True]


@pytest.mark.skypilot
def test_mock_patch_of_the_module_attribute_still_wins() -> None:
    out = result_of(
        """
        from unittest import mock
        sky_rs.install()
        import sky.utils.common_utils as c, sky.utils.subprocess_utils as s
        with mock.patch("sky.utils.common_utils.get_cpu_count", return_value=12345):
            direct = c.get_cpu_count()
            through = s.common_utils.get_cpu_count()
        with mock.patch.object(s, "get_parallel_threads", return_value=-7):
            threads = s.get_parallel_threads("aws")
        print(json.dumps([direct, through, threads, ours()]))
        """
    )
    assert out == [12345, 12345, -7, ALL_NAMES]


@pytest.mark.skypilot
def test_concurrent_installs_agree_and_add_one_hook() -> None:
    out = result_of(
        """
        import threading
        from sky_rs._install import _SkyPilotFinder
        results = []
        threads = [threading.Thread(target=lambda: results.append(sky_rs.install().pending))
                   for _ in range(8)]
        for t in threads: t.start()
        for t in threads: t.join()
        finders = sum(isinstance(f, _SkyPilotFinder) for f in sys.meta_path)
        import sky.utils.common_utils
        print(json.dumps([finders, all(r == results[0] for r in results), results[0], ours()]))
        """
    )
    assert out == [1, True, ALL_NAMES, ALL_NAMES]


@pytest.mark.skypilot
def test_a_domain_on_python_is_left_alone() -> None:
    out = result_of(
        """
        result = sky_rs.install()
        import sky.utils.common_utils
        print(json.dumps([result.pending, result.reason, ours()]))
        """,
        env=child_env(SKY_RS_DISABLE="io"),
    )
    pending, reason, now = out
    io_names = {n for n, f in REGISTRY.items() if f.domain == "io"}
    common = "sky.utils.common_utils"
    assert pending[common] == sorted(set(ALL_NAMES[common]) - io_names)
    assert "domain on Python" in reason
    assert now[common] == pending[common]


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


VERSION_SCENARIO = """
import warnings
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    refused = sky_rs.install()
    import sky.utils.common_utils as c
after_import = ours()
refused_info = sky_rs.get_backend_info()["skypilot"]
forced = sky_rs.install(force=True)
mine = [(w.category.__name__, str(w.message)) for w in caught if "sky_rs" in str(w.message)]
print(json.dumps([mine, refused.pending,
                  after_import, refused_info, forced.patched, forced.reason, ours()]))
"""


def test_a_version_outside_0_14_warns_and_patches_nothing_unless_forced(tmp_path: Path) -> None:
    root = fake_skypilot(tmp_path, "0.15.0")
    out = result_of(VERSION_SCENARIO, env=child_env(PYTHONPATH=str(root)))
    caught, pending, after_import, info, forced, reason, now = out
    assert len(caught) == 1
    category, message = caught[0]
    assert category == "RuntimeWarning"
    assert "0.15.0" in message and "0.14.x" in message and "force=True" in message
    assert pending == ALL_NAMES  # the version is checked only once SkyPilot is imported
    assert after_import == {"sky.utils.common_utils": []}
    assert info["patched"] is False and info["version"] == "0.15.0"
    assert "nothing patched" in info["reason"]
    assert forced == {"sky.utils.common_utils": ["base36_encode", "format_float"]}
    assert "patched anyway" in reason and "not defined: sky.utils.common_utils.hash_file" in reason
    assert now == {"sky.utils.common_utils": ["base36_encode", "format_float"]}


@pytest.mark.skypilot
def test_a_version_mismatch_on_the_real_skypilot(tmp_path: Path) -> None:
    code = "sky_rs._install.skypilot_version = lambda: '0.13.2'\n" + VERSION_SCENARIO
    caught, _, after_import, _, forced, _, now = result_of(code)
    assert [c for c, _ in caught] == ["RuntimeWarning"]
    assert "0.13.2" in caught[0][1]
    assert after_import["sky.utils.common_utils"] == []
    assert all(names == [] for names in after_import.values())
    common = ALL_NAMES["sky.utils.common_utils"]
    assert sorted(forced["sky.utils.common_utils"]) == common
    assert now["sky.utils.common_utils"] == common


# ------------------------------------------------------------------ SKY_RS_INSTALL and the .pth


def test_the_pth_files_are_installed_in_the_dev_environment() -> None:
    shipped = sorted(p.name for p in PURELIB.iterdir() if p.suffix in (".pth", ".py"))
    assert shipped == ["_sky_rs_pth.py", PTH.name]
    for name in shipped:
        installed = Path(sysconfig.get_paths()["purelib"]) / name
        assert installed.read_text() == (PURELIB / name).read_text()


def test_the_start_up_hook_waits_for_the_package_of_every_skypilot_home() -> None:
    import _sky_rs_pth

    assert {home.partition(".")[0] for home in SKYPILOT_HOMES} == {_sky_rs_pth.SKYPILOT_PACKAGE}


def test_unset_the_pth_file_imports_nothing() -> None:
    for env in (child_env(), child_env(SKY_RS_INSTALL=""), child_env(SKY_RS_INSTALL="0")):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "pass"],
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        assert "import time" in done.stderr
        assert "sky_rs" not in done.stderr


def test_an_unknown_value_warns_and_start_up_survives() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "print('alive')"],
        env=child_env(SKY_RS_INSTALL="maybe"),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and done.stdout == "alive\n"
    assert "RuntimeWarning" in done.stderr and "SKY_RS_INSTALL='maybe'" in done.stderr


@pytest.mark.skypilot
def test_set_every_process_is_patched_at_start_up() -> None:
    out = result_of(
        """
        import sky.utils.common_utils as c, sky.utils.subprocess_utils
        print(json.dumps([c.hash_file is sky_rs.hash_file, ours()]))
        """,
        env=child_env(SKY_RS_INSTALL="1"),
    )
    assert out == [True, ALL_NAMES]


CHILDREN = """
import json, multiprocessing, subprocess, sys

def report():
    import sky.utils.common_utils as c, sky.utils.subprocess_utils as s, sky_rs
    from sky_rs._domains import SKYPILOT_HOMES
    return all(getattr(sys.modules[m], n) is getattr(sky_rs, n)
               for m, names in SKYPILOT_HOMES.items() for n in names)

if __name__ == "__main__":
    code = "import json, sys; sys.path.insert(0, sys.argv[1]); import children; "
    code += "print(json.dumps(children.report()))"
    here = sys.argv[1]
    by_subprocess = subprocess.run([sys.executable, "-c", code, here], capture_output=True,
                                   text=True, check=True).stdout
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        by_spawn = pool.apply(report)
    print(json.dumps([json.loads(by_subprocess), by_spawn, "sky" in sys.modules]))
"""


@pytest.mark.skypilot
def test_children_started_by_subprocess_and_multiprocessing_are_patched(tmp_path: Path) -> None:
    script = tmp_path / "children.py"
    script.write_text(CHILDREN)
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path)],
        env=child_env(SKY_RS_INSTALL="1"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [True, True, False]


# ------------------------------------------------------------------ sky-rs run


def sky_rs_run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sky_rs.cli", "run", *argv],
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.skypilot
def test_sky_rs_run_execs_the_command_with_skypilot_patched() -> None:
    code = REPORT + "import sky.utils.common_utils as c, os; "
    code += "print(json.dumps([os.environ['SKY_RS_INSTALL'], ours()]))"
    done = sky_rs_run("--", sys.executable, "-c", code)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ["1", ALL_NAMES]


def test_sky_rs_run_passes_the_exit_status_and_reports_bad_commands(tmp_path: Path) -> None:
    assert sky_rs_run("--", sys.executable, "-c", "raise SystemExit(5)").returncode == 5
    missing = sky_rs_run("--", "sky-rs-no-such-command")
    assert missing.returncode == 127
    assert "command not found: sky-rs-no-such-command" in missing.stderr
    not_executable = tmp_path / "script.sh"
    not_executable.write_text("echo hi\n")
    refused = sky_rs_run("--", str(not_executable))
    assert refused.returncode == 126
    assert "cannot execute" in refused.stderr
    for argv in ((), ("--",)):
        usage = sky_rs_run(*argv)
        assert usage.returncode == 2
        assert "usage: sky-rs run" in usage.stderr
        assert "a command to run is required" in usage.stderr


# ------------------------------------------------------------------ the wheel


@pytest.mark.devbuild
def test_the_wheel_ships_the_pth_file_and_it_works_in_a_fresh_venv(tmp_path: Path) -> None:
    uv = shutil.which("uv")
    if uv is None:
        pytest.fail("uv is needed to build the sky-rs wheel", pytrace=False)
    subprocess.run(
        [uv, "build", "--wheel", "--out-dir", str(tmp_path / "dist"), str(PACKAGE)],
        check=True,
        capture_output=True,
    )
    (wheel,) = (tmp_path / "dist").glob("sky_rs-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        data = {
            n.rpartition("/")[2]: n for n in archive.namelist() if ".data/" in n and n[-1] != "/"
        }
        assert sorted(data) == ["_sky_rs_pth.py", PTH.name]
        for name, entry in data.items():
            assert entry == f"sky_rs-{sky_rs.__version__}.data/purelib/{name}"
            assert archive.read(entry).decode() == (PURELIB / name).read_text()
    venv = tmp_path / "venv"
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    subprocess.run(
        [uv, "pip", "install", "--python", python, "--no-deps", "--offline", str(wheel)],
        check=True,
        capture_output=True,
    )
    fake = fake_skypilot(tmp_path / "fake", "0.14.1")
    code = """if True:
        import sys
        before = [m in sys.modules for m in ("_sky_rs_pth", "sky_rs")]
        import sky.utils.common_utils
        import sky_rs
        print(before, "sky_rs" in sys.modules, sky_rs.get_backend_info()["skypilot"]["installed"])
    """
    outputs = []
    for value in ("", "1"):
        env = child_env(SKY_RS_INSTALL=value, PYTHONPATH=str(fake))
        done = subprocess.run([python, "-c", code], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    # Unset: nothing at start-up. Set: the tiny hook at start-up, sky_rs only with SkyPilot.
    assert outputs == ["[False, False] True False\n", "[True, False] True True\n"]


@pytest.mark.skypilot
def test_mocks_inside_the_functions_no_longer_reach_them_documented_in_the_readme() -> None:
    out = result_of(
        """
        from unittest import mock
        import sky.utils.common_utils as c, sky.utils.subprocess_utils as s
        def probe():
            with mock.patch("sky.utils.common_utils.psutil.virtual_memory") as memory:
                memory.return_value.total = 3
                tiny_memory = c.get_mem_size_gb() < 1e-6
            with mock.patch("os.cpu_count", return_value=1000):
                many_cpus = s.get_parallel_threads() == 999
            with mock.patch("sky.utils.subprocess_utils.get_parallel_threads", return_value=-5):
                negative = s.get_max_workers_for_file_mounts({}) == -5
            return [tiny_memory, many_cpus, negative]
        before = probe()
        sky_rs.install()
        print(json.dumps([before, probe()]))
        """
    )
    assert out == [[True, True, True], [False, False, False]]
