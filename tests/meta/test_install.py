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
    assert patched == ALL_NAMES  # read after the import: the result tells what is true then
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
        first_patched, second_patched = first.patched, second.patched  # read: decided now
        finders = sum(isinstance(f, _SkyPilotFinder) for f in sys.meta_path)
        after_install = ours()
        c.format_float = user = lambda num, precision=1: "mine"  # a user's own rebinding
        restored = sky_rs.uninstall()
        homes = {m: sorted(n for n in names if getattr(sys.modules[m], n).__module__ == m)
                 for m, names in SKYPILOT_HOMES.items()}
        print(json.dumps([first_patched, second_patched, first.pending, finders, after_install,
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


def test_code_that_differs_is_kept_with_a_warning_naming_it_unless_forced(tmp_path: Path) -> None:
    root = fake_skypilot(tmp_path, "0.14.1")  # the right version number, other code
    out = result_of(CODE_SCENARIO, env=child_env(PYTHONPATH=str(root)))
    caught, pending, after_import, info, forced, reason, now = out
    assert len(caught) == 1
    category, message = caught[0]
    assert category == "RuntimeWarning"
    for name in ("base36_encode", "format_float"):
        assert f"{name} differs from the verified code (SkyPilot 0.14.1)" in message
    assert "force=True" in message
    assert pending == ALL_NAMES
    assert after_import == {"sky.utils.common_utils": []}
    assert info["patched"] is False and info["version"] == "0.14.1"
    assert info["functions"]["format_float"].startswith("kept: format_float differs")
    assert info["functions"]["hash_file"] == "not patched"
    assert forced == {"sky.utils.common_utils": ["base36_encode", "format_float"]}
    assert "not defined: sky.utils.common_utils.hash_file" in reason
    assert now == {"sky.utils.common_utils": ["base36_encode", "format_float"]}


def sourceless(root: Path) -> Path:
    """Replace the fake SkyPilot's common_utils.py by its .pyc (an install without sources)."""
    import py_compile

    source = root / "sky" / "utils" / "common_utils.py"
    py_compile.compile(str(source), cfile=str(source.with_suffix(".pyc")), doraise=True)
    source.unlink()
    return root


@pytest.mark.parametrize(("version", "patched"), [("0.14.1", True), ("0.15.0", False)])
def test_without_sources_the_version_decides(tmp_path: Path, version: str, patched: bool) -> None:
    root = sourceless(fake_skypilot(tmp_path, version))
    code = """
    import warnings
    warnings.simplefilter("ignore")
    sky_rs.install()
    import sky.utils.common_utils
    info = sky_rs.get_backend_info()["skypilot"]
    print(json.dumps([ours(), info["functions"]["format_float"]]))
    """
    now, outcome = result_of(code, env=child_env(PYTHONPATH=str(root)))
    names = ["base36_encode", "format_float"] if patched else []
    assert now == {"sky.utils.common_utils": names}
    if not patched:
        assert "source cannot be read" in outcome and "0.15.0 is not 0.14.x" in outcome


@pytest.mark.skypilot
def test_version_metadata_of_1_0_0_dev0_with_the_code_of_0_14_1_patches_all_ten(
    tmp_path: Path,
) -> None:
    dist = tmp_path / "skypilot-1.0.0.dev0.dist-info"  # found before the real one on sys.path
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: skypilot\nVersion: 1.0.0.dev0\n")
    code = """
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sky_rs.install()
        import sky.utils.common_utils, sky.utils.subprocess_utils
        info = sky_rs.get_backend_info()["skypilot"]
    mine = [str(w.message) for w in caught if "sky-rs" in str(w.message)]
    print(json.dumps([ours(), info["version"], sorted(set(info["functions"].values())), mine]))
    """
    now, version, outcomes, warned = result_of(code, env=child_env(PYTHONPATH=str(tmp_path)))
    assert version == "1.0.0.dev0"
    assert warned == []
    assert now == ALL_NAMES
    assert outcomes == ["patched"]


TAMPERED = """
import importlib.abc, importlib.util, warnings
class Tampered(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "sky.utils.subprocess_utils":
            return importlib.util.spec_from_file_location(name, sys.argv[1])
sys.meta_path.insert(0, Tampered())
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    sky_rs.install()
    import sky.utils.common_utils, sky.utils.subprocess_utils as s
    now = ours()
mine = [str(w.message) for w in caught if "sky-rs" in str(w.message)]
info = sky_rs.get_backend_info()["skypilot"]
print(json.dumps([now, mine, info["functions"], s.__file__ == sys.argv[1]]))
"""


@pytest.mark.skypilot
def test_a_changed_constant_in_a_helper_keeps_only_the_names_that_use_it(tmp_path: Path) -> None:
    import sky.utils.subprocess_utils as real

    text = Path(real.__file__).read_text()
    old = "    if cloud_str and cloud_str.lower() == 'kubernetes':\n        return 4\n"
    assert text.count(old) == 1
    tampered = tmp_path / "subprocess_utils.py"
    tampered.write_text(text.replace(old, old.replace("return 4", "return 8")))
    now, warned, functions, used = result_of(TAMPERED, args=(), argv=(str(tampered),))
    assert used is True
    kept = ["get_max_workers_for_file_mounts", "get_parallel_threads"]
    assert now == {**ALL_NAMES, "sky.utils.subprocess_utils": []}
    # SkyPilot's import calls get_parallel_threads: that first call warns for it, and deciding
    # the rest (get_backend_info) for get_max_workers_for_file_mounts.
    assert all(any(f"{name} differs from the verified code" in w for w in warned) for name in kept)
    others = [n for names in ALL_NAMES.values() for n in names if n not in kept]
    assert not any(f"{name} differs" in w for w in warned for name in others)
    assert {n for n, outcome in functions.items() if outcome != "patched"} == set(kept)


@pytest.mark.skypilot
def test_lazy_nothing_is_decided_before_a_call_and_one_call_binds_sky_rs() -> None:
    out = result_of(
        """
        sky_rs.install()
        import sky.utils.common_utils as c, sky.utils.subprocess_utils as s
        modules = sorted(m for m in sys.modules if m.startswith("sky_rs"))
        before = bound()
        wrapped = c.format_float.__wrapped__.__module__
        c.format_float(2.5); c.base36_encode("ff"); c.truncate_long_string("a b", 1)
        c.get_cpu_count(); c.get_mem_size_gb(); c.hash_file(sys.executable, "md5")
        c.find_free_port(20000); c.read_last_n_lines(sys.executable, 0)
        s.get_parallel_threads(); s.get_max_workers_for_file_mounts({})
        print(json.dumps([modules, before, wrapped, bound()]))
        """
    )
    modules, before, wrapped, after = out
    # Importing SkyPilot calls get_parallel_threads once (sky/provision/kubernetes/instance.py):
    # that decides it by its file alone (byte-identical: no parsing, so neither _fingerprint
    # nor _source_scan) and imports the process wheel; nothing else is imported or decided.
    assert modules == [
        "sky_rs", "sky_rs._domains", "sky_rs._install", "sky_rs._skypilot_fingerprints",
        "sky_rs_process", "sky_rs_process._core",
    ]  # fmt: skip
    assert before == {"sky.utils.common_utils": [], "sky.utils.subprocess_utils": [
        "get_parallel_threads"]}  # fmt: skip
    assert wrapped == "sky.utils.common_utils"
    assert after == ALL_NAMES


@pytest.mark.skypilot
def test_install_after_skypilot_imports_no_wheel_and_no_parser_until_a_call() -> None:
    """What SKY_RS_INSTALL costs a process that calls nothing: the registry and install only."""
    out = result_of(
        """
        import sky.utils.common_utils as c
        sky_rs.install()
        installed = sorted(m for m in sys.modules if m.startswith("sky_rs"))
        c.format_float(2.5)  # byte-identical files: decided without parsing
        called = sorted(m for m in sys.modules if m.startswith("sky_rs"))
        print(json.dumps([installed, called, c.format_float is sky_rs.format_float]))
        """
    )
    installed, called, bound_to_ours = out
    assert installed == ["sky_rs", "sky_rs._domains", "sky_rs._install"]
    assert called == [*installed, "sky_rs._skypilot_fingerprints", "sky_rs_string",
                      "sky_rs_string._core"]  # fmt: skip
    assert bound_to_ours is True


@pytest.mark.skypilot
def test_mock_patch_wins_before_and_after_the_first_call() -> None:
    out = result_of(
        """
        from unittest import mock
        sky_rs.install()
        import sky.utils.common_utils as c
        with mock.patch("sky.utils.common_utils.format_float", return_value="mocked"):
            before = c.format_float(1.5)
        first = c.format_float(1.5)
        with mock.patch("sky.utils.common_utils.format_float", return_value="mocked"):
            after = c.format_float(1.5)
        print(json.dumps([before, first, after, c.format_float is sky_rs.format_float]))
        """
    )
    assert out == ["mocked", "1.5", "mocked", True]


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
