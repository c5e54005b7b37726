"""get_parallel_threads on both backends: SPEC.md's formula with the standard library."""

from __future__ import annotations

import os
from types import ModuleType
from typing import Any

import pytest
import sky_rs.fallback
from hypothesis import given
from hypothesis import strategies as st

from tests.support.backends import rust_module
from tests.support.sizing import outcome, threads

# --------------------------------------------------------------------------- get_parallel_threads


@pytest.mark.parametrize(
    "cloud",
    [None, "", "aws", "gcp", "k8s", "kubernetes ", " kubernetes", "kubernetesx", "kübernetes"],
)
def test_parallel_threads_plain(process: ModuleType, cloud: str | None) -> None:
    assert process.get_parallel_threads(cloud) == threads()
    assert process.get_parallel_threads(cloud_str=cloud) == threads()


def test_parallel_threads_default_argument(process: ModuleType) -> None:
    assert process.get_parallel_threads() == threads()
    assert process.get_parallel_threads() >= 4


@pytest.mark.parametrize(
    "cloud", ["kubernetes", "KUBERNETES", "Kubernetes", "kUbErNeTeS", "\u212aubernetes"]
)
def test_parallel_threads_kubernetes(process: ModuleType, cloud: str) -> None:
    # U+212A KELVIN SIGN lower-cases to 'k' in Python's str.lower.
    assert process.get_parallel_threads(cloud) == threads(kubernetes=True)


class Cloud:
    """A non-str cloud: truthiness and lower() are its own, as in the reference."""

    def __init__(self, lowered: Any, truthy: bool = True) -> None:
        self.lowered = lowered
        self.truthy = truthy
        self.lower_calls = 0

    def __bool__(self) -> bool:
        return self.truthy

    def lower(self) -> Any:
        self.lower_calls += 1
        return self.lowered


class KubeStr(str):
    def lower(self) -> str:
        return "kubernetes"


class Loose:
    """Compares equal to anything; the comparison result is used for its truthiness."""

    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = object.__hash__


def test_parallel_threads_non_str_clouds(process: ModuleType) -> None:
    kube = Cloud("kubernetes")
    assert process.get_parallel_threads(kube) == threads(kubernetes=True)
    assert kube.lower_calls == 1
    falsy = Cloud("kubernetes", truthy=False)
    assert process.get_parallel_threads(falsy) == threads()
    assert falsy.lower_calls == 0, "lower() must not be called on a falsy cloud"
    assert process.get_parallel_threads(Cloud("aws")) == threads()
    assert process.get_parallel_threads(Cloud(Loose())) == threads(kubernetes=True)
    assert process.get_parallel_threads(KubeStr("aws")) == threads(kubernetes=True)
    assert process.get_parallel_threads(0) == threads()  # falsy: .lower() never looked up
    assert process.get_parallel_threads(b"") == threads()
    assert process.get_parallel_threads(b"kubernetes") == threads()  # b'..' != '..'


def test_parallel_threads_errors(process: ModuleType) -> None:
    with pytest.raises(AttributeError, match="'int' object has no attribute 'lower'"):
        process.get_parallel_threads(5)

    class Boom:
        def lower(self) -> str:
            raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"):
        process.get_parallel_threads(Boom())
    with pytest.raises(TypeError):
        process.get_parallel_threads("kubernetes", "extra")


def test_parallel_threads_cpu_count_none_in_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """A None or small os.cpu_count() still gives 4 (fallback; the Rust core's
    ``parallel_threads(None, ..)`` is covered by ``cargo test``: sysconf cannot be faked)."""
    for count, expected in ((None, 4), (1, 4), (5, 4), (6, 5), (64, 63)):
        monkeypatch.setattr(os, "cpu_count", lambda count=count: count)
        assert sky_rs.fallback.get_parallel_threads() == expected
        assert sky_rs.fallback.get_parallel_threads("Kubernetes") == expected * 4


@given(
    st.one_of(
        st.none(),
        st.text(max_size=12),
        st.sampled_from(["kubernetes", "KUBERNETES", "\u212aUBERNETES", "Kubernetes\u0130"]),
        st.builds(
            lambda s: "".join(s), st.lists(st.sampled_from("kKuUbBeErRnNtTsS\u212a"), max_size=11)
        ),
        st.integers(min_value=-1, max_value=1),
        st.binary(max_size=3),
    )
)
def test_parallel_threads_differential(cloud: Any) -> None:
    rust = rust_module("process")
    assert outcome(rust.get_parallel_threads, cloud) == outcome(
        sky_rs.fallback.get_parallel_threads, cloud
    )
