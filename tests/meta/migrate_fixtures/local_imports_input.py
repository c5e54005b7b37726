import typing

if typing.TYPE_CHECKING:
    from sky.utils import common_utils


def threads() -> int:
    from sky.utils import subprocess_utils  # lazy: heavy import
    return subprocess_utils.get_parallel_threads()


def encode(x: str) -> str:
    from sky.utils.common_utils import base36_encode, retry
    del retry
    return base36_encode(x)


def annotated(u: 'common_utils.Foo') -> None:
    pass
