"""Log helpers for the jobs controller."""
import os
import typing

from sky import sky_logging
from sky.utils.common_utils import format_exception, retry
from sky_rs import read_last_n_lines
from sky.utils.subprocess_utils import run_in_parallel
from sky_rs import get_parallel_threads

logger = sky_logging.init_logger(__name__)


@retry
def tail_logs(path: str, n: int = 20) -> typing.List[str]:
    try:
        return read_last_n_lines(path, n)
    except OSError as e:
        logger.warning(format_exception(e))
        return []


def tail_many(paths: typing.List[str]) -> typing.List[typing.List[str]]:
    return run_in_parallel(tail_logs, paths, num_threads=get_parallel_threads())
