"""sky_rs.install(): patches by proof of code, lazily, and says what it did (README,
"Accelerating SkyPilot"). Each scenario runs in a fresh interpreter; SkyPilot 0.14.1 (the
``skypilot`` dependency group) is the target."""

from __future__ import annotations

from pathlib import Path

import pytest
import sky_rs
from sky_rs._domains import REGISTRY

from tests.support.install import (
    ALL_NAMES,
    CODE_SCENARIO,
    child_env,
    fake_skypilot,
    result_of,
)


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
        import _sky_rs_skypilot
        first, second = sky_rs.install(), sky_rs.install()
        first_patched, second_patched = first.patched, second.patched  # read: decided now
        finders = sum(f.find_spec is _sky_rs_skypilot.find_planned for f in sys.meta_path)
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
        import _sky_rs_skypilot
        results = []
        threads = [threading.Thread(target=lambda: results.append(sky_rs.install().pending))
                   for _ in range(8)]
        for t in threads: t.start()
        for t in threads: t.join()
        finders = sum(f.find_spec is _sky_rs_skypilot.find_planned for f in sys.meta_path)
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
        "sky_rs", "sky_rs._domains", "sky_rs._install", "sky_rs_process", "sky_rs_process._core",
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
    assert called == [*installed, "sky_rs_string", "sky_rs_string._core"]
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
