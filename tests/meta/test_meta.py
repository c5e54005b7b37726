"""The meta-package: per-domain backend selection, environment switches, public API."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import sky_rs
import sky_rs.fallback
from sky_rs._domains import CONTRACT, DOMAINS, FUNCTIONS, REGISTRY

from tests.support.backends import rust_module

SELECTION_VARS = ("SKY_RS_USE_RUST", "SKYPILOT_USE_RUST", "SKY_RS_DISABLE")


def backend_info_in_subprocess(
    env: dict[str, str] | None = None, prelude: str = "", pythonpath: Path | None = None
) -> dict[str, Any]:
    """Import sky_rs in a fresh interpreter (selection happens at import) and return its info."""
    child_env = {k: v for k, v in os.environ.items() if k not in SELECTION_VARS}
    child_env.update(env or {})
    if pythonpath is not None:
        child_env["PYTHONPATH"] = str(pythonpath)
    code = prelude + "\nimport json, sky_rs; print(json.dumps(sky_rs.get_backend_info()))"
    out = subprocess.run(
        [sys.executable, "-W", "error::UserWarning", "-c", code],
        env=child_env,
        capture_output=True,
        text=True,
        check=True,
    )
    info: dict[str, Any] = json.loads(out.stdout)
    return info


def test_the_registry_matches_the_contract() -> None:
    # SPEC.md is the independent source: its `### name(...)` headings are the contract's, in order,
    # with the SkyPilot module named for each; the functions beyond them are its bullet list.
    spec = (Path(__file__).parents[2] / "docs" / "SPEC.md").read_text()
    contract, _, beyond = spec.partition("## Beyond the reference")
    assert tuple(re.findall(r"^### `(\w+)\(", contract, re.MULTILINE)) == CONTRACT
    extras = set(re.findall(r"^- `(\w+)\(", beyond, re.MULTILINE))
    assert extras == {f.name for f in REGISTRY.values() if f.extra}
    for name in CONTRACT:
        in_skypilot = "not in SkyPilot" not in re.search(rf"^### `{name}\(.*$", spec, re.M)[0]
        assert (REGISTRY[name].skypilot_home is not None) == in_skypilot, name


def test_the_public_api_has_all_functions() -> None:
    assert sorted(sky_rs.__all__) == sorted(
        [
            *FUNCTIONS,
            "__version__",
            "fallback",
            "get_backend_info",
            "install",
            "is_rust_available",
            "uninstall",
        ]
    )
    for name in FUNCTIONS:
        assert callable(getattr(sky_rs, name))
        assert callable(getattr(sky_rs.fallback, name))
        assert name in sky_rs.__all__
        assert name in sky_rs.fallback.__all__


@pytest.mark.parametrize("domain", list(DOMAINS))
def test_installed_wheels_are_selected_without_a_wrapper(domain: str) -> None:
    # In the dev environment every wheel is installed: a missing one is a failure.
    module = rust_module(domain)
    entry = sky_rs.get_backend_info()["domains"][domain]
    assert entry == {
        "backend": "rust",
        "package": DOMAINS[domain].package,
        "version": module.__version__,
        "reason": None,
    }
    assert sky_rs.is_rust_available(domain)
    for name in DOMAINS[domain].functions:
        assert getattr(sky_rs, name) is getattr(module, name)
        assert getattr(sky_rs, name) is not getattr(sky_rs.fallback, name)


@pytest.mark.parametrize("domain", list(DOMAINS))
def test_wheel_version_matches_its_distribution_metadata(domain: str) -> None:
    from importlib.metadata import version

    assert rust_module(domain).__version__ == version(DOMAINS[domain].package)


def test_overall_backend_and_version() -> None:
    info = sky_rs.get_backend_info()
    assert info["backend"] == "rust"
    assert info["version"] == sky_rs.__version__
    from importlib.metadata import version

    assert sky_rs.__version__ == version("sky-rs")
    assert sky_rs.is_rust_available()


def test_backend_info_is_a_copy() -> None:
    info = sky_rs.get_backend_info()
    info["domains"]["io"]["backend"] = "tampered"
    assert sky_rs.get_backend_info()["domains"]["io"]["backend"] == "rust"


def test_is_rust_available_rejects_unknown_domains() -> None:
    with pytest.raises(ValueError, match="unknown domain 'gpu'; known domains are io, string"):
        sky_rs.is_rust_available("gpu")


@pytest.mark.parametrize("var", ["SKY_RS_USE_RUST", "SKYPILOT_USE_RUST"])
@pytest.mark.parametrize("value", ["0", "false", "OFF", " no "])
def test_use_rust_off_switches_every_domain_to_python(var: str, value: str) -> None:
    info = backend_info_in_subprocess({var: value})
    assert info["backend"] == "python"
    for entry in info["domains"].values():
        assert entry["backend"] == "python"
        assert entry["reason"] == f"disabled by {var}={value}"
        assert entry["version"] is None


@pytest.mark.parametrize("value", ["1", "true", ""])
def test_use_rust_on_values_keep_rust(value: str) -> None:
    info = backend_info_in_subprocess({"SKY_RS_USE_RUST": value})
    assert info["backend"] == "rust"


def test_disable_lists_domains() -> None:
    info = backend_info_in_subprocess({"SKY_RS_DISABLE": "io, Process"})
    assert info["backend"] == "mixed"
    backends = {d: e["backend"] for d, e in info["domains"].items()}
    assert backends == {"io": "python", "string": "rust", "system": "rust", "process": "python"}
    assert info["domains"]["io"]["reason"] == "disabled by SKY_RS_DISABLE=io, Process"


def test_disable_warns_about_unknown_domains() -> None:
    child_env = {k: v for k, v in os.environ.items() if k not in SELECTION_VARS}
    child_env["SKY_RS_DISABLE"] = "io,gpu"
    out = subprocess.run(
        [sys.executable, "-c", "import sky_rs; print(sky_rs.is_rust_available('io'))"],
        env=child_env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "False"
    assert "RuntimeWarning: SKY_RS_DISABLE names unknown domain(s) 'gpu'" in out.stderr
    assert "known domains are io, string, system, process" in out.stderr


def test_a_missing_wheel_falls_back_with_an_install_hint() -> None:
    prelude = textwrap.dedent(
        """
        import sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name == "sky_rs_process":
                    raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        sys.meta_path.insert(0, Block())
        """
    )
    info = backend_info_in_subprocess(prelude=prelude)
    entry = info["domains"]["process"]
    assert entry["backend"] == "python"
    assert entry["reason"] == 'not installed; pip install "sky-rs[process]" to accelerate it'
    assert info["domains"]["io"]["backend"] == "rust"
    assert info["backend"] == "mixed"


def test_a_broken_wheel_falls_back_with_the_import_error(tmp_path: Path) -> None:
    broken = tmp_path / "sky_rs_string"
    broken.mkdir()
    (broken / "__init__.py").write_text(
        "raise ImportError('sky_rs_string/_core.abi3.so: wrong ELF class: ELFCLASS32')\n"
    )
    info = backend_info_in_subprocess(pythonpath=tmp_path)
    entry = info["domains"]["string"]
    assert entry["backend"] == "python"
    assert entry["reason"] == (
        "import error: ImportError: sky_rs_string/_core.abi3.so: wrong ELF class: ELFCLASS32"
    )


def test_a_wheel_missing_a_function_falls_back(tmp_path: Path) -> None:
    old = tmp_path / "sky_rs_system"
    old.mkdir()
    (old / "__init__.py").write_text("__version__ = '0.0.1'\ndef get_cpu_count(): return 1\n")
    info = backend_info_in_subprocess(pythonpath=tmp_path)
    entry = info["domains"]["system"]
    assert entry["backend"] == "python"
    assert "has no attribute 'get_mem_size_gb'" in entry["reason"]


def test_fallback_functions_work_when_everything_is_disabled() -> None:
    code = textwrap.dedent(
        """
        import os, sky_rs
        assert sky_rs.base36_encode('ff') == '73'
        assert sky_rs.format_float(2.5, 1) == '2.5'
        assert sky_rs.estimate_fd_for_directory('.') == 5 * len(os.listdir('.'))
        assert sky_rs.is_process_alive(os.getpid()) is True
        print(sky_rs.read_last_n_lines.__module__)
        """
    )
    child_env = {k: v for k, v in os.environ.items() if k not in SELECTION_VARS}
    child_env["SKY_RS_USE_RUST"] = "0"
    out = subprocess.run(
        [sys.executable, "-c", code], env=child_env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "sky_rs._fallback.io"


def _parameters(func: Any) -> list[tuple[str, Any, Any]]:
    sig = inspect.signature(func)
    return [(p.name, p.kind, p.default) for p in sig.parameters.values()]


@pytest.mark.parametrize("name", FUNCTIONS)
def test_rust_signatures_match_the_fallback(name: str) -> None:
    domain = next(d for d in DOMAINS.values() if name in d.functions)
    rust = getattr(rust_module(domain.name), name)
    assert _parameters(rust) == _parameters(getattr(sky_rs.fallback, name))


@pytest.mark.parametrize("domain", list(DOMAINS))
def test_each_wheel_is_typed(domain: str) -> None:
    """The stubs themselves are checked against the runtime by ``mypy.stubtest`` (make lint)."""
    module = importlib.import_module(DOMAINS[domain].module)
    assert module.__file__ is not None
    package_dir = Path(module.__file__).parent
    assert (package_dir / "py.typed").exists()
    assert (package_dir / "_core.pyi").exists()
