from typing import Any

__version__: str

def _noop(*args: Any, **kwargs: Any) -> None: ...
