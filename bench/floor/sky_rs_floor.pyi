"""Private benchmark floor of sky-rs: a no-op PyO3 call and unavoidable system calls."""

from typing import Any

__version__: str
KINDS: tuple[str, ...]

def noop(*args: Any, **kwargs: Any) -> None: ...
def floor(kind: str, arg: Any, iterations: int) -> float: ...
