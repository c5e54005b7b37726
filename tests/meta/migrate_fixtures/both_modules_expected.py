import os
# SkyPilot utilities.
from sky.utils import ux_utils
import sky_rs  # noqa: F401


def plan(mounts):
    workers = sky_rs.get_max_workers_for_file_mounts(mounts, {})
    threads = sky_rs.get_parallel_threads('gcp')
    with ux_utils.print_exception_no_traceback():
        return min(workers, threads, sky_rs.get_cpu_count())


def alive(pid: int) -> bool:
    return sky_rs.is_process_alive(pid) and os.path.exists(f'/proc/{pid}')


def fds(path: str) -> int:
    return sky_rs.estimate_fd_for_directory(path)
