import os

__version__: str

AnyPath = str | bytes | os.PathLike[str] | os.PathLike[bytes]

def _set_roots(cgroup_root: AnyPath | None = None, proc_root: AnyPath | None = None) -> None: ...
def get_cpu_count() -> int: ...
def get_mem_size_gb() -> float: ...

__all__ = ["__version__", "_set_roots", "get_cpu_count", "get_mem_size_gb"]
