"""SKY_RS_INSTALL and the .pth start-up hook, sky-rs run, and what the sky-rs wheel ships."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
import sky_rs
from sky_rs._domains import SKYPILOT_HOMES

from tests.support.install import (
    ALL_NAMES,
    PACKAGE,
    PTH,
    PURELIB,
    REPORT,
    child_env,
    fake_skypilot,
    result_of,
)

# ------------------------------------------------------------------ SKY_RS_INSTALL and the .pth


def test_the_pth_files_are_installed_in_the_dev_environment() -> None:
    shipped = sorted(p.name for p in PURELIB.iterdir() if p.suffix in (".pth", ".py"))
    assert shipped == ["_sky_rs_pth.py", "_sky_rs_skypilot.py", PTH.name]
    for name in shipped:
        installed = Path(sysconfig.get_paths()["purelib"]) / name
        assert installed.read_text() == (PURELIB / name).read_text()


def test_the_start_up_hook_waits_for_the_package_of_every_skypilot_home() -> None:
    import _sky_rs_pth
    import _sky_rs_skypilot

    packages = {home.partition(".")[0] for home in SKYPILOT_HOMES}
    assert packages == {_sky_rs_pth.SKYPILOT_PACKAGE} == {_sky_rs_skypilot.SKYPILOT_PACKAGE}


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


def test_the_report_before_skypilot_is_imported_says_whether_the_hook_waits() -> None:
    code = "import json, sky_rs; print(json.dumps(sky_rs.get_backend_info()['skypilot']))"
    reasons = []
    for value in ("", "1"):
        done = subprocess.run(
            [sys.executable, "-c", code],
            env=child_env(SKY_RS_INSTALL=value),
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        info = json.loads(done.stdout)
        assert info["installed"] is False and info["names"] == {}
        reasons.append(info["reason"])
    assert reasons == [
        "sky_rs.install() not called",
        "SKY_RS_INSTALL is set: install() runs once SkyPilot's package is imported",
    ]


@pytest.mark.skypilot
def test_set_every_process_is_patched_at_start_up() -> None:
    out = result_of(
        """
        import sky.utils.common_utils as c, sky.utils.subprocess_utils
        now = ours()
        print(json.dumps([c.hash_file is sky_rs.hash_file, now]))
        """,
        env=child_env(SKY_RS_INSTALL="1"),
    )
    assert out == [True, ALL_NAMES]


CHILDREN = """
import json, multiprocessing, subprocess, sys

def report():
    import sky.utils.common_utils as c, sky.utils.subprocess_utils as s, sky_rs
    from sky_rs._domains import SKYPILOT_HOMES
    sky_rs.get_backend_info()  # decides every name
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
def test_set_skypilot_loads_the_hook_alone_until_a_call_then_that_domain_only() -> None:
    """Under SKY_RS_INSTALL, importing SkyPilot loads neither sky_rs nor a wheel: the call
    SkyPilot makes while it imports (get_parallel_threads) runs SkyPilot's own code, and the
    trampolines are bound once its package has executed. A first call loads its domain only;
    after one call of each, every name is the sky_rs function, sky_rs never imported."""
    code = """if True:
        import importlib.util, json, sys
        import _sky_rs_pth
        found = importlib.util.find_spec("sky") is not None  # a probe must not disarm the hook
        import sky.utils.common_utils as c, sky.utils.subprocess_utils as s
        import _sky_rs_skypilot as core
        hook_left = _sky_rs_pth._hook in sys.meta_path
        def loaded():
            return sorted(m for m in sys.modules if "sky_rs" in m)
        at_import, decided = loaded(), dict(core.state.decided)
        armed = {m: sorted(n for (home, n), t in core.state.trampolines.items()
                           if home == m and getattr(sys.modules[m], n) is t)
                 for m in (c.__name__, s.__name__)}
        threads = s.get_parallel_threads("aws")
        after_call = loaded()
        c.format_float(2.5); c.base36_encode("ff"); c.truncate_long_string("a b", 1)
        c.get_cpu_count(); c.get_mem_size_gb(); c.hash_file(sys.executable, "md5")
        c.find_free_port(20000); c.read_last_n_lines(sys.executable, 0)
        s.get_max_workers_for_file_mounts({})
        after_all = loaded()
        import sky_rs
        same = {m: sorted(n for (home, n) in core.state.trampolines
                          if home == m and getattr(sys.modules[m], n) is getattr(sky_rs, n))
                for m in (c.__name__, s.__name__)}
        print(json.dumps([found and not hook_left, at_import, decided == {}, armed, after_call,
                          threads, sky_rs.fallback.get_parallel_threads("aws"), after_all,
                          same]))
    """
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=child_env(SKY_RS_INSTALL="1"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    disarmed, at_import, undecided, armed, after_call, threads, expected, after_all, same = out
    assert disarmed is True
    assert at_import == ["_sky_rs_pth", "_sky_rs_skypilot"]
    assert undecided is True
    assert armed == ALL_NAMES
    assert after_call == [*at_import, "sky_rs_process", "sky_rs_process._core"]
    assert threads == expected
    # One call of each binds every name to the sky_rs function, sky_rs still never imported.
    wheels = [
        f"sky_rs_{d}{part}"
        for d in ("io", "process", "string", "system")
        for part in ("", "._core")
    ]
    assert after_all == sorted([*at_import, *wheels])
    assert same == ALL_NAMES


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
        assert sorted(data) == ["_sky_rs_pth.py", "_sky_rs_skypilot.py", PTH.name]
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
        ours = ("_sky_rs_pth", "_sky_rs_skypilot", "sky_rs")
        before = [m in sys.modules for m in ours]
        import sky.utils.common_utils
        after = [m in sys.modules for m in ours]
        import sky_rs
        print(before, after, sky_rs.get_backend_info()["skypilot"]["installed"])
    """
    outputs = []
    for value in ("", "1"):
        env = child_env(SKY_RS_INSTALL=value, PYTHONPATH=str(fake))
        done = subprocess.run([python, "-c", code], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    # Unset: nothing at start-up. Set: the tiny hook at start-up, the integration with SkyPilot,
    # and sky_rs never (until the child imports it).
    assert outputs == [
        "[False, False, False] [False, False, False] False\n",
        "[True, False, False] [True, True, False] True\n",
    ]


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


def test_import_sky_rs_imports_no_wheel_until_a_domain_is_used() -> None:
    code = """
    import sys
    import sky_rs
    def wheels():
        return sorted(m for m in sys.modules if m.startswith(("sky_rs_", "sky_rs.fallback")))
    before = wheels()
    sky_rs.format_float(1.5)
    print(json.dumps([before, wheels(), sky_rs.format_float is sys.modules["sky_rs_string"]
                      .format_float]))
    """
    before, after, bound_once = result_of(code)
    assert before == []
    assert after == ["sky_rs_string", "sky_rs_string._core"]
    assert bound_once is True


@pytest.mark.skypilot
def test_doctor_under_sky_rs_install_lists_each_name_patched() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sky_rs.cli", "doctor"],
        env=child_env(SKY_RS_INSTALL="1"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    for module, names in ALL_NAMES.items():
        for name in names:
            assert f"  {module}.{name}: patched\n" in done.stdout
