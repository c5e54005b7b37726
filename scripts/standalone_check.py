#!/usr/bin/env python3
"""One domain wheel on its own: the hostile corpus, against the meta-package's fallback.

Runs inside a venv that holds ``sky-rs-<domain>`` and nothing else of sky-rs (no ``sky_rs`` to
import); ``scripts/check_install.py`` makes that venv from ``dist/`` and calls this script:

    python standalone_check.py DOMAIN FALLBACK_PY REPO [--hide-sky-rs]

- ``FALLBACK_PY`` is ``sky_rs/_fallback/<domain>.py`` taken from the ``sky-rs`` wheel in
  ``dist/``: the code behind ``sky_rs.fallback``. It is loaded from its file under another name,
  so ``sky_rs`` itself stays absent and the wheel has to manage without it.
- ``REPO`` is the checkout, for ``tests/support/hostile.py`` (standard library only).
- ``--hide-sky-rs``: for a venv that does hold ``sky_rs`` (the dev venv, as
  ``tests/meta/test_standalone.py`` runs it): ``import sky_rs`` fails as if it were not installed.

Every case of the corpus that calls one of the wheel's functions must give the same outcome (the
value, or the exception's type and ``str``) from the wheel as from that fallback; wrong argument
counts must raise ``TypeError`` on both. For the system domain, also the hostile cgroup files and
``/proc/meminfo`` contents (bind-mounted in a private mount namespace by
``tests/support/fake_roots.py``: root, or ``unshare -r``) and environment overrides. Exits 1
on any difference.
"""

from __future__ import annotations

import importlib
import importlib.util
import pathlib
import sys
import tempfile
import warnings
from collections.abc import Callable
from types import ModuleType
from typing import Any


class _HideSkyRs:
    """A meta path finder that answers ``import sky_rs`` as if it were not installed."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == "sky_rs" or name.startswith("sky_rs."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)


def hide_sky_rs() -> None:
    assert "sky_rs" not in sys.modules, "sky_rs was imported at start-up"
    sys.meta_path.insert(0, _HideSkyRs())  # type: ignore[arg-type]


def load_reference(domain: str, path: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"reference_fallback_{domain}", path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main() -> int:
    domain, fallback_py, repo = sys.argv[1:4]
    if sys.argv[4:] == ["--hide-sky-rs"]:
        hide_sky_rs()
    else:
        assert importlib.util.find_spec("sky_rs") is None, "sky_rs is importable: not alone"
    sys.path.insert(0, repo)
    from tests.support import hostile as corpus

    reference = load_reference(domain, fallback_py)
    wheel = importlib.import_module(f"sky_rs_{domain}")
    names = [n for n in wheel.__all__ if n != "__version__"]
    failures: list[str] = []
    checked = 0

    def same(label: str, rust: Callable[[], tuple[Any, ...]], python: Callable[[], Any]) -> None:
        nonlocal checked
        checked += 1
        for _ in range(3):  # pids and ports may come or go between two calls: ask again
            got, want = rust(), python()
            if got == want:
                return
        failures.append(f"{label}: wheel {got!r} != fallback {want!r}")

    def regen(args: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(iter(a) if isinstance(a, list) else a for a in args)

    # A function with no cases of its own in the corpus gets generic ones from its signature.
    cases, arity = list(corpus.CASES), list(corpus.ARITY_CASES)
    arity_covered = {name for name, _, _ in corpus.ARITY_CASES}
    for name in sorted(set(names) & set(reference.__all__) - corpus.COVERED):
        more, more_arity = corpus.generic_cases(name, getattr(reference, name))
        cases += more
        arity += [] if name in arity_covered else more_arity
    for i, (name, args, kwargs) in enumerate(cases):
        if name not in names:
            continue
        rust, python = getattr(wheel, name), getattr(reference, name)
        if any(hasattr(a, "__next__") for a in args):  # generators are single-use
            items = tuple(list(a) if hasattr(a, "__next__") else a for a in args)
            same(
                f"{name}#{i}",
                lambda r=rust, a=items, k=kwargs: corpus.outcome(r, *regen(a), **k),
                lambda p=python, a=items, k=kwargs: corpus.outcome(p, *regen(a), **k),
            )
        else:
            same(
                f"{name}#{i} {corpus.case_id(args)}",
                lambda r=rust, a=args, k=kwargs: corpus.outcome(r, *a, **k),
                lambda p=python, a=args, k=kwargs: corpus.outcome(p, *a, **k),
            )
    for name, args, kwargs in arity:
        if name not in names:
            continue
        checked += 1
        got = corpus.outcome(getattr(wheel, name), *args, **kwargs)
        want = corpus.outcome(getattr(reference, name), *args, **kwargs)
        if not (got[0] == want[0] == "raised" and got[1] is want[1] is TypeError):
            failures.append(f"arity {name}{args}: wheel {got!r}, fallback {want!r}")

    if domain == "system":
        no_overrides: dict[str, str | None] = dict.fromkeys(corpus.ENV_VARIABLES.values())

        def both(label: str) -> None:
            for name in ("get_cpu_count", "get_mem_size_gb"):
                same(
                    f"{name} {label}",
                    lambda n=name: corpus.outcome(getattr(wheel, n)),
                    lambda n=name: corpus.outcome(getattr(reference, n)),
                )

        # The fake trees are bind-mounted over /sys/fs/cgroup and /proc in a private mount
        # namespace, in a worker process running this venv's interpreter
        # (tests/support/fake_roots.py).
        from tests.support.fake_roots import FakeRoots

        roots = FakeRoots(
            {"rust": f"sky_rs_{domain}", "python": fallback_py},
            hide=["sky_rs"] if sys.argv[4:] == ["--hide-sky-rs"] else [],
        )

        def in_trees(label: str, cgroup: pathlib.Path, proc: pathlib.Path) -> None:
            for tree in (cgroup, proc):
                tree.mkdir(parents=True, exist_ok=True)
            functions = ("get_cpu_count", "get_mem_size_gb")
            calls = [(backend, name) for name in functions for backend in ("rust", "python")]
            replies = roots.request(calls, cgroup=cgroup, proc=proc)
            for i, name in enumerate(functions):
                same(
                    f"{name} {label}",
                    lambda r=replies[2 * i]: corpus.outcome(r.get),
                    lambda r=replies[2 * i + 1]: corpus.outcome(r.get),
                )

        try:
            with tempfile.TemporaryDirectory() as tmp:
                for n, content in enumerate(corpus.HOSTILE_CONTENT):
                    for version in ("v1", "v2"):
                        base = pathlib.Path(tmp, f"{version}-{n}")
                        corpus.write_tree(base / "cgroup", corpus.cgroup_files(content, version))
                        corpus.write_tree(base / "proc", {"meminfo": "MemTotal:   8000000 kB\n"})
                        in_trees(
                            f"cgroup {version} {corpus.case_id(content)}",
                            base / "cgroup",
                            base / "proc",
                        )
                for n, meminfo in enumerate(corpus.MEMINFO):
                    base = pathlib.Path(tmp, f"meminfo-{n}")
                    corpus.write_tree(base / "proc", {"meminfo": meminfo})
                    in_trees(f"meminfo {corpus.case_id(meminfo)}", base / "cgroup", base / "proc")
        finally:
            roots.close()
        for value in corpus.ENV_VALUES:
            for variable in corpus.ENV_VARIABLES.values():
                with corpus.environment(**{**no_overrides, variable: value}):
                    both(f"{variable}={corpus.case_id(value)}")

    if domain == "string":
        print(
            'truncate_long_string("x" * 100, 10.5):',
            corpus.outcome(wheel.truncate_long_string, "x" * 100, 10.5),
        )
    bundled = f"sky_rs_{domain}._fallback"
    print(f"{domain}: the wheel's own fallback copy imported: {bundled in sys.modules}")
    if failures:
        print(f"FAILED: {len(failures)} of {checked} cases differ:", *failures[:50], sep="\n  ")
        return 1
    print(f"ok: sky-rs-{domain} alone: {checked} hostile cases agree with sky_rs.fallback")
    return 0


if __name__ == "__main__":
    warnings.simplefilter("ignore")
    sys.exit(main())
