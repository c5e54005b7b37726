"""system domain, pure Python. PLACEHOLDER: being written."""

from __future__ import annotations


def get_cpu_count() -> int:
    raise NotImplementedError


def get_mem_size_gb() -> float:
    raise NotImplementedError
