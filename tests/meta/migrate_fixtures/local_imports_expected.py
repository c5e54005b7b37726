import typing

if typing.TYPE_CHECKING:
    from sky.utils import common_utils


def threads() -> int:
    import sky_rs  # lazy: heavy import
    return sky_rs.get_parallel_threads()


def encode(x: str) -> str:
    from sky.utils.common_utils import retry
    from sky_rs import base36_encode
    del retry
    return base36_encode(x)


def annotated(u: 'common_utils.Foo') -> None:
    pass
