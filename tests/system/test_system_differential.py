"""Hypothesis: the Rust backend against the Python fallback, over generated cgroup files,
meminfo files and environment values. Same value, or same exception type and message."""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path
from typing import Callable, Union

import sky_rs._fallback.system as fallback
from hypothesis import given
from hypothesis import strategies as st

from tests.support.backends import rust_module
from tests.support.fake_roots import FakeRoots
from tests.support.hostile import DIR, MISSING, environment, write_tree

CPU_ENV = "SKYPILOT_POD_CPU_CORE_LIMIT"
GB_ENV = "SKYPILOT_POD_MEMORY_GB_LIMIT"
BYTES_ENV = "SKYPILOT_POD_MEMORY_BYTES_LIMIT"

Content = Union[str, bytes]

# Characters that matter to str.strip()/split(), float() and int(): ASCII and Unicode
# whitespace (\x1c-\x1f are whitespace to strip() but not to float()), Unicode digits.
WHITESPACE = " \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u2000\u2028\u3000"
NUMBER_CHARS = "0123456789_.eE+-infaINFAmxX" + WHITESPACE + "\u0663\u0660\u0669\uff11\x00\x7f"

whitespace = st.text(alphabet=WHITESPACE, max_size=3)


def with_underscores(digits: str, data: list[bool]) -> str:
    out = []
    for i, d in enumerate(digits):
        out.append(d)
        if i + 1 < len(digits) and d.isdigit() and digits[i + 1].isdigit() and data[i % len(data)]:
            out.append("_")
    return "".join(out)


number_text = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.integers(-(2**80), 2**80).map(str),
    st.floats().map(repr),
    st.floats().map(lambda x: f"{x:e}"),
    st.builds(
        with_underscores,
        st.integers(0, 10**15).map(str),
        st.lists(st.booleans(), min_size=1, max_size=5),
    ),
    st.sampled_from(
        [
            "max",
            "inf",
            "-inf",
            "nan",
            "-NaN",
            "Infinity",
            "iNfInItY",
            "infinit",
            "1e",
            ".",
            "1.",
            "+.5",
            "",
            "1_0",
            "1__0",
            "_1",
            "1_",
            "0x10",
            "\u0663",
            "\u0661\u0660",
            "1e999",
            "-1e999",
            "-0",
            "0",
            "1e-320",
            "100000",
            "50000",
            "-1",
        ]
    ),
    st.text(alphabet=NUMBER_CHARS, max_size=10),
    st.text(max_size=6),
)
spaced_number = st.builds(lambda a, n, b: a + n + b, whitespace, number_text, whitespace)


def file_content(text: st.SearchStrategy[str]) -> st.SearchStrategy[Content]:
    return st.one_of(
        text,
        st.binary(max_size=12),
        st.just(DIR),
        st.just(MISSING),
    )


cpu_max = file_content(
    st.one_of(
        st.builds(
            lambda a, q, sep, p, b: a + q + sep + p + b,
            whitespace,
            number_text,
            st.text(alphabet=WHITESPACE, min_size=1, max_size=2),
            number_text,
            whitespace,
        ),
        spaced_number,
    )
)
single_number = file_content(spaced_number)


def outcome(fn: Callable[[], object]) -> tuple[object, ...]:
    try:
        value = fn()
    except Exception as e:  # the point is to compare whatever is raised
        cause = e.__cause__
        return ("raised", type(e), str(e), type(cause), str(cause) if cause else None)
    if isinstance(value, float) and math.isnan(value):
        return ("nan", math.copysign(1.0, value))
    return ("value", type(value), value)


def both(name: str) -> tuple[tuple[object, ...], tuple[object, ...]]:
    """The outcome of ``name()`` on Rust, then on the fallback."""
    return outcome(getattr(rust_module("system"), name)), outcome(getattr(fallback, name))


def both_in_trees(
    roots: FakeRoots, root: Path
) -> list[tuple[tuple[object, ...], tuple[object, ...]]]:
    """Per function, the outcomes on Rust and on the fallback with ``root/cgroup`` over
    /sys/fs/cgroup and ``root/proc`` over /proc (one child of the fake-roots worker)."""
    (root / "cgroup").mkdir(exist_ok=True)
    functions = ("get_cpu_count", "get_mem_size_gb")
    calls = [(backend, name) for name in functions for backend in ("rust", "python")]
    replies = [
        outcome(reply.get)
        for reply in roots.request(calls, cgroup=root / "cgroup", proc=root / "proc")
    ]
    return [(replies[0], replies[1]), (replies[2], replies[3])]


@given(
    controllers=st.sampled_from(["file", "directory", "missing"]),
    cpu_max=cpu_max,
    quota=single_number,
    period=single_number,
    memory=single_number,
)
def test_cgroup_files(
    fake_roots: FakeRoots,
    controllers: str,
    cpu_max: Content,
    quota: Content,
    period: Content,
    memory: Content,
) -> None:
    controllers_content = {"file": "cpu memory\n", "directory": DIR, "missing": MISSING}
    files: dict[str, Content] = {
        "cgroup.controllers": controllers_content[controllers],
        "cpu.max": cpu_max,
        "cpu/cpu.cfs_quota_us": quota,
        "cpu/cpu.cfs_period_us": period,
        "memory.max": memory,
        "memory/memory.limit_in_bytes": memory,
    }
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_tree(root / "cgroup", files)
        (root / "proc").mkdir()
        (root / "proc" / "meminfo").write_text("MemTotal:       8000000 kB\n")
        (rust_cpus, python_cpus), (rust_mem, python_mem) = both_in_trees(fake_roots, root)
        assert rust_cpus == python_cpus
        assert rust_mem == python_mem


meminfo_line = st.one_of(
    st.builds(
        lambda a, key, b, value, unit: f"{a}{key}{b}{value}{unit}",
        st.text(alphabet=" \t\x0b", max_size=2),
        st.sampled_from(["MemTotal:", "MemFree:", "memtotal:", "MemTotal"]),
        st.text(alphabet=" \t\x0b\x0c\r", min_size=1, max_size=3),
        st.one_of(st.integers(-(2**40), 2**50).map(str), number_text),
        st.sampled_from([" kB", "", " kB junk"]),
    ),
    st.text(max_size=10).filter(lambda s: "\n" not in s),
)


@given(lines=st.lists(meminfo_line, max_size=4), memory=single_number, v2=st.booleans())
def test_meminfo(fake_roots: FakeRoots, lines: list[str], memory: Content, v2: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_tree(
            root / "cgroup",
            {"cgroup.controllers": "" if v2 else MISSING, "memory.max": memory},
        )
        (root / "proc").mkdir()
        (root / "proc" / "meminfo").write_bytes("\n".join(lines).encode("utf-8", "surrogatepass"))
        _, (rust_mem, python_mem) = both_in_trees(fake_roots, root)
        assert rust_mem == python_mem


def settable(value: str) -> bool:
    """Can ``value`` go into os.environ (no NUL, encodable)?"""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return False
    return True


env_value = st.one_of(spaced_number, st.text(max_size=8)).filter(settable)


@given(
    cpu=st.one_of(st.none(), env_value),
    gb=st.one_of(st.none(), env_value),
    nbytes=st.one_of(st.none(), env_value),
)
def test_environment_overrides(cpu: str | None, gb: str | None, nbytes: str | None) -> None:
    with environment(**{CPU_ENV: cpu, GB_ENV: gb, BYTES_ENV: nbytes}):
        rust_cpus, python_cpus = both("get_cpu_count")
        assert rust_cpus == python_cpus
        rust_mem, python_mem = both("get_mem_size_gb")
        assert rust_mem == python_mem


@given(value=st.binary(min_size=1, max_size=8).filter(lambda b: b"\x00" not in b))
def test_undecodable_environment_bytes(value: bytes) -> None:
    # Non-UTF-8 bytes come out of os.environ as lone surrogates (surrogateescape).
    text = os.fsdecode(value)
    try:
        os.environ[CPU_ENV] = text
        os.environ[BYTES_ENV] = text
        rust_cpus, python_cpus = both("get_cpu_count")
        assert rust_cpus == python_cpus
        rust_mem, python_mem = both("get_mem_size_gb")
        assert rust_mem == python_mem
    finally:
        os.environ.pop(CPU_ENV, None)
        os.environ.pop(BYTES_ENV, None)
