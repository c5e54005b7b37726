import os
# SkyPilot utilities.
from sky.utils import common_utils, subprocess_utils  # noqa: F401
from sky.utils import ux_utils


def plan(mounts):
    workers = subprocess_utils.get_max_workers_for_file_mounts(mounts, {})
    threads = subprocess_utils.get_parallel_threads('gcp')
    with ux_utils.print_exception_no_traceback():
        return min(workers, threads, common_utils.get_cpu_count())


def alive(pid: int) -> bool:
    return subprocess_utils.is_process_alive(pid) and os.path.exists(f'/proc/{pid}')


def fds(path: str) -> int:
    return common_utils.estimate_fd_for_directory(path)
