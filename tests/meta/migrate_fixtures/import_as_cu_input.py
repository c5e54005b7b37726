import hashlib

import sky.utils.common_utils as cu
import sky.utils.subprocess_utils as su


def digest(path: str) -> 'hashlib._Hash':
    return cu.hash_file(path, 'sha1')


def run_all(cmds):
    return su.run_in_parallel(su.run, cmds, num_threads=su.get_parallel_threads())


def short(s: str) -> str:
    return cu.truncate_long_string(s, 10, truncate_middle=True)
